// The workloads `saker-bench overhead` measures an agent's tax on: each a tight loop of one kind
// of syscall traffic, run on the calling process pinned to one CPU.
//
//   read_zero        read(2) of 1 byte from /dev/zero (fd opened once): a syscall no rule needs
//   open_read_close  open+read+close of /etc/hostname: three captured syscalls per iteration
//   fork_exec        fork(); child execv("/bin/true"); waitpid: process churn
//   tcp_rr           a 1-byte request and a 1-byte response over a loopback TCP connection,
//                    client and server threads on the same CPU: network I/O syscalls
//
// Contract: run_load() runs one load for `seconds` (checking the clock every 64 iterations) on
// threads pinned to `cpu` (-1: unpinned) and returns its iterations, the wall time and the CPU
// time the load spent (its threads, plus the reaped children for fork_exec). Nothing else runs
// on those threads meanwhile.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace saker::bench {

enum class Load { ReadZero, OpenReadClose, ForkExec, TcpRr };

struct LoadResult {
    uint64_t iterations = 0;
    double seconds = 0;
    double cpu_seconds = 0;
    double rate() const { return seconds > 0 ? static_cast<double>(iterations) / seconds : 0; }
    double cpu_us_per_iteration() const {
        return iterations ? cpu_seconds * 1e6 / static_cast<double>(iterations) : 0;
    }
};

const std::vector<Load>& all_loads();
std::string_view load_name(Load l);
bool load_by_name(std::string_view name, Load& out);

LoadResult run_load(Load l, double seconds, int cpu);

} // namespace saker::bench
