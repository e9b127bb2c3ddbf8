#include "runtime/capture/consumer.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string>

namespace saker::capture {
namespace {

uint64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace

Consumer::Consumer(const Probe& probe, Callback cb)
    : handler_(std::move(cb)), interval_ns_(probe.wakeup_ns()),
      follow_up_ms_(static_cast<int>(std::max<uint64_t>(1, (interval_ns_ + 999999) / 1000000))) {
    rb_ = ring_buffer__new(probe.ring_buffer_fd(), &Consumer::on_sample, this, nullptr);
    if (!rb_)
        throw ProbeError(std::string("saker consumer: ring_buffer__new failed: ") +
                         std::strerror(errno));
}

Consumer::~Consumer() {
    ring_buffer__free(rb_);
}

int Consumer::on_sample(void* ctx, void* data, size_t size) {
    static_cast<Consumer*>(ctx)->handler_.handle({static_cast<const uint8_t*>(data), size});
    return 0; // never stop the drain: one bad record must not lose the rest
}

void RecordHandler::handle(std::span<const uint8_t> raw) {
    if (decode(raw, scratch_) != DecodeError::none) {
        malformed_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    received_.fetch_add(1, std::memory_order_relaxed);
    if (cb_) cb_(scratch_);
}

int Consumer::poll(int timeout_ms) {
    // Records flowed within two intervals: one may be waiting without a wakeup (header).
    if (interval_ns_ && monotonic_ns() - last_records_ns_ < 2 * interval_ns_)
        timeout_ms = std::min(timeout_ms, follow_up_ms_);
    int n = ring_buffer__poll(rb_, timeout_ms);
    ++wakeups_;
    if (n == -EINTR) n = 0;
    if (n < 0)
        throw ProbeError(std::string("saker consumer: ring_buffer__poll failed: ") +
                         std::strerror(-n));
    // The probe wakes us only past a fill threshold (ProbeOptions::wakeup_bytes),
    // and poll() drains only rings that woke it: collect the quiet remainder.
    int rest = ring_buffer__consume(rb_);
    if (rest < 0)
        throw ProbeError(std::string("saker consumer: ring_buffer__consume failed: ") +
                         std::strerror(-rest));
    if (n + rest > 0) last_records_ns_ = monotonic_ns();
    return n + rest;
}

} // namespace saker::capture
