#include "runtime/state/process_table.h"

#include "bpf/events.h"

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace saker::state {
namespace {

// Reads at most `max` bytes of a (proc) file; nullopt when it cannot be opened.
std::optional<std::string> read_file(const std::string& path, std::size_t max = 65536) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string out;
    char buf[4096];
    while (out.size() < max) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (out.size() > max) out.resize(max);
    return out;
}

std::optional<std::string> read_link(const std::string& path) {
    char buf[4096];
    ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
}

std::vector<std::string> split_nul(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        auto nul = s.find('\0');
        out.emplace_back(s.substr(0, nul));
        if (nul == std::string_view::npos) break;
        s.remove_prefix(nul + 1);
    }
    return out;
}

template <typename T> std::optional<T> parse_num(std::string_view s, int base = 10) {
    T v{};
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p == s.data()) return std::nullopt;
    return v;
}

std::vector<std::string_view> split_ws(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t'))
            ++i;
        std::size_t j = i;
        while (j < s.size() && s[j] != ' ' && s[j] != '\t')
            ++j;
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

uint64_t ticks_to_ns(uint64_t ticks) {
    static const long hz = ::sysconf(_SC_CLK_TCK);
    return ticks * (1000000000ull / static_cast<uint64_t>(hz > 0 ? hz : 100));
}

// /proc/<pid>/stat fields after "(comm)": state ppid pgrp session tty_nr ... starttime(19).
struct StatLine {
    uint32_t ppid = 0, pgrp = 0, session = 0, tty = 0;
    uint64_t start_ns = 0;
};

std::optional<StatLine> parse_stat(std::string_view text) {
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    auto tok = split_ws(text.substr(close + 1));
    if (tok.size() < 20) return std::nullopt;
    StatLine s;
    s.ppid = parse_num<uint32_t>(tok[1]).value_or(0);
    s.pgrp = parse_num<uint32_t>(tok[2]).value_or(0);
    s.session = parse_num<uint32_t>(tok[3]).value_or(0);
    s.tty = static_cast<uint32_t>(parse_num<int64_t>(tok[4]).value_or(0));
    s.start_ns = ticks_to_ns(parse_num<uint64_t>(tok[19]).value_or(0));
    return s;
}

// The value part of a "Key:\tvalue" line in /proc/<pid>/status.
std::string_view status_value(std::string_view text, std::string_view key) {
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto eol = text.find('\n', pos);
        std::string_view line = text.substr(pos, eol == std::string_view::npos ? eol : eol - pos);
        if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':')
            return line.substr(key.size() + 1);
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    return {};
}

// The last NSpgid column is the group as the process's own pid namespace numbers it.
void apply_nspgid(Process& p, std::string_view status) {
    auto ns = split_ws(status_value(status, "NSpgid"));
    if (!ns.empty()) p.vpgid = parse_num<uint32_t>(ns.back());
}

void apply_status(Process& p, std::string_view status) {
    auto ids = split_ws(status_value(status, "Uid"));
    if (ids.size() >= 2) p.uid = parse_num<uint32_t>(ids[0]), p.euid = parse_num<uint32_t>(ids[1]);
    ids = split_ws(status_value(status, "Gid"));
    if (ids.size() >= 2) p.gid = parse_num<uint32_t>(ids[0]), p.egid = parse_num<uint32_t>(ids[1]);
    auto cap = [&](std::string_view key) {
        auto v = split_ws(status_value(status, key));
        return v.empty() ? std::nullopt : parse_num<uint64_t>(v[0], 16);
    };
    p.cap_inheritable = cap("CapInh");
    p.cap_permitted = cap("CapPrm");
    p.cap_effective = cap("CapEff");
    auto ns = split_ws(status_value(status, "NSpid"));
    if (!ns.empty()) p.vpid = parse_num<uint32_t>(ns.back());
    apply_nspgid(p, status);
}

void apply_cmdline(Process& p, std::string_view cmdline, std::string_view comm) {
    if (!cmdline.empty() && cmdline.back() == '\0') cmdline.remove_suffix(1);
    auto argv = split_nul(cmdline);
    // Kernel threads have no argv: Falco shows their comm as the exe.
    p.exe = argv.empty() ? std::string(comm) : argv[0];
    p.args.assign(argv.empty() ? argv.end() : argv.begin() + 1, argv.end());
}

std::string trim_nl(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0'))
        s.pop_back();
    return s;
}

