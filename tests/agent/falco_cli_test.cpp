// A Falco user's command line, unchanged: `saker` with Falco's flags and Falco 0.44.1's own
// falco.yaml (unmodified; rules from -r), as root with the real probe.
#include "support/agent_process.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace std::chrono_literals;

TEST_CASE("Falco's flags and falco.yaml: the alert fires, FALCO_HOSTNAME names the host, -M "
          "ends the run with 0") {
    SAKER_REQUIRE_ROOT_BPF("Falco command line");
    const std::string falco_yaml =
        std::string(SAKER_SOURCE_DIR) + "/../shared/falco-compat/falco.yaml";
    const std::string rules = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";
    const std::string pidfile = "/tmp/saker-falco-cli-" + std::to_string(getpid()) + ".pid";
    // The webserver moves to an ephemeral loopback port: the file's 0.0.0.0:8765 may be taken
    // by another agent on this machine.
    saker::test::AgentProcess agent(
        {"-c", falco_yaml, "-r", rules, "-M", "8", "-U", "-P", pidfile, "-o", "json_output=true",
         "-o", "webserver.listen_address=127.0.0.1", "-o", "webserver.listen_port=0"},
        "/tmp/saker-falco-cli-", nullptr, {"FALCO_HOSTNAME=falco-node-7", "SAKER_HOSTNAME="});
    REQUIRE(agent.ready(15s));
    CHECK(saker::test::slurp(pidfile) == std::to_string(agent.pid()) + "\n");
    REQUIRE(std::system("cat /etc/shadow > /dev/null") == 0);
    auto alert =
        agent.wait_alert("Read sensitive file untrusted", std::chrono::steady_clock::now() + 3s);
    // -M: the agent stops by itself, with status 0, well before wait_exit's 10 s would stop it.
    auto waited = std::chrono::steady_clock::now();
    int status = agent.wait_exit();
    INFO(agent.log());
    CHECK(status == 0);
    CHECK(std::chrono::steady_clock::now() - waited < 9s);
    CHECK(agent.log().find("stopped:") != std::string::npos);
    REQUIRE(alert);
    CHECK((*alert)["hostname"] == "falco-node-7");
    CHECK((*alert)["priority"] == "Warning");
    CHECK((*alert)["output_fields"]["fd.name"] == "/etc/shadow");
    // Falco's own file: its keys are implemented or named as unsupported, never unknown.
    CHECK(agent.log().find("unknown configuration key") == std::string::npos);
    CHECK(agent.log().find("Falco key not supported by saker") != std::string::npos);
    std::remove(pidfile.c_str());
}
