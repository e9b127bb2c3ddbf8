// `saker-bench e2e`: the real agent (`saker run`, default configuration, the upstream stable rules
// plus saker's own, JSON alerts on a pipe) against a syscall storm (bench/e2e_storm.h).
//
//   saker-bench e2e [--seconds S] [--rates 100000,300000,1000000,max] [--workers N]
//                   [--plot PNG] [--saker PATH] [-r RULES]...         throughput per rate
//   saker-bench e2e --pinned [--seconds S]       the Falco comparison (see run_pinned)
//   saker-bench e2e --soak MINUTES [--soak-rate EVENTS_PER_S]         memory under churn
//
// Each mode prints ONE JSON object. Per rate: the storm runs S seconds against a freshly started
// agent; the figures are the agent's (its final counters line, /proc/<pid>/stat and status):
//   events_per_sec      events the agent consumed / storm seconds
//   drops               ring-buffer reservation failures (the agent has no other queue)
//   alerts_expected / alerts_emitted   alerting opens of /etc/shadow / their alert lines
//   latency_ms p50/p99  from the wall time just before the alerting open to the alert line's
//                       arrival here (each alert is tied to its open through evt.time)
//   agent_cpu_cores     agent user+sys CPU seconds during the storm / storm seconds
//   agent_hwm_mb        the agent's peak RSS (VmHWM)
//   storm_slowdown_pct  extra storm CPU per iteration vs without the agent (the probe's cost
//                       to the workload; robust to other jobs on the cores), and for "max"
//                       storm_throughput_slowdown_pct: 1 - iterations/s with / without
// "max" runs first: it also measures events per storm iteration, which sets the pace of the
// fixed rates (iterations/s = rate / events per iteration).
#include "bench/bench_clock.h"
#include "bench/e2e_agent.h"
#include "bench/e2e_storm.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace saker::bench;
using nlohmann::json;

constexpr const char* kAlertRule = "Read sensitive file untrusted";

struct Args {
    double seconds = 5;
    std::vector<std::string> rates{"max", "100000", "300000", "1000000"};
    int workers = 2;
    std::string plot;
    AgentOptions agent{"/tmp/saker-bench-e2e-cache"};
    bool pinned = false;
    double soak_minutes = 0;
    double soak_rate = 100000;
};

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    for (size_t at = 0; at <= s.size();) {
        size_t comma = std::min(s.find(',', at), s.size());
        if (comma > at) out.push_back(s.substr(at, comma - at));
        at = comma + 1;
    }
    return out;
}

bool parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (k == "--pinned") {
            a.pinned = true;
            continue;
        }
        if (i + 1 >= argc) return false;
        std::string v = argv[++i];
        if (a.agent.take(k, v)) continue;
        if (k == "--seconds")
            a.seconds = std::atof(v.c_str());
        else if (k == "--rates")
            a.rates = split(v);
        else if (k == "--workers")
            a.workers = std::atoi(v.c_str());
        else if (k == "--plot")
            a.plot = v;
        else if (k == "--soak")
            a.soak_minutes = std::atof(v.c_str());
        else if (k == "--soak-rate")
            a.soak_rate = std::atof(v.c_str());
        else
            return false;
    }
    a.agent.fill_defaults();
    return a.seconds > 0 && a.workers > 0;
}

// The alert lines of one run, split into the storm's expected ones (with latencies) and others.
struct AlertSummary {
    uint64_t expected_emitted = 0;
    std::map<std::string, uint64_t> other; // rule -> count
    std::vector<double> latency_ms;
    // From the syscall's own exit time (evt.time, stamped by the probe) to the line: the
    // agent's part, without the storm thread's own scheduling delays before the syscall.
    std::vector<double> agent_latency_ms;
};

