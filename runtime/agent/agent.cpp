#include "runtime/agent/agent.h"

#include "bpf/syscalls_x86_64.h"

#include "runtime/agent/agent_metrics.h"
#include "runtime/agent/drop_actions.h"
#include "runtime/agent/file_watch.h"
#include "runtime/agent/memory_trim.h"
#include "runtime/agent/metrics_snapshot.h"
#include "runtime/agent/pipeline.h"
#include "runtime/agent/scheduling.h"
#include "runtime/capture/consumer.h"
#include "runtime/capture/drop_monitor.h"
#include "runtime/capture/features.h"
#include "runtime/capture/probe.h"
#include "runtime/capture/syscalls.h"
#include "runtime/config/config.h"
#include "runtime/dns/resolver.h"
#include "runtime/metrics/process_metrics.h"
#include "runtime/output/outputs.h"
#include "runtime/record/recorder.h"
#include "runtime/web/server.h"
#ifdef SAKER_HAVE_CONTAINERD
#include "runtime/fields/runtime_metadata_source.h"
#endif

#include <llvm/Config/llvm-config.h>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <set>
#include <thread>
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

std::vector<const Rule*> rules_never_fed(const Ruleset& rules) {
    std::vector<const Rule*> out;
    for (const auto& r : rules.rules)
        if (r.enabled && !r.evttypes.all &&
            std::none_of(r.evttypes.names.begin(), r.evttypes.names.end(),
                         [](const std::string& n) { return capture::produces_event(n); }))
            out.push_back(&r);
    return out;
}

namespace {

bool reads_buffer(std::string_view field, std::string_view arg) {
    return field == "evt.buffer" ||
           ((field == "evt.arg" || field == "evt.rawarg") && arg == "data");
}

bool rule_reads_buffer(const Rule& r) {
    for (const auto& t : r.output_tokens)
        if (t.is_field && reads_buffer(t.field, t.arg)) return true;
    bool found = false;
    std::function<void(const ast::Operand&)> operand = [&](const ast::Operand& o) {
        if (o.kind == ast::Operand::Kind::Field && reads_buffer(o.field, o.arg)) found = true;
        for (const auto& a : o.args)
            operand(a);
        for (const auto& i : o.items)
            operand(i);
    };
    if (r.condition)
        ast::for_each_node(*r.condition, [&](const ast::Expr& e) {
            if (e.kind == ast::Expr::Kind::Compare) operand(e.lhs), operand(e.rhs);
        });
    return found;
}

} // namespace

std::vector<uint32_t> payload_syscalls_for(const Ruleset& rules) {
    static constexpr uint32_t kIo[] = {SAKER_NR_read,     SAKER_NR_write,   SAKER_NR_sendto,
                                       SAKER_NR_recvfrom, SAKER_NR_sendmsg, SAKER_NR_recvmsg};
    std::set<uint32_t> nrs;
    for (const auto& r : rules.rules) {
        if (!r.enabled || !rule_reads_buffer(r)) continue;
        for (uint32_t nr : kIo)
            if (r.evttypes.all || std::count(r.evttypes.names.begin(), r.evttypes.names.end(),
                                             capture::syscall_name(nr)))
                nrs.insert(nr);
    }
    return {nrs.begin(), nrs.end()};
}

