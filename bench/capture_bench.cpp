// `saker-bench capture [--seconds N] [--ring-bytes B]`
//
// The storm (fixed, so figures compare across runs and machines): for N
// seconds, loop over
//     64 x { fd = open("<tmpfile>", O_RDONLY); close(fd); }   -> 64 ops
//      1 x { fork(); child: execv("/bin/true"); parent: waitpid(); } -> 1 op
// first with no probe (baseline), then with the probe attached and a consumer
// thread draining the ring buffer. Prints ONE JSON object:
//   storm_ops_per_sec_baseline / _probed  the storm's own speed
//   slowdown_pct                          1 - probed/baseline, in percent
//   events_per_sec                        events delivered to user space
//   drops                                 ring-buffer reservation failures
#include "runtime/capture/consumer.h"
#include "runtime/capture/drop_monitor.h"
#include "runtime/capture/features.h"
#include "runtime/capture/probe.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;
using namespace saker::capture;

constexpr int kOpenClosePerIter = 64;

struct Args {
    double seconds = 3.0;
    size_t ring_bytes = 8u << 20;
};

struct StormResult {
    uint64_t ops = 0;
    double seconds = 0;
    double ops_per_sec() const { return seconds > 0 ? ops / seconds : 0; }
};

void spawn_true() {
    pid_t pid = fork();
    if (pid == 0) {
        char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
        execv("/bin/true", argv);
        _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
}

StormResult run_storm(const std::string& path, double seconds) {
    StormResult r;
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
        for (int i = 0; i < kOpenClosePerIter; i++) {
            int fd = open(path.c_str(), O_RDONLY);
            if (fd >= 0) close(fd);
        }
        spawn_true();
        r.ops += kOpenClosePerIter + 1;
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}

bool parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (i + 1 >= argc) return false;
        if (k == "--seconds")
            a.seconds = std::atof(argv[++i]);
        else if (k == "--ring-bytes")
            a.ring_bytes = std::strtoull(argv[++i], nullptr, 0);
        else
            return false;
    }
    return a.seconds > 0;
}

std::string make_tmpfile() {
    char path[] = "/tmp/saker-bench-XXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    return path;
}

struct Probed {
    StormResult storm;
    uint64_t received = 0, malformed = 0;
    DropCounters drops;
};

Probed run_probed(const Args& a, const std::string& path) {
    Probed out;
    ProbeOptions opts;
    opts.ring_buffer_bytes = a.ring_bytes;
    Probe probe(opts);
    Consumer consumer(probe, nullptr);
    std::atomic<bool> stop{false};
    std::thread drain([&] {
        while (!stop.load())
            consumer.poll(100);
        while (consumer.poll(0) > 0) {
        }
    });
    out.storm = run_storm(path, a.seconds);
    stop = true;
    drain.join();
    out.received = consumer.received();
    out.malformed = consumer.malformed();
    out.drops = probe.drops();
    return out;
}

} // namespace

int run_capture_bench(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, a)) {
        std::fprintf(stderr, "usage: saker-bench capture [--seconds N] [--ring-bytes B]\n");
        return 2;
    }
    if (FeatureReport f = check_kernel_features(); !f.ok()) {
        std::fprintf(stderr, "saker-bench capture: cannot run the probe:\n%s\n",
                     f.message().c_str());
        return 1;
    }
    std::string path = make_tmpfile();
    StormResult base = run_storm(path, a.seconds);
    Probed p;
    try {
        p = run_probed(a, path);
    } catch (const ProbeError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        unlink(path.c_str());
        return 1;
    }
    unlink(path.c_str());
    double b = base.ops_per_sec(), q = p.storm.ops_per_sec();
    nlohmann::json j = {
        {"bench", "capture"},
        {"seconds", a.seconds},
        {"ring_buffer_bytes", a.ring_bytes},
        {"storm",
         {{"open_close_per_iteration", kOpenClosePerIter}, {"fork_exec_per_iteration", 1}}},
        {"storm_ops_per_sec_baseline", b},
        {"storm_ops_per_sec_probed", q},
        {"slowdown_pct", b > 0 ? 100.0 * (1.0 - q / b) : 0.0},
        {"events_per_sec", p.storm.seconds > 0 ? p.received / p.storm.seconds : 0.0},
        {"events_received", p.received},
        {"events_sent", p.drops.events},
        {"drops", p.drops.ringbuf_full},
        {"truncated_args", p.drops.truncated_args},
        {"read_faults", p.drops.read_faults},
        {"malformed", p.malformed},
    };
    std::cout << j.dump() << std::endl;
    return 0;
}
