#include "runtime/agent/falco_metrics.h"

#include "runtime/capture/drop_classes.h"
#include "runtime/metrics/process_metrics.h"

#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace saker::agent {

namespace {

uint64_t now_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

// Falco's label name for a tag: "tag_" + the tag, characters Prometheus refuses as "_".
std::string tag_label(const std::string& tag) {
    std::string out = "tag_";
    for (char c : tag) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        if (!ok) c = '_';
        if (c == '_' && out.back() == '_') continue;
        out += c;
    }
    return out;
}

// Labels sorted by name, as Falco writes them.
std::map<std::string, std::string> rule_labels(const Rule& r) {
    std::map<std::string, std::string> labels{
        {"rule_name", r.name},
        {"priority", std::to_string(static_cast<int>(r.priority))},
        {"source", r.source}};
    for (const auto& tag : r.tags)
        labels.emplace(tag_label(tag), "true");
    return labels;
}

double read_first_number(const char* path, const char* key = nullptr) {
    std::ifstream in(path);
    std::string word;
    if (!key) return in >> word ? std::strtod(word.c_str(), nullptr) : NAN;
    while (in >> word)
        if (word == key && in >> word) return std::strtod(word.c_str(), nullptr);
    return NAN;
}

void resource_gauges(metrics::Registry& registry) {
    const double hz = double(sysconf(_SC_CLK_TCK));
    const double page = double(sysconf(_SC_PAGESIZE));
    auto gauge = [&](const char* name, const char* raw, const char* help, auto read) {
        registry.collect(metrics::Type::Gauge, name, help, {"raw_name"},
                         [raw, read](metrics::Samples& s) { s.add({raw}, read()); });
    };
    gauge("falcosecurity_falco_cpu_usage_ratio", "cpu_usage_perc",
          "CPU time the agent used over its lifetime (as ps computes %CPU), as a ratio", [hz] {
              auto st = metrics::read_self_stat();
              double uptime = read_first_number("/proc/uptime");
              double alive = uptime - double(st ? st->start_ticks : 0) / hz;
              return st && alive > 0 ? double(st->utime_ticks + st->stime_ticks) / hz / alive : NAN;
          });
    gauge("falcosecurity_falco_memory_rss_bytes", "memory_rss", "The agent's resident memory",
          [page] {
              auto st = metrics::read_self_stat();
              return st ? double(st->rss_pages) * page : NAN;
          });
    gauge("falcosecurity_falco_memory_vsz_bytes", "memory_vsz", "The agent's virtual memory", [] {
        auto st = metrics::read_self_stat();
        return st ? double(st->vsize_bytes) : NAN;
    });
    gauge("falcosecurity_falco_memory_pss_bytes", "memory_pss", "The agent's proportional set size",
          [] { return read_first_number("/proc/self/smaps_rollup", "Pss:") * 1024; });
}

} // namespace

