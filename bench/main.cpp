// saker-bench: dispatches `saker-bench <name> [args...]` to a benchmark's
// run_<name>_bench(argc, argv), with argv[0] being the subcommand name.
#include <cstdio>
#include <cstring>

int run_predicates_bench(int argc, char** argv);
#ifdef SAKER_BENCH_CAPTURE
int run_capture_bench(int argc, char** argv);
int run_probe_profile_bench(int argc, char** argv);
#endif
#ifdef SAKER_BENCH_E2E
int run_e2e_bench(int argc, char** argv);
int run_overhead_bench(int argc, char** argv);
int run_latency_bench(int argc, char** argv);
#endif

namespace {

struct Bench {
    const char* name;
    int (*run)(int, char**);
    const char* what;
};

constexpr Bench kBenches[] = {
    {"predicates", run_predicates_bench,
     "rule predicates: JIT vs interpreter on a realistic event mix (ns/event, compile time)"},
#ifdef SAKER_BENCH_CAPTURE
    {"capture", run_capture_bench,
     "eBPF capture: a fixed open/close + fork/exec storm with and without the probe"},
    {"probe-profile", run_probe_profile_bench,
     "BPF ns per captured syscall, per program (bpf_stats), over one microload at a time"},
#endif
#ifdef SAKER_BENCH_E2E
    {"e2e", run_e2e_bench,
     "the real agent with upstream rules vs a syscall storm: throughput, drops, latency, CPU"},
    {"overhead", run_overhead_bench,
     "what the agent costs pinned workloads (read, open/read/close, fork+exec, TCP), vs alone"},
    {"latency", run_latency_bench,
     "--idle: alert latency of single triggers on an otherwise idle agent (p50/p99/max)"},
#endif
};

int usage() {
    std::fprintf(stderr, "usage: saker-bench <benchmark> [args...]\n\nbenchmarks:\n");
    for (const Bench& b : kBenches)
        std::fprintf(stderr, "  %-14s %s\n", b.name, b.what);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    for (const Bench& b : kBenches)
        if (std::strcmp(argv[1], b.name) == 0) return b.run(argc - 1, argv + 1);
    std::fprintf(stderr, "saker-bench: unknown benchmark '%s'\n", argv[1]);
    return usage();
}
