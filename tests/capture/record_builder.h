// Builds ring-buffer records by hand, as the probe would, so the decoder can
// be tested (and fuzz seeds written) without a kernel.
#pragma once

#include "bpf/events.h"

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace saker::capture::test {

class RecordBuilder {
  public:
    RecordBuilder(uint16_t type, uint32_t nr, int64_t ret) {
        hdr_.ts_ns = 1;
        hdr_.tid = hdr_.pid = 42;
        hdr_.ppid = 1;
        hdr_.type = type;
        hdr_.ret = ret;
        hdr_.syscall_nr = nr;
    }
    RecordBuilder& u64(uint64_t v) { return param(SAKER_PT_U64, &v, 8); }
    RecordBuilder& str(std::string_view s) { return param(SAKER_PT_STR, s.data(), s.size()); }
    RecordBuilder& none() { return param(SAKER_PT_NONE, nullptr, 0); }
    RecordBuilder& param(uint8_t type, const void* data, size_t len, uint8_t flags = 0) {
        saker_param_hdr ph{static_cast<uint16_t>(len), type, flags};
        append(&ph, sizeof(ph));
        append(data, len);
        hdr_.nparams++;
        return *this;
    }
    // The record with hdr.len set to its true size (override after if needed).
    std::vector<uint8_t> build() const {
        saker_event_hdr h = hdr_;
        h.len = static_cast<uint32_t>(sizeof(h) + body_.size());
        std::vector<uint8_t> out(sizeof(h));
        std::memcpy(out.data(), &h, sizeof(h));
        out.insert(out.end(), body_.begin(), body_.end());
        return out;
    }
    saker_event_hdr& hdr() { return hdr_; }

  private:
    void append(const void* p, size_t n) {
        auto* b = static_cast<const uint8_t*>(p);
        body_.insert(body_.end(), b, b + n);
    }
    saker_event_hdr hdr_{};
    std::vector<uint8_t> body_;
};

// Overwrites a header field of a built record in place.
template <class T> void poke(std::vector<uint8_t>& rec, size_t offset, T v) {
    std::memcpy(rec.data() + offset, &v, sizeof(v));
}

} // namespace saker::capture::test
