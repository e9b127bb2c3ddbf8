// Typed argument rendering as libsinsp renders it: one case per parameter type (uid/gid names,
// pids, fds, errno names, flags and enums, modes, signals, octal/hex numbers, argument
// buffers), on synthetic events whose truth the test sets itself (user names from glibc's
// getpwuid/getgrgid, independent of saker's user database). The live setuid(65534) case is in
// render_live_test.cpp.
#include "tests/fields/synthetic_events.h"

#include "bpf/syscalls_x86_64.h"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <pwd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>

using namespace saker;
using capture::test::RecordBuilder;
using saker::test::get;

namespace {

// Process 42, on the host (names from the host's /etc), cwd /home/u.
struct Synthetic : saker::test::SyntheticEvents {
    Synthetic() {
        auto& p = table.create(42);
        p.ppid = 1;
        p.comm = p.exe = "tester";
        p.image_known = true;
        p.cwd = "/home/u";
        p.container = state::ContainerRef{};
    }
    void use(RecordBuilder& b) { SyntheticEvents::use(b, 42); }
};

std::string pw_name(uid_t uid) {
    const passwd* pw = ::getpwuid(uid);
    return pw ? pw->pw_name : "";
}
std::string gr_name(gid_t gid) {
    const group* gr = ::getgrgid(gid);
    return gr ? gr->gr_name : "";
}

} // namespace

TEST_CASE("render: PT_UID / PT_GID are user and group names, <NA> unknown, <NONE> for -1") {
    REQUIRE_FALSE(pw_name(65534).empty()); // the host must know uid 65534 (Debian: nobody)
    Synthetic s;
    RecordBuilder setuid(SAKER_EVT_SETID, SAKER_NR_setuid, 0);
    setuid.u64(65534).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    s.use(setuid);
    CHECK(get(s.fields, "evt.arg.uid") == pw_name(65534));
    CHECK(get(s.fields, "evt.arg[1]") == pw_name(65534));
    CHECK(get(s.fields, "evt.rawarg.uid") == "65534");
    CHECK(get(s.fields, "evt.args") == "res=0 uid=65534(" + pw_name(65534) + ")");

    RecordBuilder unknown(SAKER_EVT_SETID, SAKER_NR_setuid, -1);
    unknown.u64(4242421).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    s.use(unknown);
    REQUIRE(pw_name(4242421).empty());
    CHECK(get(s.fields, "evt.arg.uid") == "<NA>"); // the literal libsinsp answers
    CHECK(get(s.fields, "evt.arg.res") == "EPERM");

    RecordBuilder resuid(SAKER_EVT_SETID, SAKER_NR_setresuid, 0);
    resuid.u64(0xffffffffu).u64(0).u64(0xffffffffffffffffull).u64(0).u64(0).u64(0).u64(0);
    s.use(resuid);
    CHECK(get(s.fields, "evt.arg.ruid") == "<NONE>");
    CHECK(get(s.fields, "evt.arg.euid") == pw_name(0));
    CHECK(get(s.fields, "evt.arg.suid") == "<NONE>");
    CHECK(get(s.fields, "evt.args") ==
          "res=0 ruid=-1(<NONE>) euid=0(" + pw_name(0) + ") suid=-1(<NONE>)");

    RecordBuilder setgid(SAKER_EVT_SETID, SAKER_NR_setgid, 0);
    setgid.u64(65534).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    s.use(setgid);
    CHECK(get(s.fields, "evt.arg.gid") == gr_name(65534));
    // Falco's table types setregid's ids as PT_UID: they print as user names.
    RecordBuilder setregid(SAKER_EVT_SETID, SAKER_NR_setregid, 0);
    setregid.u64(65534).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    s.use(setregid);
    CHECK(get(s.fields, "evt.arg.rgid") == pw_name(65534));
}

