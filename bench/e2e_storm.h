// The syscall storm `saker-bench e2e` drives the agent with: a busy node in miniature.
//
// One ITERATION of a storm worker is, in this order:
//   32 x { open(file under /etc or /usr, O_RDONLY); close }              (64 events)
//    1 x { socket(AF_INET, SOCK_STREAM); connect(127.0.0.1:listener); close }
//        + the listener thread's accept and close                          (5 events)
//   every 32nd iteration:  fork(); child _exit(0); waitpid                 (clone churn)
//   every 128th iteration: fork(); child execv("/bin/true"); waitpid       (exec churn)
//   every alert_every-th iteration, on worker 0 only: open("/etc/shadow"); close, with the
//   CLOCK_REALTIME just before the open recorded: upstream "Read sensitive file untrusted"
//   fires exactly once per such open (the storm's process name is not a trusted one).
// Workers are paced to `iterations_per_sec` each (0: as fast as they can) on an absolute
// schedule, so a late iteration is made up rather than lost. `run_hostname_loop` is the
// issue's other load: open+read+close of /etc/hostname as fast as possible.
#pragma once

#include <cstdint>
#include <vector>

namespace saker::bench {

struct StormOptions {
    double seconds = 5;
    int workers = 1;
    double iterations_per_sec = 0; // per worker; 0 = unpaced
    int alert_every = 20;          // iterations between alerting opens (0: never)
    int fork_every = 32;
    int exec_every = 128;
};

struct StormResult {
    uint64_t iterations = 0; // all workers
    double seconds = 0;
    double worker_cpu_seconds = 0;     // user+sys of the worker threads (not their children)
    std::vector<uint64_t> alert_times; // CLOCK_REALTIME ns before each alerting open, in order
};

StormResult run_storm(const StormOptions& o);

// `threads` loops of open+read+close of /etc/hostname for `seconds`, loop i pinned to CPU
// cpus[i] (-1: unpinned). Returns the total iterations and the wall time.
StormResult run_hostname_loops(double seconds, const std::vector<int>& cpus);

uint64_t realtime_ns();

} // namespace saker::bench
