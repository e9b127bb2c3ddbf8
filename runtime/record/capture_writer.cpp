#include "runtime/record/capture_writer.h"

#include <cerrno>
#include <cstring>

namespace saker::record {

namespace {
constexpr size_t kFlushBytes = 256u << 10;
} // namespace

CaptureWriter::~CaptureWriter() {
    close();
}

bool CaptureWriter::open(const std::string& path, const CaptureHeader& header, std::string& error) {
    file_ = std::fopen(path.c_str(), "wb");
    if (!file_) {
        error = "cannot create " + path + ": " + std::strerror(errno);
        return false;
    }
    path_ = path;
    Encoder e(buf_);
    e.bytes({reinterpret_cast<const uint8_t*>(kCaptureMagic), sizeof kCaptureMagic});
    e.u32(kCaptureFormatVersion);
    Encoder h = begin(RecordType::Header);
    encode_header(h, header);
    finish();
    flush(); // a capture that stops early still names its origin
    error = error_;
    return ok();
}

Encoder CaptureWriter::begin(RecordType type) {
    record_start_ = buf_.size();
    Encoder e(buf_);
    e.u32(static_cast<uint32_t>(type));
    e.u32(0); // length, patched by finish()
    return e;
}

void CaptureWriter::finish() {
    size_t len = buf_.size() - record_start_ - kRecordHeaderBytes;
    if (len > kMaxRecordBytes) { // never write what no reader accepts
        buf_.resize(record_start_);
        if (error_.empty()) error_ = path_ + ": a record exceeds the format's limit";
        return;
    }
    for (int i = 0; i < 4; ++i)
        buf_[record_start_ + 4 + i] = static_cast<uint8_t>(len >> (8 * i));
    if (buf_.size() >= kFlushBytes) flush();
}

void CaptureWriter::flush() {
    if (!file_ || buf_.empty()) return;
    if (error_.empty() &&
        (std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size() || std::fflush(file_) != 0))
        error_ = "writing " + path_ + ": " + std::strerror(errno);
    buf_.clear();
}

void CaptureWriter::write_process(const state::Process& p) {
    if (!ok()) return;
    Encoder e = begin(RecordType::Process);
    encode_process(e, p);
    ++counts_.processes;
    finish();
}

void CaptureWriter::write_container(std::string_view id, const containers::ContainerMetadata* m) {
    if (!ok()) return;
    Encoder e = begin(RecordType::Container);
    encode_container(e, id, m);
    ++counts_.containers;
    finish();
}

void CaptureWriter::write_event(std::span<const uint8_t> raw) {
    if (!ok()) return;
    Encoder e = begin(RecordType::Event);
    e.bytes(raw);
    ++counts_.events;
    finish();
}

bool CaptureWriter::close() {
    if (!file_) return error_.empty();
    if (error_.empty()) {
        Encoder e = begin(RecordType::End);
        encode_counts(e, counts_);
        finish();
    }
    flush();
    if (std::fclose(file_) != 0 && error_.empty())
        error_ = "closing " + path_ + ": " + std::strerror(errno);
    file_ = nullptr;
    return error_.empty();
}

} // namespace saker::record
