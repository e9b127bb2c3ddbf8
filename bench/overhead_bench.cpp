// `saker-bench overhead`: what an agent costs the workloads it watches (bench/loads.h), each load
// alone and with the agent running, pinned as in the issue: the load on one CPU, the agent on
// the other.
//
//   saker-bench overhead [--seconds S] [--repeats R] [--loads read_zero,open_read_close,...]
//                        [--workload-cpu C] [--agent-cpu C] [--saker PATH] [-r RULES]...
//                        [--falco BIN --falco-config FILE [--falco-ready TEXT]]
//
// One repeat runs, per load: the load alone; `saker run` (default configuration, JSON alerts on
// a pipe, the upstream stable rules plus rules/saker_rules.yaml unless -r is given) started
// fresh and the load again; with --falco, Falco started fresh with the same rules and the load
// again. Starting each agent per load ties its counters (events, drops, CPU) to that load, and
// putting the three runs of a load next to each other keeps a shared machine's drift out of
// the comparison. Per agent and load, the JSON reports medians over the repeats of:
//   rate                 iterations/s with the agent (and `rate` of `alone`)
//   slowdown_pct         1 - rate with / rate alone of the same repeat
//   cpu_slowdown_pct     load CPU per iteration with / alone - 1 (the probe's work in the
//                        load's own syscalls; less sensitive to other jobs taking the CPU)
//   agent_cpu_us_per_iteration   the agent's user+sys CPU during the load / iterations
//   events, drops        saker's final counters (Falco: drop_occurrences from its exit report)
// plus every repeat's figures, the load average before and after, and the probe's attach mode
// as saker logged it. Needs root (the agents load their probes).
#include "bench/bench_clock.h"
#include "bench/e2e_agent.h"
#include "bench/loads.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace saker::bench;
using nlohmann::json;

struct Args {
    double seconds = 3;
    int repeats = 3;
    std::vector<Load> loads = all_loads();
    int workload_cpu = 0, agent_cpu = 1;
    AgentOptions agent{"/tmp/saker-bench-overhead-cache"}; // -r: Falco's too
    std::string falco, falco_config;
    std::string falco_ready = "Opening 'syscall' source";
};

bool parse_args(int argc, char** argv, Args& a) {
    for (int i = 1; i < argc; i++) {
        std::string k = argv[i];
        if (i + 1 >= argc) return false;
        std::string v = argv[++i];
        if (a.agent.take(k, v)) continue;
        if (k == "--seconds")
            a.seconds = std::atof(v.c_str());
        else if (k == "--repeats")
            a.repeats = std::atoi(v.c_str());
        else if (k == "--loads") {
            a.loads.clear();
            for (size_t at = 0; at <= v.size();) {
                size_t comma = std::min(v.find(',', at), v.size());
                Load l;
                if (!load_by_name(v.substr(at, comma - at), l)) return false;
                a.loads.push_back(l);
                at = comma + 1;
            }
        } else if (k == "--workload-cpu")
            a.workload_cpu = std::atoi(v.c_str());
        else if (k == "--agent-cpu")
            a.agent_cpu = std::atoi(v.c_str());
        else if (k == "--falco")
            a.falco = v;
        else if (k == "--falco-config")
            a.falco_config = v;
        else if (k == "--falco-ready")
            a.falco_ready = v;
        else
            return false;
    }
    a.agent.fill_defaults();
    if (!a.falco.empty() && a.falco_config.empty()) return false;
    return a.seconds > 0 && a.repeats > 0 && !a.loads.empty();
}

json loadavg() {
    double l[3] = {0, 0, 0};
    if (getloadavg(l, 3) != 3) return nullptr;
    return json::array({l[0], l[1], l[2]});
}

// One agent, started fresh for one load.
struct AgentRun {
    json figures;       // per-run JSON (or {"error": ...})
    std::string attach; // saker: the probe's attach mode from its log
};

