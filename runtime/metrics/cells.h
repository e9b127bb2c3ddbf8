// Metric cells: the values the agent bumps on its hot path, read by the scrape thread.
//
// Contract:
// - Counter::inc and Histogram::observe assume ONE writer thread per cell: they are a relaxed
//   load and a relaxed store (plain movs on x86-64, no lock prefix, no fence), so the event
//   thread pays about what a plain `++x` costs. Any thread may read at any time and sees some
//   recent value (never a torn one). A cell that several threads bump uses inc_atomic().
// - Gauge holds a double; set() from one thread, read from any.
// - Histogram: fixed ascending upper bounds chosen at construction (+Inf implicit); no count
//   is stored, it is the sum of the buckets, so a scrape always sees count == the +Inf bucket.
// - SampledTimer times 1 call in `every` with CLOCK_MONOTONIC (vDSO, ~20 ns) into a Histogram
//   in nanoseconds; the other calls cost a decrement and a branch. One owner thread.
// Nothing here allocates or locks after construction.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <time.h>
#include <vector>

namespace saker::metrics {

class Counter {
  public:
    void inc(uint64_t n = 1) noexcept {
        value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    void inc_atomic(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<uint64_t> value_{0};
};

class Gauge {
  public:
    void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
    double value() const noexcept { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

class Histogram {
  public:
    // `bounds`: strictly ascending bucket upper bounds (inclusive, as Prometheus' `le`).
    explicit Histogram(std::vector<uint64_t> bounds);

    void observe(uint64_t v) noexcept {
        size_t i = 0;
        while (i < bounds_.size() && v > bounds_[i])
            ++i;
        bump(buckets_[i], 1);
        bump(sum_, v);
    }

    const std::vector<uint64_t>& bounds() const { return bounds_; }
    // Observations in bucket i alone (not cumulative); i == bounds().size() is (last, +Inf).
    uint64_t bucket(size_t i) const { return buckets_[i].load(std::memory_order_relaxed); }
    uint64_t sum() const { return sum_.load(std::memory_order_relaxed); }

  private:
    static void bump(std::atomic<uint64_t>& a, uint64_t n) noexcept {
        a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    std::vector<uint64_t> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
    std::atomic<uint64_t> sum_{0};
};

// `count` bounds start, start*factor, ... (rounded), e.g. (50, 2, 14) spans 50 ns .. 400 us.
std::vector<uint64_t> exponential_bounds(uint64_t start, double factor, size_t count);

inline uint64_t monotonic_ns() noexcept {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

class SampledTimer {
  public:
    SampledTimer(Histogram& ns_histogram, uint32_t every)
        : histogram_(ns_histogram), every_(every ? every : 1), countdown_(every_) {}

    // The start time on a sampled call, 0 otherwise.
    uint64_t start() noexcept {
        if (--countdown_ != 0) return 0;
        countdown_ = every_;
        return monotonic_ns();
    }
    void stop(uint64_t started) noexcept {
        if (started != 0) histogram_.observe(monotonic_ns() - started);
    }

    // `auto timing = timer.measure();` times the rest of the scope (when sampled).
    class Scope {
      public:
        Scope(SampledTimer& t, uint64_t started) : timer_(t), started_(started) {}
        ~Scope() { timer_.stop(started_); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

      private:
        SampledTimer& timer_;
        uint64_t started_;
    };
    Scope measure() noexcept { return Scope(*this, start()); }

  private:
    Histogram& histogram_;
    uint32_t every_;
    uint32_t countdown_;
};

} // namespace saker::metrics
