// FalcoMetrics: Falco's own Prometheus families (`falcosecurity_*`), beside saker's `saker_*`
// ones, so that the Falco chart's Grafana dashboard and alerting rules work unchanged.
//
// Contract: names, labels, types and meanings are Falco 0.44's (falco.org/docs/metrics):
// - falcosecurity_falco_rules_matches_total{priority,rule_name,source,tag_<tag>="true"...}:
//   alerts per rule, priority as Falco's number (0 Emergency .. 7 Debug), one tag_ label per
//   rule tag; like Falco, only rules that matched at least once have a series.
// - falcosecurity_scap_n_evts_total (records the probe produced, lost or not),
//   _n_drops_total (lost), _n_drops_buffer_total{dir,drop} (lost to a full ring buffer by
//   Falco's syscall classes, dir="exit"; dir="enter" is always 0 as in Falco: neither captures
//   enter events), _n_evts_cpu_total{cpu}, _n_drops_cpu_total{cpu},
//   _n_drops_scratch_map_total (0: saker's probe cuts oversized params instead of dropping),
//   _n_drops_full_threadtable_total (processes evicted from the full process table),
//   falcosecurity_scap_n_threads_total (process table entries: saker keeps one per process,
//   Falco one per thread), falcosecurity_falco_n_evts_total (events the rules evaluated: not a
//   Falco 0.44 family, but the chart's dashboard reads it).
// - Falco's resource gauges (cpu_usage_ratio as `ps` computes it: CPU time over lifetime;
//   memory_rss/vsz/pss_bytes) with libs' `raw_name` label, which the dashboard groups by;
//   outputs_queue_num_drops_total (alerts any output lost), start/reload timestamps,
//   duration_seconds_total, host_num_cpus_total, host_boot_timestamp_nanoseconds.
// - Info gauges: falcosecurity_falco_version_info{version} (saker's version),
//   falcosecurity_scap_engine_name_info{engine_name="modern_bpf",evt_source="syscall"} (saker's
//   probe is a CO-RE eBPF ring-buffer probe, Falco's modern_bpf kind),
//   falcosecurity_falco_kernel_release_info, falcosecurity_evt_hostname_info.
// Threads as AgentMetrics: publish() and rules_changed() on the event thread, the families are
// rendered on the scrape thread from a snapshot taken under a lock.
#pragma once

#include "bpf/events.h"
#include "frontend/rules.h"
#include "runtime/metrics/registry.h"

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace saker::agent {

// What the agent loop reads about once a second, as cumulative totals.
struct FalcoTotals {
    std::vector<uint64_t> evts_per_cpu;  // records the probe produced (sent or lost)
    std::vector<uint64_t> drops_per_cpu; // records lost to a full ring buffer
    std::array<uint64_t, SAKER_DROP_CLASSES> drops_by_class{}; // by capture::DropClass
    uint64_t evaluated = 0;                                    // events user space evaluated
    uint64_t process_evictions = 0;
    uint64_t processes = 0;    // process table entries
    uint64_t output_drops = 0; // alerts lost by any output
};

class FalcoMetrics {
  public:
    // `alerts` is saker_alerts_total ({rule, priority} children): its cells are the counts.
    // Per-CPU series exist for `ncpus` CPUs from the start (zero until the first publish()).
    FalcoMetrics(metrics::Registry& registry, const metrics::CounterFamily& alerts,
                 const Ruleset& rules, size_t ncpus, std::string version, std::string hostname);

    void rules_changed(const Ruleset& rules);
    void reloaded();
    void publish(const FalcoTotals& t);

  private:
    struct RuleLabels {
        std::vector<std::string> names;
        metrics::LabelValues values;
    };
    void scalar(metrics::Type type, const char* name, const char* help,
                uint64_t FalcoTotals::*field);
    // A per-CPU vector as `name{cpu}` (per_cpu) or as its sum (total).
    void per_cpu(const char* name, const char* help, std::vector<uint64_t> FalcoTotals::*field);
    void total(const char* name, const char* help, std::vector<uint64_t> FalcoTotals::*field);

    metrics::Registry& registry_;
    const metrics::CounterFamily& alerts_;
    mutable std::mutex mutex_;
    std::map<std::string, RuleLabels, std::less<>> rules_; // by rule name
    FalcoTotals totals_;
    uint64_t start_ns_ = 0, reload_ns_ = 0;
};

} // namespace saker::agent
