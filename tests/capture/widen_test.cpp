// The wider syscall families: one call each with known arguments, the key
// params checked. Calls that may legitimately fail here (no io_uring, no
// module) are still reported with their error, which is what is checked.
#include "capture_fixture.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <string>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

uint32_t self() {
    return static_cast<uint32_t>(getpid());
}

std::unique_ptr<OwnedEvent> first(CaptureFixture& cap, EventType type, uint32_t nr,
                                  uint32_t pid = self()) {
    auto e = cap.wait_for(syscall_from(pid, type, nr));
    REQUIRE(e);
    return e;
}

// Runs fn in a child and waits; returns the child's pid.
template <class Fn> pid_t in_child(Fn fn) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(fn());
    int status;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return pid;
}

} // namespace

TEST_CASE("dup family and pipe2 report their fds and flags", "[capture][fd]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    int fds[2];
    REQUIRE(pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
    int d = dup3(fds[0], 100, O_CLOEXEC);
    REQUIRE(d == 100);
    auto p = first(cap, EventType::PIPE, SYS_pipe2);
    CHECK(p->ev.s64("fd0") == fds[0]);
    CHECK(p->ev.s64("fd1") == fds[1]);
    CHECK(p->ev.u64("flags") == uint64_t(O_CLOEXEC | O_NONBLOCK));
    auto e = first(cap, EventType::DUP, SYS_dup3);
    CHECK(e->ev.s64("oldfd") == fds[0]);
    CHECK(e->ev.s64("newfd") == 100);
    CHECK(e->ev.u64("flags") == uint64_t(O_CLOEXEC));
    CHECK(e->ev.hdr.ret == 100);
    for (int fd : {fds[0], fds[1], d})
        close(fd);
}

TEST_CASE("openat2 reports flags and mode from open_how", "[capture][open]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC;
    long fd = syscall(SYS_openat2, AT_FDCWD, "/etc/hostname", &how, sizeof(how));
    REQUIRE(fd >= 0);
    auto e = first(cap, EventType::OPEN, SYS_openat2);
    CHECK(e->ev.str("path") == "/etc/hostname");
    CHECK(e->ev.u64("flags") == uint64_t(O_RDONLY | O_CLOEXEC));
    CHECK(e->ev.u64("ino") != 0u);
    close(static_cast<int>(fd));
}

TEST_CASE("mmap and mprotect report protection flags", "[capture][mem]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    void* p = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    REQUIRE(mprotect(p, 4096, PROT_READ | PROT_EXEC) == 0);
    auto m = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::MMAP, SYS_mmap)(ev) &&
               ev.hdr.ret == reinterpret_cast<int64_t>(p);
    });
    REQUIRE(m);
    CHECK(m->ev.u64("prot") == uint64_t(PROT_READ | PROT_WRITE));
    CHECK(m->ev.u64("flags") == uint64_t(MAP_PRIVATE | MAP_ANONYMOUS));
    CHECK(m->ev.s64("fd") == -1);
    auto r = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::MMAP, SYS_mprotect)(ev) &&
               ev.u64("addr") == reinterpret_cast<uint64_t>(p);
    });
    REQUIRE(r);
    CHECK(r->ev.u64("prot") == uint64_t(PROT_READ | PROT_EXEC));
    CHECK(r->ev.param("flags") == nullptr);
    munmap(p, 4096);
}

TEST_CASE("prctl PR_SET_NAME reports the new name", "[capture][proc]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = in_child([] { return prctl(PR_SET_NAME, "saker-renamed", 0, 0, 0); });
    auto e = first(cap, EventType::PRCTL, SYS_prctl, child);
    CHECK(e->ev.u64("option") == uint64_t(PR_SET_NAME));
    CHECK(e->ev.str("name") == "saker-renamed");
}

TEST_CASE("unshare, mount and umount2 report their arguments", "[capture][ns]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = in_child([] {
        if (unshare(CLONE_NEWNS) != 0) return 1;
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr);
        if (mount("saker-tmp", "/mnt", "tmpfs", MS_NOSUID, "size=1m") != 0) return 2;
        return umount2("/mnt", MNT_DETACH) == 0 ? 0 : 3;
    });
    auto u = first(cap, EventType::FLAGS, SYS_unshare, child);
    CHECK(u->ev.u64("flags") == uint64_t(CLONE_NEWNS));
    auto m = cap.wait_for([&](const Event& ev) {
        return syscall_from(child, EventType::MOUNT, SYS_mount)(ev) && ev.str("fstype") == "tmpfs";
    });
    REQUIRE(m);
    CHECK(m->ev.str("source") == "saker-tmp");
    CHECK(m->ev.str("target") == "/mnt");
    CHECK(m->ev.u64("flags") == uint64_t(MS_NOSUID));
    auto um = first(cap, EventType::UMOUNT, SYS_umount2, child);
    CHECK(um->ev.str("target") == "/mnt");
    CHECK(um->ev.u64("flags") == uint64_t(MNT_DETACH));
}

TEST_CASE("tgkill, setresuid and capset report their arguments", "[capture][cred]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = in_child([] {
        signal(SIGUSR1, SIG_IGN);
        syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
        return syscall(SYS_setresuid, 1000, 1001, 1002) == 0 ? 0 : 1;
    });
    auto k = first(cap, EventType::KILL, SYS_tgkill, child);
    CHECK(k->ev.s64("tgid") == child);
    CHECK(k->ev.s64("tid") == child);
    CHECK(k->ev.u64("sig") == uint64_t(SIGUSR1));
    auto s = first(cap, EventType::SETID, SYS_setresuid, child);
    CHECK(s->ev.u64("a0") == 1000u);
    CHECK(s->ev.u64("a1") == 1001u);
    CHECK(s->ev.u64("a2") == 1002u);
    CHECK(s->ev.u64("uid") == 1000u);
    CHECK(s->ev.u64("euid") == 1001u);
}

TEST_CASE("bpf and init_module are reported even when they fail", "[capture][kernel]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    union bpf_attr attr {};
    attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER; // no instructions: EINVAL
    REQUIRE(syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)) < 0);
    REQUIRE(syscall(SYS_init_module, nullptr, 0, "saker=1") < 0);
    auto b = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::BPF, SYS_bpf)(ev) && ev.u64("cmd") == BPF_PROG_LOAD;
    });
    REQUIRE(b);
    CHECK(b->ev.u64("prog_type") == uint64_t(BPF_PROG_TYPE_SOCKET_FILTER));
    CHECK(b->ev.hdr.ret < 0);
    auto m = first(cap, EventType::MODULE, SYS_init_module);
    CHECK(m->ev.str("uargs") == "saker=1");
    CHECK(m->ev.s64("fd") == -1);
    CHECK(m->ev.hdr.ret < 0);
}

TEST_CASE("chdir then a relative open can be resolved from the exec cwd", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = in_child([] {
        if (chdir("/etc") != 0) return 1;
        int fd = open("hostname", O_RDONLY);
        return fd >= 0 ? 0 : 2;
    });
    auto c = first(cap, EventType::PATH, SYS_chdir, child);
    CHECK(c->ev.str("path") == "/etc");
    auto o = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == uint32_t(child) && ev.type() == EventType::OPEN &&
               ev.str("path") == "hostname";
    });
    REQUIRE(o);
    CHECK(o->ev.s64("dirfd") == AT_FDCWD);
}