AgentRun with_agent(const Args& a, bool falco, Load load, const LoadResult& alone) {
    AgentProcess agent;
    std::vector<std::string> args;
    if (falco) {
        args = {"-c", a.falco_config, "-o", "json_output=true"};
        for (const auto& r : a.agent.rules)
            args.insert(args.end(), {"-r", r});
    } else {
        args = a.agent.run_args();
    }
    if (!agent.start(falco ? a.falco : a.agent.saker, args, a.agent_cpu,
                     falco ? a.falco_ready : "probe attached"))
        return {{{"error", "agent did not start"}, {"log", agent.log()}}, ""};
    if (falco) std::this_thread::sleep_for(std::chrono::seconds(1)); // its capture opens after
    double cpu0 = agent.cpu_seconds();
    LoadResult r = run_load(load, a.seconds, a.workload_cpu);
    double agent_cpu = agent.cpu_seconds() - cpu0;
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // let the tail drain
    auto counters = agent.stop();
    std::string log = agent.log();
    json f = {
        {"rate", r.rate()},
        {"iterations", r.iterations},
        {"cpu_us_per_iteration", r.cpu_us_per_iteration()},
        {"slowdown_pct", 100.0 * (1.0 - r.rate() / alone.rate())},
        {"cpu_slowdown_pct",
         100.0 * (r.cpu_us_per_iteration() / alone.cpu_us_per_iteration() - 1.0)},
        {"agent_cpu_us_per_iteration",
         r.iterations ? agent_cpu * 1e6 / static_cast<double>(r.iterations) : 0.0},
        {"agent_core_pct", 100.0 * agent_cpu / r.seconds},
    };
    std::string attach;
    if (falco) {
        std::smatch m;
        if (std::regex_search(log, m, std::regex(R"(event drop detected: (\d+) occurrences)")))
            f["drop_occurrences"] = std::stoull(m[1]);
    } else if (counters) {
        f["events"] = counters->events;
        f["drops"] = counters->drops;
        std::smatch m;
        if (std::regex_search(log, m, std::regex(R"(probe attached \(([^)\n]*)\))"))) attach = m[1];
    } else {
        f["error"] = "no final counters";
        f["log"] = log;
    }
    return {f, attach};
}

json medians(const std::vector<json>& runs) {
    std::map<std::string, std::vector<double>> by_key;
    for (const auto& r : runs)
        for (const auto& [k, v] : r.items())
            if (v.is_number()) by_key[k].push_back(v.get<double>());
    json out = json::object();
    for (const auto& [k, v] : by_key)
        if (v.size() == runs.size()) out[k] = median(v);
    return out;
}

} // namespace

int run_overhead_bench(int argc, char** argv) {
    Args a;
    if (!parse_args(argc, argv, a)) {
        std::fprintf(stderr,
                     "usage: saker-bench overhead [--seconds S] [--repeats R] "
                     "[--loads read_zero,open_read_close,fork_exec,tcp_rr] [--workload-cpu C] "
                     "[--agent-cpu C] [--saker PATH] [-r RULES]... [--cache-dir DIR] "
                     "[--falco BIN --falco-config FILE [--falco-ready TEXT]]\n");
        return 2;
    }
    if (!prepare_agent_bench("overhead")) return 1;
    json out = {{"bench", "overhead"},       {"seconds", a.seconds},
                {"repeats", a.repeats},      {"workload_cpu", a.workload_cpu},
                {"agent_cpu", a.agent_cpu},  {"rules", a.agent.rules},
                {"loadavg_start", loadavg()}};
    std::string attach;
    json loads = json::object();
    for (Load l : a.loads) {
        std::vector<json> alone, saker, falco;
        for (int k = 0; k < a.repeats; k++) {
            LoadResult base = run_load(l, a.seconds, a.workload_cpu);
            alone.push_back({{"rate", base.rate()},
                             {"iterations", base.iterations},
                             {"cpu_us_per_iteration", base.cpu_us_per_iteration()}});
            AgentRun s = with_agent(a, false, l, base);
            if (!s.attach.empty()) attach = s.attach;
            saker.push_back(s.figures);
            if (!a.falco.empty()) falco.push_back(with_agent(a, true, l, base).figures);
            std::cerr << load_name(l) << " #" << k << ": alone " << alone.back().dump()
                      << "\n  saker " << saker.back().dump() << "\n";
            if (!falco.empty()) std::cerr << "  falco " << falco.back().dump() << "\n";
        }
        json entry = {{"alone", medians(alone)},
                      {"saker", medians(saker)},
                      {"runs", {{"alone", alone}, {"saker", saker}}}};
        uint64_t drops = 0;
        for (const auto& r : saker)
            drops += r.value("drops", uint64_t{0});
        entry["saker"]["drops_total"] = drops;
        if (!falco.empty()) {
            entry["falco"] = medians(falco);
            entry["runs"]["falco"] = falco;
        }
        loads[std::string(load_name(l))] = entry;
    }
    out["saker_probe_attach"] = attach;
    out["loads"] = loads;
    out["loadavg_end"] = loadavg();
    std::cout << out.dump(2) << std::endl;
    return 0;
}
