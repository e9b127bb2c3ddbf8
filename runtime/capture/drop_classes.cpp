#include "runtime/capture/drop_classes.h"

#include "runtime/capture/syscalls.h"

#include <map>
#include <string>

namespace saker::capture {

namespace {

// Falco's grouping of exit events (libs: driver stats, n_drops_buffer_*_exit), by syscall name.
const std::map<std::string, DropClass, std::less<>>& by_syscall() {
    static const std::map<std::string, DropClass, std::less<>> table = [] {
        std::map<std::string, DropClass, std::less<>> t;
        auto put = [&t](DropClass c, std::initializer_list<const char*> names) {
            for (const char* n : names)
                t.emplace(n, c);
        };
        put(DropClass::Open, {"open", "creat", "openat", "openat2", "open_by_handle_at"});
        put(DropClass::DirFile,
            {"dup",       "dup2",    "dup3",    "chmod",     "fchmod", "fchmodat",
             "chown",     "lchown",  "fchown",  "fchownat",  "link",   "linkat",
             "mkdir",     "mkdirat", "mount",   "umount2",   "rename", "renameat",
             "renameat2", "rmdir",   "symlink", "symlinkat", "unlink", "unlinkat"});
        put(DropClass::CloneFork, {"clone", "clone3", "fork", "vfork"});
        put(DropClass::Execve, {"execve", "execveat"});
        put(DropClass::Connect, {"connect"});
        put(DropClass::OtherInterest, {"bpf", "setpgid", "ptrace", "seccomp", "setns", "setresgid",
                                       "setresuid", "setsid", "unshare", "capset", "keyctl"});
        put(DropClass::Close, {"close"});
        return t;
    }();
    return table;
}

} // namespace

std::string_view drop_class_name(DropClass c) {
    switch (c) {
    case DropClass::CloneFork:
        return "clone_fork";
    case DropClass::Execve:
        return "execve";
    case DropClass::Connect:
        return "connect";
    case DropClass::Open:
        return "open";
    case DropClass::DirFile:
        return "dir_file";
    case DropClass::OtherInterest:
        return "other_interest";
    case DropClass::Close:
        return "close";
    case DropClass::Proc:
        return "proc";
    case DropClass::None:
    case DropClass::Count:
        break;
    }
    return "";
}

DropClass drop_class_of_key(uint32_t key) {
    if (key >= SAKER_SYSCALL_TABLE_SIZE)
        return key == SAKER_SYSCALL_TABLE_SIZE + SAKER_EVT_PROC_EXIT ? DropClass::Proc
                                                                     : DropClass::None;
    auto it = by_syscall().find(syscall_name(key));
    return it == by_syscall().end() ? DropClass::None : it->second;
}

} // namespace saker::capture