TEST_CASE("render: PT_FD with its type and transport, AT_FDCWD, errno names, PT_ERRNO") {
    Synthetic s;
    state::FdInfo fd;
    fd.type = state::FdType::Ipv4;
    fd.family = SAKER_AF_INET;
    fd.l4proto = state::L4Proto::Tcp;
    fd.name = "127.0.0.1:40000->127.0.0.1:80";
    s.table.set_fd(*s.table.find(42), 5, fd);
    RecordBuilder close(SAKER_EVT_FD, SAKER_NR_close, 0);
    close.u64(5);
    s.use(close);
    CHECK(get(s.fields, "evt.arg.fd") == "<4t>127.0.0.1:40000->127.0.0.1:80");
    CHECK(get(s.fields, "evt.rawarg.fd") == "5");
    CHECK(get(s.fields, "evt.arg.res") == "0");

    RecordBuilder open(SAKER_EVT_OPEN, SAKER_NR_openat, -2);
    open.u64(static_cast<uint64_t>(-100)).str("x").u64(O_RDONLY).u64(0).u64(0).u64(0);
    s.use(open);
    CHECK(get(s.fields, "evt.arg.fd") == "ENOENT");
    CHECK(get(s.fields, "evt.arg.dirfd") == "AT_FDCWD");
    CHECK(get(s.fields, "evt.arg.flags") == "O_RDONLY");
    CHECK(get(s.fields, "evt.arg.mode") == "0"); // PF_OCT prints zero as 0
    CHECK(get(s.fields, "evt.arg.name") == "/home/u/x");
    CHECK(get(s.fields, "evt.res") == "ENOENT");

    RecordBuilder odd(SAKER_EVT_FD, SAKER_NR_close, -300);
    odd.u64(5);
    s.use(odd);
    CHECK(get(s.fields, "evt.arg.res") == "-300"); // unnamed code: the number
    CHECK(get(s.fields, "evt.res") == "-300");
}

TEST_CASE("render: PT_PID names the thread, PT_SIGTYPE names the signal") {
    Synthetic s;
    auto& victim = s.table.create(77);
    victim.comm = "victim";
    victim.image_known = true;
    RecordBuilder kill(SAKER_EVT_KILL, SAKER_NR_kill, 0);
    kill.u64(77).u64(0).u64(9);
    s.use(kill);
    CHECK(get(s.fields, "evt.arg.pid") == "victim");
    CHECK(get(s.fields, "evt.rawarg.pid") == "77");
    CHECK(get(s.fields, "evt.arg.sig") == "SIGKILL");
    CHECK(get(s.fields, "evt.args") == "res=0 pid=77(victim) sig=9(SIGKILL)");
    RecordBuilder nobody(SAKER_EVT_KILL, SAKER_NR_kill, -3);
    nobody.u64(99999).u64(0).u64(15);
    s.use(nobody);
    CHECK(get(s.fields, "evt.arg.pid") == "99999");
    CHECK(get(s.fields, "evt.arg.sig") == "SIGTERM");
    CHECK(get(s.fields, "evt.arg.res") == "ESRCH");
}

