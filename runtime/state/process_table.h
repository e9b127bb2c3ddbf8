// The process table: one `Process` per thread group (keyed by tgid), each with its own fd table,
// kept current by the state updater and seeded from /proc.
//
// Contract:
// - A `Process` holds what the capture told us, or what /proc said when the process was first
//   seen. Every fact that may be unknown is an optional (or a flag): unknown is never zero.
// - `generation` is unique per Process object for the table's life, so a pid reused after exit
//   is a new object with a new generation and none of the old one's data. A parent is only
//   accepted as a parent if it started no later than the child (`parent()`), so a reused parent
//   pid never lends its name to an orphan's ancestry.
// - Bounded: at most `max_processes` entries (least recently used evicted and counted) and
//   `max_fds_per_process` fds each (an arbitrary fd evicted and counted; it is reloaded lazily
//   from /proc/<pid>/fd if asked for again). Env is cut to `max_env_bytes`.
// - Lazy /proc: `get()` loads a pid the table does not know (a process that predates us, or one
//   whose fork we lost); `fd()` loads an fd the table does not know from /proc/<pid>/fd/<n>
//   (readlink; sockets resolved to tuples from /proc/<pid>/net/{tcp,tcp6,udp,udp6,unix}). A
//   lazy read that races with the process's exit answers "unknown", never a guess.
// - Pointers returned stay valid until the entry is removed, or until the next `begin_event()`
//   after it was evicted: what a lazy load evicts (a process, an fd) is retired, not destroyed,
//   so field values of the current event may point into table entries (strings included)
//   whatever else the event loads. Callers must not hold pointers across `remove()` or
//   `create()` of the same pid.
// - Not thread-safe: one event-processing thread owns the table.
#pragma once

#include "bpf/events.h"
#include "runtime/state/container_id.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace saker::state {

enum class FdType : uint8_t {
    Unknown,
    File,
    Directory,
    Ipv4,
    Ipv6,
    Unix,
    Pipe,
    Memfd,
    Event,
    Signalfd,
    Eventpoll,
    Inotify,
    Timerfd,
    Netlink,
    Bpf,
    Userfaultfd,
    IoUring,
};

// Falco's `fd.type` ("file", "ipv4", ...) and `fd.typechar` ('f', '4', ...).
std::string_view fd_type_name(FdType t);
char fd_type_char(FdType t);

enum class L4Proto : uint8_t { Unknown, Tcp, Udp, Icmp, Raw };
std::string_view l4proto_name(L4Proto p); // "tcp", "udp", "icmp", "raw"; "" when unknown

// One socket end: a 16-byte address (IPv4 in IPv4-mapped form, as Value::of_ip wants) + port.
struct SockEnd {
    std::array<uint8_t, 16> ip{};
    uint16_t port = 0; // host byte order
    bool is_any() const;
};

// "1.2.3.4" or "::1"; IPv4-mapped addresses print as IPv4.
std::string format_ip(const std::array<uint8_t, 16>& ip);
// "1.2.3.4:80"
std::string format_end(const SockEnd& e);

struct FdInfo {
    FdType type = FdType::Unknown;
    std::string name;    // `fd.name`: resolved path, "cip:cport->sip:sport", unix path, ...
    std::string nameraw; // the path as the process passed it, if not `name` (opens only)
    std::optional<uint32_t> open_flags; // O_* as passed (Linux values)
    bool cloexec = false;
    uint64_t dev = 0; // new_encode_dev, as /proc and the probe report it; 0 = unknown
    uint64_t ino = 0; // 0 = unknown
    // Sockets.
    uint16_t family = 0; // AF_*; 0 = unknown
    L4Proto l4proto = L4Proto::Unknown;
    bool has_tuple = false;        // local/remote below are real
    SockEnd local, remote;         // this process's end and the peer's
    std::optional<bool> is_server; // true: the local end is the server (accepted/listening)
    bool connected = false;
    bool name_changed = false; // the last event that touched this fd changed its name
};

using FdMap = std::unordered_map<int32_t, FdInfo>;

// The local address a socket with an unspecified (any) local address uses to reach `remote`,
// as Falco infers it: the host interface whose network holds `remote`, else the first
// non-loopback one (IPv4), ::1 for ::1 (IPv6); `remote`'s own address family is kept.
std::array<uint8_t, 16> infer_local_ip(const std::array<uint8_t, 16>& remote);

// Renders a socket FdInfo's name from its tuple, as Falco does: client->server for a connected
// IP socket or a datagram socket with a peer (its last I/O's), the bound "ip:port" otherwise,
// the path for unix sockets.
std::string socket_name(const FdInfo& fd);

struct Process {
    uint32_t pid = 0;  // tgid
    uint32_t ppid = 0; // real parent tgid, refreshed from every event
    uint32_t tid = 0;  // the thread seen last
    // Ids in the process's own pid namespace (from the kernel at fork/exec, or /proc NSpid):
    // vtid is the main thread's; other threads' are in thread_vtids (tid -> vtid).
    std::optional<uint32_t> vpid, vtid, vpgid;
    std::unordered_map<uint32_t, uint32_t> thread_vtids;
    uint64_t generation = 0; // unique per object; a reused pid gets a new one
    uint64_t start_ns = 0;   // CLOCK_BOOTTIME ns (the probe's clock); 0 = unknown

