#include "runtime/capture/syscalls.h"

#include "bpf/events.h"
#include "bpf/syscalls_x86_64.h"

#include <array>

#include <sys/syscall.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 // glibc < 2.39 lacks it; the kernel number is fixed since 6.6
#endif

namespace saker::capture {

#define SAKER_X_CHECK(name, nr) static_assert(SAKER_NR_##name == SYS_##name, #name);
SAKER_SYSCALLS(SAKER_X_CHECK)
#undef SAKER_X_CHECK

namespace {

struct Named {
    std::string_view name;
    uint32_t nr;
};

constexpr Named kNamed[] = {
#define SAKER_X_NAMED(name, nr) {#name, nr},
    SAKER_SYSCALLS(SAKER_X_NAMED)
#undef SAKER_X_NAMED
};

} // namespace

std::string_view syscall_name(uint32_t nr) {
    // Indexed by number: this runs for every event (the event's Falco name).
    static const auto by_nr = [] {
        std::array<std::string_view, SAKER_SYSCALL_TABLE_SIZE> t{};
        for (const Named& n : kNamed)
            if (n.nr < t.size()) t[n.nr] = n.name;
        return t;
    }();
    return nr < by_nr.size() ? by_nr[nr] : std::string_view();
}

std::optional<uint32_t> syscall_nr(std::string_view name) {
    for (const Named& n : kNamed)
        if (n.name == name) return n.nr;
    return std::nullopt;
}

bool produces_event(std::string_view falco_name) {
    return falco_name == "procexit" || syscall_nr(falco_name).has_value();
}

const std::vector<uint32_t>& handled_syscalls() {
    // Everything named except read/write: high volume, GENERIC only, opt-in.
    static const std::vector<uint32_t> all = [] {
        std::vector<uint32_t> v;
        for (const Named& n : kNamed)
            if (n.nr != SAKER_NR_read && n.nr != SAKER_NR_write) v.push_back(n.nr);
        return v;
    }();
    return all;
}

const std::vector<uint32_t>& state_syscalls() {
    static const std::vector<uint32_t> v = {
        SAKER_NR_clone,     SAKER_NR_clone3,   SAKER_NR_fork,     SAKER_NR_vfork,
        SAKER_NR_execve,    SAKER_NR_execveat, SAKER_NR_open,     SAKER_NR_openat,
        SAKER_NR_openat2,   SAKER_NR_creat,    SAKER_NR_close,    SAKER_NR_dup,
        SAKER_NR_dup2,      SAKER_NR_dup3,     SAKER_NR_socket,   SAKER_NR_connect,
        SAKER_NR_accept,    SAKER_NR_accept4,  SAKER_NR_bind,     SAKER_NR_chdir,
        SAKER_NR_fchdir,    SAKER_NR_pipe,     SAKER_NR_pipe2,    SAKER_NR_setuid,
        SAKER_NR_setgid,    SAKER_NR_setreuid, SAKER_NR_setregid, SAKER_NR_setresuid,
        SAKER_NR_setresgid, SAKER_NR_capset,   SAKER_NR_setns,    SAKER_NR_unshare,
        SAKER_NR_setsid,    SAKER_NR_setpgid,
    };
    return v;
}

} // namespace saker::capture
