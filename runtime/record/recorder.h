// Recorder: what a live pipeline needs to write a capture that replays to the same alerts.
//
// Contract (the agent's side, three calls):
//   auto rec = record::Recorder::open(path, boot_to_epoch_ns, error);   // nullptr: error set
//   metadata = rec->wrap(metadata);      // before building the Pipeline (may stay nullptr)
//   rec->write_snapshot(pipeline.table()); // after seeding, before the first event
//   ... pipeline.on_event(ev); rec->on_event(ev); ...                   // after, never before
//   rec->close(error);                                                  // END; false: error set
// - Events are written after the pipeline processed them, and container metadata is written
//   the moment the wrapped source first answers (or changes its answer) for an id, during the
//   processing of an event, so in the file every answer precedes the event that used it.
// - A write failure stops the recording (later calls do nothing) and is logged once; the live
//   pipeline is never disturbed by it.
// - What a replay cannot reproduce from the file: facts the pipeline reads from the host while
//   an event is processed (lazy /proc loads of processes and fds it did not know, session and
//   group ids refreshed from /proc, proc.env read on demand, user and group names from passwd
//   files). Those are read again on the replaying host, where they are usually gone (absent).
#pragma once

#include "runtime/capture/decoder.h"
#include "runtime/fields/event_fields.h"
#include "runtime/record/capture_writer.h"

#include <memory>
#include <string>
#include <unordered_map>

namespace saker::record {

class Recorder;

// Passes lookups to the live source and records each new or changed answer.
class RecordingMetadataSource final : public fields::ContainerMetadataSource {
  public:
    RecordingMetadataSource(fields::ContainerMetadataSource& inner, Recorder& recorder)
        : inner_(inner), recorder_(recorder) {}
    const containers::ContainerMetadata* lookup(std::string_view full_id) override;
    // Also records an answer as soon as it is available, even if no rule asked for it (so
    // `saker record`, which evaluates no rules, keeps the metadata for a later replay).
    void observe(std::string_view full_id) override;

  private:
    fields::ContainerMetadataSource& inner_;
    Recorder& recorder_;
    // Per id: the answer recorded last (its address: the source's records are immutable).
    std::unordered_map<std::string, const containers::ContainerMetadata*> recorded_;
    std::string settled_; // the last observed id whose answer is recorded
};

class Recorder {
  public:
    // Creates `path` and writes its header (this host's name, saker's version, now).
    static std::unique_ptr<Recorder> open(const std::string& path, uint64_t boot_to_epoch_ns,
                                          std::string& error);

    // The source to give the Pipeline: `inner` wrapped so its answers are recorded (nullptr
    // when `inner` is nullptr: a replay then has no metadata either, like the live run).
    fields::ContainerMetadataSource* wrap(fields::ContainerMetadataSource* inner);

    void write_snapshot(const state::ProcessTable& table);
    void write_container(std::string_view id, const containers::ContainerMetadata* meta);
    void on_event(const capture::Event& ev);

    bool close(std::string& error);

    const CaptureCounts& counts() const { return writer_.counts(); }
    CaptureWriter& writer() { return writer_; }

  private:
    Recorder() = default;
    void check_failure();

    CaptureWriter writer_;
    std::unique_ptr<RecordingMetadataSource> metadata_;
    bool failure_logged_ = false;
};

// Answers container lookups during a replay from the CONTAINER records read so far.
class RecordedMetadataSource final : public fields::ContainerMetadataSource {
  public:
    void set(const std::string& id, std::optional<containers::ContainerMetadata> meta);
    const containers::ContainerMetadata* lookup(std::string_view full_id) override;

  private:
    std::unordered_map<std::string, containers::ContainerMetadata> known_;
};

} // namespace saker::record
