#include "runtime/agent/metrics_snapshot.h"

#include "runtime/capture/drop_classes.h"
#include "runtime/metrics/process_metrics.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <spdlog/spdlog.h>
#include <sys/utsname.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iomanip>
#include <map>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace saker::agent {

namespace {

using nlohmann::json;

double round1(double v) {
    return std::round(v * 10.0) / 10.0;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The number after `key` in a /proc file of `Key: value` lines (kB for memory); 0 if absent.
uint64_t proc_value(const std::string& text, const char* key) {
    size_t at = text.find(key);
    return at == std::string::npos ? 0
                                   : std::strtoull(text.c_str() + at + strlen(key), nullptr, 10);
}

// A number's place in the snapshot: left out when zero unless include_empty_values.
class Fields {
  public:
    Fields(json& out, bool include_empty) : out_(out), include_empty_(include_empty) {}
    template <class T> void put(const std::string& key, T value) {
        if (value != T{} || include_empty_) out_[key] = value;
    }
    // A memory figure in `unit_bytes` units named `base` + "_kb" / "_bytes", or in MB (one
    // decimal) as `base` + "_mb" with convert_memory_to_mb, as libs converts it.
    void memory(const std::string& base, const char* suffix, uint64_t value, double unit_bytes,
                bool to_mb) {
        if (to_mb)
            put(base + "_mb", round1(double(value) * unit_bytes / 1024.0 / 1024.0));
        else
            put(base + suffix, value);
    }

  private:
    json& out_;
    bool include_empty_;
};

// Falco's resource_utilization group (libs' linux_resource_utilization).
void resource_utilization(Fields& f, bool to_mb) {
    const std::string status = slurp("/proc/self/status");
    const double hz = double(sysconf(_SC_CLK_TCK));
    const double uptime = std::strtod(slurp("/proc/uptime").c_str(), nullptr);
    if (auto st = metrics::read_self_stat()) {
        double alive = uptime - double(st->start_ticks) / hz;
        if (alive > 0)
            f.put("falco.cpu_usage_perc",
                  round1(100.0 * double(st->utime_ticks + st->stime_ticks) / hz / alive));
    }
    f.memory("falco.memory_rss", "_kb", proc_value(status, "VmRSS:"), 1024, to_mb);
    f.memory("falco.memory_vsz", "_kb", proc_value(status, "VmSize:"), 1024, to_mb);
    f.memory("falco.memory_pss", "_kb", proc_value(slurp("/proc/self/smaps_rollup"), "Pss:"), 1024,
             to_mb);
    // The agent's container memory, from the file Falco reads (FALCO_CGROUP_MEM_PATH to move it).
    const char* cgroup = std::getenv("FALCO_CGROUP_MEM_PATH");
    if (!cgroup || !*cgroup || strstr(cgroup, ".."))
        cgroup = "/sys/fs/cgroup/memory/memory.usage_in_bytes";
    f.memory("falco.container_memory_used", "_bytes",
             std::strtoull(slurp(cgroup).c_str(), nullptr, 10), 1, to_mb);

    // The host: CPU busy share since boot, memory in use, runnable tasks, allocated fds.
    std::istringstream stat(slurp("/proc/stat"));
    std::string word;
    uint64_t procs_running = 0;
    double host_cpu = 0;
    for (std::string line; std::getline(stat, line);) {
        std::istringstream in(line);
        in >> word;
        if (word == "cpu") {
            uint64_t v[7] = {}, sum = 0;
            for (auto& x : v)
                in >> x, sum += x;
            if (sum) host_cpu = round1(100.0 - double(v[3]) * 100.0 / double(sum));
        } else if (word == "procs_running") {
            in >> procs_running;
        }
    }
    f.put("falco.host_cpu_usage_perc", host_cpu);
    const std::string meminfo = slurp("/proc/meminfo");
    uint64_t total = proc_value(meminfo, "MemTotal:"), free = proc_value(meminfo, "MemFree:"),
             buffers = proc_value(meminfo, "Buffers:"), cached = proc_value(meminfo, "\nCached:");
    f.memory("falco.host_memory_used", "_kb", total - free - buffers - cached, 1024, to_mb);
    f.put("falco.host_procs_running", procs_running);
    f.put("falco.host_open_fds", std::strtoull(slurp("/proc/sys/fs/file-nr").c_str(), nullptr, 10));
}

// The host's addresses by interface, loopback excluded, comma-joined as Falco writes them.
void netinfo(json& out) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return;
    std::map<std::string, std::string> by_key;
    for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || (i->ifa_flags & IFF_LOOPBACK)) continue;
        const int family = i->ifa_addr->sa_family;
        if (family != AF_INET && family != AF_INET6) continue;
        char text[INET6_ADDRSTRLEN] = {};
        const void* addr =
            family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr)
                : static_cast<const void*>(
                      &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr);
        if (!inet_ntop(family, addr, text, sizeof text)) continue;
        std::string& v =
            by_key[std::string("falco.host_netinfo.interfaces.") + i->ifa_name + ".protocols." +
                   (family == AF_INET ? "ipv4" : "ipv6") + ".addresses"];
        v += (v.empty() ? "" : ",") + std::string(text);
    }
    freeifaddrs(list);
    for (auto& [k, v] : by_key)
        out[k] = v;
}

