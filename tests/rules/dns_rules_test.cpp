// fd.sip.name live, with Falco's upstream rules UNMODIFIED (SAKER_CORPUS_DIR/falco_rules.yaml):
// "Contact K8S API Server From Container" asks `fd.sip.name =
// kubernetes.default.svc.cluster.local`. The agent runs with a private resolver configuration
// (support/private_resolver.h: its own mount namespace, a test hosts file over /etc/hosts that maps
// that name to 127.0.0.77, a loopback-only resolv.conf; the host's files are untouched). In a runc
// busybox container (its own network namespace) a persistent nc listener accepts on port 6443; nc
// connecting to 127.0.0.77 must fire the rule, nc connecting to 127.0.0.78 (the same listener, an
// address no name maps to) must not. The alert prints the server's name (`append_output` adds
// %fd.sip.name, Falco's own mechanism, so the rules file stays as upstream wrote it).
// Skipped (visibly) when not root or a tool is missing; FAILs instead with SAKER_REQUIRE_BPF=1.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/private_containerd.h" // add_sbin_to_path
#include "support/private_resolver.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>

#include <string>

namespace {

using namespace std::chrono_literals;
using namespace saker::test;

constexpr const char* kRule = "Contact K8S API Server From Container";

size_t count_alerts(const AgentProcess& agent, const std::string& to) {
    size_t n = 0;
    for (const auto& a : agent.alerts_so_far())
        if (a.value("rule", "") == kRule && field_has(a, "fd.name", to)) ++n;
    return n;
}

} // namespace

TEST_CASE("fd.sip.name: the upstream K8S API server rule fires for a name from /etc/hosts",
          "[rules][upstream][dns][agent][containers][root]") {
    const std::string missing = missing_tools({"runc"});
    SAKER_SKIP_UNLESS("the fd.sip.name rule test", missing);
    add_sbin_to_path();
    const std::string api = "127.0.0.77:6443", other = "127.0.0.78:6443";
    PrivateResolverFiles resolver("127.0.0.1 localhost\n"
                                  "127.0.0.77 kubernetes.default.svc.cluster.local\n");
    REQUIRE(resolver.ok());
    TempDir work("/tmp/saker-dns-rules-XXXXXX");
    REQUIRE(!work.path.empty());
    const std::string config =
        write_file(work.path / "saker.yaml", "append_output:\n"
                                             "  - match: {rule: \"" +
                                                 std::string(kRule) +
                                                 "\"}\n"
                                                 "    extra_fields: [fd.sip.name]\n");
    AgentProcess agent({"-c", config, "-r", std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml",
                        "-o", "json_output=true"},
                       "/tmp/saker-dns-agent-", "run", {}, &resolver);
    REQUIRE(agent.ready(10s, 25ms));

    AttackContainer c("saker-dns-", {"sh", "sleep", "nc", "true"});
    c.start();
    REQUIRE(c.exec_detached("/bin/nc -ll -p 6443 -e /bin/true").status == 0);
    REQUIRE(wait_listening(6443, c.init_pid()));
    auto connect_to = [&](const std::string& ip) {
        c.run("/bin/sh -c \"/bin/nc -w 1 " + ip + " 6443 </dev/null >/dev/null\"");
    };

    // The name is resolved beside the event loop after the rules load: connect until the first
    // alert shows it was.
    const auto give_up = Clock::now() + 10s;
    while (count_alerts(agent, api) == 0 && Clock::now() < give_up) {
        connect_to("127.0.0.77");
        std::this_thread::sleep_for(200ms);
    }
    INFO("alerts:\n" << agent.output() << "\nagent log:\n" << agent.log());
    REQUIRE(count_alerts(agent, api) > 0);

    // Now the look-alike first, then the attack: once the attack's alert is out, any alert the
    // look-alike caused is out too (one ring, handled in order).
    const size_t before = count_alerts(agent, api);
    connect_to("127.0.0.78");
    connect_to("127.0.0.77");
    const auto deadline = Clock::now() + 1s;
    while (count_alerts(agent, api) == before && Clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    CHECK(count_alerts(agent, api) > before);
    CHECK(count_alerts(agent, other) == 0);
    for (const auto& a : agent.alerts_so_far()) {
        if (a.value("rule", "") != kRule) continue;
        INFO("alert: " << a.dump());
        CHECK(a["priority"] == "Notice");
        CHECK(field(a, "proc.name") == "nc");
        CHECK(field(a, "fd.rport") == "6443");
        CHECK(field(a, "evt.type") == "connect");
        CHECK(field(a, "fd.sip.name") == "kubernetes.default.svc.cluster.local");
        CHECK(field_has(a, "fd.name", "->" + api));
    }
    CHECK(agent.stop() == 0);
}
