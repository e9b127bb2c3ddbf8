// Pipeline: the per-event path shared by the live agent and `saker replay`.
//
// Contract:
// - on_event() takes one decoded event (from the ring buffer or a capture file), updates the
//   process/fd/user state, evaluates the current rules for the event's type and hands each
//   alert to the AlertHandler, in rule order, before it returns.
//   With `rule_matching_all` every matching rule alerts, otherwise the first (Falco's default).
// - set_rules() swaps the compiled rules between events (reload); the state is kept.
// - The process table starts empty: the caller seeds it (from /proc, or a capture's snapshot).
// - One thread drives a Pipeline. Event times are boot-clock nanoseconds; `boot_to_epoch_ns`
//   turns them into wall-clock time for alerts (a capture file carries the recording's value).
#pragma once

#include "runtime/agent/compiled_rules.h"
#include "runtime/capture/decoder.h"
#include "runtime/fields/event_fields.h"
#include "runtime/metrics/registry.h"
#include "runtime/output/alert.h"
#include "runtime/state/process_table.h"
#include "runtime/state/state_updater.h"
#include "runtime/state/users.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace saker::agent {

struct PipelineOptions {
    bool rule_matching_all = false;
    uint64_t boot_to_epoch_ns = 0;
    std::string hostname; // evt.hostname; empty: this host's
};

// Cells the pipeline bumps per event when given (the agent's /metrics); all optional.
struct PipelineMetrics {
    metrics::CounterFamily* events_by_type = nullptr; // by event type id (engine.h)
    metrics::CounterFamily* alerts_by_rule = nullptr; // by rule index
    metrics::SampledTimer* eval_timer = nullptr;      // rule evaluation, 1 event in N
};

struct PipelineStats {
    uint64_t events = 0;
    uint64_t alerts = 0;
};

class Pipeline {
  public:
    // The handler sees each alert with the rules it came from (valid during the call).
    using AlertHandler = std::function<void(const output::Alert&)>;

    // `containers` (optional) answers container.name/image and k8s.*; it must outlive this.
    Pipeline(const PipelineOptions& options, AlertHandler on_alert,
             fields::ContainerMetadataSource* containers = nullptr);

    void set_rules(std::shared_ptr<const CompiledRules> rules);
    const std::shared_ptr<const CompiledRules>& rules() const { return rules_; }
    void set_options(const PipelineOptions& options);
    void set_metrics(const PipelineMetrics& m) { metrics_ = m; }

    void on_event(const capture::Event& ev);

    state::ProcessTable& table() { return table_; }
    const state::ProcessTable& table() const { return table_; }
    state::UserDb& users() { return users_; }
    const PipelineStats& stats() const { return stats_; }

  private:
    PipelineOptions options_;
    AlertHandler on_alert_;
    fields::ContainerMetadataSource* containers_;
    std::shared_ptr<const CompiledRules> rules_;
    state::ProcessTable table_;
    state::UserDb users_;
    state::StateUpdater updater_;
    fields::EventFields fields_;
    std::vector<uint32_t> matches_;
    // Event type id by syscall number: the event's name is a function of it (state_updater's
    // falco_event_name), so the name search runs once per syscall, not once per event.
    std::vector<uint32_t> type_by_nr_;
    uint32_t type_id(const capture::Event& ev, std::string_view name);
    PipelineStats stats_;
    PipelineMetrics metrics_;
};

// Nanoseconds to add to a CLOCK_BOOTTIME stamp to get the wall-clock time, now.
uint64_t boot_to_epoch_now();
// This host's name for alerts: $SAKER_HOSTNAME, else $FALCO_HOSTNAME (Falco's, which its chart
// sets from the node name), else gethostname().
std::string host_name();

} // namespace saker::agent