bool kernel_bpf_stats_enabled() {
    return slurp("/proc/sys/kernel/bpf_stats_enabled").starts_with("1");
}

} // namespace

MetricsSnapshot::MetricsSnapshot(config::Metrics settings, std::string version,
                                 std::string hostname, uint64_t start_ns)
    : settings_(std::move(settings)), version_(std::move(version)), hostname_(std::move(hostname)),
      start_ns_(start_ns) {
    utsname u{};
    if (uname(&u) == 0) kernel_release_ = u.release;
}

bool MetricsSnapshot::active() const {
    return settings_.enabled && (settings_.output_rule || !settings_.output_file.empty());
}

bool MetricsSnapshot::open(std::string& error) {
    if (!settings_.enabled || settings_.output_file.empty()) return true;
    file_.open(settings_.output_file, std::ios::app);
    if (!file_) {
        error = "metrics.output_file: cannot open '" + settings_.output_file +
                "': " + std::strerror(errno);
        return false;
    }
    return true;
}

const Rule& MetricsSnapshot::rule() {
    static const Rule rule =
        output::internal_rule("Falco internal: metrics snapshot", Priority::Informational);
    return rule;
}

std::string MetricsSnapshot::sanitize(const std::string& name) {
    std::string out;
    for (char c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') c = '_';
        if (c == '_' && !out.empty() && out.back() == '_') continue;
        out += c;
    }
    if (!out.empty() && out.back() == '_') out.pop_back();
    return out;
}

// Digests are kept per file and recomputed only when its size or mtime changed: a short
// interval then does not rehash every rules file on the event thread.
const std::string& MetricsSnapshot::digest(const std::string& path) {
    std::error_code ec;
    auto stamp =
        std::to_string(std::filesystem::file_size(path, ec)) + "/" +
        std::to_string(std::filesystem::last_write_time(path, ec).time_since_epoch().count());
    auto& [seen, hex] = digests_[path];
    if (seen != stamp || hex.empty()) seen = stamp, hex = config::file_sha256(path);
    return hex;
}