FalcoMetrics::FalcoMetrics(metrics::Registry& registry, const metrics::CounterFamily& alerts,
                           const Ruleset& rules, size_t ncpus, std::string version,
                           std::string hostname)
    : registry_(registry), alerts_(alerts), start_ns_(now_ns()), reload_ns_(start_ns_) {
    totals_.evts_per_cpu.resize(ncpus);
    totals_.drops_per_cpu.resize(ncpus);
    rules_changed(rules);
    utsname u{};
    uname(&u);
    registry.info("falcosecurity_falco_version_info", "The agent's version (saker's)",
                  {{"version", std::move(version)}});
    registry.info("falcosecurity_scap_engine_name_info",
                  "The capture engine: a CO-RE eBPF ring-buffer probe, Falco's modern_bpf kind",
                  {{"engine_name", "modern_bpf"}, {"evt_source", "syscall"}});
    registry.info("falcosecurity_falco_kernel_release_info", "The host's kernel release",
                  {{"kernel_release", u.release}});
    registry.info("falcosecurity_evt_hostname_info", "The hostname alerts carry",
                  {{"hostname", std::move(hostname)}});

    registry.collect(
        metrics::Type::Counter, "falcosecurity_falco_rules_matches_total",
        "Alerts per rule (rules that matched at least once)", {}, [this](metrics::Samples& s) {
            std::lock_guard lock(mutex_);
            alerts_.visit([&](const metrics::LabelValues& child, const metrics::Counter& cell) {
                auto it = rules_.find(child[0]);
                if (cell.value() && it != rules_.end())
                    s.add(it->second.names, it->second.values, double(cell.value()));
            });
        });

    using T = FalcoTotals;
    using metrics::Type;
    total("falcosecurity_scap_n_evts_total", "Records the probe produced, delivered or lost",
          &T::evts_per_cpu);
    total("falcosecurity_scap_n_drops_total", "Records lost (ring buffer full)", &T::drops_per_cpu);
    per_cpu("falcosecurity_scap_n_evts_cpu_total", "Records the probe produced, by CPU",
            &T::evts_per_cpu);
    per_cpu("falcosecurity_scap_n_drops_cpu_total", "Records lost, by CPU", &T::drops_per_cpu);
    registry.collect(
        Type::Counter, "falcosecurity_scap_n_drops_buffer_total",
        "Records lost to a full ring buffer, by Falco's syscall class (enter: always 0, "
        "no enter events are captured)",
        {"dir", "drop"}, [this](metrics::Samples& s) {
            std::lock_guard lock(mutex_);
            using capture::DropClass;
            for (auto c = DropClass::CloneFork; c != DropClass::Count;
                 c = DropClass(uint8_t(c) + 1))
                s.add({"exit", std::string(capture::drop_class_name(c))},
                      double(totals_.drops_by_class[uint8_t(c)]));
            for (auto c = DropClass::CloneFork; c <= DropClass::OtherInterest;
                 c = DropClass(uint8_t(c) + 1))
                s.add({"enter", std::string(capture::drop_class_name(c))}, 0);
        });
    registry.counter_fn("falcosecurity_scap_n_drops_scratch_map_total",
                        "Records lost to a full scratch buffer: always 0, the probe cuts an "
                        "oversized param instead (saker_probe_drops_total{reason=truncated_args})",
                        [] { return 0.0; });
    scalar(Type::Counter, "falcosecurity_scap_n_drops_full_threadtable_total",
           "Processes whose state was lost to a full process table (evicted)",
           &T::process_evictions);
    scalar(Type::Gauge, "falcosecurity_scap_n_threads_total", "Processes in the state table",
           &T::processes);
    scalar(Type::Counter, "falcosecurity_falco_n_evts_total", "Events the rules evaluated",
           &T::evaluated);
    scalar(Type::Counter, "falcosecurity_falco_outputs_queue_num_drops_total",
           "Alerts an output lost (its queue full, or the stop deadline)", &T::output_drops);

    resource_gauges(registry);
    registry.gauge_fn("falcosecurity_falco_start_timestamp_nanoseconds",
                      "When the agent started, ns since the epoch",
                      [this] { return double(start_ns_); });
    registry.gauge_fn("falcosecurity_falco_reload_timestamp_nanoseconds",
                      "When the rules were last (re)loaded, ns since the epoch", [this] {
                          std::lock_guard lock(mutex_);
                          return double(reload_ns_);
                      });
    registry.counter_fn("falcosecurity_falco_duration_seconds_total",
                        "Seconds since the agent started",
                        [this] { return double((now_ns() - start_ns_) / 1000000000u); });
    registry.gauge_fn("falcosecurity_falco_host_boot_timestamp_nanoseconds",
                      "When the host booted, ns since the epoch",
                      [] { return double(metrics::host_boot_epoch_ns()); });
    registry.gauge_fn("falcosecurity_falco_host_num_cpus_total", "The host's CPUs",
                      [] { return double(std::thread::hardware_concurrency()); });
}

void FalcoMetrics::scalar(metrics::Type type, const char* name, const char* help,
                          uint64_t FalcoTotals::*field) {
    registry_.collect(type, name, help, {}, [this, field](metrics::Samples& s) {
        std::lock_guard lock(mutex_);
        s.add({}, double(totals_.*field));
    });
}

void FalcoMetrics::per_cpu(const char* name, const char* help,
                           std::vector<uint64_t> FalcoTotals::*field) {
    registry_.collect(metrics::Type::Counter, name, help, {"cpu"},
                      [this, field](metrics::Samples& s) {
                          std::lock_guard lock(mutex_);
                          const auto& v = totals_.*field;
                          for (size_t cpu = 0; cpu < v.size(); ++cpu)
                              s.add({std::to_string(cpu)}, double(v[cpu]));
                      });
}

void FalcoMetrics::total(const char* name, const char* help,
                         std::vector<uint64_t> FalcoTotals::*field) {
    registry_.collect(metrics::Type::Counter, name, help, {}, [this, field](metrics::Samples& s) {
        std::lock_guard lock(mutex_);
        uint64_t n = 0;
        for (uint64_t v : totals_.*field)
            n += v;
        s.add({}, double(n));
    });
}

void FalcoMetrics::rules_changed(const Ruleset& rules) {
    std::map<std::string, RuleLabels, std::less<>> fresh;
    for (const auto& r : rules.rules) {
        RuleLabels l;
        for (auto& [k, v] : rule_labels(r)) {
            l.names.push_back(k);
            l.values.push_back(v);
        }
        fresh.emplace(r.name, std::move(l));
    }
    std::lock_guard lock(mutex_);
    rules_ = std::move(fresh);
}

void FalcoMetrics::reloaded() {
    std::lock_guard lock(mutex_);
    reload_ns_ = now_ns();
}

void FalcoMetrics::publish(const FalcoTotals& t) {
    std::lock_guard lock(mutex_);
    totals_ = t;
}

} // namespace saker::agent
