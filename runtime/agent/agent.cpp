#include "runtime/agent/agent.h"

#include "codegen/engine.h"
#include "frontend/frontend.h"
#include "runtime/capture/consumer.h"
#include "runtime/capture/drop_monitor.h"
#include "runtime/capture/features.h"
#include "runtime/capture/probe.h"
#include "runtime/capture/syscalls.h"
#include "runtime/fields/event_fields.h"
#include "runtime/output/alert.h"
#include "runtime/state/process_table.h"
#include "runtime/state/state_updater.h"
#include "runtime/state/users.h"
#ifdef SAKER_HAVE_CONTAINERD
#include "runtime/containers/containerd_client.h"
#include "runtime/fields/containerd_metadata_source.h"
#endif

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>
#include <set>
#include <unistd.h>

namespace saker::agent {

std::vector<uint32_t> syscalls_for(const Ruleset& rules, const std::vector<std::string>& extra,
                                   std::vector<std::string>* unknown) {
    std::set<uint32_t> nrs(capture::state_syscalls().begin(), capture::state_syscalls().end());
    for (const auto& name : extra) {
        if (auto nr = capture::syscall_nr(name))
            nrs.insert(*nr);
        else if (unknown)
            unknown->push_back(name);
    }
    for (const auto& r : rules.rules) {
        if (!r.enabled) continue;
        if (r.evttypes.all) {
            nrs.insert(capture::handled_syscalls().begin(), capture::handled_syscalls().end());
            continue;
        }
        for (const auto& name : r.evttypes.names)
            if (auto nr = capture::syscall_nr(name)) nrs.insert(*nr);
    }
    return {nrs.begin(), nrs.end()};
}

namespace {

uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

// Everything one event needs, owned together so the callback is a plain member call.
class Pipeline {
  public:
    // `containers` (optional) answers container.name/image and k8s.*; it must outlive this.
    Pipeline(const AgentOptions& o, const Ruleset& rules, RuleEngine& engine,
             fields::ContainerMetadataSource* containers = nullptr)
        : o_(o), rules_(rules), engine_(engine), updater_(table_, &users_),
          fields_(table_, &users_, containers), hostname_(host_name()),
          boot_to_epoch_(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME)) {
        auto appended = output::parse_appended_output(output::kDefaultAppendedOutput);
        for (const auto& r : rules.rules)
            plans_.push_back(output::plan_output(r, appended));
        matches_.resize(std::max<size_t>(rules.rules.size(), 1));
#ifdef SAKER_HAVE_CONTAINERD
        containerd_ = dynamic_cast<fields::ContainerdMetadataSource*>(containers);
#endif
        table_.seed();
    }

    void on_event(const capture::Event& ev, AgentStats& stats) {
        ++stats.events;
        const state::EventContext& ctx = updater_.apply(ev);
#ifdef SAKER_HAVE_CONTAINERD
        // A container seen for the first time is asked about now (queued, never waited for),
        // so its metadata is there by the time a rule's output wants it.
        if (containerd_ && ctx.process && ctx.process->container &&
            !ctx.process->container->is_host())
            containerd_->observe(ctx.process->container->id);
#endif
        if (ctx.type_name.empty()) return; // bookkeeping records (fork) match no rule
        uint32_t type = event_type_id(ctx.type_name);
        if (type == kNoEventType) return;
        fields_.set_event(ctx);
        uint32_t max = o_.rule_matching_all ? static_cast<uint32_t>(matches_.size()) : 1;
        uint32_t n = engine_.evaluate(type, fields_, matches_.data(), max);
        for (uint32_t i = 0; i < n; ++i)
            emit(rules_.rules[matches_[i]], matches_[i], ev, stats);
    }

  private:
    const AgentOptions& o_;
    const Ruleset& rules_;
    RuleEngine& engine_;
    state::ProcessTable table_;
    state::UserDb users_;
    state::StateUpdater updater_;
    fields::EventFields fields_;
#ifdef SAKER_HAVE_CONTAINERD
    fields::ContainerdMetadataSource* containerd_ = nullptr; // the same source, to observe()
#endif
    std::vector<output::OutputPlan> plans_;
    std::vector<uint32_t> matches_;
    std::string hostname_;
    uint64_t boot_to_epoch_;

