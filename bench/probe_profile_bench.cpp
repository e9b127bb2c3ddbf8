// `saker-bench probe-profile [--seconds N] [--repeats R] [--cpu C]`
//
// What each captured syscall costs in BPF, from the kernel's own statistics (bpf_prog_info
// run_time_ns / run_cnt, kept while bpf_enable_stats(BPF_STATS_RUN_TIME) holds its fd: no
// sysctl is changed, and closing the fd turns them off). The probe runs as the agent runs it
// (default interest set, a consumer thread draining the ring) and this process, pinned to
// --cpu, loops over one microload at a time:
//
//   read_uncaptured  read(2) of 1 byte from /dev/zero: the dispatcher's early exit
//   close_badfd      close(-1): the smallest handler (header + one param + submit)
//   kill0            kill(self, 0): a handler with a few scalar params
//   dup_close        dup(fd) + close(dup): two small handlers
//   open_close       openat(/etc/hostname) + close: path string, fd -> inode walk
//   fork_wait        fork; child _exit(0); waitpid: clone handler + sched fork/exit programs
//
// In tracepoint mode a tail-called handler's time counts to the program that tail-called it
// (the kernel keeps statistics per entry program), so per load the JSON gives, per program,
// ns per run and runs per load iteration, and `ns_per_iteration` (all programs): the BPF
// time one iteration costs. The dispatcher also runs for every other task's syscalls
// (`foreign_runs_pct` estimates how many of its runs were not the load's); each figure is
// the median over --repeats runs, and `ns_per_run_min` the least: a program preempted by
// other work (BPF programs run with migration, not preemption, disabled) only adds time, so
// on a loaded machine the minimum is the better estimate of the program's own cost.
#include "runtime/capture/consumer.h"
#include "runtime/capture/features.h"
#include "runtime/capture/probe.h"

#include <nlohmann/json.hpp>

#include <bpf/bpf.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <iostream>
#include <map>
#include <sched.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
using namespace saker::capture;

struct Args {
    double seconds = 2.0;
    int repeats = 3;
    int cpu = 0;
};

struct Microload {
    const char* name;
    int syscalls_per_iteration; // the load's own sys_exit runs per iteration
    std::function<void()> once;
};

std::vector<Microload> microloads(int zero_fd, int null_fd) {
    return {
        {"read_uncaptured", 1,
         [zero_fd] {
             char c;
             if (read(zero_fd, &c, 1) != 1) std::abort();
         }},
        {"close_badfd", 1, [] { (void)close(-1); }},
        {"kill0", 1, [] { (void)kill(getpid(), 0); }},
        {"dup_close", 2, [null_fd] { close(dup(null_fd)); }},
        {"open_close", 2,
         [] {
             int fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY | O_CLOEXEC);
             if (fd >= 0) close(fd);
         }},
        {"fork_wait", 2, // fork in the parent, wait4; the child's side is counted per program
         [] {
             pid_t pid = fork();
             if (pid == 0) _exit(0);
             if (pid > 0) waitpid(pid, nullptr, 0);
         }},
    };
}

std::map<std::string, ProgramStats> snapshot(const Probe& p) {
    std::map<std::string, ProgramStats> out;
    for (const ProgramStats& s : p.program_stats())
        out[s.name] = s;
    return out;
}

struct Sample {
    uint64_t iterations = 0;
    double seconds = 0;
    std::map<std::string, std::pair<uint64_t, uint64_t>> delta; // program -> (runs, ns)
};

Sample run_once(const Probe& probe, const Microload& m, double seconds) {
    Sample s;
    auto before = snapshot(probe);
    auto start = Clock::now();
    auto deadline = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
        for (int i = 0; i < 64; i++)
            m.once();
        s.iterations += 64;
    }
    s.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    for (const auto& [name, now] : snapshot(probe)) {
        const ProgramStats& was = before[name];
        if (now.run_cnt > was.run_cnt)
            s.delta[name] = {now.run_cnt - was.run_cnt, now.run_time_ns - was.run_time_ns};
    }
    return s;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

