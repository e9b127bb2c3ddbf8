#include "users.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>

namespace saker::state {
namespace {

using Clock = std::chrono::steady_clock;

// ---- parsing ---------------------------------------------------------------------------------

// Exactly N ':'-separated fields, or false: a short or long line is malformed, not guessed at.
template <std::size_t N>
bool split_fields(std::string_view line, std::array<std::string_view, N>& out) {
    for (std::size_t i = 0; i + 1 < N; ++i) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) return false;
        out[i] = line.substr(0, colon);
        line.remove_prefix(colon + 1);
    }
    if (line.find(':') != std::string_view::npos) return false;
    out[N - 1] = line;
    return true;
}

// Plain decimal; (uint32_t)-1 is excluded because the kernel uses it to mean "no id".
std::optional<uint32_t> parse_id(std::string_view s) {
    uint64_t value = 0;
    if (s.empty() || s.size() > 10) return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size() || value >= 0xFFFFFFFFull)
        return std::nullopt;
    return static_cast<uint32_t>(value);
}

// Names end up in alert output; control characters there could forge log lines or terminal
// escapes, so a field carrying one makes the whole line malformed.
bool is_clean(std::string_view s) {
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

// Calls fn(line) for each candidate line: not empty, not over the cap, not a NIS compat entry.
template <typename Fn> void for_each_line(std::string_view text, std::size_t max_line, Fn&& fn) {
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const auto line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        if (line.empty() || line.size() > max_line) continue;
        if (line.front() == '+' || line.front() == '-') continue;
        if (is_clean(line)) fn(line);
    }
}

// ---- reading files inside a root -----------------------------------------------------------

class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&&) = delete;
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

  private:
    int fd_;
};

constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

// Kernels before 5.6 lack openat2: walk the path refusing every symlink instead, which is
// stricter (a container whose /etc/passwd is a symlink reads as unknown) but never escapes.
Fd open_no_symlinks(int dir, const char* etc_name, const char* file_name) {
    Fd etc(::openat(dir, etc_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!etc) return Fd{};
    return Fd(::openat(etc.get(), file_name, kReadFlags | O_NOFOLLOW));
}

// Opens <root>/etc/<file_name> with symlinks resolved as if `root` were "/".
Fd open_in_root(const std::string& root, const char* file_name) {
    Fd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir) return Fd{};
    const std::string relative = std::string("etc/") + file_name;
    open_how how{};
    how.flags = kReadFlags;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir.get(), relative.c_str(), &how, sizeof how);
    if (fd >= 0) return Fd(static_cast<int>(fd));
    if (errno != ENOSYS) return Fd{};
    return open_no_symlinks(dir.get(), "etc", file_name);
}

// What we compare to decide whether a file changed since it was parsed.
struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = 0;
    timespec mtime{};
    timespec ctime{};
    bool present = false;

    bool operator==(const FileStamp& o) const {
        return present == o.present && dev == o.dev && ino == o.ino && size == o.size &&
               mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
               ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
    }
};

std::optional<FileStamp> stamp_of(int fd, std::size_t max_bytes) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > max_bytes) return std::nullopt;
    return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim, true};
}

// Reads at most max_bytes; a file that grew past the cap since fstat counts as unreadable.
std::optional<std::string> read_capped(int fd, std::size_t max_bytes) {
    std::string text;
    char buf[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) return text;
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::nullopt;
        }
        if (text.size() + static_cast<std::size_t>(n) > max_bytes) return std::nullopt;
        text.append(buf, static_cast<std::size_t>(n));
    }
}

} // namespace

UserTable parse_passwd(std::string_view text, std::size_t max_line_bytes) {
    UserTable table;
    for_each_line(text, max_line_bytes, [&](std::string_view line) {
        std::array<std::string_view, 7> f; // name:passwd:uid:gid:gecos:home:shell
        if (!split_fields(line, f) || f[0].empty()) return;
        const auto uid = parse_id(f[2]);
        const auto gid = parse_id(f[3]);
        if (!uid || !gid) return;
        table.try_emplace(*uid,
                          UserEntry{std::string(f[0]), *gid, std::string(f[5]), std::string(f[6])});
    });
    return table;
}