AlertSummary summarize_alerts(const std::vector<AlertLine>& lines,
                              const std::vector<uint64_t>& alert_times) {
    AlertSummary s;
    std::string comm;
    {
        std::ifstream in("/proc/self/comm");
        std::getline(in, comm);
    }
    for (const auto& l : lines) {
        json j = json::parse(l.text, nullptr, false);
        if (j.is_discarded() || !j.contains("rule")) {
            s.other["<not JSON>"]++;
            continue;
        }
        const json& f = j["output_fields"];
        bool ours = j["rule"] == kAlertRule && f.value("proc.name", "") == comm &&
                    f.value("fd.name", "") == "/etc/shadow";
        if (!ours) {
            s.other[j["rule"].get<std::string>()]++;
            continue;
        }
        s.expected_emitted++;
        // The open this alert is about: the last one that started before the event's time.
        uint64_t evt = f.value("evt.time", uint64_t{0});
        auto it = std::upper_bound(alert_times.begin(), alert_times.end(), evt);
        if (it != alert_times.begin())
            s.latency_ms.push_back(static_cast<double>(l.arrived_ns - *(it - 1)) / 1e6);
        if (evt)
            s.agent_latency_ms.push_back(
                (static_cast<double>(l.arrived_ns) - static_cast<double>(evt)) / 1e6);
    }
    return s;
}

json run_one(const Args& a, const std::string& rate, double events_per_iteration,
             const StormResult& baseline, double& measured_epi) {
    bool max = rate == "max";
    StormOptions so;
    so.seconds = a.seconds;
    so.workers = max ? a.workers : 1;
    double target = max ? 0 : std::atof(rate.c_str());
    if (!max) {
        double its = target / events_per_iteration;
        // One worker cannot go faster than it does unpaced; split the pace beyond 80% of that.
        double one = static_cast<double>(baseline.iterations) / baseline.seconds;
        so.workers = std::max(1, std::min(a.workers, static_cast<int>(its / (0.8 * one)) + 1));
        so.iterations_per_sec = its / so.workers;
    }
    AgentProcess agent;
    if (!agent.start(a.agent.saker, a.agent.run_args())) {
        return {{"rate", rate}, {"error", "agent did not start"}, {"log", agent.log()}};
    }
    double cpu0 = agent.cpu_seconds();
    StormResult st = run_storm(so);
    double cpu1 = agent.cpu_seconds();
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let the tail drain
    uint64_t hwm = agent.hwm_kb(), anon = agent.rss_anon_kb();
    auto counters = agent.stop();
    if (!counters) return {{"rate", rate}, {"error", "no final counters"}, {"log", agent.log()}};
    AlertSummary al = summarize_alerts(agent.alerts(), st.alert_times);
    double offered = static_cast<double>(counters->events + counters->drops);
    if (max) measured_epi = offered / static_cast<double>(std::max<uint64_t>(st.iterations, 1));
    double base_its = static_cast<double>(baseline.iterations) / baseline.seconds;
    double its = static_cast<double>(st.iterations) / st.seconds;
    double base_cpu = baseline.worker_cpu_seconds / static_cast<double>(baseline.iterations);
    double cpu_it =
        st.worker_cpu_seconds / static_cast<double>(std::max<uint64_t>(st.iterations, 1));
    json other = json::object();
    for (const auto& [rule, n] : al.other)
        other[rule] = n;
    return {
        {"rate", rate},
        {"target_events_per_sec", target},
        {"storm_workers", so.workers},
        {"storm_seconds", st.seconds},
        {"storm_iterations", st.iterations},
        {"events_per_iteration",
         offered / static_cast<double>(std::max<uint64_t>(st.iterations, 1))},
        {"events_per_sec", static_cast<double>(counters->events) / st.seconds},
        {"events", counters->events},
        {"drops", counters->drops},
        {"malformed", counters->malformed},
        {"alerts_expected", st.alert_times.size()},
        {"alerts_emitted", al.expected_emitted},
        {"alerts_other", other},
        {"latency_ms",
         {{"p50", percentile(al.latency_ms, 50)},
          {"p99", percentile(al.latency_ms, 99)},
          {"max", percentile(al.latency_ms, 100)}}},
        {"latency_from_evt_time_ms",
         {{"p50", percentile(al.agent_latency_ms, 50)},
          {"p99", percentile(al.agent_latency_ms, 99)},
          {"max", percentile(al.agent_latency_ms, 100)}}},
        {"agent_cpu_cores", (cpu1 - cpu0) / st.seconds},
        {"agent_us_per_event",
         counters->events ? (cpu1 - cpu0) * 1e6 / static_cast<double>(counters->events) : 0.0},
        {"agent_hwm_mb", static_cast<double>(hwm) / 1024.0},
        {"agent_rss_anon_mb", static_cast<double>(anon) / 1024.0},
        // CPU per iteration is what the probe adds to each syscall; unlike wall time it does
        // not move with other jobs sharing the cores. Throughput only for the unpaced run.
        {"storm_slowdown_pct", 100.0 * (cpu_it / base_cpu - 1.0)},
        {"storm_cpu_us_per_iteration", cpu_it * 1e6},
        {"storm_throughput_slowdown_pct",
         max ? 100.0 * (1.0 - its / (base_its * so.workers)) : 0.0},
    };
}

