// The kernel's pid-namespace ids on fork and exec records, the exec facts a process keeps after
// it exits (env, exe times), and I/O payloads only where the payload map asks for them. Truth
// comes from the kernel by other means: /proc/<pid>/status NSpid, getpgid/getsid, stat(2), and
// the bytes the test itself sent.
#include "capture_fixture.h"

#include "bpf/syscalls_x86_64.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fstream>
#include <netinet/in.h>
#include <sched.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

// The last column of a "Key:" line of /proc/<pid>/status ("NSpid:\t812\t1" -> "1").
std::string status_last(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream cols(line.substr(key.size() + 1));
            std::string col, last;
            while (cols >> col)
                last = col;
            return last;
        }
    return {};
}

std::vector<std::string> strlist(const Event& ev, const char* name) {
    const Param* p = ev.param(name);
    auto l = p ? p->strlist() : std::nullopt;
    return l ? std::vector<std::string>(l->begin(), l->end()) : std::vector<std::string>{};
}

std::string bytes_of(const Event& ev) {
    const Param* p = ev.param("data");
    auto b = p ? p->bytes() : std::nullopt;
    return b ? std::string(b->begin(), b->end()) : std::string("<none>");
}

} // namespace

TEST_CASE("a child in a new pid namespace gets its ids from the kernel on fork and exec",
          "[capture][pidns]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    int up[2], go[2];
    REQUIRE(pipe(up) == 0);
    REQUIRE(pipe(go) == 0);
    const std::string mark = "SAKER_PIDNS_MARK=" + std::to_string(getpid());
    pid_t child = fork();
    if (child == 0) { // unshare(CLONE_NEWPID) numbers the NEXT child in a new namespace
        if (unshare(CLONE_NEWPID) != 0) _exit(2);
        pid_t g = fork();
        if (g == 0) {
            char c;
            if (read(go[0], &c, 1) != 1) _exit(3);
            char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
            char* envp[] = {const_cast<char*>(mark.c_str()), nullptr};
            execve("/bin/true", argv, envp);
            _exit(4);
        }
        std::string line = std::to_string(g) + " " + status_last(g, "NSpid") + " " +
                           status_last(g, "NSpgid") + "\n";
        if (write(up[1], line.data(), line.size()) < 0) _exit(5);
        int st = 0;
        waitpid(g, &st, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 6);
    }
    char buf[64] = {};
    REQUIRE(read(up[0], buf, sizeof buf - 1) > 0);
    std::istringstream in(buf);
    uint32_t g = 0, nspid = 0, nspgid = 99;
    in >> g >> nspid >> nspgid;
    REQUIRE(g > 0);
    CHECK(nspid == 1);  // the kernel's own answer: the namespace's first process
    CHECK(nspgid == 0); // its group leader (the test) is outside the namespace
    cap.watch(g);
    REQUIRE(write(go[1], "x", 1) == 1);
    int st = 0;
    REQUIRE(waitpid(child, &st, 0) == child);
    CHECK(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);

    auto fork_rec = cap.wait_for([&](const Event& ev) {
        return ev.type() == EventType::PROC_FORK && ev.u64("child_pid") == g;
    });
    REQUIRE(fork_rec);
    CHECK(fork_rec->ev.hdr.pid == uint32_t(child));
    CHECK(fork_rec->ev.u64("vpid") == nspid);
    CHECK(fork_rec->ev.u64("vtid") == nspid);
    CHECK(fork_rec->ev.u64("vpgid") == nspgid);
    CHECK(fork_rec->ev.u64("pgid") == uint64_t(getpgid(0)));
    CHECK(fork_rec->ev.u64("sid") == uint64_t(getsid(0)));

    auto exec_rec = cap.wait_for([&](const Event& ev) {
        return ev.type() == EventType::EXECVE && ev.hdr.pid == g && ev.hdr.ret == 0;
    });
    REQUIRE(exec_rec);
    CHECK(exec_rec->ev.u64("vpid") == nspid);
    CHECK(exec_rec->ev.u64("vtid") == nspid);
    CHECK(exec_rec->ev.u64("vpgid") == nspgid);
    CHECK(exec_rec->ev.u64("pgid") == uint64_t(getpgid(0)));
    CHECK(exec_rec->ev.u64("sid") == uint64_t(getsid(0)));
    CHECK(strlist(exec_rec->ev, "env") == std::vector<std::string>{mark});
    for (int fd : {up[0], up[1], go[0], go[1]})
        close(fd);
}

