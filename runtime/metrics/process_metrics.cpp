#include "runtime/metrics/process_metrics.h"

#include <charconv>
#include <cmath>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace saker::metrics {

namespace {

std::optional<std::string> read_file(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Boot time in seconds since the epoch (`btime` in /proc/stat).
std::optional<uint64_t> boot_time() {
    auto text = read_file("/proc/stat");
    if (!text) return std::nullopt;
    auto at = text->find("\nbtime ");
    if (at == std::string::npos) return std::nullopt;
    uint64_t v = 0;
    const char* p = text->data() + at + 7;
    if (std::from_chars(p, text->data() + text->size(), v).ec != std::errc()) return std::nullopt;
    return v;
}

double open_fds() {
    DIR* d = opendir("/proc/self/fd");
    if (!d) return NAN;
    double n = 0;
    while (dirent* e = readdir(d))
        if (e->d_name[0] != '.') ++n;
    closedir(d);
    return n - 1; // the directory's own descriptor
}

} // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
    auto close = text.rfind(')');
    if (close == std::string_view::npos) return std::nullopt;
    // After ") ": field 3 (state) is index 0 here; utime is field 14, stime 15, starttime 22,
    // vsize 23, rss 24 (proc(5)).
    std::string_view rest = text.substr(close + 1);
    uint64_t fields[22] = {};
    size_t field = 0;
    size_t i = 0;
    while (field < 22) {
        while (i < rest.size() && rest[i] == ' ')
            ++i;
        if (i >= rest.size()) return std::nullopt;
        size_t end = rest.find(' ', i);
        if (end == std::string_view::npos) end = rest.size();
        if (field > 0) { // the state letter is not a number
            auto r = std::from_chars(rest.data() + i, rest.data() + end, fields[field]);
            if (r.ec != std::errc() && rest[i] != '-') return std::nullopt;
        }
        ++field;
        i = end;
    }
    ProcStat s;
    s.utime_ticks = fields[14 - 3];
    s.stime_ticks = fields[15 - 3];
    s.start_ticks = fields[22 - 3];
    s.vsize_bytes = fields[23 - 3];
    s.rss_pages = fields[24 - 3];
    return s;
}

std::optional<ProcStat> read_self_stat() {
    auto text = read_file("/proc/self/stat");
    return text ? parse_proc_stat(*text) : std::nullopt;
}

void register_process_metrics(Registry& registry, std::chrono::steady_clock::time_point started) {
    const double tick = 1.0 / double(sysconf(_SC_CLK_TCK));
    const double page = double(sysconf(_SC_PAGESIZE));
    registry.counter_fn("process_cpu_seconds_total", "User and system CPU time spent, in seconds",
                        [tick] {
                            auto s = read_self_stat();
                            return s ? double(s->utime_ticks + s->stime_ticks) * tick : NAN;
                        });
    registry.gauge_fn("process_resident_memory_bytes", "Resident memory size in bytes", [page] {
        auto s = read_self_stat();
        return s ? double(s->rss_pages) * page : NAN;
    });
    registry.gauge_fn("process_virtual_memory_bytes", "Virtual memory size in bytes", [] {
        auto s = read_self_stat();
        return s ? double(s->vsize_bytes) : NAN;
    });
    registry.gauge_fn("process_open_fds", "Number of open file descriptors", open_fds);
    registry.gauge_fn("process_start_time_seconds",
                      "Start time of the process since the Unix epoch, in seconds", [tick] {
                          auto s = read_self_stat();
                          auto boot = boot_time();
                          return s && boot ? double(*boot) + double(s->start_ticks) * tick : NAN;
                      });
    registry.gauge_fn("saker_uptime_seconds", "Seconds since the agent started", [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    });
}

uint64_t host_boot_epoch_ns() {
    timespec real{}, boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    return (uint64_t(real.tv_sec) - uint64_t(boot.tv_sec)) * 1000000000u + uint64_t(real.tv_nsec) -
           uint64_t(boot.tv_nsec);
}

} // namespace saker::metrics
