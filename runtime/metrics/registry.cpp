#include "runtime/metrics/registry.h"

#include "runtime/metrics/text_format.h"

#include <map>
#include <set>
#include <stdexcept>

namespace saker::metrics {

namespace {

const char* type_name(Type t) {
    switch (t) {
    case Type::Counter:
        return "counter";
    case Type::Gauge:
        return "gauge";
    case Type::Histogram:
        return "histogram";
    }
    return "untyped";
}

[[noreturn]] void bad(const std::string& name, const std::string& why) {
    throw std::invalid_argument("metric '" + name + "': " + why);
}

void check_identity(const detail::Collector& c) {
    if (!valid_metric_name(c.name())) bad(c.name(), "not a valid Prometheus metric name");
    if (c.type() == Type::Counter && !c.name().ends_with("_total"))
        bad(c.name(), "a counter's name ends in _total");
    std::set<std::string> seen;
    for (const auto& l : c.label_names()) {
        if (!valid_label_name(l)) bad(c.name(), "'" + l + "' is not a valid label name");
        if (c.type() == Type::Histogram && l == "le")
            bad(c.name(), "'le' is reserved in a histogram");
        if (!seen.insert(l).second) bad(c.name(), "label '" + l + "' given twice");
    }
}

void append_value(std::string& out, const Counter& c) {
    append_number(out, c.value());
}
void append_value(std::string& out, const Gauge& g) {
    append_number(out, g.value());
}
void carry(Counter& to, const Counter& from) {
    to.inc(from.value());
}
void carry(Gauge& to, const Gauge& from) {
    to.set(from.value());
}

std::vector<LabelValues> one_label_children(const std::vector<std::string>& values) {
    std::vector<LabelValues> children;
    children.reserve(values.size());
    for (const auto& v : values)
        children.push_back(v.empty() ? LabelValues{} : LabelValues{v});
    return children;
}

class HistogramCollector final : public detail::Collector {
  public:
    HistogramCollector(std::string name, std::string help, std::vector<uint64_t> bounds,
                       double divisor)
        : Collector(std::move(name), std::move(help), Type::Histogram, {}),
          histogram(std::move(bounds)), divisor_(divisor) {}

    void write_samples(std::string& out) const override {
        static const std::vector<std::string> none;
        const auto& bounds = histogram.bounds();
        uint64_t cumulative = 0;
        std::string le;
        for (size_t i = 0; i <= bounds.size(); ++i) {
            cumulative += histogram.bucket(i);
            le.clear();
            if (i < bounds.size())
                append_number(le, double(bounds[i]) / divisor_);
            else
                le = "+Inf";
            append_series(out, name() + "_bucket", none, none, "le", le);
            append_number(out, cumulative);
            out += '\n';
        }
        append_series(out, name() + "_sum", none, none);
        append_number(out, double(histogram.sum()) / divisor_);
        out += '\n';
        append_series(out, name() + "_count", none, none);
        append_number(out, cumulative);
        out += '\n';
    }

    Histogram histogram;

  private:
    double divisor_;
};

class CallbackCollector final : public detail::Collector {
  public:
    CallbackCollector(std::string name, std::string help, Type type,
                      std::vector<std::string> label_names, std::function<void(Samples&)> fill)
        : Collector(std::move(name), std::move(help), type, std::move(label_names)),
          fill_(std::move(fill)) {}

    void write_samples(std::string& out) const override;

  private:
    std::function<void(Samples&)> fill_;
};

} // namespace

// ---- Family -------------------------------------------------------------------------------

template <class Cell>
Family<Cell>::Family(std::string name, std::string help, Type type,
                     std::vector<std::string> label_names, std::vector<LabelValues> children)
    : Collector(std::move(name), std::move(help), type, std::move(label_names)) {
    check(children);
    size_ = children.size();
    cells_ = std::make_unique<Cell[]>(size_);
    children_ = std::move(children);
}

template <class Cell> void Family<Cell>::check(const std::vector<LabelValues>& children) const {
    std::set<LabelValues> seen;
    for (const auto& c : children) {
        bool hole = c.empty() && !label_names().empty();
        if (!hole && c.size() != label_names().size())
            bad(name(), "a child has " + std::to_string(c.size()) + " label values for " +
                            std::to_string(label_names().size()) + " labels");
        if (!hole && !seen.insert(c).second) bad(name(), "a label set is registered twice");
    }
    if (label_names().empty() && children.size() != 1)
        bad(name(), "a family without labels has exactly one child");
}

template <class Cell> void Family<Cell>::relabel(std::vector<LabelValues> children) {
    check(children);
    auto cells = std::make_unique<Cell[]>(children.size());
    std::lock_guard lock(mutex_);
    std::map<LabelValues, size_t> old;
    for (size_t i = 0; i < children_.size(); ++i)
        if (!children_[i].empty()) old.emplace(children_[i], i);
    for (size_t i = 0; i < children.size(); ++i)
        if (auto it = old.find(children[i]); it != old.end()) carry(cells[i], cells_[it->second]);
    children_ = std::move(children);
    cells_ = std::move(cells);
    size_ = children_.size();
}

template <class Cell> void Family<Cell>::write_samples(std::string& out) const {
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < size_; ++i) {
        if (children_[i].empty() && !label_names().empty()) continue;
        append_series(out, name(), label_names(), children_[i]);
        append_value(out, cells_[i]);
        out += '\n';
    }
}

template class Family<Counter>;
template class Family<Gauge>;