TEST_CASE("exec reports the host-namespace ids, the environment and the exe's inode times",
          "[capture][pidns]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string long_var = "SAKER_LONG=" + std::string(6000, 'x'); // beyond Falco's 4096 bytes
    pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0); // its own group: pgid = vpgid = its pid
        char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
        char* envp[] = {const_cast<char*>("A=1"), const_cast<char*>("SAKER_B=two"),
                        const_cast<char*>(long_var.c_str()), nullptr};
        execve("/bin/true", argv, envp);
        _exit(4);
    }
    int st = 0;
    REQUIRE(waitpid(child, &st, 0) == child);
    auto e = cap.wait_for([&](const Event& ev) {
        return ev.type() == EventType::EXECVE && ev.hdr.pid == uint32_t(child) && ev.hdr.ret == 0;
    });
    REQUIRE(e);
    CHECK(e->ev.u64("vpid") == uint64_t(child)); // the host namespace numbers it as we do
    CHECK(e->ev.u64("vtid") == uint64_t(child));
    CHECK(e->ev.u64("pgid") == uint64_t(child));
    CHECK(e->ev.u64("vpgid") == uint64_t(child));
    CHECK(e->ev.u64("sid") == uint64_t(getsid(0)));
    auto env = strlist(e->ev, "env");
    REQUIRE(env.size() >= 2);
    CHECK(env[0] == "A=1");
    CHECK(env[1] == "SAKER_B=two");
    const Param* envp = e->ev.param("env");
    CHECK(envp->data.size() == SAKER_MAX_ENV); // cut where Falco cuts it, and said so
    CHECK(envp->truncated());
    struct stat sb {};
    REQUIRE(stat("/bin/true", &sb) == 0);
    CHECK(e->ev.u64("exe_ino") == uint64_t(sb.st_ino));
    CHECK(e->ev.u64("exe_ctime") ==
          uint64_t(sb.st_ctim.tv_sec) * 1000000000ull + uint64_t(sb.st_ctim.tv_nsec));
    CHECK(e->ev.u64("exe_mtime") ==
          uint64_t(sb.st_mtim.tv_sec) * 1000000000ull + uint64_t(sb.st_mtim.tv_nsec));
}

TEST_CASE("setsid and setpgid are reported with their arguments", "[capture][pidns]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork();
    if (child == 0) _exit(setpgid(0, 0) < 0 ? 1 : 0);
    pid_t leader = fork();
    if (leader == 0) _exit(setsid() < 0 ? 1 : 0); // not a group leader: setsid may succeed
    int st = 0;
    REQUIRE(waitpid(child, &st, 0) == child);
    CHECK(WEXITSTATUS(st) == 0);
    REQUIRE(waitpid(leader, &st, 0) == leader);
    CHECK(WEXITSTATUS(st) == 0);
    auto p = cap.wait_for(syscall_from(child, EventType::GENERIC, SAKER_NR_setpgid));
    REQUIRE(p);
    CHECK(p->ev.u64("a0") == 0u);
    CHECK(p->ev.u64("a1") == 0u);
    auto s = cap.wait_for(syscall_from(leader, EventType::GENERIC, SAKER_NR_setsid));
    REQUIRE(s);
    CHECK(s->ev.hdr.ret == leader);
}

