// Churn: 100,000 short-lived processes through the real probe and the state updater must leave
// the process table at its baseline size and RSS nearly flat.
#include "tests/capture/capture_fixture.h"
#include "tests/fields/live_pipeline.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SAKER_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SAKER_UNDER_ASAN 1
#endif
#endif

namespace {

long vm_rss_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

} // namespace

TEST_CASE("churn: 100,000 short-lived processes leave the table at baseline, RSS flat") {
    SAKER_REQUIRE_PROBE();
    constexpr int kProcesses = 100'000;
    constexpr long kRssBoundKb = 16 * 1024; // stated bound: < 16 MiB growth
    constexpr std::size_t kSizeSlack = 32;  // other processes on the host come and go
    saker::test::LivePipeline lp;
    REQUIRE(lp.sync());
    std::size_t before = lp.locked([](auto& t) { return t.size(); });
    long rss_before = vm_rss_kb();
    auto start = std::chrono::steady_clock::now();
    int failed = 0;
    for (int i = 0; i < kProcesses; ++i) {
        // vfork: a real new process (fork and exit records, a table entry) without copying
        // this test's page tables, so 100k of them fit in well under a minute.
        pid_t pid = vfork();
        if (pid == 0) _exit(0);
        if (pid < 0 || waitpid(pid, nullptr, 0) != pid) ++failed;
        if (i % 5000 == 4999) REQUIRE(lp.sync()); // keep the ring buffer from overflowing
    }
    REQUIRE(failed == 0);
    REQUIRE(lp.sync());
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::size_t after = lp.locked([](auto& t) { return t.size(); });
    auto stats = lp.locked([](auto& t) { return t.stats(); });
    long rss_after = vm_rss_kb();
    auto drops = lp.probe().drops();
    std::printf("churn: %d processes in %.1f s; table %zu -> %zu; removed %llu, evicted %llu; "
                "VmRSS %ld -> %ld kB (bound +%ld kB); ring drops %llu\n",
                kProcesses, secs, before, after, static_cast<unsigned long long>(stats.removed),
                static_cast<unsigned long long>(stats.process_evictions), rss_before, rss_after,
                kRssBoundKb, static_cast<unsigned long long>(drops.ringbuf_full));
    CHECK(drops.ringbuf_full == 0);
    CHECK(after <= before + kSizeSlack);
    CHECK(stats.removed >= static_cast<uint64_t>(kProcesses));
    CHECK(stats.process_evictions == 0);
#ifdef SAKER_UNDER_ASAN
    // AddressSanitizer holds freed memory in quarantine (256 MB by default): RSS says nothing
    // about the tables there. The table-size checks above still hold.
    WARN("RSS bound not checked under AddressSanitizer");
    return;
#endif
    CHECK(rss_after - rss_before < kRssBoundKb);
}