// ---- callbacks ----------------------------------------------------------------------------

void Samples::add(const LabelValues& values, double value) {
    if (values.size() != family_.label_names().size())
        bad(family_.name(), "a sample has " + std::to_string(values.size()) + " label values for " +
                                std::to_string(family_.label_names().size()) + " labels");
    append_series(out_, family_.name(), family_.label_names(), values);
    append_number(out_, value);
    out_ += '\n';
}

void Samples::add(const std::vector<std::string>& names, const LabelValues& values, double value) {
    if (values.size() != names.size())
        bad(family_.name(), "a sample has " + std::to_string(values.size()) + " label values for " +
                                std::to_string(names.size()) + " labels");
    for (const auto& n : names)
        if (!valid_label_name(n)) bad(family_.name(), "'" + n + "' is not a valid label name");
    append_series(out_, family_.name(), names, values);
    append_number(out_, value);
    out_ += '\n';
}

void CallbackCollector::write_samples(std::string& out) const {
    Samples samples(out, *this);
    fill_(samples);
}

// ---- Registry -----------------------------------------------------------------------------

Registry::Registry() = default;
Registry::~Registry() = default;

template <class T> T& Registry::add(std::unique_ptr<T> collector) {
    check_identity(*collector);
    std::lock_guard lock(mutex_);
    for (const auto& c : collectors_)
        if (c->name() == collector->name()) bad(collector->name(), "registered twice");
    T& ref = *collector;
    collectors_.push_back(std::move(collector));
    return ref;
}

Counter& Registry::counter(std::string name, std::string help) {
    return counters(std::move(name), std::move(help), std::vector<std::string>{}, {{}})[0];
}

Gauge& Registry::gauge(std::string name, std::string help) {
    return gauges(std::move(name), std::move(help), std::vector<std::string>{}, {{}})[0];
}

CounterFamily& Registry::counters(std::string name, std::string help,
                                  std::vector<std::string> label_names,
                                  std::vector<LabelValues> children) {
    return add(std::make_unique<CounterFamily>(std::move(name), std::move(help), Type::Counter,
                                               std::move(label_names), std::move(children)));
}

GaugeFamily& Registry::gauges(std::string name, std::string help,
                              std::vector<std::string> label_names,
                              std::vector<LabelValues> children) {
    return add(std::make_unique<GaugeFamily>(std::move(name), std::move(help), Type::Gauge,
                                             std::move(label_names), std::move(children)));
}

CounterFamily& Registry::counters_by(std::string name, std::string help, std::string label_name,
                                     const std::vector<std::string>& values) {
    return counters(std::move(name), std::move(help), std::vector{std::move(label_name)},
                    one_label_children(values));
}

GaugeFamily& Registry::gauges_by(std::string name, std::string help, std::string label_name,
                                 const std::vector<std::string>& values) {
    return gauges(std::move(name), std::move(help), std::vector{std::move(label_name)},
                  one_label_children(values));
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<uint64_t> bounds,
                               double divisor) {
    for (size_t i = 1; i < bounds.size(); ++i)
        if (bounds[i] <= bounds[i - 1]) bad(name, "histogram bounds must be strictly ascending");
    if (!(divisor > 0)) bad(name, "a histogram's divisor is positive");
    return add(std::make_unique<HistogramCollector>(std::move(name), std::move(help),
                                                    std::move(bounds), divisor))
        .histogram;
}

void Registry::gauge_fn(std::string name, std::string help, std::function<double()> read) {
    collect(Type::Gauge, std::move(name), std::move(help), {},
            [read = std::move(read)](Samples& s) { s.add({}, read()); });
}

void Registry::counter_fn(std::string name, std::string help, std::function<double()> read) {
    collect(Type::Counter, std::move(name), std::move(help), {},
            [read = std::move(read)](Samples& s) { s.add({}, read()); });
}

void Registry::collect(Type type, std::string name, std::string help,
                       std::vector<std::string> label_names, std::function<void(Samples&)> fill) {
    if (type == Type::Histogram) bad(name, "a callback family is a counter or a gauge");
    add(std::make_unique<CallbackCollector>(std::move(name), std::move(help), type,
                                            std::move(label_names), std::move(fill)));
}

void Registry::info(std::string name, std::string help,
                    const std::vector<std::pair<std::string, std::string>>& labels) {
    std::vector<std::string> names;
    LabelValues values;
    for (const auto& [k, v] : labels) {
        names.push_back(k);
        values.push_back(v);
    }
    gauges(std::move(name), std::move(help), std::move(names), {std::move(values)})[0].set(1);
}

std::string Registry::render() const {
    std::string out;
    std::lock_guard lock(mutex_);
    for (const auto& c : collectors_) {
        out += "# HELP ";
        out += c->name();
        out += ' ';
        append_help_text(out, c->help());
        out += "\n# TYPE ";
        out += c->name();
        out += ' ';
        out += type_name(c->type());
        out += '\n';
        c->write_samples(out);
    }
    return out;
}

// ---- cells.h out of line ------------------------------------------------------------------

Histogram::Histogram(std::vector<uint64_t> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {}

std::vector<uint64_t> exponential_bounds(uint64_t start, double factor, size_t count) {
    std::vector<uint64_t> bounds;
    double b = double(start);
    for (size_t i = 0; i < count; ++i, b *= factor) {
        auto v = uint64_t(b + 0.5);
        if (bounds.empty() || v > bounds.back()) bounds.push_back(v);
    }
    return bounds;
}

} // namespace saker::metrics