void write_plot(const std::string& png, const json& runs) {
    std::string data = png + ".dat", script = png + ".gp";
    {
        std::ofstream d(data);
        for (const auto& r : runs)
            if (r.contains("events_per_sec"))
                d << (r["events_per_sec"].get<double>() +
                      r["drops"].get<double>() / r["storm_seconds"].get<double>()) /
                         1000
                  << ' ' << r["events_per_sec"].get<double>() / 1000 << ' '
                  << r["latency_ms"]["p99"].get<double>() << ' '
                  << r["latency_ms"]["p50"].get<double>() << '\n';
    }
    std::ofstream g(script);
    g << "set terminal pngcairo size 900,560 noenhanced\n"
      << "set output '" << png << "'\n"
      << "set title 'saker e2e: upstream stable + saker rules'\n"
      << "set xlabel 'offered events/s (thousands)'\n"
      << "set ylabel 'consumed events/s (thousands)'\n"
      << "set y2label 'alert latency (ms)'\nset y2tics\nset ytics nomirror\nset key left top\n"
      << "set grid\n"
      << "plot '" << data << "' using 1:2 with linespoints title 'consumed', "
      << "'' using 1:3 axes x1y2 with linespoints title 'latency p99', "
      << "'' using 1:4 axes x1y2 with linespoints title 'latency p50'\n";
    g.close();
    std::string cmd = "sort -n -o '" + data + "' '" + data + "' && gnuplot '" + script + "'";
    if (std::system(cmd.c_str()) != 0)
        std::fprintf(stderr, "saker-bench e2e: gnuplot failed (%s)\n", script.c_str());
}

int run_rates(const Args& a) {
    StormOptions bo;
    bo.seconds = a.seconds;
    StormResult baseline = run_storm(bo); // one unpaced worker, no agent
    // "max" first: it measures events per iteration for the paced rates.
    std::vector<std::string> rates;
    for (const auto& r : a.rates)
        if (r == "max") rates.push_back(r);
    for (const auto& r : a.rates)
        if (r != "max") rates.push_back(r);
    double epi = 70; // used only when "max" is not asked for (this mix: 69-71 per iteration)
    json runs = json::array();
    for (const auto& r : rates) {
        runs.push_back(run_one(a, r, epi, baseline, epi));
        std::cerr << runs.back().dump() << "\n";
    }
    json out = {{"bench", "e2e"},
                {"rules", a.agent.rules},
                {"seconds", a.seconds},
                {"storm_baseline_iterations_per_sec",
                 static_cast<double>(baseline.iterations) / baseline.seconds},
                {"storm_baseline_cpu_us_per_iteration",
                 baseline.worker_cpu_seconds * 1e6 / static_cast<double>(baseline.iterations)},
                {"runs", runs}};
    uint64_t best = 0;
    for (const auto& r : runs)
        if (r.contains("drops") && r["drops"] == 0 && r["alerts_emitted"] == r["alerts_expected"])
            best = std::max(best, static_cast<uint64_t>(r["events_per_sec"].get<double>()));
    out["highest_rate_without_drops"] = best;
    if (!a.plot.empty()) write_plot(a.plot, runs);
    std::cout << out.dump(2) << std::endl;
    return 0;
}

