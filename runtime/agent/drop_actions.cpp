#include "runtime/agent/drop_actions.h"

#include <algorithm>

namespace saker::agent {

DropActions::DropActions(const config::SyscallEventDrops& policy, Clock::time_point now)
    : policy_(policy), tokens_(policy.max_burst), last_refill_(now) {}

std::optional<DropVerdict> DropActions::tick(uint64_t events_total, uint64_t drops_total,
                                             Clock::time_point now) {
    DropVerdict v;
    v.n_drops = drops_total - std::min(drops_total, last_drops_);
    v.n_evts = (events_total - std::min(events_total, last_events_)) + v.n_drops;
    last_events_ = events_total;
    last_drops_ = drops_total;

    double elapsed = std::chrono::duration<double>(now - last_refill_).count();
    last_refill_ = now;
    tokens_ = std::min(policy_.max_burst, tokens_ + elapsed * policy_.rate);

    if (v.n_drops == 0) return std::nullopt;
    if (static_cast<double>(v.n_drops) <= policy_.threshold * static_cast<double>(v.n_evts))
        return std::nullopt;
    if (tokens_ < 1) return std::nullopt;
    tokens_ -= 1;
    for (auto a : policy_.actions) {
        v.log |= a == config::DropAction::Log;
        v.alert |= a == config::DropAction::Alert;
        v.exit |= a == config::DropAction::Exit;
    }
    if (!v.log && !v.alert && !v.exit) return std::nullopt;
    return v;
}

} // namespace saker::agent
