// `saker-bench latency --idle`: how long an alert takes on an otherwise idle agent.
//
//   saker-bench latency --idle [--triggers N] [--gap-ms MIN,MAX] [--agent-cpu C] [--saker PATH]
//                       [-r RULES]... [--cache-dir DIR]
//
// Starts `saker run` (default configuration, JSON alerts on a pipe, the upstream stable rules
// plus rules/saker_rules.yaml unless -r is given, /metrics on 127.0.0.1:18767), then N times:
// waits a random MIN..MAX ms (default 50..150) so the agent goes quiet, takes CLOCK_REALTIME,
// runs `cat /etc/shadow` (fork, exec, open: upstream "Read sensitive file untrusted" fires once),
// and waits (up to 2 s) for that alert line. The line's arrival is stamped by a reader thread
// blocked on the agent's stdout pipe, so the figure is trigger -> alert line, nothing else.
// Prints one JSON object: latency_ms p50/p99/max (from before the fork), the same from the
// syscall's own time (evt.time, stamped by the probe: the agent's share), alerts missed, and the
// agent's ring wakeups per second over the run (saker_consumer_wakeups_total).
#include "bench/bench_clock.h"
#include "bench/e2e_agent.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace saker::bench;
using nlohmann::json;

constexpr uint16_t kMetricsPort = 18767;

struct Args {
    bool idle = false;
    int triggers = 100;
    int gap_min_ms = 50, gap_max_ms = 150;
    int agent_cpu = 1;
    AgentOptions agent{"/tmp/saker-bench-overhead-cache"};
};

bool parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (k == "--idle") {
            a.idle = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        std::string v = argv[++i];
        if (a.agent.take(k, v)) continue;
        if (k == "--triggers")
            a.triggers = std::atoi(v.c_str());
        else if (k == "--gap-ms") {
            if (std::sscanf(v.c_str(), "%d,%d", &a.gap_min_ms, &a.gap_max_ms) != 2) return false;
        } else if (k == "--agent-cpu")
            a.agent_cpu = std::atoi(v.c_str());
        else
            return false;
    }
    a.agent.fill_defaults();
    return a.idle && a.triggers > 0 && a.gap_min_ms >= 0 && a.gap_max_ms >= a.gap_min_ms;
}

void cat_shadow() {
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, STDOUT_FILENO);
        char* argv[] = {const_cast<char*>("cat"), const_cast<char*>("/etc/shadow"), nullptr};
        execvp("cat", argv);
        _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
}

// The alert for this trigger: the rule, from cat, on /etc/shadow.
bool is_trigger_alert(const json& j) {
    if (j.is_discarded() || !j.contains("output_fields")) return false;
    const json& f = j["output_fields"];
    return j.value("rule", "") == "Read sensitive file untrusted" &&
           f.value("proc.name", "") == "cat" && f.value("fd.name", "") == "/etc/shadow";
}

} // namespace

int run_latency_bench(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, a)) {
        std::fprintf(stderr, "usage: saker-bench latency --idle [--triggers N] [--gap-ms MIN,MAX] "
                             "[--agent-cpu C] [--saker PATH] [-r RULES]... [--cache-dir DIR]\n");
        return 2;
    }
    if (!prepare_agent_bench("latency")) return 1;
    std::vector<std::string> args = a.agent.run_args(
        {"-o", "webserver.enabled=true", "-o", "webserver.prometheus_metrics_enabled=true", "-o",
         "webserver.listen_port=" + std::to_string(kMetricsPort)});
    AgentProcess agent;
    if (!agent.start(a.agent.saker, args, a.agent_cpu)) {
        std::cerr << "agent did not start:\n" << agent.log();
        return 1;
    }
    double la[3] = {0, 0, 0};
    getloadavg(la, 3);
    std::mt19937 rng(1);
    std::uniform_int_distribution<int> gap(a.gap_min_ms, a.gap_max_ms);
    std::vector<double> latency_ms, from_evt_ms;
    int missed = 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto w0 = scrape_metric(kMetricsPort, "saker_consumer_wakeups_total");
    uint64_t run0 = clock_ns(CLOCK_MONOTONIC);
    for (int i = 0; i < a.triggers; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(gap(rng)));
        size_t seen = agent.alert_count();
        uint64_t t0 = clock_ns(CLOCK_REALTIME);
        cat_shadow();
        bool found = false;
        for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
             !found && std::chrono::steady_clock::now() < deadline;) {
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            if (agent.alert_count() == seen) continue;
            auto lines = agent.alerts();
            for (size_t k = seen; k < lines.size() && !found; k++) {
                json j = json::parse(lines[k].text, nullptr, false);
                if (!is_trigger_alert(j)) continue;
                found = true;
                latency_ms.push_back(static_cast<double>(lines[k].arrived_ns - t0) / 1e6);
                uint64_t evt = j["output_fields"].value("evt.time", uint64_t{0});
                if (evt)
                    from_evt_ms.push_back(
                        (static_cast<double>(lines[k].arrived_ns) - static_cast<double>(evt)) /
                        1e6);
            }
            seen = lines.size();
        }
        if (!found) missed++;
    }
    double run_s = static_cast<double>(clock_ns(CLOCK_MONOTONIC) - run0) / 1e9;
    auto w1 = scrape_metric(kMetricsPort, "saker_consumer_wakeups_total");
    auto counters = agent.stop();
    json out = {
        {"bench", "latency-idle"},
        {"triggers", a.triggers},
        {"gap_ms", {a.gap_min_ms, a.gap_max_ms}},
        {"rules", a.agent.rules},
        {"loadavg_start", {la[0], la[1], la[2]}},
        {"alerts_missed", missed},
        {"latency_ms",
         {{"p50", percentile(latency_ms, 50)},
          {"p99", percentile(latency_ms, 99)},
          {"max", percentile(latency_ms, 100)}}},
        {"latency_from_evt_time_ms",
         {{"p50", percentile(from_evt_ms, 50)},
          {"p99", percentile(from_evt_ms, 99)},
          {"max", percentile(from_evt_ms, 100)}}},
        {"agent_wakeups_per_sec", w0 && w1 ? json((*w1 - *w0) / run_s) : json(nullptr)},
        {"drops", counters ? json(counters->drops) : json(nullptr)},
    };
    std::cout << out.dump(2) << std::endl;
    return missed ? 1 : 0;
}
