// CaptureWriter: writes a capture file (format in capture_format.h).
//
// Contract:
// - open() creates or truncates the file and writes the preamble and HEADER; it returns false
//   with `error` set when the file cannot be created.
// - Records are buffered and written in large blocks; close() writes END with the counts,
//   flushes and closes, and is also what the destructor does. A write failure (disk full)
//   makes every later call a no-op and is reported by ok()/error() and close(): the file then
//   lacks END, and a reader keeps what was complete.
// - Not thread-safe: the event thread writes.
#pragma once

#include "runtime/record/capture_format.h"

#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace saker::record {

class CaptureWriter {
  public:
    CaptureWriter() = default;
    ~CaptureWriter();
    CaptureWriter(const CaptureWriter&) = delete;
    CaptureWriter& operator=(const CaptureWriter&) = delete;

    bool open(const std::string& path, const CaptureHeader& header, std::string& error);

    void write_process(const state::Process& p);
    void write_container(std::string_view id, const containers::ContainerMetadata* meta);
    void write_event(std::span<const uint8_t> raw);

    // END, flush, close; false (with error()) when anything failed since open().
    bool close();

    bool ok() const { return file_ && error_.empty(); }
    const std::string& error() const { return error_; }
    const CaptureCounts& counts() const { return counts_; }

  private:
    // Starts a record in the buffer; finish() patches its length.
    Encoder begin(RecordType type);
    void finish();
    void flush();

    FILE* file_ = nullptr;
    std::string path_;
    std::vector<uint8_t> buf_;
    size_t record_start_ = 0;
    CaptureCounts counts_;
    std::string error_;
};

} // namespace saker::record