namespace {

using Clock = std::chrono::steady_clock;

// What one load of the configuration yields; a reload builds a whole new one or nothing.
struct Settings {
    config::Config config;
    std::vector<std::string> watched; // every rules file, then the config files
    size_t rules_files = 0;
    std::vector<uint32_t> syscalls;
    std::vector<uint32_t> payload_syscalls;
    std::shared_ptr<const CompiledRules> rules;
    std::unique_ptr<output::Outputs> outputs;
};

std::unique_ptr<Settings> load_settings(const RunRequest& req, const std::string& hostname,
                                        FILE* stdout_stream, std::string& error) {
    auto loaded = config::load_config(req.config_path, req.overrides);
    if (!loaded.ok()) {
        error = loaded.render();
        return nullptr;
    }
    if (!loaded.diags.all().empty()) spdlog::warn("{}", loaded.render());
    auto s = std::make_unique<Settings>();
    const std::vector<std::string> config_files = loaded.files; // the file and its config_files
    s->config = std::move(loaded.config);
    const config::Config& c = s->config;

    RulesRequest rr;
    rr.files = config::rules_files_to_load(req.rules_files, c, req.default_rules);
    if (rr.files.empty()) {
        error = "no rules file to load: give one with -r or rules_files (none of the configured "
                "paths exists)";
        return nullptr;
    }
    rr.selectors = c.rules;
    rr.min_priority = c.priority;
    rr.engine.kind = c.engine == config::EngineKind::Jit ? EngineKind::Jit : EngineKind::Interp;
    rr.engine.opt_level = c.jit_opt_level;
    rr.engine.cache_dir = c.jit_cache_dir;
    rr.append_output = c.append_output;
    s->rules = compile_rules(rr, error);
    if (!s->rules) return nullptr;

    std::vector<std::string> unknown;
    s->syscalls = syscalls_for(s->rules->rules, c.base_syscalls_custom_set, &unknown);
    if (!unknown.empty()) {
        error = "base_syscalls.custom_set names unknown syscall '" + unknown.front() + "'";
        return nullptr;
    }
    s->payload_syscalls = payload_syscalls_for(s->rules->rules);
    for (const Rule* r : rules_never_fed(s->rules->rules)) {
        std::string types;
        for (const auto& n : r->evttypes.names)
            types += (types.empty() ? "" : ", ") + n;
        spdlog::warn("rules: rule '{}' can never fire: saker captures none of its event types ({})",
                     r->name, types);
    }
    s->outputs = output::Outputs::create(c, hostname, error, stdout_stream);
    if (!s->outputs) return nullptr;
    s->watched = rr.files;
    s->rules_files = rr.files.size();
    s->watched.insert(s->watched.end(), config_files.begin(), config_files.end());
    return s;
}

// `%*` in a log pattern: the message as a JSON string (quotes, newlines, invalid UTF-8
// escaped), so a multi-line diagnostic is still one JSON log line.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        std::string text = nlohmann::json(std::string(msg.payload.data(), msg.payload.size()))
                               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<JsonMessageFlag>();
    }
};

void configure_logging(const config::Config& c) {
    std::vector<spdlog::sink_ptr> sinks;
    if (c.log_stderr) sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    if (c.log_syslog)
        sinks.push_back(
            std::make_shared<spdlog::sinks::syslog_sink_mt>("saker", LOG_PID, LOG_USER, false));
    auto logger = std::make_shared<spdlog::logger>("saker", sinks.begin(), sinks.end());
    if (c.log_format == config::Config::LogFormat::Json) {
        auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
        f->add_flag<JsonMessageFlag>('*').set_pattern(
            R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":%*})");
        logger->set_formatter(std::move(f));
    }
    using L = spdlog::level::level_enum;
    switch (c.log_level) {
    case Priority::Emergency:
    case Priority::Alert:
    case Priority::Critical:
        logger->set_level(L::critical);
        break;
    case Priority::Error:
        logger->set_level(L::err);
        break;
    case Priority::Warning:
        logger->set_level(L::warn);
        break;
    case Priority::Notice:
    case Priority::Informational:
        logger->set_level(L::info);
        break;
    case Priority::Debug:
        logger->set_level(L::debug);
        break;
    }
    spdlog::set_default_logger(logger);
}

PipelineOptions pipeline_options(const config::Config& c, uint64_t boot_to_epoch) {
    PipelineOptions p;
    p.rule_matching_all = c.rule_matching_all;
    p.boot_to_epoch_ns = boot_to_epoch;
    return p;
}

