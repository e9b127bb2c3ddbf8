#include "runtime/record/capture_reader.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace saker::record {

namespace {

constexpr size_t kChunkBytes = 1u << 20;

uint32_t le32(const uint8_t* p) {
    return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

std::string hex(uint64_t v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
}

} // namespace

bool CaptureReader::fail(uint64_t offset, const std::string& what) {
    if (error_.empty()) error_ = name_ + ": byte " + std::to_string(offset) + ": " + what;
    return false;
}

bool CaptureReader::open() {
    uint8_t pre[kFilePreambleBytes];
    in_.read(reinterpret_cast<char*>(pre), sizeof pre);
    size_t got = static_cast<size_t>(in_.gcount());
    offset_ = got;
    if (std::memcmp(pre, kCaptureMagic, std::min(got, sizeof kCaptureMagic)) != 0)
        return fail(0, "not a saker capture file (no SAKERCAP magic)");
    if (got < sizeof pre) return fail(got, "truncated: the file ends inside its preamble");
    if (uint32_t v = le32(pre + 8); v != kCaptureFormatVersion)
        return fail(8, "capture format version " + std::to_string(v) +
                           "; this saker reads version " + std::to_string(kCaptureFormatVersion));
    uint32_t type = 0;
    bool eof = false;
    if (!read_record(type, eof))
        return eof ? fail(offset_, "truncated: the file ends before its HEADER record") : false;
    if (type != static_cast<uint32_t>(RecordType::Header))
        return fail(record_offset_,
                    "the first record is " + std::string(record_type_name(type)) + ", not HEADER");
    Decoder d(buf_);
    if (!decode_header(d, header_)) return fail(record_offset_, "bad HEADER record: " + d.error());
    if (!d.done()) return fail(record_offset_, "bad HEADER record: trailing bytes");
    if (header_.wire_identity != wire_identity())
        return fail(record_offset_, "recorded with another probe wire format (identity " +
                                        hex(header_.wire_identity) + ", this saker's is " +
                                        hex(wire_identity()) +
                                        "): replay it with the saker that recorded it (version " +
                                        header_.saker_version + ")");
    return true;
}

bool CaptureReader::read_record(uint32_t& type, bool& eof) {
    record_offset_ = offset_;
    uint8_t hdr[kRecordHeaderBytes];
    in_.read(reinterpret_cast<char*>(hdr), sizeof hdr);
    size_t got = static_cast<size_t>(in_.gcount());
    offset_ += got;
    if (got == 0) {
        eof = true;
        return false;
    }
    if (got < sizeof hdr)
        return fail(record_offset_, "truncated: the file ends inside a record header (" +
                                        std::to_string(got) + " of 8 bytes)");
    type = le32(hdr);
    uint32_t len = le32(hdr + 4);
    if (len > kMaxRecordBytes)
        return fail(record_offset_, std::string(record_type_name(type)) + " record of " +
                                        std::to_string(len) + " bytes exceeds the limit of " +
                                        std::to_string(kMaxRecordBytes));
    // Grow with the bytes actually present, so a lying length costs no more than the file.
    buf_.clear();
    while (buf_.size() < len) {
        size_t want = std::min<size_t>(len - buf_.size(), kChunkBytes);
        size_t at = buf_.size();
        buf_.resize(at + want);
        in_.read(reinterpret_cast<char*>(buf_.data() + at), static_cast<std::streamsize>(want));
        size_t n = static_cast<size_t>(in_.gcount());
        offset_ += n;
        if (n < want)
            return fail(record_offset_, "truncated " + std::string(record_type_name(type)) +
                                            " record: " + std::to_string(at + n) + " of " +
                                            std::to_string(len) + " payload bytes present");
    }
    return true;
}

bool CaptureReader::next(CaptureRecord& r) {
    if (!error_.empty()) return false;
    uint32_t type = 0;
    bool eof = false;
    if (!read_record(type, eof)) {
        if (eof && !ended_)
            return fail(offset_, "truncated: the file ends without its END record (the recording "
                                 "did not stop cleanly); the records before were used");
        return false;
    }
    if (ended_) return fail(record_offset_, "data after the END record");
    r.offset = record_offset_;
    r.type = static_cast<RecordType>(type);
    Decoder d(buf_);
    auto bad = [&](const std::string& what) {
        return fail(record_offset_,
                    "bad " + std::string(record_type_name(type)) + " record: " + what);
    };
    switch (r.type) {
    case RecordType::Event: {
        auto e = capture::decode(buf_, r.event);
        if (e != capture::DecodeError::none)
            return bad("the event does not decode (" + std::string(capture::decode_error_name(e)) +
                       ")");
        ++counts_.events;
        return true;
    }
    case RecordType::Process:
        r.process = decode_process(d);
        if (!r.process) return bad(d.error());
        if (!d.done()) return bad("trailing bytes");
        ++counts_.processes;
        return true;
    case RecordType::Container:
        if (!decode_container(d, r.container_id, r.container)) return bad(d.error());
        if (!d.done()) return bad("trailing bytes");
        ++counts_.containers;
        return true;
    case RecordType::End:
        if (!decode_counts(d, r.counts)) return bad(d.error());
        if (!d.done()) return bad("trailing bytes");
        if (!(r.counts == counts_))
            return bad("it counts " + std::to_string(r.counts.events) + " events, " +
                       std::to_string(r.counts.processes) + " processes and " +
                       std::to_string(r.counts.containers) + " containers; the file holds " +
                       std::to_string(counts_.events) + ", " + std::to_string(counts_.processes) +
                       " and " + std::to_string(counts_.containers));
        ended_ = true;
        // Anything after END is an error; a clean end returns false with no error.
        if (in_.peek() != std::char_traits<char>::eof())
            return fail(offset_, "data after the END record");
        return true;
    case RecordType::Header:
        return fail(record_offset_, "a second HEADER record");
    }
    return fail(record_offset_, "unknown record type " + std::to_string(type));
}

} // namespace saker::record
