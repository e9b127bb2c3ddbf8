// Test support for the capture tests: why the probe cannot run here (for the skip-or-fail
// policy of support/root_guard.h), and a fixture that runs a real Probe with a consumer thread and
// keeps copies of the records produced by this process, its children and the pids it watches.
#pragma once

#include "runtime/capture/consumer.h"
#include "runtime/capture/probe.h"
#include "support/root_guard.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace saker::capture::test {

// "" if the probe loads here, else why not (kernel features, or the load error); checked once.
const std::string& probe_unusable_reason();

// In a TEST_CASE body: reported skipped (or FAILed under SAKER_REQUIRE_BPF=1) unless the probe
// loads here.
#define SAKER_REQUIRE_PROBE()                                                                      \
    SAKER_SKIP_UNLESS("the probe test", ::saker::capture::test::probe_unusable_reason())

// A record copied out of the ring buffer, with its decoded view.
struct OwnedEvent {
    std::vector<uint8_t> raw;
    Event ev;
};

class CaptureFixture {
  public:
    explicit CaptureFixture(const ProbeOptions& opts = {});
    ~CaptureFixture();

    using Pred = std::function<bool(const Event&)>;
    // The first kept record matching pred, waiting up to timeout; nullptr if none.
    std::unique_ptr<OwnedEvent>
    wait_for(const Pred& pred, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Also keep the records of `pid` (a grandchild, which the default filter drops).
    void watch(uint32_t pid);
    Probe& probe() { return probe_; }
    const Consumer& consumer() const { return consumer_; }

  private:
    void keep(const Event& ev);
    std::unique_ptr<OwnedEvent> find(const Pred& pred);

    Probe probe_;
    Consumer consumer_;
    std::mutex mu_;
    std::vector<std::vector<uint8_t>> records_;
    std::set<uint32_t> watched_;
    std::atomic<bool> stop_{false};
    uint32_t self_;
    std::thread thread_;
};

// Matches an event from `pid` of `type` produced by syscall `nr`.
CaptureFixture::Pred syscall_from(uint32_t pid, EventType type, uint32_t nr);

} // namespace saker::capture::test