    bool image_known = false;            // comm/exe/exepath/args are real (from exec or /proc)
    std::string comm, exe, exepath, cwd; // exe = argv[0]; cwd "" = unknown
    std::vector<std::string> args;       // argv[1..]
    std::optional<std::vector<std::string>> env;

    std::optional<uint32_t> tty, sid, pgid, loginuid, uid, gid, euid, egid; // sid, pgid: host ids
    std::optional<uint64_t> cap_effective, cap_permitted, cap_inheritable;
    bool ids_stale = false; // sid/pgid/vpgid may have changed since fork: re-read /proc on demand

    uint64_t exe_ino = 0, exe_dev = 0;
    uint64_t exe_ctime_ns = 0, exe_mtime_ns = 0; // the exe inode's times at exec; 0 = unknown
    std::optional<uint32_t> exe_flags;           // SAKER_EXE_* bits
    std::optional<ContainerRef> container;

    FdMap fds;
};

struct ProcessTableOptions {
    std::size_t max_processes = 65536;
    std::size_t max_fds_per_process = 4096;
    std::size_t max_env_bytes = SAKER_MAX_ENV; // Falco's bound (SCAP_MAX_ENV_SIZE)
    std::string proc_root = "/proc";
    bool lazy_proc = true; // allow /proc reads for unknown pids and fds
};

struct ProcessTableStats {
    uint64_t process_evictions = 0;
    uint64_t fd_evictions = 0;
    uint64_t lazy_process_loads = 0;
    uint64_t lazy_fd_loads = 0;
    uint64_t removed = 0; // exited processes reclaimed
};

class ProcessTable {
  public:
    explicit ProcessTable(ProcessTableOptions options = {});
    ~ProcessTable();
    ProcessTable(const ProcessTable&) = delete;
    ProcessTable& operator=(const ProcessTable&) = delete;

    // Loads every process in /proc (replacing nothing already known); returns how many.
    std::size_t seed();

    // Known entry, or a lazy /proc load; nullptr if neither works. Marks the entry used.
    Process* get(uint32_t pid);
    // Known entry only (no /proc read).
    Process* find(uint32_t pid);
    // The parent, if known and not younger than `p` (so a reused pid is refused).
    Process* parent(const Process& p);

    // A fresh entry for `pid`, replacing (and counting as removed) any old one.
    Process& create(uint32_t pid);
    // Takes a prepared entry (e.g. a fork copy); assigns its generation.
    Process& insert(std::unique_ptr<Process> p);
    // Removes `pid` and hands the object back (the caller may keep it for the current event).
    std::unique_ptr<Process> remove(uint32_t pid);

    // The fd, lazily loaded from /proc when unknown; nullptr if it cannot be known.
    FdInfo* fd(Process& p, int32_t fd);
    FdInfo& set_fd(Process& p, int32_t fd, FdInfo info);

    // Starts an event: destroys what evictions retired during the previous one (see above).
    void begin_event() {
        retired_processes_.clear();
        retired_fds_.clear();
    }
    // Hands back the node of an fd taken out of a table (a close): the next new fd reuses it,
    // so an open/close pair allocates nothing for the table.
    void recycle(FdMap::node_type node) {
        if (node && !spare_fd_) spare_fd_ = std::move(node);
    }

    // Loads one process from /proc (nullptr if it is gone); exposed for tests.
    std::unique_ptr<Process> load_from_proc(uint32_t pid) const;
    // /proc/<pid>/stat and status: refresh sid/pgid/vpgid if the process is still the same one
    // (otherwise keep what the kernel reported at fork).
    void refresh_ids(Process& p) const;
    // A thread's vtid from /proc/<pid>/task/<tid>/status; nullopt if it is gone.
    std::optional<uint32_t> read_vtid(uint32_t pid, uint32_t tid) const;
    // /proc/<pid>/environ, bounded; nullopt if unreadable.
    std::optional<std::vector<std::string>> read_env(uint32_t pid) const;

    // Visits every entry, least recently used first: inserting them in this order into an
    // empty table rebuilds it, LRU order included (a capture's snapshot).
    void for_each(const std::function<void(const Process&)>& fn) const;

    std::size_t size() const { return entries_.size(); }
    const ProcessTableStats& stats() const { return stats_; }
    const ProcessTableOptions& options() const { return options_; }

  private:
    struct Entry {
        std::unique_ptr<Process> proc;
        std::list<uint32_t>::iterator lru;
    };

    Process& put(std::unique_ptr<Process> p);
    void touch(Entry& e);
    void evict_if_full();
    std::optional<FdInfo> load_fd(const Process& p, int32_t fd) const;

    ProcessTableOptions options_;
    std::unordered_map<uint32_t, Entry> entries_;
    std::list<uint32_t> lru_;  // most recently used first
    Process* front_ = nullptr; // the entry at lru_.front(), found without hashing (or null)
    // Evicted during the current event, destroyed by begin_event(): a node handle keeps an fd
    // where it was, so views into its strings stay valid.
    std::vector<std::unique_ptr<Process>> retired_processes_;
    std::vector<FdMap::node_type> retired_fds_;
    FdMap::node_type spare_fd_; // see recycle()
    uint64_t next_generation_ = 1;
    ProcessTableStats stats_;
};

// Lexical path resolution as Falco does it: `path` against `base` when relative, with "." and
// ".." segments and repeated slashes folded. An empty path stays empty.
std::string resolve_path(std::string_view base, std::string_view path);

} // namespace saker::state