    void emit(const Rule& rule, uint32_t index, const capture::Event& ev, AgentStats& stats) {
        if (rule.priority > o_.min_priority) return;
        uint64_t t = ev.hdr.ts_ns + boot_to_epoch_;
        output::Alert a = output::render_alert(rule, plans_[index], fields_, t);
        std::string line =
            o_.json_output ? output::format_json(a, hostname_) : output::format_text(a);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), o_.out);
        std::fflush(o_.out);
        ++stats.alerts;
    }
};

} // namespace

int run(const AgentOptions& o, const std::atomic<bool>& stop, AgentStats& stats,
        std::string& error) {
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules = load_rules(o.rules_files, sources, diags);
    if (diags.has_errors()) {
        error = diags.render_all(sources);
        return 1;
    }
    for (const auto& d : diags.all())
        spdlog::warn("{}", Diagnostics::render(sources, d));
    auto engine = make_engine(rules, o.engine, &error);
    if (!engine) return 1;
    spdlog::info("loaded {} rules ({} enabled) from {} file(s)", rules.rules.size(),
                 rules.enabled_count(), o.rules_files.size());

    if (auto report = capture::check_kernel_features(); !report.ok()) {
        error = "this host cannot run the probe:\n" + report.message();
        return 1;
    }
    capture::ProbeOptions popts;
    popts.ring_buffer_bytes = o.ring_buffer_bytes;
    std::vector<std::string> unknown;
    popts.syscalls = syscalls_for(rules, o.base_syscalls, &unknown);
    if (!unknown.empty()) {
        error = "base_syscalls names unknown syscall '" + unknown.front() + "'";
        return 1;
    }
    popts.ignore_tgid = static_cast<uint32_t>(getpid());
#ifdef SAKER_HAVE_CONTAINERD
    // Declared before the pipeline so they outlive it; the client's worker does the I/O.
    std::unique_ptr<containers::ContainerdClient> containerd;
    std::unique_ptr<fields::ContainerdMetadataSource> container_meta;
    if (!o.containerd_socket.empty()) {
        std::error_code ec;
        if (std::filesystem::exists(o.containerd_socket, ec)) {
            containers::ContainerdClientOptions copts;
            copts.socket_path = o.containerd_socket;
            containerd = std::make_unique<containers::ContainerdClient>(copts);
            container_meta = std::make_unique<fields::ContainerdMetadataSource>(*containerd);
            containerd->start();
            spdlog::info("container metadata from containerd at {}", o.containerd_socket);
        } else {
            spdlog::info("no containerd socket at {}: container metadata disabled",
                         o.containerd_socket);
        }
    }
    Pipeline pipeline(o, rules, *engine, container_meta.get());
#else
    if (!o.containerd_socket.empty() && o.containerd_socket != AgentOptions{}.containerd_socket)
        spdlog::warn("built without containerd support: ignoring socket {}", o.containerd_socket);
    Pipeline pipeline(o, rules, *engine);
#endif
    try {
        capture::Probe probe(popts);
        capture::Consumer consumer(probe,
                                   [&](const capture::Event& ev) { pipeline.on_event(ev, stats); });
        spdlog::info("probe attached: {} syscalls captured", popts.syscalls.size());
        capture::DropMonitor drops(probe); // logs losses at a bounded rate
        auto start = std::chrono::steady_clock::now();
        while (!stop.load(std::memory_order_relaxed)) {
            consumer.poll(100);
            drops.tick();
            if (o.duration_s > 0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
                    o.duration_s)
                break;
        }
        stats.malformed = consumer.malformed();
        stats.ringbuf_drops = probe.drops().ringbuf_full;
    } catch (const std::exception& e) {
        error = e.what();
        return 1;
    }
    spdlog::info("stopped: {} events, {} alerts, {} ring-buffer drops, {} malformed records",
                 stats.events, stats.alerts, stats.ringbuf_drops, stats.malformed);
#ifdef SAKER_HAVE_CONTAINERD
    if (containerd) {
        auto cs = containerd->stats();
        spdlog::info("containerd metadata: {} containers tracked, {} found, {} not found, {} RPC "
                     "errors, {} requests dropped",
                     container_meta->stats().tracked, cs.found, cs.not_found, cs.rpc_errors,
                     cs.dropped);
    }
#endif
    return 0;
}

} // namespace saker::agent