// The comparison with Falco: (1) the open+read+close loop of /etc/hostname pinned to
// CPU 1, the agent pinned to CPU 0: the agent's CPU per event and share of its core; (2) two
// such loops saturating both CPUs, the agent unpinned: its drops.
int run_pinned(const Args& a) {
    json out = {{"bench", "e2e-pinned"}, {"seconds", a.seconds}};
    StormResult base = run_hostname_loops(a.seconds, {1});
    double base_cpu = base.worker_cpu_seconds / static_cast<double>(base.iterations);
    out["loop_iterations_per_sec_without_agent"] =
        static_cast<double>(base.iterations) / base.seconds;
    out["loop_cpu_us_per_iteration_without_agent"] = base_cpu * 1e6;
    auto measure = [&](int agent_cpu, const std::vector<int>& loops) -> json {
        AgentProcess agent;
        if (!agent.start(a.agent.saker, a.agent.run_args(), agent_cpu))
            return {{"error", "agent did not start"}, {"log", agent.log()}};
        AgentProcess::CpuTimes t0 = agent.cpu_times();
        StormResult st = run_hostname_loops(a.seconds, loops);
        AgentProcess::CpuTimes t1 = agent.cpu_times();
        double user = t1.user - t0.user, sys = t1.system - t0.system, cpu = user + sys;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        uint64_t hwm = agent.hwm_kb(), anon = agent.rss_anon_kb();
        auto c = agent.stop();
        if (!c) return {{"error", "no final counters"}, {"log", agent.log()}};
        return {
            {"loops", loops.size()},
            {"loop_iterations_per_sec", static_cast<double>(st.iterations) / st.seconds},
            {"loop_cpu_us_per_iteration",
             st.worker_cpu_seconds * 1e6 / static_cast<double>(st.iterations)},
            {"loop_slowdown_pct",
             100.0 * (st.worker_cpu_seconds / static_cast<double>(st.iterations) / base_cpu - 1)},
            {"events_per_sec", static_cast<double>(c->events) / st.seconds},
            {"drops", c->drops},
            {"agent_core_pct", 100.0 * cpu / st.seconds},
            {"agent_us_per_event", c->events ? cpu * 1e6 / static_cast<double>(c->events) : 0.0},
            {"agent_user_us_per_event",
             c->events ? user * 1e6 / static_cast<double>(c->events) : 0.0},
            {"agent_sys_us_per_event",
             c->events ? sys * 1e6 / static_cast<double>(c->events) : 0.0},
            {"agent_hwm_mb", static_cast<double>(hwm) / 1024.0},
            {"agent_rss_anon_mb", static_cast<double>(anon) / 1024.0}};
    };
    out["one_loop_pinned"] = measure(0, {1});
    std::cerr << out["one_loop_pinned"].dump() << "\n";
    out["two_loops_both_cores"] = measure(-1, {0, 1});
    std::cout << out.dump(2) << std::endl;
    return 0;
}

