// Clocks, pinning and percentiles the benchmarks share.
#pragma once

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <pthread.h>
#include <sched.h>
#include <vector>

namespace saker::bench {

inline uint64_t clock_ns(clockid_t id) {
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

inline double thread_cpu_seconds() {
    return static_cast<double>(clock_ns(CLOCK_THREAD_CPUTIME_ID)) / 1e9;
}

// Pins the calling thread to one CPU; -1 leaves it unpinned.
inline void pin_to(int cpu) {
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

// The p-th percentile (0..100) by nearest rank; 0 for no samples.
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i =
        std::min(v.size() - 1, static_cast<size_t>(p / 100.0 * static_cast<double>(v.size())));
    return v[i];
}

inline double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

} // namespace saker::bench
