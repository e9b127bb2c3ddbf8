// Falco's upstream container rules, UNMODIFIED (SAKER_CORPUS_DIR: stable, incubating, sandbox),
// live against real Kubernetes-style pods: a private containerd with its CRI plugin runs them as
// the kubelet would, and `saker run` reads their metadata through the CRI API (its sockets given
// with -o container_engines.*.sockets). The disabled sandbox rule is enabled with
// -o rules[].enable.rule=...; Launch Disallowed Container, whose upstream allow-list admits every
// container, gets the override its comment asks users to write (a rules file of this test
// listing the one allowed image). rule_matching=all: one container start fires several rules.
// Attacks: a privileged container with /proc mounted, running as root from a disallowed image;
// `mount` and `debugfs` run in it; a binary dropped into a container's upper layer and run. The
// look-alike: an unprivileged container of the allowed image, running as uid 1000 with a plain
// data mount, where the same commands run.
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
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using namespace saker::test;

// Nanoseconds since the epoch when process `pid` started (/proc/<pid>/stat, clock ticks).
uint64_t process_start_epoch_ns(long pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), {});
    std::istringstream rest(stat.substr(stat.rfind(')') + 2));
    std::string v;
    for (int i = 3; i <= 22; ++i)
        rest >> v; // field 22: starttime
    const double ticks = std::stod(v) / static_cast<double>(sysconf(_SC_CLK_TCK));
    timespec real{}, boot{};
    clock_gettime(CLOCK_REALTIME, &real);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    const double boot_epoch = (real.tv_sec - boot.tv_sec) + (real.tv_nsec - boot.tv_nsec) / 1e9;
    return static_cast<uint64_t>((boot_epoch + ticks) * 1e9);
}

} // namespace