bool parse_args(int argc, char** argv, Args& a) {
    const std::map<std::string, std::function<void(const char*)>> flags = {
        {"--seconds", [&](const char* v) { a.seconds = std::atof(v); }},
        {"--repeats", [&](const char* v) { a.repeats = std::atoi(v); }},
        {"--cpu", [&](const char* v) { a.cpu = std::atoi(v); }},
    };
    if (argc % 2 == 0) return false; // every flag takes a value
    for (int i = 1; i + 1 < argc; i += 2) {
        auto f = flags.find(argv[i]);
        if (f == flags.end()) return false;
        f->second(argv[i + 1]);
    }
    return a.seconds > 0 && a.repeats > 0 && a.cpu >= 0 && a.cpu < CPU_SETSIZE;
}

nlohmann::json profile_load(const Probe& probe, const Microload& m, const Args& a) {
    std::vector<Sample> samples;
    for (int r = 0; r < a.repeats; r++)
        samples.push_back(run_once(probe, m, a.seconds));
    std::map<std::string, std::vector<double>> ns_per_run, runs_per_it;
    std::vector<double> ns_per_it, rate, foreign;
    for (const Sample& s : samples) {
        double total_ns = 0;
        for (const auto& [name, d] : s.delta) {
            ns_per_run[name].push_back(static_cast<double>(d.second) / d.first);
            runs_per_it[name].push_back(static_cast<double>(d.first) / s.iterations);
            total_ns += static_cast<double>(d.second);
        }
        ns_per_it.push_back(total_ns / s.iterations);
        rate.push_back(s.iterations / s.seconds);
        auto d = s.delta.find("saker_sys_exit");
        double own = static_cast<double>(s.iterations) * m.syscalls_per_iteration;
        if (d != s.delta.end() && d->second.first > own)
            foreign.push_back(100.0 * (d->second.first - own) / d->second.first);
        else
            foreign.push_back(0);
    }
    nlohmann::json programs = nlohmann::json::object();
    for (const auto& [name, v] : ns_per_run)
        programs[name] = {{"ns_per_run", median(v)},
                          {"ns_per_run_min", *std::min_element(v.begin(), v.end())},
                          {"runs_per_iteration", median(runs_per_it[name])}};
    return {{"iterations_per_sec", median(rate)},
            {"ns_per_iteration", median(ns_per_it)},
            {"foreign_runs_pct", median(foreign)},
            {"programs", programs}};
}

} // namespace

int run_probe_profile_bench(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, a)) {
        std::fprintf(stderr,
                     "usage: saker-bench probe-profile [--seconds N] [--repeats R] [--cpu C]\n");
        return 2;
    }
    if (FeatureReport f = check_kernel_features(); !f.ok()) {
        std::fprintf(stderr, "saker-bench probe-profile: cannot run the probe:\n%s\n",
                     f.message().c_str());
        return 1;
    }
    int stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
    if (stats_fd < 0) {
        std::perror("saker-bench probe-profile: bpf_enable_stats");
        return 1;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(a.cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) std::perror("sched_setaffinity");
    int zero_fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    nlohmann::json loads = nlohmann::json::object();
    std::string mode;
    DropCounters drops;
    try {
        Probe probe(ProbeOptions{});
        mode = attach_mode_name(probe.attach_mode());
        Consumer consumer(probe, nullptr);
        std::atomic<bool> stop{false};
        std::thread drain([&] {
            cpu_set_t other;
            CPU_ZERO(&other);
            CPU_SET(a.cpu == 0 ? 1 : 0, &other);
            sched_setaffinity(0, sizeof other, &other); // best effort: off the load's CPU
            while (!stop.load())
                consumer.poll(100);
            while (consumer.poll(0) > 0) {
            }
        });
        for (const Microload& m : microloads(zero_fd, null_fd))
            loads[m.name] = profile_load(probe, m, a);
        stop = true;
        drain.join();
        drops = probe.drops();
    } catch (const ProbeError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
    close(stats_fd);
    nlohmann::json j = {{"bench", "probe-profile"},
                        {"attach_mode", mode},
                        {"seconds", a.seconds},
                        {"repeats", a.repeats},
                        {"cpu", a.cpu},
                        {"loads", loads},
                        {"drops", drops.ringbuf_full},
                        {"events_sent", drops.events}};
    std::cout << j.dump(1) << std::endl;
    return 0;
}
