// AgentMetrics: the agent's Prometheus families, registered once at start.
//
// Contract:
// - The event thread is the only writer of every cell here (see metrics/cells.h): per-event
//   counters go through Pipeline's PipelineMetrics; the rest is published by `publish()`,
//   called about once a second from the agent loop with totals it read itself (probe drops,
//   consumer counters, table sizes, output queues). Scrapes read from the web server's thread.
// - Output sink figures are read at scrape time from a snapshot that publish() refreshes
//   under a lock, so the scrape never touches an outputs hub a reload may be replacing.
// - `rules_changed()` relabels the per-rule alert family after a reload (event thread).
// - Falco's families (falco_metrics.h) are fed from the same totals.
#pragma once

#include "frontend/rules.h"
#include "runtime/agent/falco_metrics.h"
#include "runtime/agent/pipeline.h"
#include "runtime/capture/probe.h"
#include "runtime/metrics/registry.h"
#include "runtime/output/sink_worker.h"

#include <mutex>
#include <vector>

namespace saker::agent {

struct LoopTotals {
    std::vector<capture::DropCounters> drops_per_cpu;
    uint64_t malformed = 0;
    uint64_t wakeups = 0; // the event thread's returns from its ring-buffer wait
    size_t processes = 0;
    std::vector<output::SinkStats> sinks;
    std::array<uint64_t, SAKER_DROP_CLASSES> drops_by_class{};
    uint64_t evaluated = 0;
    uint64_t process_evictions = 0;
};

class AgentMetrics {
  public:
    AgentMetrics(metrics::Registry& registry, const Ruleset& rules, size_t ncpus,
                 const std::string& version, const std::string& hostname);

    PipelineMetrics pipeline();
    void rules_changed(const Ruleset& rules);
    void reloaded(bool ok) {
        reloads_[ok ? 0 : 1].inc();
        if (ok) falco_.reloaded();
    }
    // Once, when the probe is up: how it attached (saker_probe_attach_mode{mode}); and the
    // syscalls it captures, again after each reload.
    void probe_attached(const char* mode, size_t syscalls);
    void syscalls_captured(size_t n) { syscalls_.set(static_cast<double>(n)); }
    void publish(const LoopTotals& t);
    // What the last publish() gave Falco's families (event thread only).
    const FalcoTotals& falco_totals() const { return falco_totals_; }
    // Alerts so far of each rule in `rules`, in order (event thread only).
    std::vector<std::pair<std::string, uint64_t>> rule_matches(const Ruleset& rules) const;

  private:
    metrics::Registry& registry_;
    metrics::CounterFamily& events_by_type_;
    metrics::CounterFamily& alerts_;
    metrics::Histogram& eval_ns_;
    metrics::SampledTimer eval_timer_;
    metrics::CounterFamily& drops_;
    metrics::Counter& malformed_;
    metrics::Counter& wakeups_;
    metrics::CounterFamily& reloads_;
    metrics::Gauge& rules_enabled_;
    metrics::Gauge& processes_;
    metrics::Gauge& syscalls_;
    std::vector<capture::DropCounters> drops_seen_;
    uint64_t malformed_seen_ = 0;
    uint64_t wakeups_seen_ = 0;
    std::mutex sinks_mutex_;
    std::vector<output::SinkStats> sinks_;
    FalcoMetrics falco_; // Falco's names for the same numbers
    FalcoTotals falco_totals_;
};

} // namespace saker::agent