// ---- sockets from /proc/<pid>/net --------------------------------------------------------------

// The kernel prints each 32-bit word of an address with %08X of its in-memory (network order)
// value, i.e. byte-swapped on little-endian hosts.
bool parse_hex_addr(std::string_view s, SockEnd& out) {
    auto colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view addr = s.substr(0, colon);
    if (addr.size() != 8 && addr.size() != 32) return false;
    uint8_t bytes[16] = {};
    std::size_t words = addr.size() / 8;
    for (std::size_t w = 0; w < words; ++w) {
        auto v = parse_num<uint32_t>(addr.substr(w * 8, 8), 16);
        if (!v) return false;
        std::memcpy(bytes + w * 4, &*v, 4); // host order = the original network bytes
    }
    out.ip = {};
    if (words == 1) {
        out.ip[10] = out.ip[11] = 0xff;
        std::memcpy(out.ip.data() + 12, bytes, 4);
    } else {
        std::memcpy(out.ip.data(), bytes, 16);
    }
    out.port = parse_num<uint16_t>(s.substr(colon + 1), 16).value_or(0);
    return true;
}

struct NetLine {
    SockEnd local, remote;
    int state = 0;
    uint64_t inode = 0;
};

std::vector<NetLine> parse_net_table(std::string_view text) {
    std::vector<NetLine> out;
    std::size_t pos = text.find('\n'); // skip the header
    while (pos != std::string_view::npos && pos + 1 < text.size()) {
        auto eol = text.find('\n', pos + 1);
        auto tok =
            split_ws(text.substr(pos + 1, eol == std::string_view::npos ? eol : eol - pos - 1));
        pos = eol;
        NetLine l;
        if (tok.size() < 10 || !parse_hex_addr(tok[1], l.local) ||
            !parse_hex_addr(tok[2], l.remote))
            continue;
        l.state = parse_num<int>(tok[3], 16).value_or(0);
        l.inode = parse_num<uint64_t>(tok[9]).value_or(0);
        out.push_back(l);
    }
    return out;
}

constexpr int kTcpListen = 0x0A;

// Fills `fd` from the tcp/udp table line of socket inode `ino`; false if not found there.
bool socket_from_net(const std::string& net_dir, uint64_t ino, FdInfo& fd) {
    struct Table {
        const char* file;
        L4Proto proto;
        uint16_t family;
    };
    static constexpr Table kTables[] = {{"tcp", L4Proto::Tcp, SAKER_AF_INET},
                                        {"tcp6", L4Proto::Tcp, SAKER_AF_INET6},
                                        {"udp", L4Proto::Udp, SAKER_AF_INET},
                                        {"udp6", L4Proto::Udp, SAKER_AF_INET6}};
    for (const Table& t : kTables) {
        auto text = read_file(net_dir + "/" + t.file, 4u << 20);
        if (!text) continue;
        auto lines = parse_net_table(*text);
        for (const NetLine& l : lines) {
            if (l.inode != ino) continue;
            fd.family = t.family;
            fd.type = t.family == SAKER_AF_INET ? FdType::Ipv4 : FdType::Ipv6;
            fd.l4proto = t.proto;
            fd.local = l.local, fd.remote = l.remote, fd.has_tuple = true;
            fd.connected = t.proto == L4Proto::Tcp ? l.state != kTcpListen && l.remote.port != 0
                                                   : l.remote.port != 0;
            bool listening = false;
            for (const NetLine& o : lines)
                listening |= o.state == kTcpListen && o.local.port == l.local.port;
            fd.is_server = listening || (t.proto == L4Proto::Tcp && l.state == kTcpListen);
            fd.name = socket_name(fd);
            return true;
        }
    }
    return false;
}

bool unix_from_net(const std::string& net_dir, uint64_t ino, FdInfo& fd) {
    auto text = read_file(net_dir + "/unix", 4u << 20);
    if (!text) return false;
    std::string_view all = *text;
    std::size_t pos = all.find('\n');
    while (pos != std::string_view::npos && pos + 1 < all.size()) {
        auto eol = all.find('\n', pos + 1);
        auto tok =
            split_ws(all.substr(pos + 1, eol == std::string_view::npos ? eol : eol - pos - 1));
        pos = eol;
        if (tok.size() < 7 || parse_num<uint64_t>(tok[6]).value_or(0) != ino) continue;
        fd.type = FdType::Unix, fd.family = SAKER_AF_UNIX;
        fd.name = tok.size() > 7 ? std::string(tok[7]) : std::string();
        return true;
    }
    return false;
}

