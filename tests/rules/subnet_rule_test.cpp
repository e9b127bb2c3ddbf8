// Falco's upstream "Network Connection outside Local Subnet" (falco-incubating_rules.yaml,
// UNMODIFIED) live in a Kubernetes-style pod of a private containerd's CRI plugin, its namespace
// (k8s.ns.name) read by `saker run` through the CRI API. The rule watches only the namespaces
// listed in `namespace_scope_network_only_subnet`, which is empty upstream: as in Falco, it fires
// once a user lists one. This test does that the way Falco users do, with a rules file of its
// own that appends its pod's namespace to the list (override: items: append).
// The pod runs on the host network (no CNI), so the container's command makes a network
// namespace of its own (`unshare -n`; the container is privileged for that) whose loopback
// carries 198.51.100.1 (documentation) and 10.0.0.5 (RFC 1918): no packet leaves it.
// Attack: nc connecting to 198.51.100.1 (outside the local subnets). Look-alike: the same
// connection to 10.0.0.5, which Falco's `network_local_subnet` (fd.rnet in RFC 1918) excludes.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/cri_pods.h"
#include "support/oci_image.h"
#include "support/private_containerd.h"
#include "support/process_runner.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using namespace saker::test;

constexpr const char* kRule = "Network Connection outside Local Subnet";

// In a new network namespace (lo up, the test's two addresses): nc listens on `port` for one
// client and nc connects to ip:port, retried until the listener is up (a refused connect has a
// negative result, which the rule's inbound_outbound macro ignores).
std::vector<std::string> connect_in_own_netns(const std::string& ip, const std::string& port) {
    return {"/bin/unshare", "-n", "/bin/sh", "-c",
            "ip link set lo up && ip addr add 198.51.100.1/32 dev lo && "
            "ip addr add 10.0.0.5/32 dev lo && { nc -l -p " +
                port + " </dev/null >/dev/null & } && i=0 && until nc -w 1 " + ip + " " + port +
                " </dev/null; do i=$((i+1)); [ $i -lt 100 ] || exit 1; usleep 20000; done"};
}

} // namespace

TEST_CASE("Falco's upstream local-subnet rule fires for a listed pod namespace",
          "[rules][upstream][agent][containers][cri][root]") {
    SAKER_SKIP_UNLESS("the CRI local-subnet rule test", cri_missing());
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8);

    const std::string repo = "localhost:5000/saker-test/subnet";
    PrivateContainerd cd(find_tool("containerd"), "/tmp/saker-subnet-XXXXXX", repo + ":1.0");
    const fs::path build = cd.dir() / "build";
    build_busybox_image(build, static_busybox(),
                        {{"tmp"}, {"sh", "sleep", "unshare", "ip", "nc", "usleep"}, ""}, repo,
                        "1.0", nlohmann::json::object(), build / "image.tar");
    Cmd sum = sh("sha256sum '" + (build / "config.json").string() + "'");
    REQUIRE(sum.status == 0);
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);
    REQUIRE(cd.ctr("images import '" + (build / "image.tar").string() + "'").status == 0);

    const std::string ns = "payments-" + tok;
    const fs::path rules = cd.dir() / "subnet.yaml", config = cd.dir() / "saker.yaml";
    std::ofstream(rules) << "- list: namespace_scope_network_only_subnet\n  items: [" << ns
                         << "]\n  override:\n    items: append\n";
    std::ofstream(config)
        << "json_output: true\n"
           "append_output:\n"
           "  - extra_fields: [container.id, k8s.ns.name, k8s.pod.name, fd.sip]\n";
    AgentProcess agent({"-c", config.string(), "-r",
                        std::string(SAKER_CORPUS_DIR) + "/falco-incubating_rules.yaml", "-r",
                        rules.string(), "-o", "container_engines.cri.sockets=" + cd.socket(), "-o",
                        "container_engines.containerd.sockets=" + cd.socket()},
                       "/tmp/saker-subnet-");
    REQUIRE(agent.ready(20s, 25ms));

    CriPods k(cd.socket(), (cd.dir() / "containerd.log").string());
    const std::string pod =
        k.run_pod("ledger-" + tok, ns, "5a6b7c8d-1e2f-4a3b-9c4d-" + tok + "beef", {});
    CriContainerSpec spec;
    spec.name = "ledger";
    spec.image_id = "sha256:" + sum.out.substr(0, 64);
    spec.image = repo + ":1.0";
    spec.privileged = true; // for unshare -n
    const std::string id = k.start(pod, spec);
    auto to = [&](const std::string& server) {
        return [&id, server](const Alert& a) {
            const std::string name = field(a, "fd.name");
            return field(a, "container.id") == id.substr(0, 12) && name.size() > server.size() &&
                   name.compare(name.size() - server.size(), server.size(), server) == 0;
        };
    };

    const Scenario s{kRule,
                     "Warning",
                     "nc in a pod of a listed namespace connecting to 198.51.100.1:7000",
                     "the same nc connecting to 10.0.0.5:7001 (RFC 1918: the local subnet)",
                     [&] { CHECK(k.exec(id, connect_in_own_netns("10.0.0.5", "7001")) == 0); },
                     [&] { CHECK(k.exec(id, connect_in_own_netns("198.51.100.1", "7000")) == 0); },
                     to("->10.0.0.5:7001"),
                     to("->198.51.100.1:7000"),
                     [&](const Alert& a) {
                         CHECK(field(a, "k8s.ns.name") == ns);
                         CHECK(field(a, "k8s.pod.name") == "ledger-" + tok);
                         CHECK(field(a, "evt.type") == "connect");
                         // busybox sh runs its applets as /proc/self/exe: the kernel's comm, which
                         // is
                         // Falco's proc.name, is "exe".
                         CHECK(field(a, "proc.exepath") == "/bin/busybox");
                         CHECK(field(a, "proc.cmdline") == "exe -w 1 198.51.100.1 7000");
                         CHECK(field(a, "fd.sip") == "198.51.100.1");
                     }};
    const double waited = run_scenario(agent, s);
    const int rc = agent.stop();
    INFO("agent log:\n" << agent.log());
    CHECK(rc == 0);
    std::printf("local-subnet rule (CRI pod): alert %.3f s after its action; whole test %.2f s\n",
                waited, std::chrono::duration<double>(Clock::now() - started).count());
}
