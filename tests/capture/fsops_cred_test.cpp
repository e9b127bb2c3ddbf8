// File operations, credentials, ptrace and memfd: each call with known
// arguments, each captured parameter checked.
#include "capture_fixture.h"

#include <catch2/catch.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
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

std::string temp_file() {
    char tmpl[] = "/tmp/saker-fsops-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    return tmpl;
}

CaptureFixture::Pred with_path(uint32_t nr, EventType type, const char* key, std::string path,
                               uint32_t pid = self()) {
    return [=](const Event& ev) { return syscall_from(pid, type, nr)(ev) && ev.str(key) == path; };
}

} // namespace

TEST_CASE("rename reports both paths", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string from = temp_file(), to = from + ".renamed";
    REQUIRE(rename(from.c_str(), to.c_str()) == 0);
    auto e = cap.wait_for(with_path(SYS_rename, EventType::PATH2, "oldpath", from));
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == 0);
    CHECK(e->ev.str("newpath") == to);
    CHECK(e->ev.s64("olddirfd") == AT_FDCWD);
    CHECK(e->ev.s64("newdirfd") == AT_FDCWD);
    unlink(to.c_str());
}

TEST_CASE("renameat2 reports dirfds and flags", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string from = temp_file(), to = from + ".r2";
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    std::string rel_from = from.substr(5), rel_to = to.substr(5);
    REQUIRE(syscall(SYS_renameat2, dir, rel_from.c_str(), dir, rel_to.c_str(), RENAME_NOREPLACE) ==
            0);
    auto e = cap.wait_for(with_path(SYS_renameat2, EventType::PATH2, "oldpath", rel_from));
    REQUIRE(e);
    CHECK(e->ev.s64("olddirfd") == dir);
    CHECK(e->ev.s64("newdirfd") == dir);
    CHECK(e->ev.str("newpath") == rel_to);
    CHECK(e->ev.u64("flags") == uint64_t(RENAME_NOREPLACE));
    close(dir);
    unlink(to.c_str());
}

TEST_CASE("unlink and unlinkat report the path", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string a = temp_file(), b = temp_file();
    REQUIRE(unlink(a.c_str()) == 0);
    REQUIRE(unlinkat(AT_FDCWD, b.c_str(), 0) == 0);
    auto e = cap.wait_for(with_path(SYS_unlink, EventType::PATH, "path", a));
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == 0);
    CHECK(e->ev.s64("dirfd") == AT_FDCWD);
    auto f = cap.wait_for(with_path(SYS_unlinkat, EventType::PATH, "path", b));
    REQUIRE(f);
    CHECK(f->ev.u64("arg") == 0u);
}

TEST_CASE("symlink reports target and link path", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string link = temp_file() + ".lnk";
    REQUIRE(symlink("/etc/saker-target", link.c_str()) == 0);
    auto e = cap.wait_for(with_path(SYS_symlink, EventType::PATH2, "newpath", link));
    REQUIRE(e);
    CHECK(e->ev.str("oldpath") == "/etc/saker-target");
    CHECK(e->ev.hdr.ret == 0);
    unlink(link.c_str());
}

TEST_CASE("mkdir and rmdir report path and mode", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string dir = temp_file() + ".d";
    REQUIRE(mkdir(dir.c_str(), 0750) == 0);
    REQUIRE(rmdir(dir.c_str()) == 0);
    auto m = cap.wait_for(with_path(SYS_mkdir, EventType::PATH, "path", dir));
    REQUIRE(m);
    CHECK(m->ev.u64("arg") == 0750u);
    REQUIRE(cap.wait_for(with_path(SYS_rmdir, EventType::PATH, "path", dir)));
}

TEST_CASE("chmod and fchmodat report path and mode", "[capture][fs]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    std::string f = temp_file();
    REQUIRE(syscall(SYS_chmod, f.c_str(), 04755) == 0);
    REQUIRE(syscall(SYS_fchmodat, AT_FDCWD, f.c_str(), 0600) == 0);
    auto e = cap.wait_for(with_path(SYS_chmod, EventType::CHMOD, "path", f));
    REQUIRE(e);
    CHECK(e->ev.u64("mode") == 04755u);
    CHECK(e->ev.hdr.ret == 0);
    auto g = cap.wait_for(with_path(SYS_fchmodat, EventType::CHMOD, "path", f));
    REQUIRE(g);
    CHECK(g->ev.u64("mode") == 0600u);
    CHECK(g->ev.s64("fd") == AT_FDCWD);
    unlink(f.c_str());
}

TEST_CASE("setuid in a child reports the ids asked and the result", "[capture][cred]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) _exit(syscall(SYS_setuid, 65534) == 0 ? 0 : 1);
    int status;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WEXITSTATUS(status) == 0);
    auto e = cap.wait_for(syscall_from(child, EventType::SETID, SYS_setuid));
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == 0);
    CHECK(e->ev.u64("a0") == 65534u);
    CHECK(e->ev.u64("uid") == 65534u);
    CHECK(e->ev.u64("euid") == 65534u);
    CHECK(e->ev.hdr.ppid == self());
}

TEST_CASE("ptrace attach reports request and target pid", "[capture][ptrace]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        pause();
        _exit(0);
    }
    REQUIRE(ptrace(PTRACE_ATTACH, child, nullptr, nullptr) == 0);
    int status;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(ptrace(PTRACE_DETACH, child, nullptr, nullptr) == 0);
    kill(child, SIGKILL);
    waitpid(child, &status, 0);

    auto e = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::PTRACE, SYS_ptrace)(ev) &&
               ev.u64("request") == uint64_t(PTRACE_ATTACH);
    });
    REQUIRE(e);
    CHECK(e->ev.s64("pid") == child);
    CHECK(e->ev.hdr.ret == 0);
    auto k = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::KILL, SYS_kill)(ev) && ev.s64("tgid") == child;
    });
    REQUIRE(k);
    CHECK(k->ev.u64("sig") == uint64_t(SIGKILL));
}

TEST_CASE("memfd_create reports name, flags and fd", "[capture][memfd]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    int fd = memfd_create("saker-memfd", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    REQUIRE(fd >= 0);
    auto e = cap.wait_for(with_path(SYS_memfd_create, EventType::MEMFD, "name", "saker-memfd"));
    REQUIRE(e);
    CHECK(e->ev.u64("flags") == uint64_t(MFD_CLOEXEC | MFD_ALLOW_SEALING));
    CHECK(e->ev.hdr.ret == fd);
    close(fd);
}

TEST_CASE("exec from a memfd is flagged as such", "[capture][memfd][exec]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int src = open("/bin/true", O_RDONLY);
        int mfd = memfd_create("saker-exe", 0);
        struct stat st;
        if (src < 0 || mfd < 0 || fstat(src, &st) != 0) _exit(20);
        while (sendfile(mfd, src, nullptr, st.st_size) > 0) {
        }
        char* argv[] = {const_cast<char*>("true"), nullptr};
        char* envp[] = {nullptr};
        fexecve(mfd, argv, envp);
        _exit(21);
    }
    int status;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WEXITSTATUS(status) == 0);
    auto e = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == uint32_t(child) && ev.type() == EventType::EXECVE && ev.hdr.ret == 0;
    });
    REQUIRE(e);
    CHECK((*e->ev.u64("exe_flags") & SAKER_EXE_FROM_MEMFD) != 0);
    INFO("exe = " << *e->ev.str("exe"));
    CHECK(e->ev.str("exe")->find("memfd:saker-exe") != std::string_view::npos);
}
