// Metrics registry: the agent's operational numbers as one Prometheus text page.
//
// Contract:
// - A family is registered once, with a name, a help text and a fixed set of children (label
//   value tuples) chosen at registration: child i is cell i of the returned Family, so the hot
//   path bumps `family[i].inc()` - an index, no map, no lock, no allocation (see cells.h).
// - In a labeled family an empty tuple is a hole: the index exists (e.g. a syscall number with
//   no name) but is never exported. Tuples are otherwise unique.
// - Counter names end in `_total`; names and label names are validated (text_format.h).
//   Registration errors (bad or duplicate name, arity, duplicate tuple) throw
//   std::invalid_argument naming the metric: they are programming errors found at startup.
// - Callback families (gauge_fn, counter_fn, collect) are evaluated on the scrape thread at
//   render() time: they may read only what is safe from another thread (atomics, /proc, a
//   thread-safe probe call) and must not register families (the registry is locked while
//   they run). State owned by the event thread is published with Gauge::set from that thread
//   instead.
// - render() returns the whole page: per family `# HELP`, `# TYPE`, then its samples, in
//   registration order. Registration, relabel() and render() may run on different threads;
//   the registry must outlive every reference it handed out.
#pragma once

#include "runtime/metrics/cells.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace saker::metrics {

enum class Type { Counter, Gauge, Histogram };

using LabelValues = std::vector<std::string>;

namespace detail {
// What the registry renders: a family's identity and its sample lines.
class Collector {
  public:
    Collector(std::string name, std::string help, Type type, std::vector<std::string> label_names)
        : name_(std::move(name)), help_(std::move(help)), type_(type),
          label_names_(std::move(label_names)) {}
    virtual ~Collector() = default;
    virtual void write_samples(std::string& out) const = 0;

    const std::string& name() const { return name_; }
    const std::string& help() const { return help_; }
    Type type() const { return type_; }
    const std::vector<std::string>& label_names() const { return label_names_; }

  private:
    std::string name_, help_;
    Type type_;
    std::vector<std::string> label_names_;
};
} // namespace detail

// Counters or gauges with fixed children, indexed in registration order.
template <class Cell> class Family final : public detail::Collector {
  public:
    Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
           std::vector<LabelValues> children);

    Cell& operator[](size_t i) noexcept {
        assert(i < size_);
        return cells_[i];
    }
    size_t size() const noexcept { return size_; }

    // Replaces the children (e.g. the rules after a reload); a tuple present before and after
    // keeps its value, so its series does not reset. Call it from the family's writer thread
    // (or with the writers stopped): it frees the old cells.
    void relabel(std::vector<LabelValues> children);

    void write_samples(std::string& out) const override;

    // Calls fn(label values, cell) for each exported child, under the family's lock: for a
    // callback family that exports another view of the same cells at scrape time.
    template <class Fn> void visit(Fn&& fn) const {
        std::lock_guard lock(mutex_);
        for (size_t i = 0; i < size_; ++i)
            if (!children_[i].empty() || label_names().empty()) fn(children_[i], cells_[i]);
    }

  private:
    void check(const std::vector<LabelValues>& children) const;

    mutable std::mutex mutex_; // the scrape against relabel(); the hot path never takes it
    std::vector<LabelValues> children_;
    std::unique_ptr<Cell[]> cells_;
    size_t size_ = 0;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;

// What a `collect` callback fills: one sample per call, label values in the family's order.
class Samples {
  public:
    // The registry makes one per scrape of a callback family, writing into `out`.
    Samples(std::string& out, const detail::Collector& family) : out_(out), family_(family) {}

    void add(const LabelValues& values, double value);
    // A sample with its own label names instead of the family's (e.g. Falco's per-rule
    // `tag_<tag>` labels, which differ from rule to rule); invalid names throw.
    void add(const std::vector<std::string>& names, const LabelValues& values, double value);

  private:
    std::string& out_;
    const detail::Collector& family_;
};

class Registry {
  public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    Counter& counter(std::string name, std::string help);
    Gauge& gauge(std::string name, std::string help);

    CounterFamily& counters(std::string name, std::string help,
                            std::vector<std::string> label_names,
                            std::vector<LabelValues> children);
    GaugeFamily& gauges(std::string name, std::string help, std::vector<std::string> label_names,
                        std::vector<LabelValues> children);
    // One label: child i has label value values[i]; "" is a hole (see above).
    CounterFamily& counters_by(std::string name, std::string help, std::string label_name,
                               const std::vector<std::string>& values);
    GaugeFamily& gauges_by(std::string name, std::string help, std::string label_name,
                           const std::vector<std::string>& values);

    // Observations in integer units (e.g. ns); bounds and sum are exported divided by
    // `divisor` (1e9 exports nanoseconds in Prometheus' base unit, seconds).
    Histogram& histogram(std::string name, std::string help, std::vector<uint64_t> bounds,
                         double divisor = 1);

    // Computed at scrape time.
    void gauge_fn(std::string name, std::string help, std::function<double()> read);
    void counter_fn(std::string name, std::string help, std::function<double()> read);
    void collect(Type type, std::string name, std::string help,
                 std::vector<std::string> label_names, std::function<void(Samples&)> fill);

    // `name{k1="v1",...} 1`: constant facts such as the build's versions.
    void info(std::string name, std::string help,
              const std::vector<std::pair<std::string, std::string>>& labels);

    // The whole page in the text exposition format (kTextContentType). Exceptions thrown by a
    // callback propagate.
    std::string render() const;

  private:
    template <class T> T& add(std::unique_ptr<T> collector);

    mutable std::mutex mutex_;
    std::vector<std::unique_ptr<detail::Collector>> collectors_;
};

} // namespace saker::metrics
