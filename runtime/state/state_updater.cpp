#include "runtime/state/state_updater.h"

#include "bpf/syscalls_x86_64.h"
#include "runtime/capture/syscalls.h"
#include "runtime/state/users.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace saker::state {
namespace {

using capture::EventType;

constexpr int64_t kAtFdcwd = -100;
constexpr uint64_t kMfdCloexec = 1;
constexpr int kAfNetlink = 16;
constexpr uint64_t kSockTypeMask = 0xf;
constexpr int kSockStream = 1, kSockDgram = 2, kSockRaw = 3;
constexpr int kIpprotoIcmp = 1, kIpprotoIcmpv6 = 58;
constexpr int kPrSetName = 15;

using capture::param_index;

constexpr std::size_t kMaxThreadVtids = 4096;

std::optional<uint32_t> u32_of(const capture::Event& ev, size_t param) {
    if (auto v = ev.u64(param)) return static_cast<uint32_t>(*v);
    return std::nullopt;
}

int64_t s64_or(const capture::Event& ev, size_t param, int64_t dflt) {
    return ev.s64(param).value_or(dflt);
}

SockEnd end_of(const saker_sockaddr& sa) {
    SockEnd e;
    if (sa.family == SAKER_AF_INET) {
        e.ip[10] = e.ip[11] = 0xff;
        std::memcpy(e.ip.data() + 12, sa.u.ip, 4);
    } else if (sa.family == SAKER_AF_INET6) {
        std::memcpy(e.ip.data(), sa.u.ip, 16);
    }
    e.port = static_cast<uint16_t>((sa.port >> 8) | (sa.port << 8));
    return e;
}

std::string unix_path(const saker_sockaddr& sa) {
    std::size_t n = ::strnlen(sa.u.path + (sa.u.path[0] == '\0' ? 1 : 0), SAKER_UNIX_PATH_MAX - 1);
    if (sa.u.path[0] == '\0') return n ? "@" + std::string(sa.u.path + 1, n) : std::string();
    return std::string(sa.u.path, n);
}

void set_family(FdInfo& fd, uint16_t family) {
    fd.family = family;
    if (family == SAKER_AF_INET)
        fd.type = FdType::Ipv4;
    else if (family == SAKER_AF_INET6)
        fd.type = FdType::Ipv6;
    else if (family == SAKER_AF_UNIX)
        fd.type = FdType::Unix;
    else if (family == kAfNetlink)
        fd.type = FdType::Netlink;
}

// Takes the kernel's view of a socket (after connect/accept/bind) into `fd`.
void apply_tuple(FdInfo& fd, const saker_tuple& t) {
    if (t.local.family == 0 && t.remote.family == 0) return;
    set_family(fd, t.local.family ? t.local.family : t.remote.family);
    if (fd.family == SAKER_AF_UNIX) {
        std::string remote = unix_path(t.remote), local = unix_path(t.local);
        fd.name = !remote.empty() ? remote : local;
        return;
    }
    fd.local = end_of(t.local), fd.remote = end_of(t.remote);
    fd.has_tuple = true;
}

} // namespace

std::string_view falco_event_name(const capture::Event& ev) {
    switch (ev.type()) {
    case EventType::PROC_EXIT:
        return "procexit";
    case EventType::PROC_FORK:
        return "";
    default:
        break;
    }
    if (ev.hdr.syscall_nr == SAKER_NR_umount2) return "umount2";
    return capture::syscall_name(ev.hdr.syscall_nr);
}

StateUpdater::StateUpdater(ProcessTable& table, UserDb* users) : table_(table), users_(users) {}

