// DropActions: Falco's `syscall_event_drops` policy over the probe's loss counters.
//
// Contract:
// - tick() is fed the probe's running totals (events the probe saw, records lost because the
//   ring buffer was full) about once a second. When the last interval lost events and the lost
//   share exceeds `threshold`, it returns the configured actions to take (log, alert, exit),
//   rate-limited by a token bucket (`rate` actions per second, at most `max_burst` at once), so
//   a storm of drops is one line every 30 s by default, not thousands.
// - Pure bookkeeping: the caller logs, emits the alert and exits; nothing here does I/O.
#pragma once

#include "runtime/config/config.h"

#include <chrono>
#include <cstdint>
#include <optional>

namespace saker::agent {

struct DropVerdict {
    bool log = false, alert = false, exit = false;
    uint64_t n_drops = 0; // lost in the interval
    uint64_t n_evts = 0;  // seen by the probe in the interval (kept + lost)
};

class DropActions {
  public:
    using Clock = std::chrono::steady_clock;
    explicit DropActions(const config::SyscallEventDrops& policy,
                         Clock::time_point now = Clock::now());

    std::optional<DropVerdict> tick(uint64_t events_total, uint64_t drops_total,
                                    Clock::time_point now = Clock::now());

  private:
    config::SyscallEventDrops policy_;
    uint64_t last_events_ = 0, last_drops_ = 0;
    double tokens_;
    Clock::time_point last_refill_;
};

} // namespace saker::agent
