// The agent's `nice` (every thread, threads started later inherit it, a refusal is reported) and
// its memory trim after compilation (LLVM's file-backed pages are given back, and a later
// compile, as on a reload, still works).
#include "codegen/engine.h"
#include "frontend/frontend.h"
#include "runtime/agent/memory_trim.h"
#include "runtime/agent/scheduling.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <future>
#include <string>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

int nice_of(pid_t tid) {
    errno = 0;
    return getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
}
pid_t gettid_() {
    return static_cast<pid_t>(syscall(SYS_gettid));
}

// Kilobytes of this process's resident pages in libLLVM mappings (/proc/self/smaps).
long llvm_rss_kb() {
    std::ifstream smaps("/proc/self/smaps");
    long kb = 0;
    bool llvm = false;
    for (std::string line; std::getline(smaps, line);) {
        unsigned long s, e;
        if (std::sscanf(line.c_str(), "%lx-%lx", &s, &e) == 2) { // a mapping's header line
            llvm = line.find("libLLVM") != std::string::npos;
            continue;
        }
        long v = 0;
        if (llvm && std::sscanf(line.c_str(), "Rss: %ld kB", &v) == 1) kb += v;
    }
    return kb;
}

bool compiles_and_matches() {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    auto rules = saker::load_rules(
        std::vector<saker::RuleSource>{
            {"r.yaml", "- rule: r\n  desc: d\n  condition: evt.type = openat and fd.name "
                       "startswith /etc\n  output: o\n  priority: WARNING\n"}},
        sources, diags);
    if (diags.has_errors()) return false;
    std::string err;
    auto e = saker::make_engine(rules, {saker::EngineKind::Jit, 2, ""}, &err);
    return e != nullptr;
}

} // namespace

TEST_CASE("nice: set_nice reaches every thread, and later threads inherit it", "[agent]") {
    const int before = nice_of(0);
    std::promise<pid_t> tid_p;
    std::promise<void> release;
    std::thread t([&] {
        tid_p.set_value(gettid_());
        release.get_future().wait();
    });
    const pid_t other = tid_p.get_future().get();
    std::string err;
    const int want = std::min(before + 3, 19);
    REQUIRE(saker::agent::set_nice(want, err)); // raising it is always allowed
    CHECK(nice_of(0) == want);
    CHECK(nice_of(other) == want); // the thread that already ran
    int later = -100;
    std::thread([&] { later = nice_of(0); }).join();
    CHECK(later == want); // inherited from its creator
    // run_at_normal_priority: only the calling thread goes back to 0 (root), or stays (not root).
    if (geteuid() == 0) {
        int reset = -100;
        std::thread([&] {
            saker::agent::run_at_normal_priority();
            reset = nice_of(0);
        }).join();
        CHECK(reset == 0);
        CHECK(nice_of(other) == want);
    }
    release.set_value();
    t.join();
    if (geteuid() == 0) saker::agent::set_nice(before, err);
}

TEST_CASE("nice: a refused niceness is reported, not ignored", "[agent]") {
    // An unprivileged process may not lower its niceness: run as nobody in a child.
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && setuid(65534) != 0) _exit(3);
        std::string err;
        bool ok = saker::agent::set_nice(-5, err);
        _exit(!ok && !err.empty() ? 0 : 1);
    }
    int st = 0;
    REQUIRE(waitpid(pid, &st, 0) == pid);
    REQUIRE(WIFEXITED(st));
    CHECK(WEXITSTATUS(st) == 0);
}

TEST_CASE("memory trim: LLVM's pages go back after a compile, and compiling again works",
          "[agent]") {
    REQUIRE(compiles_and_matches()); // LLVM has run: its code pages are resident
    const long before = llvm_rss_kb();
    const size_t released = saker::agent::release_compiler_memory();
    const long after = llvm_rss_kb();
    INFO("libLLVM resident before " << before << " kB, after " << after << " kB, released "
                                    << released << " bytes of mappings");
    CHECK(released > 0);
    CHECK(after < before);
    REQUIRE(compiles_and_matches()); // a reload compiles with the pages faulted back in
    CHECK(llvm_rss_kb() > after);
}