const EventContext& StateUpdater::apply(const capture::Event& ev) {
    // The last event's procexit object, closed fd and evicted entries: nobody may point at
    // them any more.
    ctx_.exited.reset();
    table_.recycle(std::move(ctx_.closed_fd));
    table_.begin_event();
    ctx_.event = &ev;
    ctx_.num = ++count_;
    ctx_.type_name = falco_event_name(ev);
    ctx_.fd = nullptr;
    ctx_.fd_num = -1;
    ctx_.has_fd = false;
    ctx_.fd_name_changed = false;
    ctx_.process = process_for(ev);
    if (!ctx_.process) return ctx_;
    switch (ev.type()) {
    case EventType::CLONE:
        on_clone(ev);
        break;
    case EventType::PROC_FORK:
        on_fork(ev);
        break;
    case EventType::PROC_EXIT:
        on_exit(ev);
        break;
    case EventType::EXECVE:
        on_exec(ev);
        break;
    case EventType::OPEN:
        on_open(ev);
        break;
    case EventType::FD:
        on_fd(ev);
        break;
    case EventType::DUP:
        on_dup(ev);
        break;
    case EventType::SOCKET:
        on_socket(ev);
        break;
    case EventType::SOCKADDR_OP:
        on_sockaddr(ev);
        break;
    case EventType::LISTEN:
        on_listen(ev);
        break;
    case EventType::ACCEPT:
        on_accept(ev);
        break;
    case EventType::SOCKIO:
        on_sockio(ev);
        break;
    case EventType::PIPE:
        on_pipe(ev);
        break;
    case EventType::MEMFD:
        on_memfd(ev);
        break;
    case EventType::PATH:
        on_path(ev);
        break;
    case EventType::SETID:
        on_setid(ev);
        break;
    case EventType::CAPSET:
        on_capset(ev);
        break;
    case EventType::PRCTL:
        on_prctl(ev);
        break;
    case EventType::MMAP:
        on_fd_param(ev, param_index(EventType::MMAP, "fd"));
        break;
    case EventType::SETNS:
        on_fd_param(ev, param_index(EventType::SETNS, "fd"));
        break;
    case EventType::MODULE:
        on_fd_param(ev, param_index(EventType::MODULE, "fd"));
        break;
    case EventType::CHMOD:
    case EventType::CHOWN: {
        // Both layouts start with fd,path: the same indices.
        static_assert(param_index(EventType::CHMOD, "path") ==
                      param_index(EventType::CHOWN, "path"));
        static_assert(param_index(EventType::CHMOD, "fd") == param_index(EventType::CHOWN, "fd"));
        const capture::Param* path = ev.param(param_index(EventType::CHMOD, "path"));
        if (!path || !path->present()) on_fd_param(ev, param_index(EventType::CHMOD, "fd"));
        break;
    }
    case EventType::IO:
        on_fd_param(ev, param_index(EventType::IO, "fd"));
        break;
    case EventType::GENERIC:
        if (ev.hdr.syscall_nr == SAKER_NR_setsid || ev.hdr.syscall_nr == SAKER_NR_setpgid)
            on_pgrp(ev);
        break;
    default:
        break;
    }
    return ctx_;
}

// The event's process, created bare when neither the table nor /proc knows it (it died before
// we looked): later events still find it, and its exit reclaims it.
Process* StateUpdater::process_for(const capture::Event& ev) {
    Process* p = table_.get(ev.hdr.pid);
    if (!p && ev.type() == EventType::PROC_EXIT) return nullptr;
    if (!p && ev.type() == EventType::CLONE && ev.hdr.ret == 0) {
        on_clone(ev); // a child whose fork record we lost: copy its parent
        p = table_.find(ev.hdr.pid);
    }
    if (!p) p = &table_.create(ev.hdr.pid);
    if (ev.hdr.ppid) p->ppid = ev.hdr.ppid;
    p->tid = ev.hdr.tid;
    return p;
}

void StateUpdater::on_clone(const capture::Event& ev) {
    if (ev.hdr.ret != 0 || table_.find(ev.hdr.pid)) return;
    Process* parent = table_.get(ev.hdr.ppid);
    if (!parent) return;
    auto child = std::make_unique<Process>(*parent);
    child->pid = child->tid = ev.hdr.pid;
    child->ppid = ev.hdr.ppid;
    child->start_ns = ev.hdr.ts_ns;
    child->vpid.reset(), child->vtid.reset(), child->vpgid.reset(), child->thread_vtids.clear();
    child->sid.reset(), child->pgid.reset(); // the parent's, maybe changed since: re-read
    child->ids_stale = true;
    table_.insert(std::move(child));
}