// Settings a reload cannot change in a running process: say so instead of ignoring them.
void warn_restart_only(const config::Config& old, const config::Config& now) {
    auto warn = [](const char* key) {
        spdlog::warn("reload: a change to '{}' takes effect at the next restart", key);
    };
    if (old.capture_ring_buffer_bytes != now.capture_ring_buffer_bytes)
        warn("capture.ring_buffer_bytes");
    if (old.webserver.enabled != now.webserver.enabled ||
        old.webserver.listen_address != now.webserver.listen_address ||
        old.webserver.listen_port != now.webserver.listen_port ||
        old.webserver.k8s_healthz_endpoint != now.webserver.k8s_healthz_endpoint)
        warn("webserver");
    if (old.containerd_sockets != now.containerd_sockets || old.cri_sockets != now.cri_sockets ||
        old.docker_sockets != now.docker_sockets || old.podman_sockets != now.podman_sockets ||
        old.containerd_enabled != now.containerd_enabled || old.cri_enabled != now.cri_enabled ||
        old.docker_enabled != now.docker_enabled || old.podman_enabled != now.podman_enabled ||
        old.container_metadata_wait_ms != now.container_metadata_wait_ms)
        warn("container_engines");
    if (old.watch_config_files != now.watch_config_files) warn("watch_config_files");
    if (old.metrics != now.metrics) warn("metrics");
}

// Falco's internal alert for lost events, with Falco's rule name so pipelines that route on
// it keep working.
void apply_nice(int nice) {
    std::string why;
    if (!set_nice(nice, why))
        spdlog::warn("nice: cannot set {} ({}); the agent runs at normal priority and may "
                     "fall behind busy workloads",
                     nice, why);
}

const Rule& drop_rule() {
    static const Rule rule =
        output::internal_rule("Falco internal: syscall event drop", Priority::Critical);
    return rule;
}

output::Alert drop_alert(const DropVerdict& v, uint64_t now_ns) {
    output::Alert a;
    a.rule = &drop_rule();
    a.time_ns = now_ns;
    a.output = "Falco internal: syscall event drop. " + std::to_string(v.n_drops) +
               " system calls dropped in last second.";
    a.fields["n_drops"] = v.n_drops;
    a.fields["n_evts"] = v.n_evts;
    a.internal = true; // Falco sends it as one of its internal messages (source "internal")
    return a;
}

uint64_t wall_ns() {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
}

// Falco's periodic metrics snapshot from what the loop sees now (metrics_snapshot.h).
SnapshotInputs snapshot_inputs(const AgentMetrics& m, const Settings& s, const Pipeline& pipeline,
                               const capture::Probe& probe, uint64_t reload_ns) {
    SnapshotInputs in;
    in.now_ns = wall_ns();
    in.reload_ns = reload_ns;
    in.totals = m.falco_totals();
    in.rule_matches = m.rule_matches(s.rules->rules);
    in.programs = probe.program_stats();
    pipeline.table().for_each([&](const state::Process& p) { in.fds += p.fds.size(); });
    in.removed_processes = pipeline.table().stats().removed;
    in.rules_files.assign(s.watched.begin(), s.watched.begin() + s.rules_files);
    in.config_files.assign(s.watched.begin() + s.rules_files, s.watched.end());
    return in;
}

} // namespace