GroupTable parse_group(std::string_view text, std::size_t max_line_bytes) {
    GroupTable table;
    for_each_line(text, max_line_bytes, [&](std::string_view line) {
        std::array<std::string_view, 4> f; // name:passwd:gid:members
        if (!split_fields(line, f) || f[0].empty()) return;
        if (const auto gid = parse_id(f[2])) table.try_emplace(*gid, GroupEntry{std::string(f[0])});
    });
    return table;
}

struct UserDb::RootTables {
    std::string root;
    bool checked = false;
    Clock::time_point last_check{};
    FileStamp passwd_stamp;
    FileStamp group_stamp;
    UserTable users;
    GroupTable groups;
};

namespace {

// Re-parses one file if its stamp moved; anything unreadable empties the table (unknown beats
// stale). Returns true if it parsed.
template <typename Table, typename Parse>
bool reload_if_changed(const std::string& root, const char* file_name, const UserDbOptions& opt,
                       FileStamp& stamp, Table& table, Parse parse) {
    Fd fd = open_in_root(root, file_name);
    const auto now_stamp = fd ? stamp_of(fd.get(), opt.max_file_bytes) : std::nullopt;
    if (now_stamp && *now_stamp == stamp) return false;
    const auto text = now_stamp ? read_capped(fd.get(), opt.max_file_bytes) : std::nullopt;
    if (!text) {
        stamp = FileStamp{};
        table.clear();
        return false;
    }
    table = parse(*text, opt.max_line_bytes);
    stamp = *now_stamp;
    return true;
}

} // namespace

UserDb::UserDb(UserDbOptions options) : options_(options) {
    if (options_.max_roots == 0) options_.max_roots = 1;
}

UserDb::~UserDb() = default;

UserDb::RootTables& UserDb::tables_for(std::string_view root, Clock::time_point now) {
    const std::string key(root);
    if (auto it = by_root_.find(key); it != by_root_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);
    } else {
        lru_.emplace_front();
        lru_.front().root = key;
        by_root_.emplace(key, lru_.begin());
        if (lru_.size() > options_.max_roots) {
            by_root_.erase(lru_.back().root);
            lru_.pop_back();
            ++evictions_;
        }
    }
    refresh(lru_.front(), now);
    return lru_.front();
}

void UserDb::refresh(RootTables& t, Clock::time_point now) {
    if (t.checked && now - t.last_check < options_.recheck_interval) return;
    t.checked = true;
    t.last_check = now;
    reloads_ +=
        reload_if_changed(t.root, "passwd", options_, t.passwd_stamp, t.users, parse_passwd);
    reloads_ += reload_if_changed(t.root, "group", options_, t.group_stamp, t.groups, parse_group);
}

std::optional<UserEntry> UserDb::user(std::string_view root, uint32_t uid) noexcept {
    if (root.empty()) return std::nullopt;
    try {
        std::lock_guard lock(mutex_);
        const auto& users = tables_for(root, Clock::now()).users;
        if (auto it = users.find(uid); it != users.end()) return it->second;
    } catch (...) { // allocation failure: answer unknown rather than take the agent down
    }
    return std::nullopt;
}

std::optional<GroupEntry> UserDb::group(std::string_view root, uint32_t gid) noexcept {
    if (root.empty()) return std::nullopt;
    try {
        std::lock_guard lock(mutex_);
        const auto& groups = tables_for(root, Clock::now()).groups;
        if (auto it = groups.find(gid); it != groups.end()) return it->second;
    } catch (...) {
    }
    return std::nullopt;
}

void UserDb::forget(std::string_view root) noexcept {
    try {
        std::lock_guard lock(mutex_);
        if (auto it = by_root_.find(std::string(root)); it != by_root_.end()) {
            lru_.erase(it->second);
            by_root_.erase(it);
        }
    } catch (...) {
    }
}

std::size_t UserDb::cached_roots() const noexcept {
    std::lock_guard lock(mutex_);
    return lru_.size();
}

uint64_t UserDb::evictions() const noexcept {
    std::lock_guard lock(mutex_);
    return evictions_;
}

uint64_t UserDb::reloads() const noexcept {
    std::lock_guard lock(mutex_);
    return reloads_;
}

} // namespace saker::state