void StateUpdater::on_fork(const capture::Event& ev) {
    uint32_t child_tid = u32_of(ev, param_index(EventType::PROC_FORK, "child_tid")).value_or(0);
    uint32_t child_pid = u32_of(ev, param_index(EventType::PROC_FORK, "child_pid")).value_or(0);
    auto vtid = u32_of(ev, param_index(EventType::PROC_FORK, "vtid"));
    Process& parent = *ctx_.process;
    if (!child_pid) return;
    if (child_tid != child_pid) { // a new thread of the same process: remember its vtid
        if (vtid && parent.thread_vtids.size() < kMaxThreadVtids)
            parent.thread_vtids[child_tid] = *vtid;
        return;
    }
    auto child = std::make_unique<Process>(parent);
    child->pid = child->tid = child_pid;
    child->ppid = parent.pid;
    child->start_ns = ev.hdr.ts_ns;
    child->thread_vtids.clear();
    // The kernel's numbers for the child: in a new pid namespace (unshare, setns, a
    // container's init) they differ from anything the parent has.
    child->vtid = vtid;
    child->vpid = u32_of(ev, param_index(EventType::PROC_FORK, "vpid"));
    child->pgid = u32_of(ev, param_index(EventType::PROC_FORK, "pgid"));
    child->vpgid = u32_of(ev, param_index(EventType::PROC_FORK, "vpgid"));
    child->sid = u32_of(ev, param_index(EventType::PROC_FORK, "sid"));
    // The name the kernel gave the child, as Falco takes it from the clone: it differs from
    // the parent's last exec when the parent renamed itself (prctl PR_SET_NAME), and the
    // prctl itself is not captured unless a rule asks for it.
    if (auto comm = ev.str(param_index(EventType::PROC_FORK, "comm")); comm && !comm->empty())
        child->comm = std::string(*comm);
    child->ids_stale = true; // setpgid by the parent is not seen in the child: /proc if alive
    table_.insert(std::move(child));
}

// setsid() makes the caller leader of a new session and group; setpgid(pid, pgid) moves
// `pid` (0: the caller) into group `pgid` (0: its own), both numbered in the caller's
// namespace. Where the numbers cannot be mapped to host ids, the ids are re-read from /proc.
void StateUpdater::on_pgrp(const capture::Event& ev) {
    if (ev.hdr.ret < 0) return;
    Process& p = *ctx_.process;
    if (ev.hdr.syscall_nr == SAKER_NR_setsid) {
        p.sid = p.pgid = p.pid, p.vpgid = p.vpid, p.ids_stale = false;
        return;
    }
    uint32_t who = u32_of(ev, param_index(EventType::GENERIC, "a0")).value_or(0);
    uint32_t group = u32_of(ev, param_index(EventType::GENERIC, "a1")).value_or(0);
    bool host_ns = p.vpid && *p.vpid == p.pid;
    Process* target = who == 0 || (p.vpid && who == *p.vpid) ? &p
                      : host_ns                              ? table_.find(who)
                                                             : nullptr;
    if (!target) return;
    uint32_t target_vpid = target->vpid.value_or(0);
    if (group == 0 || group == target_vpid)
        target->pgid = target->pid, target->vpgid = target->vpid;
    else if (host_ns)
        target->pgid = target->vpgid = group;
    else
        target->ids_stale = true;
}

void StateUpdater::on_exit(const capture::Event& ev) {
    Process* p = ctx_.process;
    if (!ev.u64(param_index(EventType::PROC_EXIT, "group_dead")).value_or(0)) {
        p->thread_vtids.erase(ev.hdr.tid);
        return;
    }
    if (users_ && p->container && !p->container->is_host())
        users_->forget("/proc/" + std::to_string(p->pid) + "/root");
    ctx_.exited = table_.remove(p->pid);
    ctx_.process = ctx_.exited.get();
}

