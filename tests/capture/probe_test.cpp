// Real-probe tests: each triggers syscalls with known arguments and checks
// every parameter the probe captured for them.
#include "capture_fixture.h"

#include "runtime/capture/syscalls.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

uint32_t self() {
    return static_cast<uint32_t>(getpid());
}

std::string temp_dir() {
    char tmpl[] = "/tmp/saker-capture-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    return tmpl;
}

std::string real(const char* path) {
    char buf[PATH_MAX];
    REQUIRE(realpath(path, buf) != nullptr);
    return buf;
}

// Forks a child that runs fn and _exits with its return value.
template <class Fn> pid_t fork_run(Fn fn) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(fn());
    return pid;
}

int wait_exit(pid_t pid) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    return status;
}

std::vector<std::string> strings(const Param* p) {
    REQUIRE(p != nullptr);
    auto list = p->strlist();
    REQUIRE(list.has_value());
    return {list->begin(), list->end()};
}

} // namespace

TEST_CASE("exec of a program with known argv is seen with its post-exec facts", "[capture][exec]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork_run([] {
        if (chdir("/tmp") != 0) return 126;
        char* argv[] = {const_cast<char*>("/bin/true"), const_cast<char*>("saker-arg1"),
                        const_cast<char*>("--flag=a b"), nullptr};
        execv("/bin/true", argv);
        return 127;
    });
    REQUIRE(wait_exit(child) == 0);

    auto e = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == uint32_t(child) && ev.type() == EventType::EXECVE && ev.hdr.ret == 0;
    });
    REQUIRE(e);
    const Event& ev = e->ev;
    struct stat st;
    REQUIRE(stat("/bin/true", &st) == 0);
    CHECK(ev.hdr.syscall_nr == SYS_execve);
    CHECK(ev.hdr.ppid == self());
    CHECK(ev.str("filename") == "/bin/true");
    CHECK(strings(ev.param("argv")) ==
          std::vector<std::string>{"/bin/true", "saker-arg1", "--flag=a b"});
    CHECK(ev.str("exe") == real("/bin/true"));
    CHECK(ev.str("cwd") == real("/tmp"));
    CHECK(ev.u64("uid") == getuid());
    CHECK(ev.u64("euid") == geteuid());
    CHECK(ev.u64("gid") == getgid());
    CHECK(ev.u64("exe_ino") == st.st_ino);
    CHECK(ev.u64("exe_dev") == st.st_dev);
    CHECK((*ev.u64("exe_flags") & SAKER_EXE_FROM_MEMFD) == 0);
    CHECK(ev.str("comm") == "true");
    CHECK(ev.param("cgroup") != nullptr);
    CHECK(ev.param("loginuid") != nullptr);

    auto exit = cap.wait_for([&](const Event& x) {
        return x.hdr.pid == uint32_t(child) && x.type() == EventType::PROC_EXIT;
    });
    REQUIRE(exit);
    CHECK(exit->ev.u64("exit_code") == 0);
    CHECK(exit->ev.u64("group_dead") == 1);
}

TEST_CASE("a failed exec reports its error, filename and argv", "[capture][exec]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork_run([] {
        // The strings live on the stack: after fork, the child's rodata pages may not be mapped
        // yet, and the probe cannot fault them in (it reads without sleeping), so a literal
        // can come out missing. Stack pages are copied with the child.
        char a0[] = "nope", a1[] = "x";
        char* argv[] = {a0, a1, nullptr};
        execv("/nonexistent/saker-nope", argv);
        return 3;
    });
    CHECK(WEXITSTATUS(wait_exit(child)) == 3);
    auto e = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == uint32_t(child) && ev.type() == EventType::EXECVE;
    });
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == -ENOENT);
    CHECK(e->ev.str("filename") == "/nonexistent/saker-nope");
    CHECK(strings(e->ev.param("argv")) == std::vector<std::string>{"nope", "x"});
    CHECK(e->ev.param("exe") == nullptr); // no post-exec facts for a failed exec
}

TEST_CASE("fork and exit are seen, with the exit code", "[capture][process]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork_run([] { return 7; });
    CHECK(WEXITSTATUS(wait_exit(child)) == 7);

    auto fork_ev = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == self() && ev.type() == EventType::PROC_FORK &&
               ev.u64("child_pid") == uint64_t(child);
    });
    REQUIRE(fork_ev);
    CHECK(fork_ev->ev.u64("child_tid") == uint64_t(child));

    auto clone_ev = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == self() && ev.type() == EventType::CLONE && ev.hdr.ret == child;
    });
    REQUIRE(clone_ev);
    CHECK((*clone_ev->ev.u64("flags") & 0xff) == SIGCHLD);

    auto exit = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == uint32_t(child) && ev.type() == EventType::PROC_EXIT;
    });
    REQUIRE(exit);
    CHECK(exit->ev.u64("exit_code") == (7u << 8));
    CHECK(exit->ev.u64("group_dead") == 1);
}

TEST_CASE("open reports path, flags, mode, fd, dev and ino", "[capture][open]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string path = temp_dir() + "/opened";
    const int flags = O_CREAT | O_WRONLY | O_CLOEXEC | O_TRUNC;
    int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, path.c_str(), flags, 0640));
    REQUIRE(fd >= 0);
    struct stat st;
    REQUIRE(fstat(fd, &st) == 0);
    close(fd);

    auto e = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::OPEN, SYS_openat)(ev) && ev.str("path") == path;
    });
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == fd);
    CHECK(e->ev.s64("dirfd") == AT_FDCWD);
    CHECK(e->ev.u64("flags") == uint64_t(flags));
    CHECK(e->ev.u64("mode") == 0640u);
    CHECK(e->ev.u64("dev") == st.st_dev);
    CHECK(e->ev.u64("ino") == st.st_ino);

    auto c = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::FD, SYS_close)(ev) && ev.s64("fd") == fd;
    });
    REQUIRE(c);
    CHECK(c->ev.hdr.ret == 0);
}

TEST_CASE("a failed open reports the error and no inode", "[capture][open]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    int fd = open("/nonexistent/saker-file", O_RDONLY);
    REQUIRE(fd < 0);
    auto e = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == self() && ev.type() == EventType::OPEN &&
               ev.str("path") == "/nonexistent/saker-file";
    });
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == -ENOENT);
    CHECK(e->ev.u64("ino") == 0u);
}
