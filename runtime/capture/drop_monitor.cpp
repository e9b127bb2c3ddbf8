#include "runtime/capture/drop_monitor.h"

#include <spdlog/spdlog.h>

namespace saker::capture {

DropMonitor::DropMonitor(const Probe& probe, std::chrono::milliseconds interval,
                         std::chrono::milliseconds read_every)
    : probe_(probe), interval_(interval), read_every_(read_every) {}

bool DropMonitor::tick(std::chrono::steady_clock::time_point now) {
    if (last_read_ != std::chrono::steady_clock::time_point{} && now - last_read_ < read_every_)
        return false;
    last_read_ = now;
    last_ = probe_.drops();
    bool lost = last_.ringbuf_full != logged_.ringbuf_full ||
                last_.truncated_args != logged_.truncated_args ||
                last_.read_faults != logged_.read_faults;
    if (!lost || (logged_once_ && now - last_log_ < interval_)) return false;
    spdlog::warn("saker capture: lost {} events (ring buffer full), truncated {} args, {} read "
                 "faults since last report; totals: {} events sent, {} lost",
                 last_.ringbuf_full - logged_.ringbuf_full,
                 last_.truncated_args - logged_.truncated_args,
                 last_.read_faults - logged_.read_faults, last_.events, last_.ringbuf_full);
    logged_ = last_;
    last_log_ = now;
    logged_once_ = true;
    return true;
}

} // namespace saker::capture