// Classifies a /proc/<pid>/fd/<n> link target that is not a plain path.
FdType anon_type(std::string_view link) {
    struct Kind {
        std::string_view prefix;
        FdType type;
    };
    static constexpr Kind kKinds[] = {
        {"pipe:", FdType::Pipe},
        {"anon_inode:[eventfd]", FdType::Event},
        {"anon_inode:[eventpoll]", FdType::Eventpoll},
        {"anon_inode:[signalfd]", FdType::Signalfd},
        {"anon_inode:inotify", FdType::Inotify},
        {"anon_inode:[timerfd]", FdType::Timerfd},
        {"anon_inode:bpf", FdType::Bpf},
        {"anon_inode:[userfaultfd]", FdType::Userfaultfd},
        {"anon_inode:[io_uring]", FdType::IoUring},
        {"/memfd:", FdType::Memfd},
    };
    for (const Kind& k : kKinds)
        if (link.starts_with(k.prefix)) return k.type;
    return FdType::Unknown;
}

uint64_t bracket_inode(std::string_view link) {
    auto open = link.find('[');
    auto close = link.find(']');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return 0;
    return parse_num<uint64_t>(link.substr(open + 1, close - open - 1)).value_or(0);
}

} // namespace

// ---- names
// ---------------------------------------------------------------------------------------

std::string_view fd_type_name(FdType t) {
    static constexpr std::string_view kNames[] = {
        "",        "file",    "directory", "ipv4",        "ipv6",      "unix",
        "pipe",    "memfd",   "event",     "signalfd",    "eventpoll", "inotify",
        "timerfd", "netlink", "bpf",       "userfaultfd", "io_uring"};
    return kNames[static_cast<std::size_t>(t)];
}

char fd_type_char(FdType t) {
    static constexpr char kChars[] = {'o', 'f', 'd', '4', '6', 'u', 'p', 'm', 'e',
                                      's', 'l', 'i', 't', 'n', 'b', 'u', 'r'};
    return kChars[static_cast<std::size_t>(t)];
}

std::string_view l4proto_name(L4Proto p) {
    switch (p) {
    case L4Proto::Tcp:
        return "tcp";
    case L4Proto::Udp:
        return "udp";
    case L4Proto::Icmp:
        return "icmp";
    case L4Proto::Raw:
        return "raw";
    default:
        return "";
    }
}

bool SockEnd::is_any() const {
    static constexpr std::array<uint8_t, 16> kZero{};
    static constexpr std::array<uint8_t, 16> kMappedZero{0, 0, 0,    0,    0, 0, 0, 0,
                                                         0, 0, 0xff, 0xff, 0, 0, 0, 0};
    return ip == kZero || ip == kMappedZero;
}

std::string format_ip(const std::array<uint8_t, 16>& ip) {
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[INET6_ADDRSTRLEN] = {};
    if (std::memcmp(ip.data(), kMapped, 12) == 0)
        ::inet_ntop(AF_INET, ip.data() + 12, buf, sizeof buf);
    else
        ::inet_ntop(AF_INET6, ip.data(), buf, sizeof buf);
    return buf;
}

std::array<uint8_t, 16> infer_local_ip(const std::array<uint8_t, 16>& remote) {
    struct Iface {
        std::array<uint8_t, 16> addr, mask;
        bool loopback;
    };
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    // The host's interfaces, read once: Falco reads them once at start too.
    static const std::vector<Iface> ifaces = [] {
        std::vector<Iface> out;
        ifaddrs* list = nullptr;
        if (::getifaddrs(&list) != 0) return out;
        for (ifaddrs* i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || !i->ifa_netmask) continue;
            Iface f{{}, {}, (i->ifa_flags & IFF_LOOPBACK) != 0};
            if (i->ifa_addr->sa_family == AF_INET) {
                std::memcpy(f.addr.data(), kMapped, 12), std::memcpy(f.mask.data(), kMapped, 12);
                std::memcpy(f.addr.data() + 12, &((sockaddr_in*)i->ifa_addr)->sin_addr, 4);
                std::memcpy(f.mask.data() + 12, &((sockaddr_in*)i->ifa_netmask)->sin_addr, 4);
            } else if (i->ifa_addr->sa_family == AF_INET6) {
                std::memcpy(f.addr.data(), &((sockaddr_in6*)i->ifa_addr)->sin6_addr, 16);
                std::memcpy(f.mask.data(), &((sockaddr_in6*)i->ifa_netmask)->sin6_addr, 16);
            } else {
                continue;
            }
            out.push_back(f);
        }
        ::freeifaddrs(list);
        return out;
    }();
    bool v4 = std::memcmp(remote.data(), kMapped, 12) == 0;
    const Iface* first = nullptr;
    for (const Iface& f : ifaces) {
        if ((std::memcmp(f.addr.data(), kMapped, 12) == 0) != v4) continue;
        bool same_net = true;
        for (std::size_t b = 0; b < 16; ++b)
            same_net &= (f.addr[b] & f.mask[b]) == (remote[b] & f.mask[b]);
        if (same_net) return f.addr;
        if (!first && !f.loopback) first = &f;
    }
    return first ? first->addr : std::array<uint8_t, 16>{};
}

