#include "runtime/output/sink_worker.h"

#include <spdlog/spdlog.h>

#include <csignal>
#include <pthread.h>

namespace saker::output {

using namespace std::chrono_literals;

SinkWorker::SinkWorker(std::unique_ptr<Sink> sink, size_t capacity)
    : sink_(std::move(sink)), capacity_(capacity ? capacity : 1) {
    thread_ = std::thread([this] { run(); });
}

SinkWorker::~SinkWorker() {
    stop(std::chrono::steady_clock::now());
}

void SinkWorker::drop(uint64_t n, const char* why) {
    dropped_ += n;
    if (drop_log_.ready())
        spdlog::warn("output {}: {}; {} alert(s) dropped so far", sink_->name(), why,
                     dropped_.load());
}

void SinkWorker::push(std::shared_ptr<const Message> m) {
    {
        std::lock_guard lock(mu_);
        ++queued_;
        if (stopping_) return drop(1, "stopped");
        if (queue_.size() >= capacity_) {
            if (!sink_->keeps_newest()) return drop(1, "queue full");
            queue_.pop_front();
            drop(1, "queue full, oldest alert dropped");
        }
        queue_.push_back(std::move(m));
    }
    wake_.notify_one();
}

void SinkWorker::request_reopen() {
    {
        std::lock_guard lock(mu_);
        reopen_ = true;
    }
    wake_.notify_one();
}

void SinkWorker::run() {
    // A sink writing to a pipe or socket whose reader is gone gets EPIPE, not a signal that
    // would end the agent. SIGPIPE is sent to the writing thread, so blocking it here suffices.
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);

    std::shared_ptr<const Message> in_hand;
    auto backoff = 100ms;
    std::unique_lock lock(mu_);
    while (!aborting_) {
        if (reopen_) {
            reopen_ = false;
            lock.unlock();
            sink_->reopen();
            lock.lock();
            continue;
        }
        if (!in_hand) {
            if (queue_.empty()) {
                if (stopping_) break;
                wake_.wait(lock);
                continue;
            }
            in_hand = std::move(queue_.front());
            queue_.pop_front();
        }
        lock.unlock();
        Delivery d = sink_->deliver(*in_hand);
        lock.lock();
        if (d == Delivery::Delivered) {
            ++delivered_;
            in_hand.reset();
            backoff = 100ms;
            continue;
        }
        if (d == Delivery::Failed) {
            ++failed_;
            in_hand.reset();
            continue;
        }
        // Retry. Newer alerts filled the queue while this one waited: it is the oldest.
        if (queue_.size() >= capacity_) {
            drop(1, "receiver unavailable and queue full");
            in_hand.reset();
        }
        wake_.wait_for(lock, backoff, [&] { return aborting_ || reopen_; });
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, 2s);
        ++sink_->retries;
    }
    if (uint64_t left = queue_.size() + (in_hand ? 1 : 0)) drop(left, "stopped before delivery");
    queue_.clear();
    lock.unlock();
    sink_->flush();
    lock.lock();
    finished_ = true;
    idle_.notify_all();
}

bool SinkWorker::stop(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mu_);
    if (!thread_.joinable()) return true;
    stopping_ = true;
    wake_.notify_all();
    bool drained = idle_.wait_until(lock, deadline, [&] { return finished_; });
    if (!drained) aborting_ = true;
    lock.unlock();
    wake_.notify_all();
    if (!drained) sink_->cancel();
    thread_.join();
    return drained;
}

SinkStats SinkWorker::stats() const {
    SinkStats s;
    s.name = sink_->name();
    s.queued = queued_.load();
    s.delivered = delivered_.load();
    s.dropped = dropped_.load();
    s.failed = failed_.load();
    s.retries = sink_->retries.load();
    s.capacity = capacity_;
    std::lock_guard lock(mu_);
    s.depth = queue_.size();
    return s;
}

} // namespace saker::output
