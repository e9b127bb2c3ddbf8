// Attach modes (capture/probe.h): a syscall outside the interest set never produces a record,
// and in fexit mode it runs no BPF program at all (bpf_stats run counts), where the tracepoint
// fallback runs its dispatcher for every syscall of every task. Interest changes attach and
// detach the syscall's program (what a reload does).
#include "capture_fixture.h"

#include "runtime/capture/features.h"

#include <catch2/catch.hpp>

#include <bpf/bpf.h>

#include <atomic>
#include <fcntl.h>
#include <map>
#include <sys/syscall.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

constexpr int kReads = 20000;

std::map<std::string, uint64_t> run_counts(const Probe& p) {
    std::map<std::string, uint64_t> out;
    for (const ProgramStats& s : p.program_stats())
        out[s.name] = s.run_cnt;
    return out;
}

void read_zero(int n) {
    int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    char c;
    int ok = 0;
    for (int i = 0; i < n; i++)
        ok += read(fd, &c, 1) == 1;
    close(fd);
    REQUIRE(ok == n);
}

// Records of this process's read(2) calls the consumer got, and the program runs the reads
// caused outside the given programs (which other processes' syscalls may run too).
struct ReadCost {
    int records = 0;
    std::map<std::string, uint64_t> runs; // program -> run_cnt increase
};

ReadCost cost_of_reads(Probe& probe) {
    const uint32_t self = static_cast<uint32_t>(getpid());
    std::atomic<int> records{0};
    Consumer consumer(probe, [&](const Event& ev) {
        if (ev.hdr.pid == self && ev.hdr.syscall_nr == SYS_read) ++records;
    });
    while (consumer.poll(0) > 0) {
    }
    auto before = run_counts(probe);
    read_zero(kReads);
    auto after = run_counts(probe);
    for (int i = 0; i < 5; i++)
        consumer.poll(20);
    ReadCost c;
    c.records = records;
    for (const auto& [name, n] : after)
        c.runs[name] = n - before[name];
    return c;
}

} // namespace

TEST_CASE("fexit mode: a syscall outside the interest set produces no record and runs no program",
          "[capture][attach]") {
    SAKER_REQUIRE_PROBE();
    FexitSupport f = fexit_support();
    if (!f.ok) { // a kernel property, not a missing setup: reported skipped, never a failure
        saker::test::announce_skip("the fexit attach test",
                                   "a kernel that accepts fexit programs; here " + f.reason);
        return;
    }
    int stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
    REQUIRE(stats >= 0);
    ProbeOptions opts;
    opts.attach = AttachMode::Fexit;
    opts.syscalls = {SYS_openat};
    Probe probe(opts);
    REQUIRE(probe.attach_mode() == AttachMode::Fexit);

    ReadCost c = cost_of_reads(probe);
    CHECK(c.records == 0);
    for (const auto& [name, n] : c.runs) {
        INFO(name << " ran " << n << " times during " << kReads << " reads");
        // openat's program and the process lifecycle tracepoints serve other processes too.
        if (name == "saker_fx_openat" || name.starts_with("saker_sched_")) continue;
        CHECK(n == 0);
    }

    // Wanting read attaches its program: now every read is a record; unwanting detaches it.
    probe.set_interest(SYS_read, true);
    c = cost_of_reads(probe);
    CHECK(c.records == kReads);
    CHECK(c.runs["saker_fx_read"] >= static_cast<uint64_t>(kReads));
    probe.set_interest(SYS_read, false);
    c = cost_of_reads(probe);
    CHECK(c.records == 0);
    CHECK(c.runs["saker_fx_read"] == 0);
    close(stats);
}

TEST_CASE("tracepoint mode: a syscall outside the interest set produces no record, but the "
          "dispatcher runs for it",
          "[capture][attach]") {
    SAKER_REQUIRE_PROBE();
    int stats = bpf_enable_stats(BPF_STATS_RUN_TIME);
    REQUIRE(stats >= 0);
    ProbeOptions opts;
    opts.attach = AttachMode::Tracepoint;
    opts.syscalls = {SYS_openat};
    Probe probe(opts);
    REQUIRE(probe.attach_mode() == AttachMode::Tracepoint);

    ReadCost c = cost_of_reads(probe);
    CHECK(c.records == 0);
    // The cost fexit mode removes: the global sys_exit hook runs for each of these reads.
    CHECK(c.runs["saker_sys_exit"] >= static_cast<uint64_t>(kReads));
    CHECK(c.runs["h_open"] < static_cast<uint64_t>(kReads)); // no handler ran for the reads

    probe.set_interest(SYS_read, true);
    c = cost_of_reads(probe);
    CHECK(c.records == kReads);
    close(stats);
}
