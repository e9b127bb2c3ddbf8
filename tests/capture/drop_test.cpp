// Loss accounting: a one-page ring buffer that nobody drains during a syscall
// storm must report ring-buffer drops through the per-CPU counters and by
// Falco's syscall class (opens as "open", closes as "close"), and the consumer
// must keep delivering events afterwards.
#include "capture_fixture.h"

#include "runtime/capture/drop_classes.h"
#include "runtime/capture/drop_monitor.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

void open_close_storm(int n) {
    for (int i = 0; i < n; i++) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0) close(fd);
    }
}

} // namespace

TEST_CASE("a tiny ring buffer under a storm counts drops and keeps consuming", "[capture][drops]") {
    SAKER_REQUIRE_PROBE();
    ProbeOptions opts;
    opts.ring_buffer_bytes = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    opts.syscalls = {SYS_openat, SYS_close};
    Probe probe(opts);
    Consumer consumer(probe, nullptr);

    open_close_storm(20000); // nothing drains meanwhile: the page fills at once
    DropCounters d = probe.drops();
    CHECK(d.ringbuf_full > 0);
    CHECK(d.events > 0);
    INFO("events " << d.events << ", ring buffer full " << d.ringbuf_full);

    // Each lost record counted once, in its syscall's class (read before the total, which
    // only grows; other processes' execs and exits, captured whatever the set, may add to
    // "execve" and "proc").
    auto by_class = probe.drops_by_class();
    const uint64_t total = probe.drops().ringbuf_full;
    CHECK(by_class[static_cast<size_t>(DropClass::Open)] > 0);
    CHECK(by_class[static_cast<size_t>(DropClass::Close)] > 0);
    uint64_t all = 0;
    for (uint64_t n : by_class)
        all += n;
    CHECK(all <= total);
    CHECK(drop_class_of_key(SYS_execve) == DropClass::Execve);
    CHECK(drop_class_of_key(SYS_dup2) == DropClass::DirFile);
    CHECK(drop_class_name(DropClass::OtherInterest) == "other_interest");
    CHECK(drop_class_of_key(SAKER_SYSCALL_TABLE_SIZE + SAKER_EVT_PROC_EXIT) == DropClass::Proc);
    CHECK(drop_class_of_key(SYS_read) == DropClass::None);

    // The loss is logged at once, then not again within the interval although
    // the undrained buffer keeps losing other processes' opens meanwhile.
    DropMonitor monitor(probe, std::chrono::hours(1));
    CHECK(monitor.tick());
    open_close_storm(100);
    CHECK_FALSE(monitor.tick());
    CHECK(monitor.totals().ringbuf_full >= d.ringbuf_full);

    // The consumer survives the overflow: drain, storm a little, drain again.
    while (consumer.poll(0) > 0) {
    }
    uint64_t before = consumer.received();
    CHECK(before > 0);
    open_close_storm(10);
    for (int i = 0; i < 50 && consumer.received() < before + 20; i++)
        consumer.poll(20);
    CHECK(consumer.received() >= before + 20);
    CHECK(consumer.malformed() == 0);

    DropMonitor eager(probe, std::chrono::milliseconds(0));
    open_close_storm(2000); // fill it again: a new loss is logged again
    CHECK(eager.tick());
}
