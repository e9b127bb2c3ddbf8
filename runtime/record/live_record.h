// record_live: `saker record`, the live pipeline without rules writing a capture file.
//
// Contract: checks the kernel, opens the capture (a file that cannot be created is an error
// before anything is loaded), builds a rule-less Pipeline whose container source is wrapped by
// the Recorder, seeds the table from /proc and writes it as the snapshot, loads the probe with
// every syscall it handles (so any rules can be replayed later), then polls and records each
// event after the pipeline processed it, until `stop` is set or the duration runs out. Closing
// writes END. Returns 0, or 1 with `error` set when it could not start or the file could not be
// written.
#pragma once

#include "runtime/record/capture_format.h"

#include <atomic>
#include <cstddef>
#include <string>

namespace saker::record {

struct LiveRecordOptions {
    std::string path;
    double duration_s = 0; // 0: until stopped
    size_t ring_buffer_bytes = 8u << 20;
    std::string containerd_socket = "/run/containerd/containerd.sock"; // "" disables
};

int record_live(const LiveRecordOptions& options, const std::atomic<bool>& stop,
                CaptureCounts& counts, std::string& error);

} // namespace saker::record
