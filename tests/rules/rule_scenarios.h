// Contract: the attack-and-look-alike harness the rule suites share. A Scenario names the rule
// that must fire, performs a harmless look-alike and then the attack, and says which alerts
// each of them caused (by a token in a path or command line, a pid, a port). run_scenario()
// runs one against a live agent: the attack's alert must arrive within 1 s of the attack
// returning, with the rule's priority and the fields `check` asserts; no alert of that rule may
// come from the look-alike. The look-alike runs first: the probe writes every CPU's records
// into one ring, in order, and the agent handles and prints them in that order, so once the
// attack's alert is out every alert the look-alike could have caused is out too.
// RulesAgent starts `saker run` on rules files (and the harness's sync rule, see sync_agent());
// run_scenarios() runs a suite and stops it.
// With `one_rule_per_event` (several rules files loaded together, `rule_matching: all` so that
// every rule matching an event fires) no event of the attack may raise alerts of two rules: the
// files do not report one thing twice. Alerts are attributed by `from_attack` and grouped by
// event (evt.time, proc.pid), on fields RulesAgent appends to every alert, since other files'
// outputs need not carry them.
#pragma once

#include "support/agent_process.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace saker::test {

using Alert = nlohmann::json;
using Clock = std::chrono::steady_clock;

// An output field as text ("" when absent): strings as they are, numbers and booleans dumped.
inline std::string field(const Alert& a, const std::string& name) {
    const auto& f = a["output_fields"];
    if (!f.contains(name) || f[name].is_null()) return {};
    return f[name].is_string() ? f[name].get<std::string>() : f[name].dump();
}

inline bool field_has(const Alert& a, const std::string& name, const std::string& part) {
    return field(a, name).find(part) != std::string::npos;
}

// Alerts of one process (`pid` is read when the predicate runs: it may be filled in later).
inline auto by_pid(const pid_t& pid) {
    return [&pid](const Alert& a) { return field(a, "proc.pid") == std::to_string(pid); };
}
inline auto by_cmdline(const std::string& token) {
    return [token](const Alert& a) { return field_has(a, "proc.cmdline", token); };
}
inline auto by_container(const std::string& short_id) {
    return [short_id](const Alert& a) { return field(a, "container.id") == short_id; };
}

struct Scenario {
    std::string rule;     // the rule that must fire
    std::string priority; // as the JSON alert spells it: "Warning", "Critical", ...
    std::string attack_what, lookalike_what; // one line each, for the report
    std::function<void()> lookalike;
    std::function<void()> attack;
    std::function<bool(const Alert&)> from_lookalike; // true for an alert the look-alike caused
    std::function<bool(const Alert&)> from_attack;    // true for the attack's alert
    std::function<void(const Alert&)> check;          // CHECKs on the attack's alert
};