TEST_CASE("Falco's upstream rules on CRI containers: their start, mount, debugfs, start time",
          "[rules][upstream][agent][containers][cri][root]") {
    std::string missing = probe_missing();
    for (const char* tool :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"})
        if (find_tool(tool).empty()) missing += std::string(tool) + " missing; ";
    if (static_busybox().empty()) missing += "static busybox missing (busybox-static); ";
    SAKER_SKIP_UNLESS("the CRI container rules test", missing);
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8);

    const std::string repo = "localhost:5000/saker-test/busybox";
    const std::string allowed_repo = "localhost:5000/saker-test/allowed";
    PrivateContainerd cd(find_tool("containerd"), "/tmp/saker-crirules-XXXXXX", repo + ":1.0");
    // Two images with distinct ids (a label tells their configs apart): one image under two
    // names would leave the runtime free to report either name for both containers.
    auto image = [&](const std::string& name, const std::string& dir) {
        const fs::path work = cd.dir() / dir;
        build_busybox_image(
            work, static_busybox(),
            {{"tmp", "mnt", "data"}, {"sh", "sleep", "mount", "cp", "ln", "true"}, ""}, name, "1.0",
            nlohmann::json{{"saker.test.image", dir}}, work / "image.tar");
        Cmd sum = sh("sha256sum '" + (work / "config.json").string() + "'");
        REQUIRE(sum.status == 0);
        return std::pair{"sha256:" + sum.out.substr(0, 64), work / "image.tar"};
    };
    const auto [image_id, image_tar] = image(repo, "build");
    const auto [allowed_image_id, allowed_tar] = image(allowed_repo, "build-allowed");
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);
    REQUIRE(cd.ctr("images import '" + image_tar.string() + "'").status == 0);
    REQUIRE(cd.ctr("images import '" + allowed_tar.string() + "'").status == 0);

    const fs::path override_rules = cd.dir() / "allowed.yaml";
    {
        std::ofstream(override_rules)
            << "- macro: allowed_containers\n  condition: (container.image.repository = "
            << allowed_repo << ")\n";
    }
    const std::string corpus = SAKER_CORPUS_DIR;
    AgentProcess agent({"-r", corpus + "/falco_rules.yaml", "-r",
                        corpus + "/falco-incubating_rules.yaml", "-r",
                        corpus + "/falco-sandbox_rules.yaml", "-r", override_rules.string(), "-o",
                        "json_output=true", "-o", "rule_matching=all", "-o",
                        "rules[].enable.rule=Container Run as Root User", "-o",
                        "container_engines.cri.sockets=" + cd.socket(), "-o",
                        "container_engines.containerd.sockets=" + cd.socket()},
                       "/tmp/saker-crirules-");
    REQUIRE(agent.ready(20s, 25ms));

    const std::string data = (cd.dir() / "data").string();
    fs::create_directories(data);
    CriPods k(cd.socket(), (cd.dir() / "containerd.log").string());
    const std::string pod = k.run_pod("web-" + tok, "shop",
                                      "0c1d2e3f-4a5b-4c6d-8e7f-" + tok + "abcd", {{"app", "web"}});
    std::string priv, plain;

    CriContainerSpec priv_spec;
    priv_spec.name = "priv";
    priv_spec.image_id = image_id;
    priv_spec.image = repo + ":1.0";
    priv_spec.privileged = true;
    priv_spec.mounts = {{"/proc", "/host/proc", true}};
    CriContainerSpec plain_spec;
    plain_spec.name = "plain";
    plain_spec.image_id = allowed_image_id;
    plain_spec.image = allowed_repo + ":1.0";
    plain_spec.run_as_user = 1000;
    plain_spec.mounts = {{data, "/data", false}};

    auto in = [](const std::string& id) {
        return [&id](const Alert& a) {
            return !id.empty() && field(a, "container.id") == id.substr(0, 12);
        };
    };
    auto nothing = [] {};
    auto container_fields = [&](const Alert& a) { CHECK(field(a, "container.name") == "priv"); };
    std::vector<Scenario> scenarios;
    // The containers start in the first scenario: the start rules (container_started: the
    // container's first process has proc.vpid = 1) see their first exec.
    {
        scenarios.push_back(
            {"Launch Privileged Container", "Informational", "a privileged container starts",
             "an unprivileged one starts", [&] { plain = k.start(pod, plain_spec); },
             [&] { priv = k.start(pod, priv_spec); }, in(plain), in(priv), container_fields});
        scenarios.push_back(
            {"Launch Excessively Capable Container", "Informational",
             "(same start: CAP_SYS_ADMIN permitted)", "(same: runtime default caps)", nothing,
             nothing, in(plain), in(priv),
             [](const Alert& a) { CHECK(field_has(a, "thread.cap_permitted", "CAP_SYS_ADMIN")); }});
        scenarios.push_back({"Launch Sensitive Mount Container", "Informational",
                             "(same start: /proc mounted)", "(same: a data dir mounted)", nothing,
                             nothing, in(plain), in(priv), [](const Alert& a) {
                                 CHECK(field(a, "container.mounts") ==
                                       "/proc:/host/proc::false:private");
                             }});
        scenarios.push_back({"Launch Disallowed Container", "Warning",
                             "(same start: an image not allowed)", "(same: the allowed image)",
                             nothing, nothing, in(plain), in(priv), [](const Alert&) {}});
        scenarios.push_back({"Container Run as Root User", "Informational", "(same start: uid 0)",
                             "(same: uid 1000)", nothing, nothing, in(plain), in(priv),
                             [](const Alert& a) { CHECK(field(a, "user.uid") == "0"); }});
    }
    scenarios.push_back({"Mount Launched in Privileged Container", "Warning",
                         "mount in the privileged container", "mount in the unprivileged one",
                         [&] {
                             k.exec(plain, {"/bin/mount", "-t", "tmpfs", "tmpfs", "/mnt"});
                         },
                         [&] {
                             k.exec(priv, {"/bin/mount", "-t", "tmpfs", "tmpfs", "/mnt"});
                         },
                         in(plain), in(priv), container_fields});
    scenarios.push_back(
        {"Debugfs Launched in Privileged Container", "Warning",
         "debugfs in the privileged container", "debugfs in the unprivileged one",
         [&] {
             k.exec(plain, {"/bin/sh", "-c", "ln -s /bin/busybox /tmp/debugfs; /tmp/debugfs -V"});
         },
         [&] {
             k.exec(priv, {"/bin/sh", "-c", "ln -s /bin/busybox /tmp/debugfs; /tmp/debugfs -V"});
         },
         in(plain), in(priv), container_fields});
    // %container.start_ts: the start of the container's pid namespace init, whose start time
    // the kernel gives in /proc/<pid>/stat (10 ms ticks).
    scenarios.push_back(
        {"Drop and execute new binary in container", "Critical",
         "a binary copied into the privileged container's upper layer runs",
         "the image's own binary runs in the unprivileged one",
         [&] { k.exec(plain, {"/bin/true"}); },
         [&] {
             k.exec(priv, {"/bin/sh", "-c", "cp /bin/busybox /tmp/dropped; /tmp/dropped true"});
         },
         in(plain), in(priv),
         [&](const Alert& a) {
             auto info = k.status(priv).info().at("info");
             long pid = nlohmann::json::parse(info).at("pid").get<long>();
             const double want = static_cast<double>(process_start_epoch_ns(pid));
             const std::string got = field(a, "container.start_ts");
             INFO("container.start_ts=" << got << " init start=" << static_cast<uint64_t>(want)
                                        << " difference (ns) " << std::stod(got) - want);
             REQUIRE(!got.empty());
             // The init's start from the process table (vpid 1), else the runtime's start time,
             // taken after runc created the init. Measured against /proc's starttime (10 ms
             // ticks, through the boot clock): -60 ms and +73 ms apart in two runs, not
             // explained yet, hence the loose bound.
             CHECK(std::abs(std::stod(got) - want) < 500e6);
         }});

    double slowest = 0;
    for (const auto& s : scenarios)
        slowest = std::max(slowest, run_scenario(agent, s));
    const int rc = agent.stop();
    INFO("agent log:\n" << agent.log());
    CHECK(rc == 0);
    // Its metadata summary at exit: the containers were found through CRI.
    const std::string log = agent.log();
    const auto at = log.find("container metadata:");
    CHECK(at != std::string::npos);
    if (at != std::string::npos)
        std::printf("agent: %s\n", log.substr(at, log.find('\n', at) - at).c_str());
    std::printf("container rules (CRI): %zu rules verified live; slowest alert %.3f s after its "
                "action; whole test %.2f s\n",
                scenarios.size(), slowest,
                std::chrono::duration<double>(Clock::now() - started).count());
}
