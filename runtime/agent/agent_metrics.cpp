#include "runtime/agent/agent_metrics.h"

#include "runtime/capture/syscalls.h"
#include "runtime/dns/resolver.h"

#include <map>
#include <string>

namespace saker::agent {

namespace {

std::vector<metrics::LabelValues> rule_labels(const Ruleset& rules) {
    std::vector<metrics::LabelValues> out;
    for (const auto& r : rules.rules)
        out.push_back({r.name, priority_name(r.priority)});
    return out;
}

std::vector<std::string> event_type_names() {
    std::vector<std::string> out;
    for (auto name : known_event_types())
        out.emplace_back(name);
    return out;
}

std::vector<metrics::LabelValues> drop_labels(size_t ncpus) {
    std::vector<metrics::LabelValues> out;
    for (size_t cpu = 0; cpu < ncpus; ++cpu)
        for (const char* reason :
             {"ringbuf_full", "truncated_args", "read_faults", "tail_call_miss", "ia32_dropped"})
            out.push_back({std::to_string(cpu), reason});
    return out;
}

constexpr size_t kReasons = 5;

} // namespace

AgentMetrics::AgentMetrics(metrics::Registry& registry, const Ruleset& rules, size_t ncpus,
                           const std::string& version, const std::string& hostname)
    : registry_(registry),
      events_by_type_(registry.counters_by("saker_events_total",
                                           "Events evaluated, by Falco event type", "type",
                                           event_type_names())),
      alerts_(registry.counters("saker_alerts_total", "Alerts emitted, by rule and priority",
                                {"rule", "priority"}, rule_labels(rules))),
      eval_ns_(registry.histogram("saker_rule_evaluation_seconds",
                                  "Time to evaluate the rules for one event (1 event in 64)",
                                  metrics::exponential_bounds(25, 2, 14), 1e9)),
      eval_timer_(eval_ns_, 64),
      drops_(registry.counters("saker_probe_drops_total",
                               "Events the probe lost or cut, by CPU and reason", {"cpu", "reason"},
                               drop_labels(ncpus))),
      malformed_(registry.counter("saker_malformed_records_total",
                                  "Ring-buffer records that failed validation")),
      wakeups_(registry.counter("saker_consumer_wakeups_total",
                                "Times the event thread woke from its ring-buffer wait (a probe "
                                "wakeup or a timeout)")),
      reloads_(registry.counters_by("saker_reloads_total", "Configuration and rules reloads",
                                    "result", {"ok", "failed"})),
      rules_enabled_(registry.gauge("saker_rules_enabled", "Rules loaded and enabled")),
      processes_(registry.gauge("saker_process_table_entries", "Processes in the state table")),
      syscalls_(registry.gauge("saker_probe_syscalls_captured",
                               "Syscalls in the probe's interest set (attached, in fexit mode)")),
      drops_seen_(ncpus), falco_(registry, alerts_, rules, ncpus, version, hostname) {
    rules_enabled_.set(static_cast<double>(rules.enabled_count()));
    auto sink_family = [this](metrics::Type type, const char* name, const char* help, auto field) {
        registry_.collect(type, name, help, {"sink"}, [this, field](metrics::Samples& s) {
            std::lock_guard lock(sinks_mutex_);
            for (const auto& st : sinks_)
                s.add({st.name}, static_cast<double>(field(st)));
        });
    };
    using S = output::SinkStats;
    sink_family(metrics::Type::Counter, "saker_output_alerts_total", "Alerts queued for a sink",
                [](const S& s) { return s.queued; });
    sink_family(metrics::Type::Counter, "saker_output_delivered_total", "Alerts a sink delivered",
                [](const S& s) { return s.delivered; });
    sink_family(metrics::Type::Counter, "saker_output_dropped_total",
                "Alerts a sink lost (queue full or shutdown)",
                [](const S& s) { return s.dropped; });
    sink_family(metrics::Type::Counter, "saker_output_failed_total",
                "Alerts a sink gave up on after errors", [](const S& s) { return s.failed; });
    sink_family(metrics::Type::Gauge, "saker_output_queue_depth",
                "Alerts waiting in a sink's queue", [](const S& s) { return s.depth; });
    // fd.*ip.name: the resolver's own thread-safe figures, read at scrape time.
    auto dns = [](auto field) {
        return [field] { return static_cast<double>(field(dns::resolver().stats())); };
    };
    using D = dns::ResolverStats;
    registry_.counter_fn("saker_dns_resolutions_total",
                         "Name resolutions for fd.*ip.name conditions (getaddrinfo calls)",
                         dns([](const D& d) { return d.resolutions; }));
    registry_.counter_fn("saker_dns_failures_total", "Name resolutions that gave no address",
                         dns([](const D& d) { return d.failures; }));
    registry_.gauge_fn("saker_dns_names", "Names the loaded rules compare addresses against",
                       dns([](const D& d) { return d.names; }));
}

PipelineMetrics AgentMetrics::pipeline() {
    return {&events_by_type_, &alerts_, &eval_timer_};
}

void AgentMetrics::probe_attached(const char* mode, size_t syscalls) {
    registry_.info("saker_probe_attach_mode",
                   "How the probe attaches: fexit (per syscall) or tracepoint (sys_exit)",
                   {{"mode", mode}});
    syscalls_captured(syscalls);
}

void AgentMetrics::rules_changed(const Ruleset& rules) {
    alerts_.relabel(rule_labels(rules));
    falco_.rules_changed(rules);
    rules_enabled_.set(static_cast<double>(rules.enabled_count()));
}

void AgentMetrics::publish(const LoopTotals& t) {
    for (size_t cpu = 0; cpu < t.drops_per_cpu.size() && cpu < drops_seen_.size(); ++cpu) {
        const auto& now = t.drops_per_cpu[cpu];
        auto& seen = drops_seen_[cpu];
        const uint64_t fresh[kReasons] = {
            now.ringbuf_full - seen.ringbuf_full, now.truncated_args - seen.truncated_args,
            now.read_faults - seen.read_faults, now.tail_call_miss - seen.tail_call_miss,
            now.ia32_dropped - seen.ia32_dropped};
        for (size_t r = 0; r < kReasons; ++r)
            if (fresh[r]) drops_[cpu * kReasons + r].inc(fresh[r]);
        seen = now;
    }
    if (t.malformed > malformed_seen_) malformed_.inc(t.malformed - malformed_seen_);
    malformed_seen_ = t.malformed;
    if (t.wakeups > wakeups_seen_) wakeups_.inc(t.wakeups - wakeups_seen_);
    wakeups_seen_ = t.wakeups;
    processes_.set(static_cast<double>(t.processes));
    FalcoTotals f;
    for (const auto& c : t.drops_per_cpu) {
        f.evts_per_cpu.push_back(c.events + c.ringbuf_full);
        f.drops_per_cpu.push_back(c.ringbuf_full);
    }
    f.drops_by_class = t.drops_by_class;
    f.evaluated = t.evaluated;
    f.process_evictions = t.process_evictions;
    f.processes = t.processes;
    for (const auto& s : t.sinks)
        f.output_drops += s.dropped;
    falco_.publish(f);
    falco_totals_ = std::move(f);
    std::lock_guard lock(sinks_mutex_);
    sinks_ = t.sinks;
}

std::vector<std::pair<std::string, uint64_t>>
AgentMetrics::rule_matches(const Ruleset& rules) const {
    std::map<std::string, uint64_t, std::less<>> counts; // children are {rule, priority}
    alerts_.visit([&](const metrics::LabelValues& child, const metrics::Counter& cell) {
        if (!child.empty()) counts[child[0]] += cell.value();
    });
    std::vector<std::pair<std::string, uint64_t>> out;
    for (const auto& r : rules.rules) {
        auto it = counts.find(r.name);
        out.emplace_back(r.name, it == counts.end() ? 0 : it->second);
    }
    return out;
}

} // namespace saker::agent
