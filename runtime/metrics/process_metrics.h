// The agent's own resource use, read from /proc/self when scraped.
//
// Contract: register_process_metrics adds the families Prometheus' client libraries call the
// process collector (so existing dashboards work): process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_start_time_seconds; and saker_uptime_seconds since `started`. A /proc file that
// cannot be read exports NaN for that sample, never an error page.
// parse_proc_stat reads /proc/<pid>/stat text whatever the command name holds (spaces,
// parentheses): the fields are counted after the LAST ')'.
#pragma once

#include "runtime/metrics/registry.h"

#include <chrono>
#include <optional>
#include <string_view>

namespace saker::metrics {

struct ProcStat {
    uint64_t utime_ticks = 0;
    uint64_t stime_ticks = 0;
    uint64_t start_ticks = 0; // since boot
    uint64_t vsize_bytes = 0;
    uint64_t rss_pages = 0;
};

std::optional<ProcStat> parse_proc_stat(std::string_view text);
// /proc/self/stat parsed; nullopt if unreadable.
std::optional<ProcStat> read_self_stat();

// When the host booted, in ns since the epoch (the wall clock minus CLOCK_BOOTTIME).
uint64_t host_boot_epoch_ns();

void register_process_metrics(Registry& registry, std::chrono::steady_clock::time_point started =
                                                      std::chrono::steady_clock::now());

} // namespace saker::metrics
