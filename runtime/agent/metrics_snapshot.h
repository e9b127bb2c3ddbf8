// MetricsSnapshot: Falco's periodic metrics snapshot (falco.yaml `metrics:`), the alert
// "Falco internal: metrics snapshot" and the `output_file` JSON lines, with Falco 0.44's keys.
//
// Contract:
// - `collect()` turns what the agent loop sampled into the snapshot's `output_fields`, as
//   Falco's stats writer builds them:
//   - always: evt.time, evt.hostname, evt.source ("syscall"), falco.version, falco.start_ts,
//     falco.reload_ts, falco.duration_sec, falco.kernel_release, falco.host_boot_ts,
//     falco.host_num_cpus, falco.outputs_queue_num_drops, falco.num_evts(_prev),
//     falco.evts_rate_sec (from the second snapshot on), scap.engine_name ("modern_bpf", the
//     kind of probe saker's is), falco.sha256_rules_file.<file>, falco.sha256_config_file.<file>,
//     falco.host_netinfo.interfaces.<if>.protocols.ipv4|ipv6.addresses (loopback excluded);
//   - rules_counters_enabled: falco.rules.matches_total and falco.rules.<rule name sanitized>;
//   - resource_utilization_enabled: falco.cpu_usage_perc, memory_{rss,vsz,pss}_kb,
//     container_memory_used_bytes, host_cpu_usage_perc, host_memory_used_kb,
//     host_procs_running, host_open_fds (memory as `_mb` with convert_memory_to_mb);
//   - state_counters_enabled: falco.n_threads (saker keeps processes, not threads), n_fds,
//     n_removed_threads, n_drops_full_threadtable: the state counters saker keeps; libs'
//     lookup and event-store counters have no equivalent here and are absent;
//   - kernel_event_counters_enabled: scap.n_evts, n_drops, n_drops_buffer_total, the
//     per-class n_drops_buffer_<class>_<dir>, n_drops_scratch_map (always 0: the probe cuts
//     oversized params instead), with scap.n_evts_prev, n_drops_prev, evts_rate_sec,
//     evts_drop_rate_sec; and with kernel_event_counters_per_cpu_enabled scap.n_evts_cpu_<N>,
//     n_drops_cpu_<N>; scap.n_drops_perc always;
//   - libbpf_stats_enabled (and the kernel keeping them, kernel.bpf_stats_enabled):
//     scap.<program>.run_cnt, run_time_ns, avg_time_ns.
//   A zero value is left out unless include_empty_values, except those Falco always sends.
// - `emit()` collects and sends: the alert through the outputs (output_rule; priority
//   Informational, source "internal") and the line `{"output_fields":{...},"sample":N}` to
//   output_file (opened for append by `open()`). It runs on the event thread, once per interval
//   (at least 100 ms), so the file's one small write there costs nothing measurable.
#pragma once

#include "runtime/agent/falco_metrics.h"
#include "runtime/capture/probe.h"
#include "runtime/config/config.h"
#include "runtime/output/alert.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace saker::agent {

// What the agent loop samples for one snapshot.
struct SnapshotInputs {
    uint64_t now_ns = 0;    // wall clock, ns since the epoch
    uint64_t reload_ns = 0; // when the rules were last (re)loaded
    FalcoTotals totals;     // the probe's, the state's and the outputs' counters
    std::vector<std::pair<std::string, uint64_t>> rule_matches; // every loaded rule, in order
    std::vector<capture::ProgramStats> programs;
    uint64_t fds = 0;               // fds in the process table
    uint64_t removed_processes = 0; // exited processes reclaimed
    std::vector<std::string> rules_files, config_files;
};

class MetricsSnapshot {
  public:
    MetricsSnapshot(config::Metrics settings, std::string version, std::string hostname,
                    uint64_t start_ns);

    // Whether snapshots go anywhere (metrics.enabled, and output_rule or output_file).
    bool active() const;
    // Opens output_file for append; false with `error` when it cannot be.
    bool open(std::string& error);

    nlohmann::json collect(const SnapshotInputs& in);
    // `send` queues the alert for the outputs (called only with output_rule).
    void emit(const SnapshotInputs& in, const std::function<void(const output::Alert&)>& send);

    // The internal rule the alert names.
    static const Rule& rule();
    // Falco's key for a rule or file name: characters other than [a-zA-Z0-9_:] become '_',
    // runs of '_' one, no trailing '_'.
    static std::string sanitize(const std::string& name);

  private:
    const std::string& digest(const std::string& path);

    config::Metrics settings_;
    std::string version_, hostname_, kernel_release_;
    uint64_t start_ns_;
    uint64_t last_now_ns_ = 0, last_num_evts_ = 0, last_n_evts_ = 0, last_n_drops_ = 0;
    uint64_t samples_ = 0;
    std::ofstream file_;
    std::map<std::string, std::pair<std::string, std::string>> digests_; // path: stamp, sha256
};

} // namespace saker::agent
