// Consumer: drains the probe's ring buffer and hands decoded events to a callback.
//
// Contract:
// - poll() waits up to timeout_ms for the probe's wakeup, then drains every
//   queued record (woken or not), decodes each with decode() and
//   calls the callback once per well-formed record, in ring order, on the
//   calling thread. The Event (and the bytes it views) is valid only during the
//   callback: copy what you keep.
// - Latency: the probe forces a wakeup only when its last one is older than its
//   wakeup interval (ProbeOptions::wakeup_ns), so a record that follows a woken
//   one within the interval raises none. Therefore, for two intervals after a
//   drain that found records, poll() waits at most one interval (rounded up to
//   a millisecond): every record is drained within about an interval plus a
//   millisecond of its write, whatever follows it, while an idle ring costs one
//   wakeup per timeout_ms. wakeups() counts every return from the wait.
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
    uint64_t wakeups() const { return wakeups_; }

  private:
    static int on_sample(void* ctx, void* data, size_t size);

    RecordHandler handler_;
    ring_buffer* rb_ = nullptr;
    uint64_t interval_ns_;         // the probe's wakeup interval (0: it wakes on every record)
    int follow_up_ms_;             // the wait while records are flowing
    uint64_t last_records_ns_ = 0; // CLOCK_MONOTONIC of the last drain that found records
    uint64_t wakeups_ = 0;
};

} // namespace saker::capture