TEST_CASE("I/O records carry the buffer's first bytes only for the syscalls asked for",
          "[capture][payload]") {
    SAKER_REQUIRE_PROBE();
    ProbeOptions opts;
    opts.payload_syscalls = {SAKER_NR_sendto, SAKER_NR_write, SAKER_NR_recvmsg};
    opts.syscalls = {SAKER_NR_sendto,  SAKER_NR_recvfrom, SAKER_NR_recvmsg,
                     SAKER_NR_sendmsg, SAKER_NR_write,    SAKER_NR_read};
    CaptureFixture cap(opts);
    std::string msg;
    for (int i = 0; msg.size() < 200; ++i)
        msg += "payload-" + std::to_string(i) + ";";
    int srv = socket(AF_INET, SOCK_DGRAM, 0), cli = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t alen = sizeof a;
    REQUIRE(getsockname(srv, reinterpret_cast<sockaddr*>(&a), &alen) == 0);
    REQUIRE(sendto(cli, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) ==
            ssize_t(msg.size()));
    char buf[512];
    REQUIRE(recvfrom(srv, buf, sizeof buf, 0, nullptr, nullptr) == ssize_t(msg.size()));
    // recvmsg with a two-part iovec: the snapshot gathers across both, as Falco's does.
    REQUIRE(sendto(cli, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a) ==
            ssize_t(msg.size()));
    char part1[30], part2[300];
    iovec iov[2] = {{part1, sizeof part1}, {part2, sizeof part2}};
    msghdr mh{};
    mh.msg_iov = iov;
    mh.msg_iovlen = 2;
    REQUIRE(recvmsg(srv, &mh, 0) == ssize_t(msg.size()));
    int p[2];
    REQUIRE(pipe(p) == 0);
    REQUIRE(write(p[1], "short", 5) == 5);
    REQUIRE(read(p[0], buf, sizeof buf) == 5);

    auto s = cap.wait_for(syscall_from(getpid(), EventType::SOCKIO, SAKER_NR_sendto));
    REQUIRE(s);
    CHECK(bytes_of(s->ev) == msg.substr(0, 80)); // Falco's default snaplen
    auto r = cap.wait_for(syscall_from(getpid(), EventType::SOCKIO, SAKER_NR_recvfrom));
    REQUIRE(r);
    CHECK(r->ev.nparams == 4); // not asked for: no data param at all, not even an empty one
    auto m = cap.wait_for(syscall_from(getpid(), EventType::SOCKIO, SAKER_NR_recvmsg));
    REQUIRE(m);
    CHECK(bytes_of(m->ev) == msg.substr(0, 80));
    // The pipe's own write: the test binary's runtime (ASan, Catch) may write elsewhere too.
    auto w = cap.wait_for([&](const Event& ev) {
        return syscall_from(getpid(), EventType::IO, SAKER_NR_write)(ev) && ev.s64("fd") == p[1] &&
               ev.hdr.ret == 5;
    });
    REQUIRE(w);
    CHECK(w->ev.u64("size") == 5u);
    CHECK(bytes_of(w->ev) == "short"); // at most what the syscall moved
    auto rd = cap.wait_for(syscall_from(getpid(), EventType::IO, SAKER_NR_read));
    REQUIRE(rd);
    CHECK(rd->ev.s64("fd") == p[0]);
    CHECK(rd->ev.nparams == 2);

    // Switched off at run time: the next sendto carries nothing.
    cap.probe().set_payload(SAKER_NR_sendto, 0);
    REQUIRE(sendto(cli, "late", 4, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 4);
    auto late = cap.wait_for([&](const Event& ev) {
        return syscall_from(getpid(), EventType::SOCKIO, SAKER_NR_sendto)(ev) && ev.hdr.ret == 4;
    });
    REQUIRE(late);
    CHECK(late->ev.nparams == 4);
    for (int fd : {srv, cli, p[0], p[1]})
        close(fd);
}