int run(const RunRequest& req, Signals& signals, AgentStats& stats, std::string& error) {
    const uint64_t start_ns = wall_ns();
    const std::string hostname = host_name();
    std::unique_ptr<Settings> settings = load_settings(req, hostname, req.stdout_stream, error);
    if (!settings) return 1;
    configure_logging(settings->config);
    std::string files; // which files load: Falco's defaults skip what is not installed
    for (size_t i = 0; i < settings->rules_files; ++i)
        files += (i ? ", " : "") + settings->watched[i];
    spdlog::info("loading rules from: {}", files);
    if (req.dry_run) { // Falco's --dry-run: everything but capturing and serving
        spdlog::info("dry run: {} rules ({} enabled) and the configuration are valid",
                     settings->rules->rules.rules.size(), settings->rules->rules.enabled_count());
        return 0;
    }
    apply_nice(settings->config.nice);
    dns::resolver().start(); // fd.*ip.name: the rules' names, resolved beside the event loop
    spdlog::info("loaded {} rules ({} enabled) from {} file(s)",
                 settings->rules->rules.rules.size(), settings->rules->rules.enabled_count(),
                 settings->rules_files);
    // A copy: what the process was started with (see warn_restart_only); `settings` itself is
    // replaced by each reload.
    const config::Config boot = settings->config;

    metrics::Registry registry;
    metrics::register_process_metrics(registry);
    registry.info("saker_build_info", "saker's version, engine and LLVM",
                  {{"version", SAKER_VERSION}, {"llvm", LLVM_VERSION_STRING}});
    AgentMetrics agent_metrics(registry, settings->rules->rules,
                               std::max<unsigned>(1, std::thread::hardware_concurrency()),
                               SAKER_VERSION, hostname);
    std::unique_ptr<web::Server> server;
    if (boot.webserver.enabled) {
        web::ServerOptions wo;
        wo.listen_address = boot.webserver.listen_address;
        wo.listen_port = boot.webserver.listen_port;
        wo.healthz_path = boot.webserver.k8s_healthz_endpoint;
        wo.metrics_enabled = boot.webserver.prometheus_metrics_enabled || boot.metrics.enabled;
        server = std::make_unique<web::Server>(
            wo, web::Versions{SAKER_VERSION, SAKER_ENGINE_VERSION, LLVM_VERSION_STRING}, &registry);
        std::string werr;
        // Detection matters more than the health endpoint: a taken port is loud, not fatal
        // (the kubelet's probe then fails and says so).
        if (!server->start(werr)) {
            spdlog::error("webserver: {}", werr);
            server.reset();
        } else {
            spdlog::info("webserver listening on {}:{}", wo.listen_address, server->port());
        }
    }

    if (auto report = capture::check_kernel_features(); !report.ok()) {
        error = "this host cannot run the probe:\n" + report.message();
        return 1;
    }

    fields::ContainerMetadataSource* metadata = nullptr;
#ifdef SAKER_HAVE_CONTAINERD
    // Declared before the pipeline so it outlives it; the client's worker does the I/O.
    containers::RuntimeSockets sockets;
    if (boot.cri_enabled) sockets.cri = boot.cri_sockets;
    if (boot.containerd_enabled) sockets.containerd = boot.containerd_sockets;
    if (boot.docker_enabled) sockets.docker = boot.docker_sockets;
    if (boot.podman_enabled) sockets.podman = boot.podman_sockets;
    fields::RuntimeMetadataSourceOptions mopts;
    mopts.wait = std::chrono::milliseconds(boot.container_metadata_wait_ms);
    fields::RuntimeConnection runtimes = fields::connect_runtimes(sockets, mopts);
    metadata = runtimes.source.get();
    if (runtimes.source) {
        auto st = runtimes.source->shared_stats();
        registry.counter_fn("saker_container_metadata_waits_total",
                            "Rule evaluations that waited for a new container's metadata",
                            [st] { return static_cast<double>(st->waits.load()); });
        registry.counter_fn("saker_container_metadata_wait_seconds_total",
                            "Time the event thread spent waiting for container metadata",
                            [st] { return static_cast<double>(st->wait_ns.load()) / 1e9; });
        registry.counter_fn("saker_container_metadata_wait_timeouts_total",
                            "Waits for container metadata that ended without an answer",
                            [st] { return static_cast<double>(st->timeouts.load()); });
    }
#endif

    std::unique_ptr<record::Recorder> recorder;
    const uint64_t boot_to_epoch = boot_to_epoch_now();
    if (!req.record_path.empty()) {
        recorder = record::Recorder::open(req.record_path, boot_to_epoch, error);
        if (!recorder) return 1;
        metadata = recorder->wrap(metadata);
    }

    MetricsSnapshot snapshot(boot.metrics, SAKER_VERSION, hostname, start_ns);
    if (!snapshot.open(error)) return 1;
    if (snapshot.active())
        spdlog::info("metrics snapshot every {} ms ({}{}{})", boot.metrics.interval_ms,
                     boot.metrics.output_rule ? "alert \"Falco internal: metrics snapshot\"" : "",
                     boot.metrics.output_rule && !boot.metrics.output_file.empty() ? ", " : "",
                     boot.metrics.output_file.empty() ? "" : "file " + boot.metrics.output_file);

    output::Outputs* outputs = settings->outputs.get(); // replaced by reloads
    Pipeline pipeline(
        pipeline_options(boot, boot_to_epoch), [&](const output::Alert& a) { outputs->push(a); },
        metadata);
    pipeline.set_rules(settings->rules);
    pipeline.set_metrics(agent_metrics.pipeline());
    pipeline.table().seed();
    if (recorder) recorder->write_snapshot(pipeline.table());
    spdlog::debug("released {} MB of compiler memory", release_compiler_memory() >> 20);

    int rc = 0;
    try {
        capture::ProbeOptions popts;
        popts.ring_buffer_bytes = boot.capture_ring_buffer_bytes;
        popts.syscalls = settings->syscalls;
        popts.payload_syscalls = settings->payload_syscalls;
        popts.ignore_tgid = static_cast<uint32_t>(getpid());
        using A = config::Config::CaptureAttach;
        popts.attach = boot.capture_attach == A::Fexit        ? capture::AttachMode::Fexit
                       : boot.capture_attach == A::Tracepoint ? capture::AttachMode::Tracepoint
                                                              : capture::AttachMode::Auto;
        capture::Probe probe(popts);
        capture::Consumer consumer(probe, [&](const capture::Event& ev) {
            pipeline.on_event(ev);
            if (recorder) recorder->on_event(ev);
        });
        if (!probe.fallback_reason().empty())
            spdlog::warn("probe: not using fexit: {}", probe.fallback_reason());
        spdlog::info("probe attached ({}): {} syscalls captured",
                     probe.attach_mode() == capture::AttachMode::Fexit ? "fexit per syscall"
                                                                       : "tracepoint sys_exit",
                     probe.interest_count());
        agent_metrics.probe_attached(capture::attach_mode_name(probe.attach_mode()),
                                     probe.interest_count());
        capture::DropMonitor drop_log(probe); // logs losses at a bounded rate
        DropActions drop_policy(boot.syscall_event_drops);
        if (server) server->set_ready(true);

        std::unique_ptr<FileWatch> watch;
        if (boot.watch_config_files) watch = std::make_unique<FileWatch>(settings->watched);
        std::future<std::unique_ptr<Settings>> pending; // a reload being built
        std::string pending_error;
        bool reload_again = false;

        auto start = Clock::now();
        auto next_second = start + std::chrono::seconds(1);
        const auto snapshot_every = std::chrono::milliseconds(boot.metrics.interval_ms);
        auto next_snapshot = start + snapshot_every;
        uint64_t reload_ns = start_ns;
        auto publish = [&] {
            agent_metrics.publish({probe.drops_per_cpu(), consumer.malformed(), consumer.wakeups(),
                                   pipeline.table().size(), outputs->stats(),
                                   probe.drops_by_class(), pipeline.stats().events,
                                   pipeline.table().stats().process_evictions});
        };
        while (!signals.stop.load(std::memory_order_relaxed)) {
            consumer.poll(100);
            drop_log.tick();
            auto now = Clock::now();

            if (now >= next_second) {
                next_second = now + std::chrono::seconds(1);
                auto totals = probe.drops();
                if (auto v = drop_policy.tick(totals.events, totals.ringbuf_full)) {
                    if (v->log)
                        spdlog::critical("syscall event drop: {} of {} events lost in the last "
                                         "second",
                                         v->n_drops, v->n_evts);
                    if (v->alert) outputs->push(drop_alert(*v, wall_ns()));
                    if (v->exit) {
                        error = "syscall_event_drops: exiting after " + std::to_string(v->n_drops) +
                                " events were lost";
                        rc = 1;
                        break;
                    }
                }
                publish();
            }
            if (snapshot.active() && now >= next_snapshot) {
                next_snapshot = now + snapshot_every;
                publish(); // the totals as of now, not of the last second
                snapshot.emit(snapshot_inputs(agent_metrics, *settings, pipeline, probe, reload_ns),
                              [&](const output::Alert& a) { outputs->push(a); });
            }

            if (signals.reopen.exchange(false)) {
                spdlog::info("SIGUSR1: reopening file outputs");
                outputs->reopen();
            }
            bool want_reload = signals.reload.exchange(false);
            if (watch && watch->changed()) {
                spdlog::info("a watched configuration or rules file changed");
                want_reload = true;
            }
            if (want_reload) {
                if (pending.valid()) {
                    reload_again = true; // a file changed while compiling: build once more
                } else {
                    spdlog::info("reloading configuration and rules");
                    pending = std::async(std::launch::async, [&] {
                        run_at_normal_priority();
                        return load_settings(req, hostname, req.stdout_stream, pending_error);
                    });
                }
            }
            if (pending.valid() &&
                pending.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
                std::unique_ptr<Settings> fresh = pending.get();
                if (!fresh) {
                    ++stats.failed_reloads;
                    agent_metrics.reloaded(false);
                    spdlog::error("reload failed, the previous rules keep running:\n{}",
                                  pending_error);
                } else {
                    ++stats.reloads;
                    agent_metrics.reloaded(true);
                    reload_ns = wall_ns();
                    warn_restart_only(boot, fresh->config);
                    std::set<uint32_t> before(settings->syscalls.begin(), settings->syscalls.end());
                    std::set<uint32_t> after(fresh->syscalls.begin(), fresh->syscalls.end());
                    for (uint32_t nr : after)
                        if (!before.count(nr)) probe.set_interest(nr, true);
                    for (uint32_t nr : before)
                        if (!after.count(nr)) probe.set_interest(nr, false);
                    agent_metrics.syscalls_captured(probe.interest_count());
                    for (uint32_t nr : settings->payload_syscalls)
                        probe.set_payload(nr, 0);
                    for (uint32_t nr : fresh->payload_syscalls)
                        probe.set_payload(nr, popts.snaplen);
                    pipeline.set_rules(fresh->rules);
                    pipeline.set_options(pipeline_options(fresh->config, boot_to_epoch));
                    agent_metrics.rules_changed(fresh->rules->rules);
                    configure_logging(fresh->config);
                    // Also reaches the new outputs' threads, started by the reload thread at 0.
                    apply_nice(fresh->config.nice);
                    std::swap(settings, fresh); // `fresh` now holds the old set
                    outputs = settings->outputs.get();
                    fresh->outputs->stop(std::chrono::seconds(2));
                    if (boot.watch_config_files && fresh->watched != settings->watched)
                        watch = std::make_unique<FileWatch>(settings->watched);
                    spdlog::info("reload done: {} rules enabled",
                                 settings->rules->rules.enabled_count());
                    release_compiler_memory();
                }
                if (reload_again) {
                    reload_again = false;
                    signals.reload.store(true);
                }
            }

            if (req.duration_s > 0 &&
                std::chrono::duration<double>(now - start).count() >= req.duration_s)
                break;
        }
        if (server) server->set_ready(false);
        if (pending.valid()) pending.wait(); // never leave a compile running past its inputs
        stats.malformed = consumer.malformed();
        stats.ringbuf_drops = probe.drops().ringbuf_full;
    } catch (const std::exception& e) {
        error = e.what();
        return 1;
    }
    stats.events = pipeline.stats().events;
    stats.alerts = pipeline.stats().alerts;
    if (server) server->stop();
    outputs->stop(std::chrono::seconds(5));
    if (recorder) {
        std::string rerr;
        if (!recorder->close(rerr)) spdlog::error("record: {}", rerr);
    }
    spdlog::info("stopped: {} events, {} alerts, {} ring-buffer drops, {} malformed records, "
                 "{} reloads ({} failed)",
                 stats.events, stats.alerts, stats.ringbuf_drops, stats.malformed, stats.reloads,
                 stats.failed_reloads);
    for (const auto& s : settings->outputs->stats())
        if (s.dropped || s.failed)
            spdlog::warn("output {}: {} alerts dropped, {} failed", s.name, s.dropped, s.failed);
#ifdef SAKER_HAVE_CONTAINERD
    if (runtimes.client) {
        auto cs = runtimes.client->stats();
        const auto& ss = runtimes.source->stats();
        spdlog::info(
            "container metadata: {} containers tracked, {} found, {} not found, {} "
            "lookup errors, {} requests dropped, {} waits ({} timed out, {:.1f} ms in all)",
            ss.tracked.load(), cs.found, cs.not_found, cs.rpc_errors, cs.dropped, ss.waits.load(),
            ss.timeouts.load(), ss.wait_ns.load() / 1e6);
    }
#endif
    return rc;
}

} // namespace saker::agent
