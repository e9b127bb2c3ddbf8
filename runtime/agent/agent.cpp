#include "runtime/agent/agent.h"

#include "codegen/engine.h"
#include "frontend/frontend.h"
#include "runtime/agent/pipeline.h"
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

std::string host_name() {
    char buf[256] = {};
    gethostname(buf, sizeof buf - 1);
    return buf;
}

} // namespace

int run(const AgentOptions& o, const std::atomic<bool>& stop, AgentStats& stats,
        std::string& error) {
    auto compiled = compile_rules(o.rules, error);
    if (!compiled) return 1;
    const Ruleset& rules = compiled->rules;
    spdlog::info("loaded {} rules ({} enabled) from {} file(s)", rules.rules.size(),
                 rules.enabled_count(), o.rules.files.size());

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
    fields::ContainerMetadataSource* metadata = container_meta.get();
#else
    if (!o.containerd_socket.empty() && o.containerd_socket != AgentOptions{}.containerd_socket)
        spdlog::warn("built without containerd support: ignoring socket {}", o.containerd_socket);
    fields::ContainerMetadataSource* metadata = nullptr;
#endif
    const std::string hostname = host_name();
    auto print_alert = [&](const output::Alert& a) {
        std::string line =
            o.json_output ? output::format_json(a, hostname) : output::format_text(a);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), o.out);
        std::fflush(o.out);
    };
    PipelineOptions popt;
    popt.rule_matching_all = o.rule_matching_all;
    popt.boot_to_epoch_ns = boot_to_epoch_now();
    Pipeline pipeline(popt, print_alert, metadata);
    pipeline.set_rules(compiled);
    pipeline.table().seed();
    try {
        capture::Probe probe(popts);
        capture::Consumer consumer(probe, [&](const capture::Event& ev) { pipeline.on_event(ev); });
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
        stats.events = pipeline.stats().events;
        stats.alerts = pipeline.stats().alerts;
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
