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
// are left out). Sources name a layout param, or "ret" / "tid" / "pid" / "ppid" from the header.
const std::unordered_map<std::string_view, std::vector<ArgDesc>>& arg_table() {
    // Syscalls of one family that Falco describes with the same parameters share a list.
    static const std::vector<ArgDesc> kOpenAt = {
        {"fd", "ret", K::Fd},      {"dirfd", "dirfd", K::Dirfd},
        {"name", "path", K::Path}, {"flags", "flags", K::OpenFlags},
        {"mode", "mode", K::Mode}, {"dev", "dev", K::Hex},
        {"ino", "ino", K::Dec}};
    static const std::vector<ArgDesc> kChown = {{"res", "ret", K::Res},
                                                {"path", "path", K::Path},
                                                {"uid", "uid", K::Dec},
                                                {"gid", "gid", K::Dec}};
    static const std::vector<ArgDesc> kSockIo = {{"res", "ret", K::Res},
                                                 {"fd", "fd", K::Fd},
                                                 {"size", "size", K::Dec},
                                                 {"tuple", "tuple", K::Tuple}};
    static const std::vector<ArgDesc> kSockMsg = {
        {"res", "ret", K::Res}, {"fd", "fd", K::Fd}, {"tuple", "tuple", K::Tuple}};
    static const std::unordered_map<std::string_view, std::vector<ArgDesc>> t = {
        {"open",
         {{"fd", "ret", K::Fd},
          {"name", "path", K::Path},
          {"flags", "flags", K::OpenFlags},
          {"mode", "mode", K::Mode},
          {"dev", "dev", K::Hex},
          {"ino", "ino", K::Dec}}},
        {"openat", kOpenAt},
        {"openat2", kOpenAt},
        {"creat",
         {{"fd", "ret", K::Fd},
          {"name", "path", K::Path},
          {"mode", "mode", K::Mode},
          {"dev", "dev", K::Hex},
          {"ino", "ino", K::Dec}}},
        {"execve",
         {{"res", "ret", K::Res},
          {"exe", "argv", K::Argv0},
          {"args", "argv", K::Args},
          {"tid", "tid", K::Dec},
          {"pid", "pid", K::Dec},
          {"ptid", "ppid", K::Dec},
          {"cwd", "cwd", K::Str},
          {"comm", "comm", K::Str},
          {"cgroups", "cgroup", K::Str},
          {"tty", "tty", K::Dec},
          {"loginuid", "loginuid", K::Signed32},
          {"flags", "exe_flags", K::ExeFlags},
          {"cap_inheritable", "cap_inheritable", K::Hex},
          {"cap_permitted", "cap_permitted", K::Hex},
          {"cap_effective", "cap_effective", K::Hex},
          {"exe_ino", "exe_ino", K::Dec},
          {"uid", "euid", K::Dec},
          {"trusted_exepath", "exe", K::Str},
          {"gid", "egid", K::Dec},
          {"filename", "filename", K::Str}}},
        {"clone", {{"res", "ret", K::Res}, {"flags", "flags", K::Hex}}},
        {"close", {{"res", "ret", K::Res}, {"fd", "fd", K::Fd}}},
        {"fchdir", {{"res", "ret", K::Res}, {"fd", "fd", K::Fd}}},
        {"chdir", {{"res", "ret", K::Res}, {"path", "path", K::Path}}},
        {"dup", {{"res", "ret", K::Fd}, {"oldfd", "oldfd", K::Fd}}},
        {"dup2", {{"res", "ret", K::Fd}, {"oldfd", "oldfd", K::Fd}, {"newfd", "newfd", K::Fd}}},
        {"dup3",
         {{"res", "ret", K::Fd},
          {"oldfd", "oldfd", K::Fd},
          {"newfd", "newfd", K::Fd},
          {"flags", "flags", K::OpenFlags}}},
        {"socket",
         {{"fd", "ret", K::Fd},
          {"domain", "domain", K::SockFamily},
          {"type", "type", K::Dec},
          {"proto", "protocol", K::Dec}}},
        {"connect",
         {{"res", "ret", K::Res},
          {"tuple", "tuple", K::Tuple},
          {"fd", "fd", K::Fd},
          {"addr", "addr", K::Addr}}},
        {"bind", {{"res", "ret", K::Res}, {"addr", "addr", K::Addr}, {"fd", "fd", K::Fd}}},
        {"listen", {{"res", "ret", K::Res}, {"fd", "fd", K::Fd}, {"backlog", "backlog", K::Dec}}},
        {"accept", {{"fd", "ret", K::Fd}, {"tuple", "tuple", K::Tuple}}},
        {"accept4",
         {{"fd", "ret", K::Fd}, {"tuple", "tuple", K::Tuple}, {"flags", "flags", K::Dec}}},
        {"ptrace",
         {{"res", "ret", K::Res}, {"request", "request", K::Ptrace}, {"pid", "pid", K::Dec}}},
        {"symlink",
         {{"res", "ret", K::Res},
          {"target", "oldpath", K::Str},
          {"linkpath", "newpath", K::Path2New}}},
        {"symlinkat",
         {{"res", "ret", K::Res},
          {"target", "oldpath", K::Str},
          {"linkdirfd", "newdirfd", K::Dirfd},
          {"linkpath", "newpath", K::Path2New}}},
        {"rename",
         {{"res", "ret", K::Res},
          {"oldpath", "oldpath", K::Path2Old},
          {"newpath", "newpath", K::Path2New}}},
        {"renameat",
         {{"res", "ret", K::Res},
          {"olddirfd", "olddirfd", K::Dirfd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdirfd", "newdirfd", K::Dirfd},
          {"newpath", "newpath", K::Path2New}}},
        {"renameat2",
         {{"res", "ret", K::Res},
          {"olddirfd", "olddirfd", K::Dirfd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdirfd", "newdirfd", K::Dirfd},
          {"newpath", "newpath", K::Path2New},
          {"flags", "flags", K::Dec}}},
        {"link",
         {{"res", "ret", K::Res},
          {"oldpath", "oldpath", K::Path2Old},
          {"newpath", "newpath", K::Path2New}}},
        {"linkat",
         {{"res", "ret", K::Res},
          {"olddir", "olddirfd", K::Dirfd},
          {"oldpath", "oldpath", K::Path2Old},
          {"newdir", "newdirfd", K::Dirfd},
          {"newpath", "newpath", K::Path2New},
          {"flags", "flags", K::Dec}}},
        {"unlink", {{"res", "ret", K::Res}, {"path", "path", K::Path}}},
        {"unlinkat",
         {{"res", "ret", K::Res},
          {"dirfd", "dirfd", K::Dirfd},
          {"name", "path", K::Path},
          {"flags", "arg", K::Dec}}},
        {"mkdir", {{"res", "ret", K::Res}, {"path", "path", K::Path}, {"mode", "arg", K::Mode}}},
        {"mkdirat",
         {{"res", "ret", K::Res},
          {"dirfd", "dirfd", K::Dirfd},
          {"path", "path", K::Path},
          {"mode", "arg", K::Mode}}},
        {"rmdir", {{"res", "ret", K::Res}, {"path", "path", K::Path}}},
        {"chmod",
         {{"res", "ret", K::Res}, {"filename", "path", K::Path}, {"mode", "mode", K::ChmodMode}}},
        {"fchmod", {{"res", "ret", K::Res}, {"fd", "fd", K::Fd}, {"mode", "mode", K::ChmodMode}}},
        {"fchmodat",
         {{"res", "ret", K::Res},
          {"dirfd", "fd", K::Dirfd},
          {"filename", "path", K::Path},
          {"mode", "mode", K::ChmodMode}}},
        {"chown", kChown},
        {"lchown", kChown},
        {"fchown",
         {{"res", "ret", K::Res},
          {"fd", "fd", K::Fd},
          {"uid", "uid", K::Dec},
          {"gid", "gid", K::Dec}}},
        {"fchownat",
         {{"res", "ret", K::Res},
          {"dirfd", "fd", K::Dirfd},
          {"pathname", "path", K::Path},
          {"uid", "uid", K::Dec},
          {"gid", "gid", K::Dec},
          {"flags", "flags", K::Dec}}},
        {"setuid", {{"res", "ret", K::Res}, {"uid", "a0", K::Dec}}},
        {"setgid", {{"res", "ret", K::Res}, {"gid", "a0", K::Dec}}},
        {"setreuid", {{"res", "ret", K::Res}, {"ruid", "a0", K::Dec}, {"euid", "a1", K::Dec}}},
        {"setregid", {{"res", "ret", K::Res}, {"rgid", "a0", K::Dec}, {"egid", "a1", K::Dec}}},
        {"setresuid",
         {{"res", "ret", K::Res},
          {"ruid", "a0", K::Dec},
          {"euid", "a1", K::Dec},
          {"suid", "a2", K::Dec}}},
        {"setresgid",
         {{"res", "ret", K::Res},
          {"rgid", "a0", K::Dec},
          {"egid", "a1", K::Dec},
          {"sgid", "a2", K::Dec}}},
        {"capset",
         {{"res", "ret", K::Res},
          {"cap_inheritable", "cap_inheritable", K::Hex},
          {"cap_permitted", "cap_permitted", K::Hex},
          {"cap_effective", "cap_effective", K::Hex}}},
        {"mount",
         {{"res", "ret", K::Res},
          {"dev", "source", K::Str},
          {"dir", "target", K::Str},
          {"type", "fstype", K::Str},
          {"flags", "flags", K::Hex}}},
        {"umount2",
         {{"res", "ret", K::Res}, {"name", "target", K::Str}, {"flags", "flags", K::Hex}}},
        {"init_module",
         {{"res", "ret", K::Res}, {"length", "len", K::Dec}, {"uargs", "uargs", K::Str}}},
        {"finit_module",
         {{"res", "ret", K::Res},
          {"fd", "fd", K::Fd},
          {"uargs", "uargs", K::Str},
          {"flags", "flags", K::Dec}}},
        {"bpf", {{"res", "ret", K::Res}, {"cmd", "cmd", K::Dec}}},
        {"memfd_create",
         {{"fd", "ret", K::Fd}, {"name", "name", K::Str}, {"flags", "flags", K::Dec}}},
        {"mmap",
         {{"res", "ret", K::Hex},
          {"addr", "addr", K::Hex},
          {"length", "len", K::Dec},
          {"prot", "prot", K::Dec},
          {"flags", "flags", K::Dec},
          {"fd", "fd", K::Fd}}},
        {"mprotect",
         {{"res", "ret", K::Res},
          {"addr", "addr", K::Hex},
          {"length", "len", K::Dec},
          {"prot", "prot", K::Dec}}},
        {"pipe", {{"res", "ret", K::Res}, {"fd1", "fd0", K::Fd}, {"fd2", "fd1", K::Fd}}},
        {"pipe2",
         {{"res", "ret", K::Res},
          {"fd1", "fd0", K::Fd},
          {"fd2", "fd1", K::Fd},
          {"flags", "flags", K::OpenFlags}}},
        {"kill", {{"res", "ret", K::Res}, {"pid", "tgid", K::Dec}, {"sig", "sig", K::Dec}}},
        {"tkill", {{"res", "ret", K::Res}, {"tid", "tid", K::Dec}, {"sig", "sig", K::Dec}}},
        {"tgkill",
         {{"res", "ret", K::Res},
          {"pid", "tgid", K::Dec},
          {"tid", "tid", K::Dec},
          {"sig", "sig", K::Dec}}},
        {"prctl",
         {{"res", "ret", K::Res},
          {"option", "option", K::Dec},
          {"arg2_str", "name", K::Str},
          {"arg2_int", "arg2", K::Dec}}},
        {"setns", {{"res", "ret", K::Res}, {"fd", "fd", K::Fd}, {"nstype", "nstype", K::Hex}}},
        {"unshare", {{"res", "ret", K::Res}, {"flags", "flags", K::Hex}}},
        {"userfaultfd", {{"res", "ret", K::Res}, {"flags", "flags", K::Dec}}},
        {"io_uring_setup",
         {{"res", "ret", K::Res}, {"entries", "entries", K::Dec}, {"flags", "flags", K::Hex}}},
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

const std::vector<ArgDesc>* event_args(std::string_view falco_event) {
    const auto& t = arg_table();
    auto it = t.find(falco_event);
    return it == t.end() ? nullptr : &it->second;
}

std::optional<RenderedArg> render_arg(const ArgDesc& d, const capture::Event& ev,
                                      const ArgResolver& resolve) {
    const capture::Param* p = nullptr;
    std::optional<uint64_t> num;
    if (d.src == "ret")
        num = static_cast<uint64_t>(ev.hdr.ret);
    else if (d.src == "tid")
        num = ev.hdr.tid;
    else if (d.src == "pid" && !ev.param("pid"))
        num = ev.hdr.pid;
    else if (d.src == "ppid")
        num = ev.hdr.ppid;
    else if ((p = ev.param(d.src)) == nullptr || !p->present())
        return std::nullopt;
    if (p && !num) num = p->u64();
    RenderedArg r;
    auto sval = [&] { return num ? static_cast<int64_t>(*num) : 0; };
    switch (d.kind) {
    case K::Dec:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        return r;
    case K::Signed32:
        if (!num) return std::nullopt;
        r.raw = std::to_string(static_cast<int32_t>(*num));
        return r;
    case K::Hex: {
        if (!num) return std::nullopt;
        char buf[24];
        std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(*num));
        r.raw = buf;
        return r;
    }
    case K::Mode:
    case K::ChmodMode: {
        if (!num) return std::nullopt;
        char buf[24];
        std::snprintf(buf, sizeof buf, "0%llo", static_cast<unsigned long long>(*num));
        r.raw = buf;
        // Falco resolves chmod's mode to bit names: rules test `evt.arg.mode contains S_ISUID`.
        if (d.kind == K::ChmodMode) r.resolved = chmod_mode_string(*num);
        return r;
    }
    case K::Res:
        r.raw = std::to_string(sval());
        if (sval() < 0) r.resolved = errno_name(-sval());
        return r;
    case K::Fd:
        r.raw = std::to_string(sval());
        if (sval() < 0)
            r.resolved = errno_name(-sval());
        else
            r.resolved = resolve.fd(sval());
        return r;
    case K::Dirfd:
        r.raw = std::to_string(sval());
        r.resolved = sval() == -100 ? std::string("AT_FDCWD") : resolve.fd(sval());
        return r;
    case K::OpenFlags:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        r.resolved = open_flags_string(*num);
        return r;
    case K::SockFamily:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        r.resolved = socket_family_string(*num);
        return r;
    case K::Ptrace:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        r.resolved = ptrace_request_string(*num);
        return r;
    case K::ExeFlags:
        if (!num) return std::nullopt;
        r.raw = std::to_string(*num);
        r.resolved = exe_flags_string(*num);
        return r;
    case K::Str:
        if (!p || !p->str()) return std::nullopt;
        r.raw = std::string(*p->str());
        return r;
    case K::Path:
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
        for (std::size_t i = 1; i < argv->size(); ++i)
            r.raw.append(i > 1 ? " " : "").append((*argv)[i]);
        return r;
    }
    case K::Tuple: {
        auto t = p ? p->tuple() : std::nullopt;
        if (!t) return std::nullopt;
        r.raw = tuple_string(*t);
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