void StateUpdater::on_exec(const capture::Event& ev) {
    if (ev.hdr.ret != 0 || !ev.param(param_index(EventType::EXECVE, "exe")))
        return; // a failed exec changes nothing
    Process& p = *ctx_.process;
    if (auto argv = ev.param(param_index(EventType::EXECVE, "argv"))->strlist()) {
        p.exe = argv->empty() ? std::string() : std::string((*argv)[0]);
        p.args.assign(argv->empty() ? argv->end() : argv->begin() + 1, argv->end());
    }
    p.exepath = std::string(ev.str(param_index(EventType::EXECVE, "exe")).value_or(""));
    p.comm = std::string(ev.str(param_index(EventType::EXECVE, "comm")).value_or(""));
    p.image_known = true;
    if (auto cwd = ev.str(param_index(EventType::EXECVE, "cwd"))) p.cwd = std::string(*cwd);
    auto u32 = [&](size_t n) -> std::optional<uint32_t> {
        if (auto v = ev.u64(n)) return static_cast<uint32_t>(*v);
        return std::nullopt;
    };
    p.tty = u32(param_index(EventType::EXECVE, "tty")),
    p.loginuid = u32(param_index(EventType::EXECVE, "loginuid"));
    p.uid = u32(param_index(EventType::EXECVE, "uid")),
    p.gid = u32(param_index(EventType::EXECVE, "gid")),
    p.euid = u32(param_index(EventType::EXECVE, "euid")),
    p.egid = u32(param_index(EventType::EXECVE, "egid"));
    p.cap_inheritable = ev.u64(param_index(EventType::EXECVE, "cap_inheritable"));
    p.cap_permitted = ev.u64(param_index(EventType::EXECVE, "cap_permitted"));
    p.cap_effective = ev.u64(param_index(EventType::EXECVE, "cap_effective"));
    p.exe_ino = ev.u64(param_index(EventType::EXECVE, "exe_ino")).value_or(0);
    p.exe_dev = ev.u64(param_index(EventType::EXECVE, "exe_dev")).value_or(0);
    p.exe_flags = u32(param_index(EventType::EXECVE, "exe_flags"));
    if (auto cg = ev.str(param_index(EventType::EXECVE, "cgroup")))
        p.container = container_from_cgroup_path(*cg);
    // The kernel's ids and exe times at exec: right even once the process has exited.
    p.vtid = u32(param_index(EventType::EXECVE, "vtid"));
    p.vpid = u32(param_index(EventType::EXECVE, "vpid"));
    p.pgid = u32(param_index(EventType::EXECVE, "pgid"));
    p.vpgid = u32(param_index(EventType::EXECVE, "vpgid"));
    p.sid = u32(param_index(EventType::EXECVE, "sid"));
    p.ids_stale = !p.sid;   // a record without them: read /proc when asked
    p.thread_vtids.clear(); // exec leaves one thread
    p.exe_ctime_ns = ev.u64(param_index(EventType::EXECVE, "exe_ctime")).value_or(0);
    p.exe_mtime_ns = ev.u64(param_index(EventType::EXECVE, "exe_mtime")).value_or(0);
    p.env.reset(); // unknown unless the record carries it (then read lazily from /proc)
    if (const capture::Param* env = ev.param(param_index(EventType::EXECVE, "env")))
        if (auto vars = env->strlist()) p.env.emplace(vars->begin(), vars->end());
    std::erase_if(p.fds, [](const auto& kv) { return kv.second.cloexec; });
}

std::string StateUpdater::base_dir(Process& p, int64_t dirfd) {
    if (dirfd == kAtFdcwd) return p.cwd;
    FdInfo* fd = table_.fd(p, static_cast<int32_t>(dirfd));
    if (!fd || (fd->type != FdType::Directory && fd->type != FdType::File)) return {};
    return fd->name;
}

void StateUpdater::point_at(Process& p, int64_t fd) {
    ctx_.has_fd = true;
    ctx_.fd_num = fd;
    ctx_.fd = fd >= 0 ? table_.fd(p, static_cast<int32_t>(fd)) : nullptr;
}

FdInfo& StateUpdater::put_fd(Process& p, int64_t fd, FdInfo info) {
    FdInfo& stored = table_.set_fd(p, static_cast<int32_t>(fd), std::move(info));
    ctx_.has_fd = true;
    ctx_.fd_num = fd;
    ctx_.fd = &stored;
    return stored;
}

void StateUpdater::on_open(const capture::Event& ev) {
    Process& p = *ctx_.process;
    std::string_view path = ev.str(param_index(EventType::OPEN, "path")).value_or("");
    FdInfo fd;
    std::string base =
        path.starts_with('/')
            ? std::string()
            : base_dir(p, s64_or(ev, param_index(EventType::OPEN, "dirfd"), kAtFdcwd));
    fd.name = path.starts_with('/') || !base.empty() ? resolve_path(base, path) : std::string(path);
    if (fd.name != path) fd.nameraw = std::string(path); // empty: the same as the name
    fd.open_flags =
        static_cast<uint32_t>(ev.u64(param_index(EventType::OPEN, "flags")).value_or(0));
    fd.cloexec = *fd.open_flags & O_CLOEXEC;
    fd.type = (*fd.open_flags & O_DIRECTORY) ? FdType::Directory : FdType::File;
    fd.dev = ev.u64(param_index(EventType::OPEN, "dev")).value_or(0);
    fd.ino = ev.u64(param_index(EventType::OPEN, "ino")).value_or(0);
    if (ev.hdr.ret >= 0) {
        put_fd(p, ev.hdr.ret, std::move(fd));
        return;
    }
    // A failed open: Falco still shows the attempted path, with fd.num -1.
    ctx_.fd_copy = std::move(fd);
    ctx_.fd = &ctx_.fd_copy;
    ctx_.has_fd = true;
    ctx_.fd_num = -1;
}

