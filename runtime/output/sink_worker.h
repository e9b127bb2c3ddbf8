// A sink's bounded queue and its thread.
//
// Contract:
// - `push` never waits for the sink: it takes a short lock, appends, and returns. A full queue
//   drops an alert (the new one, or the oldest for sinks that keep the newest), counts it,
//   and logs a rate-limited line. Any thread may push.
// - The worker thread delivers queued alerts in order. On Retry it backs off (100 ms doubling
//   to 2 s) and tries the same alert again; if the queue fills meanwhile, the alert in hand is
//   the oldest and is dropped in favour of newer ones.
// - Counters: every pushed alert is counted `queued`, and ends as exactly one of `delivered`,
//   `dropped` or `failed` (or is still `depth`/in flight). Readable from any thread.
// - `stop` delivers what is queued until the deadline, then cancels the sink, counts the rest
//   as dropped and joins the thread. The destructor stops with no grace.
#pragma once

#include "runtime/output/sink.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace saker::output {

struct SinkStats {
    std::string name;
    uint64_t queued = 0;    // alerts handed to the sink
    uint64_t delivered = 0; // written / accepted by the receiver
    uint64_t dropped = 0;   // lost to a full queue or to the stop deadline
    uint64_t failed = 0;    // given up after an error
    uint64_t retries = 0;   // repeated attempts (HTTP retries, program restarts)
    size_t depth = 0;       // waiting in the queue now
    size_t capacity = 0;
};

class SinkWorker {
  public:
    SinkWorker(std::unique_ptr<Sink> sink, size_t capacity);
    ~SinkWorker();
    SinkWorker(const SinkWorker&) = delete;
    SinkWorker& operator=(const SinkWorker&) = delete;

    void push(std::shared_ptr<const Message> m);
    void request_reopen(); // the worker calls Sink::reopen before its next delivery
    // Returns true when everything queued was handled before the deadline.
    bool stop(std::chrono::steady_clock::time_point deadline);
    SinkStats stats() const;

  private:
    void run();
    void drop(uint64_t n, const char* why); // counts and logs (rate-limited)

    std::unique_ptr<Sink> sink_;
    const size_t capacity_;
    mutable std::mutex mu_;
    std::condition_variable wake_; // work, reopen, stop or abort for the worker
    std::condition_variable idle_; // the worker finished (for stop)
    std::deque<std::shared_ptr<const Message>> queue_;
    bool stopping_ = false, aborting_ = false, reopen_ = false, finished_ = false;
    std::atomic<uint64_t> queued_{0}, delivered_{0}, dropped_{0}, failed_{0};
    LogLimiter drop_log_;
    std::thread thread_;
};

} // namespace saker::output
