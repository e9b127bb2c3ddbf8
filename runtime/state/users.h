// User and group names (`user.name`, `group.name`, home, shell) resolved from the passwd and
// group files of a process's own root: the host ("/") or a container ("/proc/<pid>/root").
//
// Contract:
// - Never throws; every failure (missing root, unreadable or hostile file) answers "unknown"
//   (std::nullopt), never a stale or guessed value.
// - The files are parsed into memory once per root and re-read when their identity changes
//   (device, inode, size, mtime, ctime), checked at most once per `recheck_interval` per root.
//   A file that disappears or turns unreadable empties that table rather than keeping old names.
// - At most `max_roots` roots are cached; the least recently used is evicted and counted.
// - Files are read as the container sees them: symlinks resolve inside the given root (openat2
//   RESOLVE_IN_ROOT), so a container cannot point us at host files; only regular files of at
//   most `max_file_bytes` are read, opened non-blocking so a FIFO cannot stall us.
// - Parsing is strict, like glibc's files backend: passwd lines need exactly 7 fields and group
//   lines exactly 4, ids must be plain decimal below 2^32-1, names non-empty; lines longer
//   than `max_line_bytes`, NIS `+`/`-` lines and malformed lines are skipped; for a duplicate
//   id the first entry wins, as with getpwuid(3).
// - The root string is the cache key. A caller keying on /proc/<pid>/root must call forget()
//   when that pid exits, so a reused pid cannot see the previous owner's tables.
// - Thread-safe: one internal mutex (lookups are map reads; files are re-read rarely).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace saker::state {

struct UserEntry {
    std::string name;
    uint32_t gid = 0;
    std::string home;
    std::string shell;
};

struct GroupEntry {
    std::string name;
};

struct UserDbOptions {
    std::size_t max_roots = 64;
    std::chrono::milliseconds recheck_interval{1000};
    std::size_t max_file_bytes = 8u << 20;
    std::size_t max_line_bytes = 4096;
};

// Parsed tables; exposed for tests and for callers that already hold the file text.
using UserTable = std::unordered_map<uint32_t, UserEntry>;
using GroupTable = std::unordered_map<uint32_t, GroupEntry>;
UserTable parse_passwd(std::string_view text, std::size_t max_line_bytes = 4096);
GroupTable parse_group(std::string_view text, std::size_t max_line_bytes = 4096);

class UserDb {
  public:
    explicit UserDb(UserDbOptions options = {});
    ~UserDb();
    UserDb(const UserDb&) = delete;
    UserDb& operator=(const UserDb&) = delete;

    std::optional<UserEntry> user(std::string_view root, uint32_t uid) noexcept;
    std::optional<GroupEntry> group(std::string_view root, uint32_t gid) noexcept;

    // Drops a root's cached tables (e.g. its process exited); not counted as an eviction.
    void forget(std::string_view root) noexcept;

    std::size_t cached_roots() const noexcept;
    uint64_t evictions() const noexcept;
    uint64_t reloads() const noexcept; // file (re)parses, for tests and metrics

  private:
    struct RootTables;
    using Lru = std::list<RootTables>;

    RootTables& tables_for(std::string_view root, std::chrono::steady_clock::time_point now);
    void refresh(RootTables& tables, std::chrono::steady_clock::time_point now);

    UserDbOptions options_;
    mutable std::mutex mutex_;
    Lru lru_; // most recently used first
    std::unordered_map<std::string, Lru::iterator> by_root_;
    uint64_t evictions_ = 0;
    uint64_t reloads_ = 0;
};

} // namespace saker::state