// The storm with heavy process churn for MINUTES at a fixed rate, sampling the agent's RSS and
// its process table size (/metrics, saker_process_table_entries) every 10 s. Growth is judged
// after the first minute (caches, allocator arenas warm up).
int run_soak(const Args& a) {
    StormOptions so;
    so.seconds = a.soak_minutes * 60;
    so.fork_every = 2;
    so.exec_every = 4;
    // Events per iteration of this mix, from a short unpaced run with the agent.
    AgentProcess agent;
    if (!agent.start(a.agent.saker, a.agent.run_args())) {
        std::cerr << "agent did not start:\n" << agent.log();
        return 1;
    }
    StormOptions cal = so;
    cal.seconds = 2;
    StormResult c = run_storm(cal);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto cc = agent.stop();
    double epi =
        cc ? static_cast<double>(cc->events + cc->drops) / static_cast<double>(c.iterations) : 60;
    so.iterations_per_sec = a.soak_rate / epi;
    constexpr uint16_t kMetricsPort = 18766;
    std::vector<std::string> args = a.agent.run_args();
    std::vector<std::string> metrics_on = {
        "webserver.enabled=true", "webserver.prometheus_metrics_enabled=true",
        "metrics.enabled=true", "webserver.listen_port=" + std::to_string(kMetricsPort)};
    for (const auto& o : metrics_on)
        args.insert(args.end(), {"-o", o});
    AgentProcess soak;
    if (!soak.start(a.agent.saker, args)) {
        std::cerr << "agent did not start:\n" << soak.log();
        return 1;
    }
    StormResult st;
    std::thread storm([&] { st = run_storm(so); });
    json samples = json::array();
    auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::duration<double>(so.seconds)) {
        std::this_thread::sleep_for(std::chrono::seconds(10));
        double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        samples.push_back(
            {{"t_s", static_cast<int>(t)},
             {"rss_mb", static_cast<double>(soak.rss_kb()) / 1024.0},
             {"rss_anon_mb", static_cast<double>(soak.rss_anon_kb()) / 1024.0},
             {"process_table_entries",
              scrape_metric(kMetricsPort, "saker_process_table_entries").value_or(-1)}});
    }
    storm.join();
    uint64_t hwm = soak.hwm_kb();
    auto counters = soak.stop();
    AlertSummary al = summarize_alerts(soak.alerts(), st.alert_times);
    double after_warmup = 0, last = samples.empty() ? 0 : samples.back()["rss_mb"].get<double>();
    double max_processes = 0;
    for (const auto& s : samples)
        max_processes = std::max(max_processes, s["process_table_entries"].get<double>());
    for (const auto& s : samples)
        if (s["t_s"].get<int>() >= 60) {
            after_warmup = s["rss_mb"].get<double>();
            break;
        }
    json out = {{"bench", "e2e-soak"},
                {"minutes", a.soak_minutes},
                {"target_events_per_sec", a.soak_rate},
                {"events_per_iteration", epi},
                {"storm_iterations", st.iterations},
                {"events", counters ? counters->events : 0},
                {"drops", counters ? counters->drops : 0},
                {"alerts_expected", st.alert_times.size()},
                {"alerts_emitted", al.expected_emitted},
                {"agent_hwm_mb", static_cast<double>(hwm) / 1024.0},
                {"rss_mb_at_1min", after_warmup},
                {"rss_mb_at_end", last},
                {"rss_growth_mb_after_1min", after_warmup > 0 ? last - after_warmup : 0.0},
                {"process_table_entries_max", max_processes},
                {"rss_samples", samples}};
    std::cout << out.dump(2) << std::endl;
    return 0;
}

} // namespace

int run_e2e_bench(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, a)) {
        std::fprintf(stderr, "usage: saker-bench e2e [--seconds S] [--rates R,R,max] [--workers N] "
                             "[--plot PNG] [--saker PATH] [-r RULES]... [--cache-dir DIR]\n"
                             "       saker-bench e2e --pinned [--seconds S]\n"
                             "       saker-bench e2e --soak MINUTES [--soak-rate EVENTS_PER_S]\n");
        return 2;
    }
    if (!prepare_agent_bench("e2e")) return 1;
    if (a.soak_minutes > 0) return run_soak(a);
    if (a.pinned) return run_pinned(a);
    return run_rates(a);
}
