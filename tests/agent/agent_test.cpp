// `saker run` end to end, as root: start the agent with rules, perform an action, and find the
// alert it must print (or must not print) as Falco-compatible JSON.
#include "support/agent_process.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

#define SAKER_REQUIRE_AGENT() SAKER_REQUIRE_ROOT_BPF("agent")

// The agent as a child process writing alerts and logs to files.
struct Agent : saker::test::AgentProcess {
    explicit Agent(std::vector<std::string> args)
        : AgentProcess(std::move(args), "/tmp/saker-agent-test-") {}
};

int sh(const std::string& cmd) {
    return std::system(cmd.c_str());
}

const std::string kCorpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";

std::vector<nlohmann::json> with_rule(const std::vector<nlohmann::json>& alerts,
                                      const std::string& rule) {
    std::vector<nlohmann::json> out;
    for (const auto& a : alerts)
        if (a["rule"] == rule) out.push_back(a);
    return out;
}

} // namespace

TEST_CASE("saker run fires the upstream rule for reading /etc/shadow, as Falco's JSON") {
    SAKER_REQUIRE_AGENT();
    Agent agent({"-r", kCorpus, "-o", "json_output=true"});
    REQUIRE(agent.ready());
    sh("cat /etc/shadow > /dev/null");
    std::vector<nlohmann::json> hits;
    auto arrived = [&] {
        hits.clear();
        for (const auto& a : with_rule(agent.alerts_so_far(), "Read sensitive file untrusted"))
            if (a["output_fields"]["proc.cmdline"] == "cat /etc/shadow") hits.push_back(a);
        return !hits.empty();
    };
    const bool in_time = saker::test::wait_until(arrived, 1s); // alerts must come within a second
    REQUIRE(agent.stop() == 0);
    INFO(agent.log());
    CHECK(in_time);
    arrived(); // every line, now complete
    REQUIRE(hits.size() >= 1);
    const auto& a = hits.front();
    CHECK(a["priority"] == "Warning");
    CHECK(a["source"] == "syscall");
    CHECK(a["output_fields"]["fd.name"] == "/etc/shadow");
    CHECK(a["output_fields"]["proc.name"] == "cat");
    CHECK(a["output_fields"]["user.uid"] == 0);
    CHECK(a["output_fields"]["container.id"] == "host");
    CHECK(a["output_fields"]["evt.time"].is_number_unsigned());
    CHECK(a["tags"].size() == 6);
    CHECK(a["time"].get<std::string>().size() == 30); // 2026-11-27T20:40:21.213210587Z
    CHECK(agent.log().find("stopped:") != std::string::npos);
}

TEST_CASE("a harmless read of /etc/hostname does not fire") {
    SAKER_REQUIRE_AGENT();
    Agent agent({"-r", kCorpus, "-o", "json_output=true"});
    REQUIRE(agent.ready());
    sh("cat /etc/hostname > /dev/null");
    // The positive control, read after the harmless one: once its alert is out, the agent has
    // seen this test's events (a probe that sees nothing must not pass this test).
    sh("cat /etc/shadow > /dev/null");
    const bool control = saker::test::wait_until([&] {
        for (const auto& a : with_rule(agent.alerts_so_far(), "Read sensitive file untrusted"))
            if (a["output_fields"]["proc.cmdline"] == "cat /etc/shadow") return true;
        return false;
    });
    REQUIRE(agent.stop() == 0);
    INFO(agent.log());
    REQUIRE(control);
    // Only this test's read counts: other processes on the machine may read what they like.
    for (const auto& a : with_rule(agent.alerts(), "Read sensitive file untrusted"))
        CHECK(a["output_fields"]["fd.name"] != "/etc/hostname");
}

TEST_CASE("saker run with a broken rules file fails with file:line:col and does not start") {
    std::string bad = "/tmp/saker-bad-rules-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(bad) << "- rule: r\n  desc: d\n  condition: evt.type = open and proc.nme = x\n"
                          "  output: o\n  priority: INFO\n";
    Agent agent({"-r", bad});
    int rc = agent.wait_exit();
    std::remove(bad.c_str());
    CHECK(rc == 1);
    CHECK(agent.log().find(":3:34: error: unknown field 'proc.nme'") != std::string::npos);
    CHECK(agent.log().find("probe attached") == std::string::npos);
}
