#include "runtime/agent/pipeline.h"

#include <cstdlib>
#include <ctime>
#include <unistd.h>

namespace saker::agent {

namespace {

uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace

std::string host_name() {
    for (const char* var : {"SAKER_HOSTNAME", "FALCO_HOSTNAME"}) // Falco's chart sets the latter
        if (const char* h = std::getenv(var); h && *h) return h;
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

uint64_t boot_to_epoch_now() {
    return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME);
}

Pipeline::Pipeline(const PipelineOptions& options, AlertHandler on_alert,
                   fields::ContainerMetadataSource* containers)
    : options_(options), on_alert_(std::move(on_alert)), containers_(containers),
      updater_(table_, &users_), fields_(table_, &users_, containers) {
    set_options(options);
}

void Pipeline::set_options(const PipelineOptions& options) {
    options_ = options;
    // One clock for alert times and evt.time, so a replay reproduces both.
    fields_.set_origin(options.boot_to_epoch_ns,
                       options.hostname.empty() ? host_name() : options.hostname);
}

void Pipeline::set_rules(std::shared_ptr<const CompiledRules> rules) {
    rules_ = std::move(rules);
    matches_.assign(std::max<size_t>(rules_ ? rules_->rules.rules.size() : 0, 1), 0);
}

namespace {
constexpr uint32_t kUnresolved = kNoEventType - 1;
} // namespace

uint32_t Pipeline::type_id(const capture::Event& ev, std::string_view name) {
    const uint32_t nr = ev.hdr.syscall_nr;
    if (ev.type() == capture::EventType::PROC_EXIT || nr >= 4096) return event_type_id(name);
    if (nr >= type_by_nr_.size()) type_by_nr_.resize(nr + 1, kUnresolved);
    uint32_t& slot = type_by_nr_[nr];
    if (slot == kUnresolved) slot = event_type_id(name);
    return slot;
}

void Pipeline::on_event(const capture::Event& ev) {
    ++stats_.events;
    const state::EventContext& ctx = updater_.apply(ev);
    // A container seen for the first time is asked about now (queued, never waited for), so
    // its metadata is there by the time a rule's output wants it.
    if (containers_ && ctx.process && ctx.process->container && !ctx.process->container->is_host())
        containers_->observe(ctx.process->container->id);
    if (ctx.type_name.empty() || !rules_) return; // bookkeeping records (fork) match no rule
    uint32_t type = type_id(ev, ctx.type_name);
    if (type == kNoEventType) return;
    if (metrics_.events_by_type) (*metrics_.events_by_type)[type].inc();
    fields_.set_event(ctx);
    uint32_t max = options_.rule_matching_all ? static_cast<uint32_t>(matches_.size()) : 1;
    uint64_t started = metrics_.eval_timer ? metrics_.eval_timer->start() : 0;
    uint32_t n = rules_->engine->evaluate(type, fields_, matches_.data(), max);
    if (metrics_.eval_timer) metrics_.eval_timer->stop(started);
    for (uint32_t i = 0; i < n; ++i) {
        const Rule& rule = rules_->rules.rules[matches_[i]];
        uint64_t t = ev.hdr.ts_ns + options_.boot_to_epoch_ns;
        output::Alert a = output::render_alert(rule, rules_->plans[matches_[i]], fields_, t);
        ++stats_.alerts;
        if (metrics_.alerts_by_rule) (*metrics_.alerts_by_rule)[matches_[i]].inc();
        on_alert_(a);
    }
}

} // namespace saker::agent
