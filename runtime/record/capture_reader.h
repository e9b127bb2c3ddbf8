// CaptureReader: reads a capture file (format in capture_format.h) as a stream of records.
//
// Contract:
// - open() reads the preamble and HEADER and refuses, with a message saying why, a file that is
//   not a capture, has another format version, or was recorded with another probe wire format.
// - next() hands out the following record. It returns false at the clean end (after END, with
//   error() empty) or at the first problem, with error() = "<name>: byte <offset>: <what>" where
//   offset is the start of the offending record. Every record delivered before is complete and
//   valid: a truncated or corrupt file still yields everything before the damage.
// - Never trusts the bytes: lengths are checked against kMaxRecordBytes and read in bounded
//   chunks (a hostile length costs at most the bytes actually present), payloads must be
//   consumed exactly, EVENT payloads must pass capture::decode(), END's counts must match what
//   was read, and nothing may follow END. A file without END is reported as truncated.
// - An EVENT's `event` views the reader's buffer: valid until the next call to next().
#pragma once

#include "runtime/capture/decoder.h"
#include "runtime/record/capture_format.h"

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace saker::record {

struct CaptureRecord {
    RecordType type = RecordType::End;
    uint64_t offset = 0;                                    // of the record in the file
    capture::Event event;                                   // EVENT
    std::unique_ptr<state::Process> process;                // PROCESS
    std::string container_id;                               // CONTAINER
    std::optional<containers::ContainerMetadata> container; // CONTAINER; nullopt: no answer
    CaptureCounts counts;                                   // END
};

class CaptureReader {
  public:
    // `name` prefixes error messages (the file's path).
    CaptureReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

    bool open();
    const CaptureHeader& header() const { return header_; }

    bool next(CaptureRecord& r);

    const std::string& error() const { return error_; }
    // Records delivered so far by type (what END would say).
    const CaptureCounts& counts() const { return counts_; }

  private:
    bool fail(uint64_t offset, const std::string& what);
    // Reads the next record's type and payload into buf_; false at EOF (`eof` set) or error.
    bool read_record(uint32_t& type, bool& eof);

    std::istream& in_;
    std::string name_;
    CaptureHeader header_;
    std::vector<uint8_t> buf_;
    uint64_t offset_ = 0;        // bytes consumed
    uint64_t record_offset_ = 0; // start of the record in buf_
    bool ended_ = false;
    CaptureCounts counts_;
    std::string error_;
};

} // namespace saker::record