void StateUpdater::on_fd(const capture::Event& ev) {
    Process& p = *ctx_.process;
    int64_t n = s64_or(ev, param_index(EventType::FD, "fd"), -1);
    ctx_.has_fd = true;
    ctx_.fd_num = n;
    if (ev.hdr.syscall_nr == SAKER_NR_fchdir) {
        ctx_.fd = n >= 0 ? table_.fd(p, static_cast<int32_t>(n)) : nullptr;
        if (ev.hdr.ret == 0 && ctx_.fd && ctx_.fd->type == FdType::Directory) p.cwd = ctx_.fd->name;
        return;
    }
    // close: no lazy load (the fd is gone from /proc, or is already a newer one).
    auto it = p.fds.find(static_cast<int32_t>(n));
    if (it == p.fds.end()) return;
    if (ev.hdr.ret != 0) { // a failed close leaves the fd open
        ctx_.fd = &it->second;
        return;
    }
    ctx_.closed_fd = p.fds.extract(it); // no copy: the node moves, its strings stay put
    ctx_.fd = &ctx_.closed_fd.mapped();
}

void StateUpdater::on_dup(const capture::Event& ev) {
    Process& p = *ctx_.process;
    int64_t oldfd = s64_or(ev, param_index(EventType::DUP, "oldfd"), -1);
    if (ev.hdr.ret < 0 || oldfd < 0) {
        point_at(p, oldfd);
        return;
    }
    FdInfo* src = table_.fd(p, static_cast<int32_t>(oldfd));
    FdInfo copy = src ? *src : FdInfo{};
    copy.cloexec = ev.u64(param_index(EventType::DUP, "flags")).value_or(0) &
                   O_CLOEXEC; // dup/dup2 clear it, dup3 may set it
    copy.name_changed = false;
    if (!src) { // unknown source: the new fd is unknown too, not stale
        p.fds.erase(static_cast<int32_t>(ev.hdr.ret));
        point_at(p, ev.hdr.ret);
        return;
    }
    put_fd(p, ev.hdr.ret, std::move(copy));
}

void StateUpdater::on_socket(const capture::Event& ev) {
    if (ev.hdr.ret < 0) return;
    FdInfo fd;
    set_family(fd,
               static_cast<uint16_t>(ev.u64(param_index(EventType::SOCKET, "domain")).value_or(0)));
    uint64_t type = ev.u64(param_index(EventType::SOCKET, "type")).value_or(0);
    int proto = static_cast<int>(ev.u64(param_index(EventType::SOCKET, "protocol")).value_or(0));
    int st = static_cast<int>(type & kSockTypeMask);
    if (fd.family == SAKER_AF_INET || fd.family == SAKER_AF_INET6) {
        if (proto == kIpprotoIcmp || proto == kIpprotoIcmpv6)
            fd.l4proto = L4Proto::Icmp;
        else if (st == kSockStream)
            fd.l4proto = L4Proto::Tcp;
        else if (st == kSockDgram)
            fd.l4proto = L4Proto::Udp;
        else if (st == kSockRaw)
            fd.l4proto = L4Proto::Raw;
    }
    fd.cloexec = type & O_CLOEXEC; // SOCK_CLOEXEC == O_CLOEXEC
    put_fd(*ctx_.process, ev.hdr.ret, std::move(fd));
}