json MetricsSnapshot::collect(const SnapshotInputs& in) {
    const auto& s = settings_;
    json out = json::object();
    Fields f(out, s.include_empty_values);
    const double delta_s = last_now_ns_ ? double(in.now_ns - last_now_ns_) / 1e9 : 0;
    last_now_ns_ = in.now_ns;

    // The wrapper, always there.
    out["evt.time"] = in.now_ns;
    out["evt.hostname"] = hostname_;
    out["evt.source"] = "syscall";
    out["falco.version"] = version_;
    out["falco.start_ts"] = start_ns_;
    out["falco.reload_ts"] = in.reload_ns;
    out["falco.duration_sec"] = (in.now_ns - start_ns_) / 1000000000u;
    out["falco.kernel_release"] = kernel_release_;
    out["falco.host_boot_ts"] = metrics::host_boot_epoch_ns();
    out["falco.host_num_cpus"] = std::thread::hardware_concurrency();
    out["falco.outputs_queue_num_drops"] = in.totals.output_drops;
    for (const auto& file : in.rules_files)
        out["falco.sha256_rules_file." + sanitize(std::filesystem::path(file).filename())] =
            digest(file);
    for (const auto& file : in.config_files)
        out["falco.sha256_config_file." + sanitize(std::filesystem::path(file).filename())] =
            digest(file);
    netinfo(out);
    out["scap.engine_name"] = "modern_bpf";
    const uint64_t num_evts = in.totals.evaluated;
    if (last_num_evts_ != 0 && delta_s > 0)
        out["falco.evts_rate_sec"] = round1(double(num_evts - last_num_evts_) / delta_s);
    out["falco.num_evts"] = num_evts;
    out["falco.num_evts_prev"] = last_num_evts_;
    last_num_evts_ = num_evts;

    if (s.rules_counters_enabled) {
        uint64_t total = 0;
        for (const auto& [name, n] : in.rule_matches) {
            total += n;
            f.put("falco.rules." + sanitize(name), n);
        }
        out["falco.rules.matches_total"] = total;
    }

    if (s.kernel_event_counters_enabled) {
        uint64_t n_evts = 0, n_drops = 0;
        for (uint64_t v : in.totals.evts_per_cpu)
            n_evts += v;
        for (uint64_t v : in.totals.drops_per_cpu)
            n_drops += v;
        // Always sent, with the previous sample and the rates, as Falco does.
        out["scap.n_evts"] = n_evts;
        out["scap.n_evts_prev"] = last_n_evts_;
        out["scap.evts_rate_sec"] = n_evts != last_n_evts_ && delta_s > 0
                                        ? round1(double(n_evts - last_n_evts_) / delta_s)
                                        : 0.0;
        out["scap.n_drops"] = n_drops;
        out["scap.n_drops_prev"] = last_n_drops_;
        out["scap.evts_drop_rate_sec"] = n_drops != last_n_drops_ && delta_s > 0
                                             ? round1(double(n_drops - last_n_drops_) / delta_s)
                                             : 0.0;
        out["scap.n_drops_perc"] = n_evts > last_n_evts_ ? 100.0 * double(n_drops - last_n_drops_) /
                                                               double(n_evts - last_n_evts_)
                                                         : 0.0;
        last_n_evts_ = n_evts;
        last_n_drops_ = n_drops;
        f.put("scap.n_drops_buffer_total", n_drops);
        using capture::DropClass;
        for (auto c = DropClass::CloneFork; c != DropClass::Count; c = DropClass(uint8_t(c) + 1))
            f.put("scap.n_drops_buffer_" + std::string(capture::drop_class_name(c)) + "_exit",
                  in.totals.drops_by_class[uint8_t(c)]);
        f.put("scap.n_drops_buffer_connect_enter", uint64_t(0)); // no enter events captured
        f.put("scap.n_drops_buffer_open_enter", uint64_t(0));
        f.put("scap.n_drops_scratch_map", uint64_t(0));
        if (s.kernel_event_counters_per_cpu_enabled) {
            for (size_t cpu = 0; cpu < in.totals.evts_per_cpu.size(); ++cpu)
                f.put("scap.n_evts_cpu_" + std::to_string(cpu), in.totals.evts_per_cpu[cpu]);
            for (size_t cpu = 0; cpu < in.totals.drops_per_cpu.size(); ++cpu)
                f.put("scap.n_drops_cpu_" + std::to_string(cpu), in.totals.drops_per_cpu[cpu]);
        }
    } else {
        out["scap.n_drops_perc"] = 0.0;
    }

    if (s.libbpf_stats_enabled && kernel_bpf_stats_enabled())
        for (const auto& p : in.programs) {
            f.put("scap." + p.name + ".run_cnt", p.run_cnt);
            f.put("scap." + p.name + ".run_time_ns", p.run_time_ns);
            f.put("scap." + p.name + ".avg_time_ns", p.run_cnt ? p.run_time_ns / p.run_cnt : 0);
        }

    if (s.resource_utilization_enabled) resource_utilization(f, s.convert_memory_to_mb);

    if (s.state_counters_enabled) {
        f.put("falco.n_threads", in.totals.processes);
        f.put("falco.n_fds", in.fds);
        f.put("falco.n_removed_threads", in.removed_processes);
        f.put("falco.n_drops_full_threadtable", in.totals.process_evictions);
    }
    return out;
}

void MetricsSnapshot::emit(const SnapshotInputs& in,
                           const std::function<void(const output::Alert&)>& send) {
    json fields = collect(in);
    ++samples_;
    if (file_.is_open()) {
        json line = {{"sample", samples_}, {"output_fields", fields}};
        file_ << line.dump(-1, ' ', false, json::error_handler_t::replace) << std::endl;
        if (!file_) {
            spdlog::error("metrics.output_file: write to '{}' failed", settings_.output_file);
            file_.clear(); // try again next time
        }
    }
    if (settings_.output_rule) {
        output::Alert a;
        a.rule = &rule();
        a.internal = true;
        a.time_ns = in.now_ns;
        a.output = "Falco metrics snapshot";
        a.fields = std::move(fields);
        send(a);
    }
}

} // namespace saker::agent
