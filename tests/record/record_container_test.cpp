// Container metadata in a recording, as root with a private containerd: `saker run --record`
// answers container.name, container.image and k8s.* from containerd for an exec inside a
// labelled container; `saker replay` of the capture, with no containerd to ask, prints the
// identical alert lines from the CONTAINER records alone.
#include "support/agent_process.h"
#include "support/busybox_rootfs.h"
#include "support/oci_image.h"
#include "support/private_containerd.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/runc_container.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace saker::test;
using namespace std::chrono_literals;

TEST_CASE("container metadata recorded by saker run --record replays into the same alerts") {
    std::string missing;
    if (!can_run_probe(missing)) missing += "; ";
    for (const char* t :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"})
        if (find_tool(t).empty()) missing += std::string(t) + " missing; ";
    if (static_busybox().empty()) missing += "static busybox missing (busybox-static); ";
#ifndef SAKER_HAVE_CONTAINERD
    missing += "saker built without the containerd client; ";
#endif
    SAKER_SKIP_UNLESS("the container record test", missing);
    add_sbin_to_path(); // ctr and the shim look runc up in PATH

    PrivateContainerd cd(find_tool("containerd"), "/tmp/saker-record-ctr-XXXXXX");
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);
    const std::string image_name = "localhost:5000/saker-record-test/busybox", tag = "1.0";
    const std::filesystem::path image_tar = cd.dir() / "image.tar";
    build_busybox_image(cd.dir() / "build", static_busybox(),
                        {{"proc", "dev", "sys", "tmp", "etc"}, {"sh", "sleep", "cat"}, "rec"},
                        image_name, tag, nullptr, image_tar);
    Cmd imp = cd.ctr("images import '" + image_tar.string() + "'");
    INFO(imp.out);
    REQUIRE(imp.status == 0);

    const std::string cap = "/tmp/saker-record-ctr-" + std::to_string(getpid()) + ".cap";
    const std::string rules = cap + ".yaml";
    std::ofstream(rules) << "- rule: cat in a container\n"
                            "  desc: a test rule\n"
                            "  condition: evt.type in (execve, execveat) and container.id != host "
                            "and proc.name = cat\n"
                            "  output: cat in %container.name image=%container.image "
                            "pod=%k8s.pod.name ns=%k8s.ns.name\n"
                            "  priority: NOTICE\n";
    std::string live;
    {
        AgentProcess agent({"-r", rules, "-o", "json_output=true", "-o",
                            "container_engines.containerd.sockets=" + cd.socket(), "--record", cap},
                           "/tmp/saker-record-ctr-agent-");
        REQUIRE(agent.ready());
        // The exec comes 2 s after the container's first process, which asks containerd.
        const std::string id = random_hex(64);
        cd.track_container(id, true);
        Cmd run = cd.ctr("run -d --null-io --label io.kubernetes.pod.name=web-0 --label "
                         "io.kubernetes.pod.namespace=shop --label "
                         "io.kubernetes.container.name=front " +
                         image_name + ":" + tag + " " + id +
                         " /bin/sh -c 'sleep 2; /bin/cat /etc/hostname; sleep 300'");
        INFO(run.out);
        REQUIRE(run.status == 0);
        auto alert = agent.wait_alert("cat in a container", std::chrono::steady_clock::now() + 8s);
        INFO(agent.log());
        REQUIRE(alert);
        CHECK((*alert)["output_fields"]["container.name"] == "front");
        CHECK((*alert)["output_fields"]["k8s.pod.name"] == "web-0");
        REQUIRE(agent.stop() == 0);
        live = agent.output();
    }
    // No containerd in the replay: every container field comes from the capture.
    Cmd r = sh("{ " + std::string(SAKER_BIN) + " replay " + cap + " -r " + rules +
               " -o json_output=true 2>/dev/null; }");
    REQUIRE(r.status == 0);
    CHECK(r.out == live);
    CHECK(live.find("\"container.image\":\"" + image_name + ":" + tag + "\"") != std::string::npos);
    std::remove(cap.c_str());
    std::remove(rules.c_str());
}
