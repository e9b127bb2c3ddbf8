#include "runtime/record/live_record.h"

#include "runtime/agent/pipeline.h"
#include "runtime/capture/consumer.h"
#include "runtime/capture/drop_monitor.h"
#include "runtime/capture/features.h"
#include "runtime/capture/probe.h"
#include "runtime/record/recorder.h"
#ifdef SAKER_HAVE_CONTAINERD
#include "runtime/fields/runtime_metadata_source.h"
#endif

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <unistd.h>

namespace saker::record {

int record_live(const LiveRecordOptions& o, const std::atomic<bool>& stop, CaptureCounts& counts,
                std::string& error) {
    if (auto report = capture::check_kernel_features(); !report.ok()) {
        error = "this host cannot run the probe:\n" + report.message();
        return 1;
    }
    agent::PipelineOptions popt;
    popt.boot_to_epoch_ns = agent::boot_to_epoch_now();
    auto recorder = Recorder::open(o.path, popt.boot_to_epoch_ns, error);
    if (!recorder) return 1;
    fields::ContainerMetadataSource* metadata = nullptr;
#ifdef SAKER_HAVE_CONTAINERD
    containers::RuntimeSockets sockets;
    sockets.containerd = {o.containerd_socket};
    fields::RuntimeConnection runtimes = fields::connect_runtimes(sockets);
    metadata = runtimes.source.get();
#endif
    // No rules: the pipeline keeps the state, so container ids are observed and their metadata
    // recorded, exactly as a live run would see them.
    agent::Pipeline pipeline(
        popt, [](const output::Alert&) {}, recorder->wrap(metadata));
    pipeline.table().seed();
    recorder->write_snapshot(pipeline.table());
    capture::ProbeOptions popts; // no syscall list: every handled syscall
    popts.ring_buffer_bytes = o.ring_buffer_bytes;
    popts.ignore_tgid = static_cast<uint32_t>(getpid());
    try {
        capture::Probe probe(popts);
        capture::Consumer consumer(probe, [&](const capture::Event& ev) {
            pipeline.on_event(ev);
            recorder->on_event(ev);
        });
        spdlog::info("probe attached: recording to {}", o.path);
        capture::DropMonitor drops(probe);
        auto start = std::chrono::steady_clock::now();
        while (!stop.load(std::memory_order_relaxed)) {
            consumer.poll(100);
            drops.tick();
            if (o.duration_s > 0 &&
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() >=
                    o.duration_s)
                break;
        }
        spdlog::info("stopped: {} events recorded, {} ring-buffer drops, {} malformed records",
                     recorder->counts().events, probe.drops().ringbuf_full, consumer.malformed());
    } catch (const std::exception& e) {
        error = e.what();
        recorder->close(error);
        return 1;
    }
    counts = recorder->counts();
    return recorder->close(error) ? 0 : 1;
}

} // namespace saker::record
