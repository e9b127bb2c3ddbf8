// Consumer: drains the probe's ring buffer and hands decoded events to a callback.
//
// Contract:
// - poll() waits up to timeout_ms for the probe's wakeup, then drains every
//   queued record (woken or not), decodes each with decode() and
//   calls the callback once per well-formed record, in ring order, on the
//   calling thread. The Event (and the bytes it views) is valid only during the
//   callback: copy what you keep.
// - A malformed record is counted (malformed()) and skipped; it never reaches
//   the callback and never stops the consumer.
// - The Probe must outlive the Consumer. One thread polls a Consumer at a time.
#pragma once

#include "runtime/capture/decoder.h"
#include "runtime/capture/probe.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

struct ring_buffer;

namespace saker::capture {

// Decode, count, call back: the per-record path, with no kernel attached, so
// tests and the fuzzer drive exactly what the Consumer runs.
class RecordHandler {
  public:
    using Callback = std::function<void(const Event&)>;

    explicit RecordHandler(Callback cb) : cb_(std::move(cb)) {}
    void handle(std::span<const uint8_t> raw);
    uint64_t received() const { return received_.load(std::memory_order_relaxed); }
    uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }

  private:
    Callback cb_;
    Event scratch_;
    std::atomic<uint64_t> received_{0};
    std::atomic<uint64_t> malformed_{0};
};

class Consumer {
  public:
    using Callback = RecordHandler::Callback;

    Consumer(const Probe& probe, Callback cb);
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    // Records handled this call (>= 0); throws ProbeError on a poll failure
    // other than EINTR.
    int poll(int timeout_ms);

    uint64_t received() const { return handler_.received(); }
    uint64_t malformed() const { return handler_.malformed(); }

  private:
    static int on_sample(void* ctx, void* data, size_t size);

    RecordHandler handler_;
    ring_buffer* rb_ = nullptr;
};

} // namespace saker::capture