std::string format_end(const SockEnd& e) {
    return format_ip(e.ip) + ":" + std::to_string(e.port);
}

std::string socket_name(const FdInfo& fd) {
    if (fd.family == SAKER_AF_UNIX) return fd.name;
    if (!fd.has_tuple) return {};
    // A datagram socket names the peer of its last I/O without being connected.
    bool has_peer = fd.connected || (fd.l4proto != L4Proto::Tcp && fd.remote.port != 0);
    if (!has_peer) return format_end(fd.local);
    bool local_server = fd.is_server.value_or(false);
    const SockEnd& client = local_server ? fd.remote : fd.local;
    const SockEnd& server = local_server ? fd.local : fd.remote;
    return format_end(client) + "->" + format_end(server);
}

namespace {

// True when `path` is absolute and already what resolve_path makes of it (no empty, "." or
// ".." segment, no trailing slash): most opened paths, returned without the segment walk.
bool is_resolved(std::string_view path) {
    if (path.empty() || path.front() != '/') return false;
    if (path.size() == 1) return true;
    for (std::size_t at = 1;;) { // `at`: the first byte of a segment
        std::size_t slash = path.find('/', at);
        std::string_view seg = path.substr(at, slash - at);
        if (seg.empty() || seg == "." || seg == "..") return false;
        if (slash == std::string_view::npos) return true;
        at = slash + 1;
    }
}

} // namespace

std::string resolve_path(std::string_view base, std::string_view path) {
    if (path.empty()) return {};
    if (is_resolved(path)) return std::string(path);
    std::string joined =
        path.front() == '/' ? std::string(path) : std::string(base) + "/" + std::string(path);
    std::vector<std::string_view> parts;
    std::string_view rest = joined;
    while (!rest.empty()) {
        auto slash = rest.find('/');
        std::string_view seg = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (!parts.empty()) parts.pop_back();
            continue;
        }
        parts.push_back(seg);
    }
    std::string out;
    for (auto seg : parts)
        out.append("/").append(seg);
    return out.empty() ? "/" : out;
}

// ---- the table
// -----------------------------------------------------------------------------------

ProcessTable::ProcessTable(ProcessTableOptions options) : options_(std::move(options)) {
    if (options_.max_processes < 64) options_.max_processes = 64; // ancestry walks need room
    if (options_.max_fds_per_process < 4) options_.max_fds_per_process = 4;
}

ProcessTable::~ProcessTable() = default;

std::size_t ProcessTable::seed() {
    DIR* dir = ::opendir(options_.proc_root.c_str());
    if (!dir) return 0;
    std::size_t n = 0;
    while (dirent* d = ::readdir(dir)) {
        auto pid = parse_num<uint32_t>(d->d_name);
        if (!pid || entries_.count(*pid)) continue;
        if (auto p = load_from_proc(*pid)) {
            put(std::move(p));
            ++n;
        }
    }
    ::closedir(dir);
    return n;
}

Process* ProcessTable::find(uint32_t pid) {
    if (front_ && front_->pid == pid) return front_; // consecutive events of one process
    auto it = entries_.find(pid);
    if (it == entries_.end()) return nullptr;
    touch(it->second);
    return it->second.proc.get();
}

Process* ProcessTable::get(uint32_t pid) {
    if (Process* p = find(pid)) return p;
    if (!options_.lazy_proc || pid == 0) return nullptr;
    auto loaded = load_from_proc(pid);
    if (!loaded) return nullptr;
    ++stats_.lazy_process_loads;
    return &put(std::move(loaded));
}

