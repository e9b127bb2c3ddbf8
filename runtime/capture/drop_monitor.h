// DropMonitor: turns the probe's per-CPU loss counters into bounded-rate logs.
//
// Contract: tick() reads the counters (one map lookup, at most once per `read_every`: the
// consumer may poll a thousand times a second, and a syscall per poll showed as 7% of the
// agent's profile) and logs a warning with
// the NEW losses since the last warning, at most once per `interval` (the
// first loss is logged at once), and only if something was lost. totals() is the last reading. Call
// tick() from the consumer loop; it is cheap enough to call on every poll.
#pragma once

#include "runtime/capture/probe.h"

#include <chrono>

namespace saker::capture {

class DropMonitor {
  public:
    explicit DropMonitor(const Probe& probe,
                         std::chrono::milliseconds interval = std::chrono::seconds(10),
                         std::chrono::milliseconds read_every = std::chrono::milliseconds(100));

    // True if it logged this time.
    bool tick(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());
    const DropCounters& totals() const { return last_; }

  private:
    const Probe& probe_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds read_every_;
    std::chrono::steady_clock::time_point last_read_{};
    std::chrono::steady_clock::time_point last_log_{};
    bool logged_once_ = false;
    DropCounters last_{};
    DropCounters logged_{};
};

} // namespace saker::capture
