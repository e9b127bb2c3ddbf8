// Recording and replaying real captures, as root with the real probe:
// - `saker record` while this test reads /etc/shadow with cat and does a harmless read, then
//   `saker replay` of the file prints the /etc/shadow alert with the right process, file and
//   user, and nothing for the harmless read.
// - live versus replay: `saker run --record` with the upstream rules prints JSON alerts while
//   the test triggers them; `saker replay` of the file prints the identical lines.
#include "support/agent_process.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;

namespace {

#define SAKER_REQUIRE_PROBE() SAKER_REQUIRE_ROOT_BPF("record")

const std::string kCorpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";

std::string temp_path(const std::string& name) {
    return "/tmp/saker-record-live-" + std::to_string(getpid()) + "-" + name;
}

// `cmd` with its stderr dropped: stdout only (sh() itself merges stderr into what it returns).
saker::test::Cmd stdout_of(const std::string& cmd) {
    return saker::test::sh("{ " + cmd + " 2>/dev/null; }");
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with("{")) out.push_back(nlohmann::json::parse(line));
    return out;
}

} // namespace

TEST_CASE("saker record, then saker replay prints the /etc/shadow alert") {
    SAKER_REQUIRE_PROBE();
    const std::string cap = temp_path("shadow.cap"), err = temp_path("record.err"),
                      rules = temp_path("rules.yaml");
    {
        std::ofstream f(rules);
        // The second rule proves the harmless read is in the capture: it is seen, and only the
        // first rule's condition tells the two reads apart.
        f << "- rule: shadow read\n"
             "  desc: a test rule\n"
             "  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow and "
             "proc.name = cat and evt.is_open_read = true\n"
             "  output: read of %fd.name by %proc.name as %user.name (parent %proc.pname)\n"
             "  priority: WARNING\n"
             "- rule: hostname read\n"
             "  desc: a test rule\n"
             "  condition: evt.type in (open, openat, openat2) and fd.name = /etc/hostname and "
             "proc.name = cat\n"
             "  output: read of %fd.name by %proc.name\n"
             "  priority: INFO\n";
    }
    std::thread recorder([&] {
        // The group keeps the redirection: sh() appends its own 2>&1 after it.
        saker::test::sh("{ " + std::string(SAKER_BIN) + " record -w " + cap + " --duration 3 2> " +
                        err + "; }");
    });
    bool attached = false;
    for (int i = 0; i < 100 && !attached; ++i) {
        std::this_thread::sleep_for(50ms);
        attached = saker::test::slurp(err).find("probe attached") != std::string::npos;
    }
    if (attached) {
        saker::test::sh("cat /etc/shadow > /dev/null");
        saker::test::sh("cat /etc/hostname > /dev/null"); // a harmless read
    }
    recorder.join();
    INFO(saker::test::slurp(err));
    REQUIRE(attached);
    CHECK(saker::test::slurp(err).find("saker record: wrote " + cap) != std::string::npos);

    auto r = stdout_of(std::string(SAKER_BIN) + " replay " + cap + " -r " + rules +
                       " -o json_output=true");
    INFO(r.out);
    REQUIRE(r.status == 0);
    auto alerts = json_lines(r.out);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[1]["rule"] == "hostname read");
    CHECK(alerts[1]["output_fields"]["fd.name"] == "/etc/hostname");
    const auto& a = alerts[0];
    CHECK(a["rule"] == "shadow read");
    CHECK(a["output_fields"]["proc.name"] == "cat");
    CHECK(a["output_fields"]["fd.name"] == "/etc/shadow");
    CHECK(a["output_fields"]["user.name"] == "root");
    CHECK(a["output_fields"]["proc.pname"] == "sh");
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    CHECK(a["hostname"] == host);

    // The same capture with the interpreter gives the same line.
    auto interp = stdout_of(std::string(SAKER_BIN) + " replay " + cap + " -r " + rules +
                            " -o json_output=true --engine interp");
    CHECK(interp.out == r.out);
    std::remove(cap.c_str());
    std::remove(err.c_str());
    std::remove(rules.c_str());
}

TEST_CASE("saker replay of a saker run --record capture prints exactly the live alerts") {
    SAKER_REQUIRE_PROBE();
    const std::string cap = temp_path("live.cap");
    std::string live;
    {
        saker::test::AgentProcess agent(
            {"-r", kCorpus, "-o", "json_output=true", "-o", "rule_matching=all", "--record", cap},
            "/tmp/saker-record-live-agent-");
        REQUIRE(agent.ready());
        // Upstream rules fire for each read of /etc/shadow by a program that has no business
        // reading it, here three, one through a relative path; the last read is harmless.
        saker::test::sh("cat /etc/shadow > /dev/null; cd /etc && cat ./shadow > /dev/null; "
                        "grep -q root /etc/shadow; head -c 1 /etc/hostname > /dev/null");
        // Waits for the three alerts (the harmless read, earlier than the last of them in
        // the capture or not, must replay the same way).
        saker::test::wait_until([&] {
            size_t n = 0;
            for (const auto& a : agent.alerts_so_far())
                n += a["output_fields"].value("fd.name", "") == "/etc/shadow";
            return n >= 3;
        });
        REQUIRE(agent.stop() == 0);
        INFO(agent.log());
        live = agent.output();
    }
    const auto live_alerts = json_lines(live);
    size_t shadow = 0;
    for (const auto& a : live_alerts)
        shadow += a["output_fields"].value("fd.name", "") == "/etc/shadow";
    REQUIRE(shadow >= 3);

    auto r = stdout_of(std::string(SAKER_BIN) + " replay " + cap + " -r " + kCorpus +
                       " -o json_output=true -o rule_matching=all");
    REQUIRE(r.status == 0);
    // Every line, every field: output text, output_fields (evt.time, evt.num, ancestry, user),
    // time, hostname, rule, priority, tags, in the same order.
    std::istringstream live_in(live), replay_in(r.out);
    std::vector<std::string> live_lines, replay_lines;
    for (std::string line; std::getline(live_in, line);)
        if (!line.empty()) live_lines.push_back(line);
    for (std::string line; std::getline(replay_in, line);)
        if (!line.empty()) replay_lines.push_back(line);
    REQUIRE(replay_lines.size() == live_lines.size());
    for (size_t i = 0; i < live_lines.size(); ++i) {
        INFO("alert " << i);
        CHECK(replay_lines[i] == live_lines[i]);
    }
    std::remove(cap.c_str());
}
