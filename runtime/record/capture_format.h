// The capture file format (`saker record -w`, `saker run --record`, `saker replay`), and the
// codecs of its record payloads.
//
// A capture file is, in this order (all integers little-endian, no padding):
//
//   magic        8 bytes  "SAKERCAP"
//   version      u32      kCaptureFormatVersion; a reader refuses any other
//   records...   each: u32 type, u32 payload length, payload
//
// The first record is HEADER, the last is END; a file without END was cut short (the recorder
// died or the disk filled) and is reported as truncated after its complete records are used.
//
//   HEADER     u64 wire identity (wire_identity(): a hash of bpf/events.h's layouts, limits
//              and struct sizes; a capture from another probe layout is refused), u64
//              boot_to_epoch_ns (CLOCK_REALTIME - CLOCK_BOOTTIME of the recording host),
//              u64 start time (ns since the epoch), str saker version, str hostname
//   PROCESS    one process table entry (encode_process): the snapshot taken when recording
//              starts, least recently used first, so inserting them in file order rebuilds the
//              table as it was, LRU order included
//   CONTAINER  str full id, u8 present, then (if present) the container metadata
//              (encode_container): an answer of the live metadata source, recorded when it
//              changed, so it precedes the first event whose fields used it
//   EVENT      the raw ring-buffer record (bpf/events.h), as the probe sent it; re-validated
//              with capture::decode() when read. Written after the live pipeline processed it.
//   END        u64 events, u64 processes, u64 containers: the counts written; a reader
//              checks them against what it read
//
//   str = u32 length + bytes; opt<T> = u8 present + T; list<T> = u32 count + T...
//
// Every length and count read is checked against the bytes that remain and against the limits
// below, so a hostile file costs at most its own size in memory. A change to any payload layout,
// or a field added to state::Process / FdInfo / ContainerMetadata (static_asserts in the .cpp
// catch that), bumps kCaptureFormatVersion.
#pragma once

#include "runtime/containers/container_metadata.h"
#include "runtime/state/process_table.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace saker::record {

inline constexpr char kCaptureMagic[8] = {'S', 'A', 'K', 'E', 'R', 'C', 'A', 'P'};
inline constexpr uint32_t kCaptureFormatVersion = 4;   // 4: comm in PROC_FORK
inline constexpr size_t kFilePreambleBytes = 12;       // magic + version
inline constexpr size_t kRecordHeaderBytes = 8;        // type + length
inline constexpr uint32_t kMaxRecordBytes = 64u << 20; // one process with 4096 fds fits
inline constexpr uint32_t kMaxStringBytes = 1u << 20;

enum class RecordType : uint32_t {
    Header = 1,
    Process = 2,
    Container = 3,
    Event = 4,
    End = 5,
};
std::string_view record_type_name(uint32_t type); // "EVENT", ...; "unknown" otherwise

// The identity of bpf/events.h's wire format: layouts (names and params), limits, sizes.
uint64_t wire_identity();

struct CaptureHeader {
    uint64_t wire_identity = 0;
    uint64_t boot_to_epoch_ns = 0;
    uint64_t start_epoch_ns = 0;
    std::string saker_version;
    std::string hostname;
};

struct CaptureCounts {
    uint64_t events = 0, processes = 0, containers = 0;
    friend bool operator==(const CaptureCounts&, const CaptureCounts&) = default;
};

// Appends little-endian values to a byte buffer.
class Encoder {
  public:
    explicit Encoder(std::vector<uint8_t>& out) : out_(out) {}
    void u8(uint8_t v) { out_.push_back(v); }
    void u16(uint16_t v) { put(v, 2); }
    void u32(uint32_t v) { put(v, 4); }
    void u64(uint64_t v) { put(v, 8); }
    void bytes(std::span<const uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void str(std::string_view s);
    void strs(const std::vector<std::string>& v);
    template <typename T> void opt_u32(const std::optional<T>& v) {
        u8(v.has_value());
        if (v) u32(static_cast<uint32_t>(*v));
    }
    void opt_u64(const std::optional<uint64_t>& v);

  private:
    void put(uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    std::vector<uint8_t>& out_;
};

// Reads what Encoder wrote from a bounded span. Every read checks the remaining bytes; the first
// failure sets error() (what was wrong, with the payload offset) and every later read fails too.
class Decoder {
  public:
    explicit Decoder(std::span<const uint8_t> in) : in_(in) {}
    bool u8(uint8_t& v);
    bool u16(uint16_t& v);
    bool u32(uint32_t& v);
    bool u64(uint64_t& v);
    bool boolean(bool& v);
    bool str(std::string& s);
    bool strs(std::vector<std::string>& v);
    bool opt_u32(std::optional<uint32_t>& v);
    bool opt_u64(std::optional<uint64_t>& v);
    // Fails with `what` unless `ok` (a range check on a decoded value).
    bool check(bool ok, const char* what);

    bool done() const { return at_ == in_.size(); }
    size_t offset() const { return at_; }
    const std::string& error() const { return error_; }

  private:
    template <typename T> bool number(T& v);
    bool take(size_t n, const char* what, const uint8_t*& p);
    std::span<const uint8_t> in_;
    size_t at_ = 0;
    std::string error_;
};

void encode_header(Encoder& e, const CaptureHeader& h);
bool decode_header(Decoder& d, CaptureHeader& h);

void encode_counts(Encoder& e, const CaptureCounts& c);
bool decode_counts(Decoder& d, CaptureCounts& c);

// Every field of the entry except `generation` (the replaying table assigns its own).
void encode_process(Encoder& e, const state::Process& p);
std::unique_ptr<state::Process> decode_process(Decoder& d); // nullptr on error (see d.error())

// `meta` nullptr records "no answer" for the id.
void encode_container(Encoder& e, std::string_view id, const containers::ContainerMetadata* meta);
bool decode_container(Decoder& d, std::string& id,
                      std::optional<containers::ContainerMetadata>& meta);

} // namespace saker::record
