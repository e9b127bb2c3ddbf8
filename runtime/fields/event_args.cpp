// evt.arg / evt.args: each event's parameters under Falco's names and in Falco's order, rendered
// as Falco renders them. A parameter has a raw text (`3`, `524288`) and, for some kinds, a
// resolved one (`<f>/etc/passwd`, `O_RDONLY|O_CLOEXEC`, `ENOENT`); evt.arg answers the resolved
// text when there is one (as libsinsp does), evt.args prints `name=raw(resolved)`.
#include "runtime/fields/event_args.h"

#include "runtime/capture/decoder.h"
#include "runtime/fields/event_fields.h"

#include <cstdio>
#include <unordered_map>

namespace saker::fields {
namespace {

using K = ArgKind;

// Falco's parameter lists for the exit events the probe produces (params it has no value for
// are left out), each with Falco's type. Sources name a layout param, or "ret" / "tid" /
// "pid" / "ppid" from the header.
const std::unordered_map<std::string_view, std::vector<ArgDesc>>& arg_table() {
    using FS = FlagSet;
    // Syscalls of one family that Falco describes with the same parameters share a list.
    static const std::vector<ArgDesc> kOpenAt = {
        {"fd", "ret", K::Fd},         {"dirfd", "dirfd", K::Fd},
        {"name", "path", K::RelPath}, {"flags", "flags", K::Flags, FS::Open},
        {"mode", "mode", K::Oct},     {"dev", "dev", K::Hex},
        {"ino", "ino", K::Dec}};
    static const std::vector<ArgDesc> kChown = {{"res", "ret", K::Errno},
                                                {"path", "path", K::Path},
                                                {"uid", "uid", K::Dec},
                                                {"gid", "gid", K::Dec}};
    static const std::vector<ArgDesc> kSockIo = {{"res", "ret", K::Errno},
                                                 {"data", "data", K::Data},
                                                 {"fd", "fd", K::Fd},
                                                 {"size", "size", K::Dec},
                                                 {"tuple", "tuple", K::Tuple}};
    static const std::vector<ArgDesc> kSockMsg = {{"res", "ret", K::Errno},
                                                  {"data", "data", K::Data},
                                                  {"fd", "fd", K::Fd},
                                                  {"tuple", "tuple", K::Tuple}};
    static const std::vector<ArgDesc> kIo = {{"res", "ret", K::Errno},
                                             {"data", "data", K::Data},
                                             {"fd", "fd", K::Fd},
                                             {"size", "size", K::Dec}};
    static const std::vector<ArgDesc> kKill = {
        {"res", "ret", K::Errno}, {"pid", "tgid", K::Pid}, {"sig", "sig", K::Signal}};
    static const std::unordered_map<std::string_view, std::vector<ArgDesc>> t = {
        {"open",
         {{"fd", "ret", K::Fd},
          {"name", "path", K::Path},
          {"flags", "flags", K::Flags, FS::Open},
          {"mode", "mode", K::Oct},
          {"dev", "dev", K::Hex},
          {"ino", "ino", K::Dec}}},
        {"openat", kOpenAt},
        {"openat2", kOpenAt},
        {"creat",
         {{"fd", "ret", K::Fd},
          {"name", "path", K::Path},
          {"mode", "mode", K::Oct},
          {"dev", "dev", K::Hex},
          {"ino", "ino", K::Dec}}},
        {"execve",
         {{"res", "ret", K::Errno},
          {"exe", "argv", K::Argv0},
          {"args", "argv", K::Args},
          {"tid", "tid", K::Pid},
          {"pid", "pid", K::Pid},
          {"ptid", "ppid", K::Pid},
          {"cwd", "cwd", K::Str},
          {"comm", "comm", K::Str},
          {"cgroups", "cgroup", K::Str},
          {"tty", "tty", K::Dec},
          {"loginuid", "loginuid", K::Uid},
          {"flags", "exe_flags", K::Flags, FS::Exe},
          {"cap_inheritable", "cap_inheritable", K::Hex},
          {"cap_permitted", "cap_permitted", K::Hex},
          {"cap_effective", "cap_effective", K::Hex},
          {"exe_ino", "exe_ino", K::Dec},
          {"uid", "euid", K::Uid},
          {"trusted_exepath", "exe", K::Str},
          {"gid", "egid", K::Gid},
          {"filename", "filename", K::Str}}},
        {"clone", {{"res", "ret", K::Pid}, {"flags", "flags", K::Flags, FS::Clone}}},
        {"close", {{"res", "ret", K::Errno}, {"fd", "fd", K::Fd}}},
        {"fchdir", {{"res", "ret", K::Errno}, {"fd", "fd", K::Fd}}},
        {"chdir", {{"res", "ret", K::Errno}, {"path", "path", K::Str}}},
        {"dup", {{"res", "ret", K::Fd}, {"oldfd", "oldfd", K::Fd}}},
        {"dup2", {{"res", "ret", K::Fd}, {"oldfd", "oldfd", K::Fd}, {"newfd", "newfd", K::Fd}}},
        {"dup3",
         {{"res", "ret", K::Fd},
          {"oldfd", "oldfd", K::Fd},
          {"newfd", "newfd", K::Fd},
          {"flags", "flags", K::Flags, FS::Open}}},
        {"socket",
         {{"fd", "ret", K::Fd},
          {"domain", "domain", K::Flags, FS::SockFamily},
          {"type", "type", K::Dec},
          {"proto", "protocol", K::Dec}}},
        {"connect",
         {{"res", "ret", K::Errno},
          {"tuple", "tuple", K::Tuple},
          {"fd", "fd", K::Fd},
          {"addr", "addr", K::Addr}}},
        {"bind", {{"res", "ret", K::Errno}, {"addr", "addr", K::Addr}, {"fd", "fd", K::Fd}}},
        {"listen", {{"res", "ret", K::Errno}, {"fd", "fd", K::Fd}, {"backlog", "backlog", K::Int}}},
        {"accept", {{"fd", "ret", K::Fd}, {"tuple", "tuple", K::Tuple}}},
        {"accept4",
         {{"fd", "ret", K::Fd}, {"tuple", "tuple", K::Tuple}, {"flags", "flags", K::Hex}}},
        {"ptrace",
         {{"res", "ret", K::Errno},
          {"request", "request", K::Flags, FS::Ptrace},
          {"pid", "pid", K::Pid}}},
        {"symlink",
         {{"res", "ret", K::Errno},
          {"target", "oldpath", K::Str},
          {"linkpath", "newpath", K::Path2New}}},
        {"symlinkat",
         {{"res", "ret", K::Errno},
          {"target", "oldpath", K::Str},
          {"linkdirfd", "newdirfd", K::Fd},
          {"linkpath", "newpath", K::Path2New}}},
        {"rename",
         {{"res", "ret", K::Errno},
          {"oldpath", "oldpath", K::Path2Old},
          {"newpath", "newpath", K::Path2New}}},
        {"renameat",
         {{"res", "ret", K::Errno},
          {"olddirfd", "olddirfd", K::Fd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdirfd", "newdirfd", K::Fd},
          {"newpath", "newpath", K::Path2New}}},
        {"renameat2",
         {{"res", "ret", K::Errno},
          {"olddirfd", "olddirfd", K::Fd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdirfd", "newdirfd", K::Fd},
          {"newpath", "newpath", K::Path2New},
          {"flags", "flags", K::Flags, FS::Renameat2}}},
        {"link",
         {{"res", "ret", K::Errno},
          {"oldpath", "oldpath", K::Path2Old},
          {"newpath", "newpath", K::Path2New}}},
        {"linkat",
         {{"res", "ret", K::Errno},
          {"olddir", "olddirfd", K::Fd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdir", "newdirfd", K::Fd},
          {"newpath", "newpath", K::Path2New},
          {"flags", "flags", K::Flags, FS::Linkat}}},
        {"unlink", {{"res", "ret", K::Errno}, {"path", "path", K::Path}}},
        {"unlinkat",
         {{"res", "ret", K::Errno},
          {"dirfd", "dirfd", K::Fd},
          {"name", "path", K::RelPath},
          {"flags", "arg", K::Flags, FS::Unlinkat}}},
        {"mkdir", {{"res", "ret", K::Errno}, {"path", "path", K::Path}, {"mode", "arg", K::Hex}}},
        {"mkdirat",
         {{"res", "ret", K::Errno},
          {"dirfd", "dirfd", K::Fd},
          {"path", "path", K::RelPath},
          {"mode", "arg", K::Hex}}},
        {"rmdir", {{"res", "ret", K::Errno}, {"path", "path", K::Path}}},
        {"chmod",
         {{"res", "ret", K::Errno},
          {"filename", "path", K::Path},
          {"mode", "mode", K::Flags, FS::Chmod}}},
        {"fchmod",
         {{"res", "ret", K::Errno}, {"fd", "fd", K::Fd}, {"mode", "mode", K::Flags, FS::Chmod}}},
        {"fchmodat",
         {{"res", "ret", K::Errno},
          {"dirfd", "fd", K::Fd},
          {"filename", "path", K::RelPath},
          {"mode", "mode", K::Flags, FS::Chmod}}},
        {"chown", kChown},
        {"lchown", kChown},
        {"fchown",
         {{"res", "ret", K::Errno},
          {"fd", "fd", K::Fd},
          {"uid", "uid", K::Dec},
          {"gid", "gid", K::Dec}}},
        {"fchownat",
         {{"res", "ret", K::Errno},
          {"dirfd", "fd", K::Fd},
          {"pathname", "path", K::RelPath},
          {"uid", "uid", K::Dec},
          {"gid", "gid", K::Dec},
          {"flags", "flags", K::Flags, FS::Fchownat}}},
        // setregid's ids are PT_UID in Falco's table, so they print as user names (sic).
        {"setuid", {{"res", "ret", K::Errno}, {"uid", "a0", K::Uid}}},
        {"setgid", {{"res", "ret", K::Errno}, {"gid", "a0", K::Gid}}},
        {"setreuid", {{"res", "ret", K::Errno}, {"ruid", "a0", K::Uid}, {"euid", "a1", K::Uid}}},
        {"setregid", {{"res", "ret", K::Errno}, {"rgid", "a0", K::Uid}, {"egid", "a1", K::Uid}}},
        {"setresuid",
         {{"res", "ret", K::Errno},
          {"ruid", "a0", K::Uid},
          {"euid", "a1", K::Uid},
          {"suid", "a2", K::Uid}}},
        {"setresgid",
         {{"res", "ret", K::Errno},
          {"rgid", "a0", K::Gid},
          {"egid", "a1", K::Gid},
          {"sgid", "a2", K::Gid}}},
        {"capset",
         {{"res", "ret", K::Errno},
          {"cap_inheritable", "cap_inheritable", K::Hex},
          {"cap_permitted", "cap_permitted", K::Hex},
          {"cap_effective", "cap_effective", K::Hex}}},
        {"mount",
         {{"res", "ret", K::Errno},
          {"dev", "source", K::Str},
          {"dir", "target", K::Path},
          {"type", "fstype", K::Str},
          {"flags", "flags", K::Flags, FS::Mount}}},
        {"umount2",
         {{"res", "ret", K::Errno},
          {"name", "target", K::Path},
          {"flags", "flags", K::Flags, FS::Umount}}},
        {"init_module",
         {{"res", "ret", K::Errno}, {"length", "len", K::Dec}, {"uargs", "uargs", K::Str}}},
        {"finit_module",
         {{"res", "ret", K::Errno},
          {"fd", "fd", K::Fd},
          {"uargs", "uargs", K::Str},
          {"flags", "flags", K::Flags, FS::FinitModule}}},
        {"bpf", {{"fd", "ret", K::Fd}, {"cmd", "cmd", K::Flags, FS::Bpf}}},
        {"memfd_create",
         {{"fd", "ret", K::Fd}, {"name", "name", K::Str}, {"flags", "flags", K::Flags, FS::Memfd}}},
        {"mmap",
         {{"res", "ret", K::Errno},
          {"addr", "addr", K::Hex},
          {"length", "len", K::Dec},
          {"prot", "prot", K::Flags, FS::Prot},
          {"flags", "flags", K::Flags, FS::Mmap},
          {"fd", "fd", K::Fd}}},
        {"mprotect",
         {{"res", "ret", K::Errno},
          {"addr", "addr", K::Hex},
          {"length", "len", K::Dec},
          {"prot", "prot", K::Flags, FS::Prot}}},
        {"pipe", {{"res", "ret", K::Errno}, {"fd1", "fd0", K::Fd}, {"fd2", "fd1", K::Fd}}},
        {"pipe2",
         {{"res", "ret", K::Errno},
          {"fd1", "fd0", K::Fd},
          {"fd2", "fd1", K::Fd},
          {"flags", "flags", K::Flags, FS::Open}}},
        {"kill", kKill},
        {"tkill", {{"res", "ret", K::Errno}, {"tid", "tid", K::Pid}, {"sig", "sig", K::Signal}}},
        {"tgkill",
         {{"res", "ret", K::Errno},
          {"pid", "tgid", K::Pid},
          {"tid", "tid", K::Pid},
          {"sig", "sig", K::Signal}}},
        {"prctl",
         {{"res", "ret", K::Errno},
          {"option", "option", K::Flags, FS::Prctl},
          {"arg2_str", "name", K::Str},
          {"arg2_int", "arg2", K::Int}}},
        {"setns",
         {{"res", "ret", K::Errno},
          {"fd", "fd", K::Fd},
          {"nstype", "nstype", K::Flags, FS::Clone}}},
        {"unshare", {{"res", "ret", K::Errno}, {"flags", "flags", K::Flags, FS::Clone}}},
        {"userfaultfd", {{"res", "ret", K::Errno}, {"flags", "flags", K::Flags, FS::Open}}},
        {"io_uring_setup",
         {{"res", "ret", K::Errno},
          {"entries", "entries", K::Dec},
          {"flags", "flags", K::Flags, FS::IoUringSetup}}},
        {"read", kIo},
        {"write", kIo},
        {"sendto", kSockIo},
        {"recvfrom", kSockIo},
        {"sendmsg", kSockMsg},
        {"recvmsg", kSockMsg},
        {"procexit", {{"status", "exit_code", K::Dec}}},
    };
    return t;
}

std::string tuple_string(const saker_tuple& t) {
    if (t.local.family == SAKER_AF_UNIX) return capture::format_sockaddr(t.remote);
    return capture::format_sockaddr(t.local) + "->" + capture::format_sockaddr(t.remote);
}

} // namespace

EventClass event_class(std::string_view falco_event) {
    using C = EventCategory;
    // Falco's event table (category and the reads/writes-fd flags) for the events the probe
    // produces; names not listed are Falco's generic syscall event.
    static const std::unordered_map<std::string_view, EventClass> t = [] {
        std::unordered_map<std::string_view, EventClass> m;
        auto add = [&](C c, uint8_t io, std::initializer_list<std::string_view> names) {
            for (auto n : names)
                m[n] = EventClass{c, io};
        };
        add(C::IoRead, kEvReadsFd, {"read", "recvfrom", "recvmsg"});
        add(C::IoWrite, kEvWritesFd, {"write", "sendto", "sendmsg"});
        add(C::IoOther, 0, {"close", "dup", "dup2", "dup3", "io_uring_setup"});
        add(C::File, 0,
            {"open",     "openat",    "openat2", "creat",     "chdir", "fchdir",  "rename",
             "renameat", "renameat2", "mkdir",   "mkdirat",   "rmdir", "link",    "linkat",
             "unlink",   "unlinkat",  "symlink", "symlinkat", "chmod", "fchmod",  "fchmodat",
             "chown",    "fchown",    "lchown",  "fchownat",  "mount", "umount2", "userfaultfd"});
        add(C::Net, 0, {"socket", "connect", "accept", "accept4", "bind", "listen"});
        add(C::Memory, 0, {"mmap", "mprotect", "memfd_create"});
        add(C::Ipc, 0, {"pipe", "pipe2"});
        add(C::Process, 0,
            {"clone", "clone3", "fork", "vfork", "execve", "execveat", "ptrace", "capset", "prctl",
             "setns", "unshare", "procexit"});
        add(C::Signal, 0, {"kill", "tkill", "tgkill"});
        add(C::User, 0, {"setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid"});
        add(C::Other, 0, {"init_module", "bpf"});
        add(C::Other, kEvReadsFd, {"finit_module"});
        return m;
    }();
    auto it = t.find(falco_event);
    return it == t.end() ? EventClass{} : it->second;
}

const std::vector<ArgDesc>* event_args(std::string_view falco_event) {
    const auto& t = arg_table();
    auto it = t.find(falco_event);
    return it == t.end() ? nullptr : &it->second;
}

namespace {

// The value of a numeric parameter (nullopt for strings and absent params).
std::optional<uint64_t> number_of(const ArgDesc& d, const capture::Event& ev,
                                  const capture::Param** param) {
    *param = nullptr;
    if (d.src == "ret") return static_cast<uint64_t>(ev.hdr.ret);
    if (d.src == "tid") return ev.hdr.tid;
    if (d.src == "pid" && !ev.param("pid")) return ev.hdr.pid;
    if (d.src == "ppid") return ev.hdr.ppid;
    const capture::Param* p = ev.param(d.src);
    if (!p || !p->present()) return std::nullopt;
    *param = p;
    return p->u64();
}

std::string hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(v));
    return buf;
}

} // namespace

std::optional<int64_t> raw_number(const ArgDesc& d, const capture::Event& ev) {
    switch (d.kind) {
    case K::Str:
    case K::Path:
    case K::RelPath:
    case K::Path2Old:
    case K::Path2New:
    case K::Argv0:
    case K::Args:
    case K::Tuple:
    case K::Addr:
        return std::nullopt;
    default:
        break;
    }
    const capture::Param* p = nullptr;
    auto n = number_of(d, ev, &p);
    if (!n) return std::nullopt;
    if (d.kind == K::Uid || d.kind == K::Gid) return static_cast<uint32_t>(*n);
    return static_cast<int64_t>(*n);
}

std::optional<RenderedArg> render_arg(const ArgDesc& d, const capture::Event& ev,
                                      const ArgResolver& resolve) {
    const capture::Param* p = nullptr;
    std::optional<uint64_t> num = number_of(d, ev, &p);
    bool from_header =
        d.src == "ret" || d.src == "tid" || d.src == "ppid" || (d.src == "pid" && !ev.param("pid"));
    if (!from_header && !p) return std::nullopt;
    RenderedArg r;
    auto sval = [&] { return num ? static_cast<int64_t>(*num) : 0; };
    switch (d.kind) {
    case K::Dec:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        return r;
    case K::Int:
        if (!num) return std::nullopt;
        r.raw = std::to_string(sval());
        return r;
    case K::Hex:
        if (!num) return std::nullopt;
        r.raw = hex(*num);
        return r;
    case K::Oct: {
        if (!num) return std::nullopt;
        char buf[24];
        std::snprintf(buf, sizeof buf, "%#llo", static_cast<unsigned long long>(*num));
        r.raw = buf;
        return r;
    }
    case K::Errno:
        r.raw = std::to_string(sval());
        if (sval() < 0) r.resolved = errno_name(-sval());
        return r;
    case K::Fd:
        r.raw = std::to_string(sval());
        if (sval() >= 0)
            r.resolved = resolve.fd(sval());
        else if (sval() == -100)
            r.resolved = "AT_FDCWD";
        else
            r.resolved = errno_name(-sval());
        return r;
    case K::Pid:
        r.raw = std::to_string(sval());
        if (resolve.comm) r.resolved = resolve.comm(sval());
        return r;
    case K::Uid:
    case K::Gid: {
        if (!num) return std::nullopt;
        auto id = static_cast<uint32_t>(*num);
        if (id == UINT32_MAX) {
            r.raw = "-1";
            r.resolved = "<NONE>";
            return r;
        }
        r.raw = std::to_string(static_cast<int32_t>(id)); // libsinsp prints it with %d
        auto name = d.kind == K::Uid ? (resolve.user ? resolve.user(id) : std::nullopt)
                                     : (resolve.group ? resolve.group(id) : std::nullopt);
        r.resolved = name && !name->empty() ? *name : std::string("<NA>");
        return r;
    }
    case K::Flags: {
        if (!num) return std::nullopt;
        bool mode = d.flags == FlagSet::Chmod;
        uint64_t v = mode ? *num : static_cast<uint32_t>(*num);
        if (mode) {
            char buf[24];
            std::snprintf(buf, sizeof buf, "%#llo", static_cast<unsigned long long>(v));
            r.raw = buf;
        } else {
            r.raw = std::to_string(v);
        }
        r.resolved = render_flags(d.flags, v);
        return r;
    }
    case K::Signal:
        if (!num) return std::nullopt;
        r.raw = std::to_string(static_cast<uint8_t>(*num));
        r.resolved = signal_name(static_cast<uint8_t>(*num));
        return r;
    case K::Str:
        if (!p || !p->str()) return std::nullopt;
        r.raw = std::string(*p->str());
        return r;
    case K::Path:
    case K::RelPath:
    case K::Path2Old:
    case K::Path2New:
        if (!p || !p->str()) return std::nullopt;
        r.raw = std::string(*p->str());
        r.resolved = resolve.path(d, r.raw);
        return r;
    case K::Argv0:
    case K::Args: {
        auto argv = p ? p->strlist() : std::nullopt;
        if (!argv) return std::nullopt;
        if (d.kind == K::Argv0) {
            if (argv->empty()) return std::nullopt;
            r.raw = std::string((*argv)[0]);
            return r;
        }
        // The driver sends the arguments as one buffer of NUL-terminated strings; libsinsp
        // prints a buffer's non-printable bytes as '.', and an empty one as NULL.
        for (std::size_t i = 1; i < argv->size(); ++i)
            r.raw.append((*argv)[i]).append(".");
        if (r.raw.empty()) r.raw = "NULL";
        return r;
    }
    case K::Tuple: {
        auto t = p ? p->tuple() : std::nullopt;
        if (!t) return std::nullopt;
        r.raw = tuple_string(*t);
        return r;
    }
    case K::Data: {
        auto b = p ? p->bytes() : std::nullopt;
        if (!b) return std::nullopt;
        for (uint8_t c : *b)
            r.raw.push_back(c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.');
        return r;
    }
    case K::Addr: {
        auto a = p ? p->sockaddr() : std::nullopt;
        if (!a) return std::nullopt;
        r.raw = capture::format_sockaddr(*a);
        return r;
    }
    }
    return std::nullopt;
}

} // namespace saker::fields