Process* ProcessTable::parent(const Process& p) {
    if (p.ppid == 0 || p.ppid == p.pid) return nullptr;
    Process* parent = get(p.ppid);
    if (!parent) return nullptr;
    // /proc start times have clock-tick resolution; allow one tick of slack.
    constexpr uint64_t kSlackNs = 20'000'000;
    if (p.start_ns && parent->start_ns && parent->start_ns > p.start_ns + kSlackNs) return nullptr;
    return parent;
}

Process& ProcessTable::create(uint32_t pid) {
    auto p = std::make_unique<Process>();
    p->pid = pid;
    p->tid = pid;
    return insert(std::move(p));
}

Process& ProcessTable::insert(std::unique_ptr<Process> p) {
    if (entries_.count(p->pid)) remove(p->pid);
    return put(std::move(p));
}

Process& ProcessTable::put(std::unique_ptr<Process> p) {
    evict_if_full();
    p->generation = next_generation_++;
    uint32_t pid = p->pid;
    lru_.push_front(pid);
    Entry& e = entries_[pid];
    e.proc = std::move(p);
    e.lru = lru_.begin();
    front_ = e.proc.get();
    return *e.proc;
}

std::unique_ptr<Process> ProcessTable::remove(uint32_t pid) {
    auto it = entries_.find(pid);
    if (it == entries_.end()) return nullptr;
    auto p = std::move(it->second.proc);
    if (front_ == p.get()) front_ = nullptr;
    lru_.erase(it->second.lru);
    entries_.erase(it);
    ++stats_.removed;
    return p;
}

void ProcessTable::for_each(const std::function<void(const Process&)>& fn) const {
    for (auto it = lru_.rbegin(); it != lru_.rend(); ++it)
        fn(*entries_.at(*it).proc);
}

void ProcessTable::touch(Entry& e) {
    if (e.lru != lru_.begin()) lru_.splice(lru_.begin(), lru_, e.lru);
    front_ = e.proc.get();
}

void ProcessTable::evict_if_full() {
    while (entries_.size() >= options_.max_processes && !lru_.empty()) {
        auto victim = entries_.find(lru_.back());
        if (front_ == victim->second.proc.get()) front_ = nullptr;
        retired_processes_.push_back(std::move(victim->second.proc));
        entries_.erase(victim);
        lru_.pop_back();
        ++stats_.process_evictions;
    }
}

FdInfo* ProcessTable::fd(Process& p, int32_t fd) {
    if (fd < 0) return nullptr;
    if (auto it = p.fds.find(fd); it != p.fds.end()) return &it->second;
    if (!options_.lazy_proc) return nullptr;
    auto loaded = load_fd(p, fd);
    if (!loaded) return nullptr;
    ++stats_.lazy_fd_loads;
    return &set_fd(p, fd, std::move(*loaded));
}

FdInfo& ProcessTable::set_fd(Process& p, int32_t fd, FdInfo info) {
    auto it = p.fds.find(fd);
    if (it != p.fds.end()) {
        it->second = std::move(info);
        return it->second;
    }
    if (p.fds.size() >= options_.max_fds_per_process) {
        retired_fds_.push_back(p.fds.extract(p.fds.begin()));
        ++stats_.fd_evictions;
    }
    if (!spare_fd_) return p.fds.emplace(fd, std::move(info)).first->second;
    spare_fd_.key() = fd;
    spare_fd_.mapped() = std::move(info);
    return p.fds.insert(std::move(spare_fd_)).position->second;
}

// ---- /proc loading
// -------------------------------------------------------------------------------