void StateUpdater::on_sockaddr(const capture::Event& ev) {
    Process& p = *ctx_.process;
    point_at(p, s64_or(ev, param_index(EventType::SOCKADDR_OP, "fd"), -1));
    if (!ctx_.fd) return;
    FdInfo& fd = *ctx_.fd;
    std::string old = fd.name;
    bool connect = ev.hdr.syscall_nr == SAKER_NR_connect;
    bool ok = ev.hdr.ret == 0 || (connect && ev.hdr.ret == -EINPROGRESS);
    auto tuple = ev.param(param_index(EventType::SOCKADDR_OP, "tuple"))
                     ? ev.param(param_index(EventType::SOCKADDR_OP, "tuple"))->tuple()
                     : std::nullopt;
    auto addr = ev.param(param_index(EventType::SOCKADDR_OP, "addr"))
                    ? ev.param(param_index(EventType::SOCKADDR_OP, "addr"))->sockaddr()
                    : std::nullopt;
    if (ok && tuple) apply_tuple(fd, *tuple);
    if (connect && addr && addr->family != 0 && (!ok || !tuple)) {
        set_family(fd, addr->family); // failed: Falco shows the address that was asked for
        if (addr->family == SAKER_AF_UNIX)
            fd.name = unix_path(*addr);
        else
            fd.remote = end_of(*addr), fd.has_tuple = true;
    }
    if (connect) {
        fd.is_server = false;
        fd.connected = ok && (fd.family == SAKER_AF_UNIX || fd.remote.port != 0);
    }
    if (fd.family != SAKER_AF_UNIX)
        fd.name = socket_name(fd);
    else if (!connect && addr)
        fd.name = unix_path(*addr);
    fd.name_changed = fd.name != old;
    ctx_.fd_name_changed = fd.name_changed;
}

void StateUpdater::on_listen(const capture::Event& ev) {
    point_at(*ctx_.process, s64_or(ev, param_index(EventType::LISTEN, "fd"), -1));
    if (ctx_.fd && ev.hdr.ret == 0) ctx_.fd->is_server = true;
}

void StateUpdater::on_accept(const capture::Event& ev) {
    Process& p = *ctx_.process;
    if (ev.hdr.ret < 0) {
        point_at(p, s64_or(ev, param_index(EventType::ACCEPT, "fd"), -1));
        return;
    }
    FdInfo* listener =
        table_.fd(p, static_cast<int32_t>(s64_or(ev, param_index(EventType::ACCEPT, "fd"), -1)));
    FdInfo fd;
    fd.l4proto = listener ? listener->l4proto : L4Proto::Unknown;
    if (auto t = ev.param(param_index(EventType::ACCEPT, "tuple"))
                     ? ev.param(param_index(EventType::ACCEPT, "tuple"))->tuple()
                     : std::nullopt)
        apply_tuple(fd, *t);
    if (fd.l4proto == L4Proto::Unknown && (fd.type == FdType::Ipv4 || fd.type == FdType::Ipv6))
        fd.l4proto = L4Proto::Tcp; // accept only works on connection-oriented sockets
    fd.is_server = true;
    fd.connected = true;
    fd.cloexec = ev.u64(param_index(EventType::ACCEPT, "flags")).value_or(0) & O_CLOEXEC;
    if (fd.family != SAKER_AF_UNIX)
        fd.name = socket_name(fd);
    else if (fd.name.empty() && listener)
        fd.name = listener->name;
    put_fd(p, ev.hdr.ret, std::move(fd));
}

// As Falco does: a TCP socket keeps the tuple of its connect/accept; any other IP socket
// (datagrams, or a stream whose connect we missed) takes the tuple of each successful I/O, the
// peer being the syscall's address (sendto's destination, recvfrom's source, msg_name) when it
// passes one, else the socket's own peer. The first I/O decides the role, as Falco guesses it:
// whoever receives first is the server. An unspecified local address is inferred from the
// host's interfaces, as Falco patches it.
void StateUpdater::on_sockio(const capture::Event& ev) {
    point_at(*ctx_.process, s64_or(ev, param_index(EventType::SOCKIO, "fd"), -1));
    if (!ctx_.fd || ev.hdr.ret < 0) return;
    FdInfo& fd = *ctx_.fd;
    if (fd.family == SAKER_AF_UNIX || (fd.l4proto == L4Proto::Tcp && fd.has_tuple)) return;
    const capture::Param* tp = ev.param(param_index(EventType::SOCKIO, "tuple"));
    const capture::Param* ap = ev.param(param_index(EventType::SOCKIO, "addr"));
    auto t = tp ? tp->tuple() : std::nullopt;
    auto addr = ap ? ap->sockaddr() : std::nullopt;
    bool ip_addr = addr && (addr->family == SAKER_AF_INET || addr->family == SAKER_AF_INET6);
    if (!t || (t->local.family != SAKER_AF_INET && t->local.family != SAKER_AF_INET6)) return;
    if (!ip_addr && t->remote.port == 0 && fd.has_tuple) return; // no peer named: keep the last
    std::string old = fd.name;
    apply_tuple(fd, *t);
    if (ip_addr) fd.remote = end_of(*addr);
    if (fd.remote.port == 0) { // nobody on the other end yet: the bound address only
        fd.name = socket_name(fd);
        ctx_.fd_name_changed = fd.name_changed = fd.name != old;
        return;
    }
    if (fd.local.is_any()) fd.local.ip = infer_local_ip(fd.remote.ip);
    if (fd.l4proto == L4Proto::Unknown) fd.l4proto = L4Proto::Udp; // Falco's assumption too
    bool incoming = ev.hdr.syscall_nr == SAKER_NR_recvfrom || ev.hdr.syscall_nr == SAKER_NR_recvmsg;
    if (!fd.is_server) fd.is_server = incoming;
    // fd.connected stays what connect() made it: the `inbound`/`outbound` macros tell an
    // unconnected datagram socket by fd.connected=false (libsinsp sets it on any successful
    // I/O before the rules run, which leaves their UDP halves unable to fire).
    fd.name = socket_name(fd);
    ctx_.fd_name_changed = fd.name_changed = fd.name != old;
}

