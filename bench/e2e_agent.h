// The agent under test, as a child process: `saker run` with JSON alerts on a pipe.
//
// Contract:
// - start() forks and execs the agent binary with the given arguments (optionally pinned to one
//   CPU), then waits until its log holds `ready` (saker's "probe attached"; or it died, or 60 s
//   passed: false, with the log kept in log()). Falco runs through the same class.
// - Two reader threads collect the child's stdout (alert lines, each stamped with the
//   CLOCK_REALTIME nanosecond it arrived; this reader is SCHED_FIFO so the stamp is not
//   delayed by the storm) and stderr (log lines).
// - cpu_times() (user and system apart), cpu_seconds(), rss_kb(), hwm_kb() read /proc/<pid>
//   while it runs; stop() sends SIGINT, waits for the exit and parses the agent's final
//   "stopped: ..." counters.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace saker::bench {

// What every bench that starts the agent checks first: root (the agent loads the probe; false
// after saying so on stderr), and SIGPIPE ignored, so an agent that dies mid-run cannot kill
// the bench through its pipes.
bool prepare_agent_bench(const char* bench_name);

struct AlertLine {
    uint64_t arrived_ns = 0; // CLOCK_REALTIME when the bench read the line
    std::string text;
};

// The agent's final log line: "stopped: N events, A alerts, D ring-buffer drops, M malformed".
struct AgentCounters {
    uint64_t events = 0, alerts = 0, drops = 0, malformed = 0;
};

class AgentProcess {
  public:
    AgentProcess() = default;
    ~AgentProcess();
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;

    bool start(const std::string& binary, const std::vector<std::string>& args, int cpu = -1,
               const std::string& ready = "probe attached");
    // CPU seconds so far (from /proc/<pid>/stat), user and system apart: the agent's own code
    // runs in user time; system time is mostly its sleeps and wakeups, which a VM makes noisy.
    struct CpuTimes {
        double user = 0, system = 0;
    };
    CpuTimes cpu_times() const;
    double cpu_seconds() const {
        CpuTimes t = cpu_times();
        return t.user + t.system;
    }
    uint64_t rss_kb() const { return status_kb("VmRSS:"); }
    uint64_t hwm_kb() const { return status_kb("VmHWM:"); }
    // Private memory; the rest of RSS is mostly shared, clean library text (libLLVM).
    uint64_t rss_anon_kb() const { return status_kb("RssAnon:"); }
    // SIGINT, wait, join the readers; nullopt if the final counters line never came.
    std::optional<AgentCounters> stop();

    std::vector<AlertLine> alerts() const;
    size_t alert_count() const;
    std::string log() const;
    pid_t pid() const { return pid_; }

  private:
    uint64_t status_kb(const char* key) const;
    void read_lines(int fd, bool is_stdout);

    pid_t pid_ = -1;
    std::thread out_reader_, err_reader_;
    mutable std::mutex mu_;
    std::vector<AlertLine> alerts_;
    std::string log_;
};

// The saker binary next to this saker-bench (../runtime/saker), and the rules the agent
// benchmarks run by default: the upstream stable rules plus rules/saker_rules.yaml.
std::string default_saker_binary();
std::vector<std::string> default_bench_rules();

// The agent a bench starts, from the options every agent bench takes alike: --saker PATH,
// -r/--rules FILE (repeatable), --cache-dir DIR.
struct AgentOptions {
    explicit AgentOptions(std::string default_cache_dir)
        : cache_dir(std::move(default_cache_dir)) {}

    std::string cache_dir;
    std::string saker;
    std::vector<std::string> rules;

    // Takes `key value` when key is one of the options above; false leaves it to the bench.
    bool take(const std::string& key, const std::string& value);
    // After parsing: default_saker_binary() and default_bench_rules() where none were given.
    void fill_defaults();
    // `run -o json_output=true --cache-dir DIR -r RULES...`, then `extra` options.
    std::vector<std::string> run_args(const std::vector<std::string>& extra = {}) const;
};

// The value of an unlabelled sample `name` on the agent's /metrics at 127.0.0.1:port.
std::optional<double> scrape_metric(uint16_t port, const std::string& name);

} // namespace saker::bench
