#include "runtime/record/recorder.h"

#include <spdlog/spdlog.h>

#include <ctime>
#include <unistd.h>

#ifndef SAKER_VERSION
#define SAKER_VERSION "unknown"
#endif

namespace saker::record {

// ---- RecordingMetadataSource -----------------------------------------------------------------

const containers::ContainerMetadata* RecordingMetadataSource::lookup(std::string_view full_id) {
    const containers::ContainerMetadata* meta = inner_.lookup(full_id);
    auto it = recorded_.find(std::string(full_id));
    const containers::ContainerMetadata* before = it == recorded_.end() ? nullptr : it->second;
    if (meta != before) {
        recorder_.write_container(full_id, meta);
        recorded_[std::string(full_id)] = meta;
    }
    return meta;
}

void RecordingMetadataSource::observe(std::string_view full_id) {
    inner_.observe(full_id);
    if (full_id == settled_) return; // the common case: the same container as last time
    auto it = recorded_.find(std::string(full_id));
    if (it != recorded_.end() && it->second)
        settled_.assign(full_id);
    else
        lookup(full_id);
}

// ---- Recorder --------------------------------------------------------------------------------

std::unique_ptr<Recorder> Recorder::open(const std::string& path, uint64_t boot_to_epoch_ns,
                                         std::string& error) {
    std::unique_ptr<Recorder> r(new Recorder());
    CaptureHeader h;
    h.wire_identity = wire_identity();
    h.boot_to_epoch_ns = boot_to_epoch_ns;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    h.start_epoch_ns = static_cast<uint64_t>(now.tv_sec) * 1000000000u + now.tv_nsec;
    h.saker_version = SAKER_VERSION;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    h.hostname = host;
    if (!r->writer_.open(path, h, error)) return nullptr;
    return r;
}

fields::ContainerMetadataSource* Recorder::wrap(fields::ContainerMetadataSource* inner) {
    if (!inner) return nullptr;
    metadata_ = std::make_unique<RecordingMetadataSource>(*inner, *this);
    return metadata_.get();
}

void Recorder::write_snapshot(const state::ProcessTable& table) {
    table.for_each([&](const state::Process& p) { writer_.write_process(p); });
    check_failure();
}

void Recorder::write_container(std::string_view id, const containers::ContainerMetadata* meta) {
    writer_.write_container(id, meta);
    check_failure();
}

void Recorder::on_event(const capture::Event& ev) {
    writer_.write_event(ev.raw);
    check_failure();
}

void Recorder::check_failure() {
    if (failure_logged_ || writer_.error().empty()) return;
    failure_logged_ = true;
    spdlog::error("recording stopped: {}", writer_.error());
}

bool Recorder::close(std::string& error) {
    bool ok = writer_.close();
    if (!ok) error = writer_.error();
    return ok;
}

// ---- RecordedMetadataSource ------------------------------------------------------------------

void RecordedMetadataSource::set(const std::string& id,
                                 std::optional<containers::ContainerMetadata> meta) {
    if (meta)
        known_[id] = std::move(*meta);
    else
        known_.erase(id);
}

const containers::ContainerMetadata* RecordedMetadataSource::lookup(std::string_view full_id) {
    auto it = known_.find(std::string(full_id));
    return it == known_.end() ? nullptr : &it->second;
}

} // namespace saker::record