void StateUpdater::on_pipe(const capture::Event& ev) {
    if (ev.hdr.ret != 0) return;
    Process& p = *ctx_.process;
    bool cloexec = ev.u64(param_index(EventType::PIPE, "flags")).value_or(0) & O_CLOEXEC;
    int64_t fds[2] = {s64_or(ev, param_index(EventType::PIPE, "fd0"), -1),
                      s64_or(ev, param_index(EventType::PIPE, "fd1"), -1)};
    for (int64_t n : {fds[1], fds[0]}) { // fd0 last: the context points at the read end
        if (n < 0) continue;
        FdInfo fd;
        fd.type = FdType::Pipe;
        fd.cloexec = cloexec;
        put_fd(p, n, std::move(fd));
    }
}

void StateUpdater::on_memfd(const capture::Event& ev) {
    if (ev.hdr.ret < 0) return;
    FdInfo fd;
    fd.type = FdType::Memfd;
    fd.name = "memfd:" + std::string(ev.str(param_index(EventType::MEMFD, "name")).value_or(""));
    fd.cloexec = ev.u64(param_index(EventType::MEMFD, "flags")).value_or(0) & kMfdCloexec;
    put_fd(*ctx_.process, ev.hdr.ret, std::move(fd));
}

void StateUpdater::on_path(const capture::Event& ev) {
    if (ev.hdr.syscall_nr != SAKER_NR_chdir || ev.hdr.ret != 0) return;
    Process& p = *ctx_.process;
    std::string_view path = ev.str(param_index(EventType::PATH, "path")).value_or("");
    if (path.starts_with('/'))
        p.cwd = resolve_path("", path);
    else if (!p.cwd.empty())
        p.cwd = resolve_path(p.cwd, path);
}

void StateUpdater::on_setid(const capture::Event& ev) {
    if (ev.hdr.ret != 0) return;
    Process& p = *ctx_.process;
    auto u32 = [&](size_t n) -> std::optional<uint32_t> {
        if (auto v = ev.u64(n)) return static_cast<uint32_t>(*v);
        return std::nullopt;
    };
    p.uid = u32(param_index(EventType::SETID, "uid")),
    p.euid = u32(param_index(EventType::SETID, "euid")),
    p.gid = u32(param_index(EventType::SETID, "gid")),
    p.egid = u32(param_index(EventType::SETID, "egid"));
}

void StateUpdater::on_capset(const capture::Event& ev) {
    if (ev.hdr.ret != 0) return;
    Process& p = *ctx_.process;
    p.cap_inheritable = ev.u64(param_index(EventType::CAPSET, "cap_inheritable"));
    p.cap_permitted = ev.u64(param_index(EventType::CAPSET, "cap_permitted"));
    p.cap_effective = ev.u64(param_index(EventType::CAPSET, "cap_effective"));
}

void StateUpdater::on_prctl(const capture::Event& ev) {
    if (ev.hdr.ret != 0 ||
        ev.u64(param_index(EventType::PRCTL, "option")).value_or(0) != kPrSetName)
        return;
    if (auto name = ev.str(param_index(EventType::PRCTL, "name")))
        ctx_.process->comm = std::string(name->substr(0, 15));
}

void StateUpdater::on_fd_param(const capture::Event& ev, size_t param) {
    auto n = ev.s64(param);
    if (n && *n >= 0) point_at(*ctx_.process, *n);
}

} // namespace saker::state