std::unique_ptr<Process> ProcessTable::load_from_proc(uint32_t pid) const {
    const std::string dir = options_.proc_root + "/" + std::to_string(pid);
    auto stat_text = read_file(dir + "/stat");
    auto status = read_file(dir + "/status");
    auto stat = stat_text ? parse_stat(*stat_text) : std::nullopt;
    if (!stat || !status) return nullptr;
    // A pid in /proc that is really a thread (not a group leader) is not a process.
    auto tgid = parse_num<uint32_t>(split_ws(status_value(*status, "Tgid")).empty()
                                        ? std::string_view()
                                        : split_ws(status_value(*status, "Tgid"))[0]);
    if (tgid && *tgid != pid) return nullptr;

    auto p = std::make_unique<Process>();
    p->pid = p->tid = pid;
    p->ppid = stat->ppid;
    p->start_ns = stat->start_ns;
    p->sid = stat->session, p->pgid = stat->pgrp, p->tty = stat->tty;
    apply_status(*p, *status);
    p->vtid = p->vpid;
    p->comm = trim_nl(read_file(dir + "/comm").value_or(""));
    apply_cmdline(*p, read_file(dir + "/cmdline").value_or(""), p->comm);
    p->exepath = read_link(dir + "/exe").value_or("");
    p->image_known = true;
    p->cwd = read_link(dir + "/cwd").value_or("");
    if (auto lu = read_file(dir + "/loginuid")) p->loginuid = parse_num<uint32_t>(trim_nl(*lu));
    struct stat st {};
    if (::stat((dir + "/exe").c_str(), &st) == 0) {
        p->exe_ino = st.st_ino;
        p->exe_dev = (major(st.st_dev) << 20) | minor(st.st_dev);
    }
    if (auto cg = read_file(dir + "/cgroup")) p->container = container_from_proc_cgroup(*cg);
    p->env = read_env(pid);
    return p;
}

void ProcessTable::refresh_ids(Process& p) const {
    p.ids_stale = false;
    const std::string dir = options_.proc_root + "/" + std::to_string(p.pid);
    auto text = read_file(dir + "/stat");
    auto stat = text ? parse_stat(*text) : std::nullopt;
    constexpr uint64_t kSlackNs = 20'000'000;
    bool same = stat && (!p.start_ns || (stat->start_ns + kSlackNs >= p.start_ns &&
                                         stat->start_ns <= p.start_ns + kSlackNs));
    if (!same) return; // gone or reused: what the kernel reported at fork stays
    p.sid = stat->session, p.pgid = stat->pgrp;
    if (auto status = read_file(dir + "/status")) apply_nspgid(p, *status);
}

std::optional<uint32_t> ProcessTable::read_vtid(uint32_t pid, uint32_t tid) const {
    auto status = read_file(options_.proc_root + "/" + std::to_string(pid) + "/task/" +
                            std::to_string(tid) + "/status");
    auto ns = status ? split_ws(status_value(*status, "NSpid")) : std::vector<std::string_view>{};
    if (ns.empty()) return std::nullopt;
    return parse_num<uint32_t>(ns.back());
}

std::optional<std::vector<std::string>> ProcessTable::read_env(uint32_t pid) const {
    auto text = read_file(options_.proc_root + "/" + std::to_string(pid) + "/environ",
                          options_.max_env_bytes);
    if (!text) return std::nullopt;
    std::string_view s = *text;
    if (!s.empty() && s.back() == '\0') s.remove_suffix(1);
    return split_nul(s);
}

std::optional<FdInfo> ProcessTable::load_fd(const Process& p, int32_t fd) const {
    const std::string dir = options_.proc_root + "/" + std::to_string(p.pid);
    const std::string path = dir + "/fd/" + std::to_string(fd);
    auto link = read_link(path);
    if (!link) return std::nullopt;
    FdInfo info;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        info.ino = st.st_ino;
        info.dev = (major(st.st_dev) << 20) | minor(st.st_dev);
    }
    auto fdinfo = read_file(dir + "/fdinfo/" + std::to_string(fd), 4096);
    if (fdinfo) {
        auto v = split_ws(status_value(*fdinfo, "flags"));
        if (!v.empty()) info.open_flags = parse_num<uint32_t>(v[0], 8);
        info.cloexec = info.open_flags && (*info.open_flags & O_CLOEXEC);
    }
    if (link->starts_with("socket:")) {
        uint64_t ino = bracket_inode(*link);
        if (!socket_from_net(dir + "/net", ino, info) && !unix_from_net(dir + "/net", ino, info))
            info.type = FdType::Unknown, info.name = *link;
        return info;
    }
    FdType anon = anon_type(*link);
    if (anon != FdType::Unknown) {
        info.type = anon;
        info.name = *link;
        if (anon == FdType::Memfd && info.name.ends_with(" (deleted)"))
            info.name.resize(info.name.size() - 10);
        return info;
    }
    if (!link->starts_with("/")) {
        info.name = *link;
        return info;
    }
    info.type = S_ISDIR(st.st_mode) ? FdType::Directory : FdType::File;
    info.name = *link;
    return info;
}

} // namespace saker::state