// The first alert of `rule` that `pred` accepts, polling until `deadline` (checked once at least).
inline std::optional<Alert> wait_for_alert(const AgentProcess& agent, const std::string& rule,
                                           const std::function<bool(const Alert&)>& pred,
                                           Clock::time_point deadline) {
    do {
        for (auto& a : agent.alerts_so_far())
            if (a.value("rule", "") == rule && pred(a)) return a;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (Clock::now() < deadline);
    return std::nullopt;
}

// The harness's own rule (RulesAgent loads it): opening a file whose name starts with
// kSyncPrefix alerts. The probe's ring is one ordered queue, so once the alert for such an open
// is out, every event before it has been handled (the sync point, instead of a sleep).
inline constexpr const char* kSyncRule = "saker test harness sync";
inline constexpr const char* kSyncPrefix = "/tmp/saker-test-sync-";
inline std::string sync_rules_yaml() {
    return std::string("- rule: ") + kSyncRule +
           "\n  desc: the test harness's sync marker (tests/rules/rule_scenarios.h)\n"
           "  condition: evt.type in (open, openat, openat2) and fd.name startswith " +
           kSyncPrefix + "\n  output: sync marker %fd.name\n  priority: WARNING\n";
}

// Opens a fresh marker file and waits (up to `within`) for its alert.
inline bool sync_agent(const AgentProcess& agent,
                       std::chrono::milliseconds within = std::chrono::seconds(5)) {
    static int n = 0;
    const std::string path = kSyncPrefix + std::to_string(getpid()) + "-" + std::to_string(++n);
    std::ofstream(path) << "sync\n";
    std::remove(path.c_str());
    return wait_for_alert(
               agent, kSyncRule, [&](const Alert& a) { return field(a, "fd.name") == path; },
               Clock::now() + within)
        .has_value();
}

// Runs one scenario; returns the seconds from the attack's end to its alert (-1: no alert).
inline double run_scenario(const AgentProcess& agent, const Scenario& s,
                           bool one_rule_per_event = false) {
    INFO("rule '" << s.rule << "': attack: " << s.attack_what
                  << "; look-alike: " << s.lookalike_what);
    s.lookalike();
    s.attack();
    const auto done = Clock::now();
    auto alert = wait_for_alert(agent, s.rule, s.from_attack, done + std::chrono::seconds(1));
    const double waited = std::chrono::duration<double>(Clock::now() - done).count();
    if (!alert) {
        INFO("alerts so far:\n" << agent.output() << "\nagent log:\n" << agent.log());
        FAIL_CHECK("the attack's alert did not arrive within 1 s");
        return -1;
    }
    INFO("alert: " << alert->dump());
    CHECK(waited <= 1.0);
    CHECK((*alert)["priority"] == s.priority);
    CHECK((*alert)["source"] == "syscall");
    s.check(*alert);
    for (const auto& a : agent.alerts_so_far()) {
        if (a.value("rule", "") != s.rule || !s.from_lookalike(a)) continue;
        INFO("look-alike alert: " << a.dump());
        FAIL_CHECK("the look-alike fired the rule");
    }
    if (one_rule_per_event) {
        // The attack's later events (if any) are handled once a later event's alert is out.
        INFO("agent log:\n" << agent.log());
        REQUIRE(sync_agent(agent));
        std::map<std::string, std::set<std::string>> rules_of_event;
        for (const auto& a : agent.alerts_so_far())
            if (s.from_attack(a))
                rules_of_event[field(a, "evt.time") + "/" + field(a, "proc.pid")].insert(
                    a.value("rule", ""));
        for (const auto& [event, rules] : rules_of_event) {
            std::string names;
            for (const auto& r : rules)
                names += "'" + r + "' ";
            INFO("event " << event << " raised " << names);
            CHECK(rules.size() == 1);
        }
    }
    return waited;
}

// `saker run -c <config> -r <rules>...`, REQUIREd to attach its probe within 10 s. The config
// turns on JSON alerts, makes every matching rule fire (rule_matching: all; a single file's
// scenarios never depend on it) and appends the fields scenarios attribute alerts by.
inline std::vector<std::string> rules_agent_args(const std::vector<std::string>& rules,
                                                 const std::string& tmp_prefix) {
    const std::string config = tmp_prefix + std::to_string(getpid()) + "-config.yaml";
    FILE* f = std::fopen(config.c_str(), "w");
    if (f) {
        std::fputs("json_output: true\n"
                   "rule_matching: all\n"
                   "append_output:\n"
                   "  - extra_fields: [evt.time, proc.pid, proc.cmdline, proc.name, "
                   "container.id, fd.name, fd.sip, fd.sport, evt.type, evt.rawarg.pid, "
                   "evt.arg.dev, fs.path.name]\n",
                   f);
        std::fclose(f);
    }
    std::vector<std::string> args{"-c", config};
    for (const auto& r : rules) {
        args.push_back("-r");
        args.push_back(r);
    }
    const std::string sync = tmp_prefix + std::to_string(getpid()) + "-sync.yaml";
    std::ofstream(sync) << sync_rules_yaml();
    args.push_back("-r");
    args.push_back(sync);
    return args;
}

struct RulesAgent {
    static std::vector<std::string> with(std::vector<std::string> a,
                                         const std::vector<std::string>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    }
    AgentProcess process;
    double startup_s = 0; // from exec to "probe attached" (rules compiled, probe loaded)
    // `extra`: more `saker run` arguments (-o overrides); `ready_within` bounds the start
    // (compiling the three upstream files takes longer on a loaded machine).
    // `resolver`: the resolver configuration the agent sees (nullptr: loopback names only).
    RulesAgent(const std::vector<std::string>& rules, const std::string& tmp_prefix,
               const std::vector<std::string>& extra = {},
               std::chrono::seconds ready_within = std::chrono::seconds(10),
               const PrivateResolverFiles* resolver = nullptr)
        : process(with(rules_agent_args(rules, tmp_prefix), extra), tmp_prefix, "run", {},
                  resolver) {
        const auto t0 = Clock::now();
        REQUIRE(process.ready(ready_within, std::chrono::milliseconds(25)));
        startup_s = std::chrono::duration<double>(Clock::now() - t0).count();
    }
};

// Runs every scenario in order, then stops the agent, which must exit cleanly, and prints one
// line: how many scenarios and rules, the agent's start, the slowest alert, the whole run.
inline void run_scenarios(RulesAgent& agent, const std::vector<Scenario>& scenarios,
                          const std::string& label, Clock::time_point test_started,
                          bool one_rule_per_event = false) {
    std::set<std::string> rules;
    double slowest = 0;
    for (const auto& s : scenarios) {
        rules.insert(s.rule);
        slowest = std::max(slowest, run_scenario(agent.process, s, one_rule_per_event));
    }
    const int rc = agent.process.stop();
    INFO("agent log:\n" << agent.process.log());
    CHECK(rc == 0);
    std::printf("%s: %zu rules verified live in %zu scenarios; agent ready after %.2f s; slowest "
                "alert %.3f s after its action; whole test %.2f s\n",
                label.c_str(), rules.size(), scenarios.size(), agent.startup_s, slowest,
                std::chrono::duration<double>(Clock::now() - test_started).count());
}

} // namespace saker::test