TEST_CASE("render: flag words, enums and modes as Falco's tables name them") {
    Synthetic s;
    RecordBuilder clone(SAKER_EVT_CLONE, SAKER_NR_clone, 1234);
    clone.u64(CLONE_NEWPID | CLONE_NEWNS | CLONE_VM);
    s.use(clone);
    CHECK(get(s.fields, "evt.arg.flags") == "CLONE_NEWNS|CLONE_NEWPID|CLONE_VM");

    RecordBuilder unshare(SAKER_EVT_FLAGS, SAKER_NR_unshare, 0);
    unshare.u64(CLONE_NEWUSER | CLONE_NEWNET);
    s.use(unshare);
    CHECK(get(s.fields, "evt.arg.flags") == "CLONE_NEWNET|CLONE_NEWUSER");

    RecordBuilder mount(SAKER_EVT_MOUNT, SAKER_NR_mount, 0);
    mount.str("/dev/sda1").str("/mnt").str("ext4").u64(0xC0ED0000u | MS_RDONLY | MS_BIND | MS_REC);
    s.use(mount);
    CHECK(get(s.fields, "evt.arg.flags") == "RDONLY|BIND|REC");
    CHECK(get(s.fields, "evt.arg.dir") == "/mnt");

    RecordBuilder mmap(SAKER_EVT_MMAP, SAKER_NR_mmap, 0x7f0000000000);
    mmap.u64(0).u64(4096).u64(PROT_READ | PROT_EXEC).u64(MAP_PRIVATE | MAP_ANONYMOUS).u64(-1ull);
    s.use(mmap);
    CHECK(get(s.fields, "evt.arg.prot") == "PROT_READ|PROT_EXEC");
    CHECK(get(s.fields, "evt.arg.flags") == "MAP_PRIVATE|MAP_ANONYMOUS");
    CHECK(get(s.fields, "evt.arg.length") == "4096");
    RecordBuilder mprotect(SAKER_EVT_MMAP, SAKER_NR_mprotect, 0);
    mprotect.u64(0x1000).u64(4096).u64(PROT_NONE).u64(0).u64(0);
    s.use(mprotect);
    CHECK(get(s.fields, "evt.arg.prot") == "PROT_NONE");
    CHECK(get(s.fields, "evt.arg.addr") == "1000"); // PF_HEX: uppercase, no prefix

    RecordBuilder sock(SAKER_EVT_SOCKET, SAKER_NR_socket, 3);
    sock.u64(1).u64(1).u64(0);
    s.use(sock);
    CHECK(get(s.fields, "evt.arg.domain") == "AF_LOCAL|AF_UNIX"); // an enum with an alias
    RecordBuilder sock6(SAKER_EVT_SOCKET, SAKER_NR_socket, 3);
    sock6.u64(10).u64(1).u64(0);
    s.use(sock6);
    CHECK(get(s.fields, "evt.arg.domain") == "AF_INET6");

    RecordBuilder prctl(SAKER_EVT_PRCTL, SAKER_NR_prctl, 0);
    prctl.u64(PR_SET_NAME).u64(0).str("x");
    s.use(prctl);
    CHECK(get(s.fields, "evt.arg.option") == "PR_SET_NAME");

    RecordBuilder bpf(SAKER_EVT_BPF, SAKER_NR_bpf, 7);
    bpf.u64(5).u64(0);
    s.use(bpf);
    CHECK(get(s.fields, "evt.arg.cmd") == "BPF_PROG_LOAD");

    RecordBuilder chmod(SAKER_EVT_CHMOD, SAKER_NR_chmod, 0);
    chmod.u64(static_cast<uint64_t>(-100)).str("/tmp/x").u64(04755).u64(0);
    s.use(chmod);
    CHECK(get(s.fields, "evt.arg.mode") ==
          "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
    CHECK(get(s.fields, "evt.args") ==
          "res=0 filename=/tmp/x mode=04755(S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|"
          "S_IRUSR|S_ISUID)");

    RecordBuilder mkdir(SAKER_EVT_PATH, SAKER_NR_mkdir, 0);
    mkdir.u64(static_cast<uint64_t>(-100)).str("/tmp/d").u64(0755);
    s.use(mkdir);
    CHECK(get(s.fields, "evt.arg.mode") == "1ED"); // Falco prints mkdir's mode in hex

    RecordBuilder unlinkat(SAKER_EVT_PATH, SAKER_NR_unlinkat, 0);
    unlinkat.u64(static_cast<uint64_t>(-100)).str("d").u64(0x200);
    s.use(unlinkat);
    CHECK(get(s.fields, "evt.arg.flags") == "AT_REMOVEDIR");
    CHECK(get(s.fields, "evt.arg.name") == "/home/u/d");

    RecordBuilder dup3(SAKER_EVT_DUP, SAKER_NR_dup3, 4);
    dup3.u64(3).u64(4).u64(O_CLOEXEC);
    s.use(dup3);
    CHECK(get(s.fields, "evt.arg.flags") == "O_RDONLY|O_CLOEXEC");
}

TEST_CASE("render: evt.category, I/O classes and counts follow Falco's event table") {
    Synthetic s;
    RecordBuilder setuid(SAKER_EVT_SETID, SAKER_NR_setuid, -1);
    setuid.u64(0).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    s.use(setuid);
    CHECK(get(s.fields, "evt.category") == "user");
    CHECK(get(s.fields, "evt.is_io") == "0");
    CHECK(get(s.fields, "evt.io_dir") == "<NA>");
    CHECK(get(s.fields, "evt.count.error") == "1");
    CHECK(get(s.fields, "evt.count.error.other") == "1");
    CHECK(get(s.fields, "evt.count.error.file") == "<NA>");
    CHECK(get(s.fields, "evt.latency") == "0");
    RecordBuilder open(SAKER_EVT_OPEN, SAKER_NR_openat, -13);
    open.u64(static_cast<uint64_t>(-100)).str("/etc/shadow").u64(O_RDONLY).u64(0).u64(0).u64(0);
    s.use(open);
    CHECK(get(s.fields, "evt.category") == "file");
    CHECK(get(s.fields, "evt.count.error.file") == "1");
    CHECK(get(s.fields, "evt.count.error.other") == "<NA>");
}
