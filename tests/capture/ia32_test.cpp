// 32-bit (ia32) syscalls on the tracepoint path: a task in an ia32 syscall (here int 0x80 from
// this 64-bit process, which the kernel treats exactly like a 32-bit program's call) numbers it
// from the i386 table and passes its arguments in other registers. The probe must report it as
// the x86_64 syscall it is, with the right arguments, and never as the x86_64 syscall that has
// the same number; what it cannot decode it drops and counts.
#include "capture_fixture.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <regex>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bpf/syscalls_ia32.h"
#include "bpf/syscalls_x86_64.h"

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

// i386 syscall numbers used here (asm/unistd_32.h).
constexpr long kIa32Dup = 41;     // x86_64 41 is socket
constexpr long kIa32OldMmap = 90; // x86_64 90 is chmod
constexpr long kIa32Openat = 295;

uint32_t self() {
    return static_cast<uint32_t>(getpid());
}

// An ia32 syscall from this 64-bit process: int 0x80 takes the i386 number in eax and the
// arguments in ebx, ecx, edx, esi (and returns r8-r11 zeroed).
long ia32_syscall(long nr, uint32_t a = 0, uint32_t b = 0, uint32_t c = 0, uint32_t d = 0) {
    long ret;
    asm volatile("int $0x80"
                 : "=a"(ret)
                 : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(d)
                 : "memory", "r8", "r9", "r10", "r11");
    return ret;
}

// A page below 4 GiB, where a 32-bit pointer can reach.
struct LowPage {
    char* p = static_cast<char*>(mmap(nullptr, 4096, PROT_READ | PROT_WRITE,
                                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0));
    ~LowPage() { munmap(p, 4096); }
    uint32_t put(const std::string& s) {
        std::memcpy(p, s.c_str(), s.size() + 1);
        return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p));
    }
};

} // namespace

TEST_CASE("an ia32 openat is reported as openat with its arguments", "[capture][ia32]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    LowPage page;
    REQUIRE(page.p != MAP_FAILED);
    char dir[] = "/tmp/saker-ia32-XXXXXX";
    REQUIRE(mkdtemp(dir));
    std::string path = std::string(dir) + "/opened32";
    const int flags = O_CREAT | O_WRONLY | O_TRUNC;
    long fd =
        ia32_syscall(kIa32Openat, static_cast<uint32_t>(AT_FDCWD), page.put(path), flags, 0640);
    REQUIRE(fd >= 0);
    close(static_cast<int>(fd));
    unlink(path.c_str());
    rmdir(dir);

    auto e = cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::OPEN, SYS_openat)(ev) && ev.str("path") == path;
    });
    REQUIRE(e);
    CHECK(e->ev.hdr.ret == fd);
    CHECK((e->ev.hdr.flags & SAKER_EVF_IA32) != 0);
    CHECK(e->ev.s64("dirfd") == AT_FDCWD); // a 32-bit -100, sign-extended as the kernel does
    CHECK(e->ev.u64("flags") == uint64_t(flags));
    CHECK(e->ev.u64("mode") == 0640u);
}

TEST_CASE("an ia32 syscall is never read as the x86_64 syscall with its number",
          "[capture][ia32]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    const uint64_t dropped_before = cap.probe().drops().ia32_dropped;

    long dupfd = ia32_syscall(kIa32Dup, static_cast<uint32_t>(fd)); // i386 dup, x86_64 socket
    REQUIRE(dupfd >= 0);
    long mm = ia32_syscall(kIa32OldMmap, 0); // old_mmap(NULL): EFAULT; x86_64 90 is chmod
    CHECK(mm < 0);
    close(static_cast<int>(dupfd));
    close(fd);

    auto d = cap.wait_for([&](const Event& ev) {
        return ev.hdr.pid == self() && ev.hdr.ret == dupfd && ev.hdr.syscall_nr == SYS_dup;
    });
    REQUIRE(d);
    CHECK(d->ev.type() == EventType::DUP);
    CHECK(d->ev.s64("oldfd") == fd);
    // The close that follows arrives after both int 0x80 records would have.
    REQUIRE(cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::FD, SYS_close)(ev) && ev.s64("fd") == fd;
    }) != nullptr);
    CHECK(cap.wait_for(
              [&](const Event& ev) {
                  return ev.hdr.pid == self() &&
                         (ev.hdr.syscall_nr == SYS_socket || ev.hdr.syscall_nr == SYS_chmod);
              },
              std::chrono::milliseconds(0)) == nullptr);
    // old_mmap passes its arguments in a block in memory: not decodable, counted.
    CHECK(cap.probe().drops().ia32_dropped > dropped_before);
}

TEST_CASE("the ia32 syscall table matches the i386 numbers of asm/unistd_32.h", "[capture][ia32]") {
    std::ifstream in("/usr/include/x86_64-linux-gnu/asm/unistd_32.h");
    REQUIRE(in);
    std::map<std::string, long> nr32;
    std::regex def(R"(#define __NR_(\w+) (\d+))");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, def)) nr32[m[1]] = std::stol(m[2]);
    }
    REQUIRE(nr32.size() > 300);
    // The uid/gid calls are the 32-bit-id ones; fchmodat2 (452, the same on every arch) is
    // newer than some headers.
    auto expected = [&](const std::string& name) -> long {
        if (nr32.count(name + "32")) return nr32[name + "32"];
        if (name == "mmap") return nr32["mmap2"];
        if (!nr32.count(name) && name == "fchmodat2") return 452;
        return nr32.count(name) ? nr32[name] : -1;
    };
#define SAKER_X_CHECK(name, nr) CHECK(expected(#name) == nr);
    SAKER_IA32_SYSCALLS(SAKER_X_CHECK)
#undef SAKER_X_CHECK
}

TEST_CASE("an ia32 syscall whose x86_64 twin is not wanted produces no record", "[capture][ia32]") {
    SAKER_REQUIRE_PROBE();
    ProbeOptions opts;
    opts.syscalls = {SYS_close}; // i386 openat (295) is not wanted; x86_64 295 (preadv) neither
    CaptureFixture cap(opts);
    LowPage page;
    REQUIRE(page.p != MAP_FAILED);
    long fd =
        ia32_syscall(kIa32Openat, static_cast<uint32_t>(AT_FDCWD), page.put("/dev/null"), O_RDONLY);
    REQUIRE(fd >= 0);
    close(static_cast<int>(fd));
    REQUIRE(cap.wait_for([&](const Event& ev) {
        return syscall_from(self(), EventType::FD, SYS_close)(ev) && ev.s64("fd") == fd;
    }) != nullptr);
    CHECK(cap.wait_for(
              [&](const Event& ev) {
                  return ev.hdr.pid == self() && ev.hdr.ret == fd && ev.hdr.syscall_nr != SYS_close;
              },
              std::chrono::milliseconds(0)) == nullptr);
}
