// `saker run` end to end with real containers, as root:
// - runc (Debian) runs a busybox-static rootfs in a cgroup named as kubelet + containerd name it;
//   an exec inside must fire a rule with the right container.id (12 chars), full id and type.
// - a private containerd (Debian) started by the test, a busybox image built locally as an OCI
//   layout and imported with ctr, a container run with io.kubernetes.* labels: the fired rule's
//   output carries container.name, container.image, k8s.pod.name and k8s.ns.name, looked up
//   asynchronously through containerd's API.
// Reported skipped when not root or a tool is missing; FAILs instead with SAKER_REQUIRE_BPF=1.
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
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace saker::test;

// ---- prerequisites ----------------------------------------------------------------------------

// "" when everything the test needs is here, else what is missing.
std::string missing_for(std::initializer_list<const char*> tools) {
    std::string missing;
    if (geteuid() != 0) missing += "not root; ";
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) missing += "no kernel BTF; ";
    for (const char* t : tools)
        if (find_tool(t).empty()) missing += std::string(t) + " missing; ";
    if (static_busybox().empty()) missing += "static busybox missing (busybox-static); ";
    return missing;
}

#define SAKER_REQUIRE_TOOLS(...)                                                                   \
    do {                                                                                           \
        std::string missing = missing_for({__VA_ARGS__});                                          \
        SAKER_SKIP_UNLESS("the container agent test", missing);                                    \
        add_sbin_to_path(); /* ctr and the containerd shim look runc up in PATH */                 \
    } while (0)

// The rootfs the tests run: the applets they use and an /etc/hostname.
RootfsSpec test_rootfs(const std::string& hostname) {
    return {{"proc", "dev", "sys", "tmp", "etc"}, {"sh", "sleep", "cat", "ls"}, hostname};
}

// `saker run` as a child process; ready() waits 10 s, polling every 25 ms.
struct Agent : AgentProcess {
    explicit Agent(std::vector<std::string> args)
        : AgentProcess(std::move(args), "/tmp/saker-ctr-agent-test-") {}
    bool ready() { return AgentProcess::ready(10s, 25ms); }
};

// A rules file in a temp path, removed at the end.
struct RulesFile {
    std::string path;
    explicit RulesFile(const std::string& yaml) {
        path = "/tmp/saker-ctr-rules-" + std::to_string(getpid()) + "-" + random_hex(6) + ".yaml";
        write_file(path, yaml);
    }
    ~RulesFile() { std::remove(path.c_str()); }
};

// Both tests' rules files end with this diagnostic rule.
const std::string kDiagnosticRule =
    R"yaml(# Fires only when the rule above did not (rule_matching: first): shows what saker saw instead.
- rule: Any cat (diagnostic)
  desc: any exec of cat
  condition: evt.type in (execve, execveat) and proc.name = cat
  output: "cat (id=%container.id full_id=%container.full_id type=%container.type pid=%proc.pid)"
  priority: DEBUG
)yaml";

// FAILs the test with the agent's output and log attached.
void fail_without_alert(Agent& agent, const std::string& what) {
    agent.stop();
    INFO("agent stdout:\n" << agent.output() << "\nagent log:\n" << agent.log());
    FAIL(what);
}

} // namespace

TEST_CASE("saker run: an exec in a runc container in a kubelet-named cgroup fires with its "
          "container.id and type",
          "[agent][containers][root]") {
    SAKER_REQUIRE_TOOLS("runc");
    const std::string busybox = static_busybox();

    RuncContainer c("/tmp/saker-agent-runc-XXXXXX", "saker-agent-");
    REQUIRE(!c.dir.empty());
    make_busybox_rootfs(c.bundle() / "rootfs", busybox, test_rootfs("saker-runc"));

    const std::string id = random_hex(64);
    const std::string pod = random_pod_uid();
    const auto cg = kubelet_cgroup(pod, id);
    const std::string& cgroups_path = cg.cgroups_path;
    const std::string expected_type = cg.systemd ? "containerd" : "cri";
    if (!cg.systemd) c.cgroup_dirs_to_remove = cgroupfs_dirs(pod, id);
    REQUIRE(c.write_spec({"/bin/sleep", "300"}, cgroups_path) == 0);

    // The condition names this container (its id parsed from the cgroup path, so a wrong
    // parse still fails): another test's container may run cat at the same moment.
    RulesFile rules(R"yaml(- rule: Cat in a container
  desc: an exec of cat inside a container
  condition: evt.type in (execve, execveat) and container.full_id = )yaml" +
                    id + R"yaml( and proc.name = cat
  output: "cat in a container (id=%container.id full_id=%container.full_id type=%container.type name=%container.name cmdline=%proc.cmdline)"
  priority: WARNING
)yaml" + kDiagnosticRule);
    Agent agent({"-r", rules.path, "-o", "json_output=true"});
    REQUIRE(agent.ready());

    INFO("cgroupsPath: " << cgroups_path);
    Cmd run = c.run_detached(cg.systemd);
    INFO("runc run: " << run.out);
    REQUIRE(run.status == 0);
    INFO("/proc/<pid>/cgroup: " << slurp("/proc/" + slurp(c.pid_file()) + "/cgroup"));

    Cmd exec = sh(c.runc() + " exec " + c.name + " /bin/cat /etc/hostname");
    const auto exec_done = Clock::now();
    INFO("runc exec: " << exec.out);
    REQUIRE(exec.status == 0);
    CHECK(exec.out.find("saker-runc") != std::string::npos);

    auto alert = agent.wait_alert("Cat in a container", exec_done + 1s);
    const auto waited = std::chrono::duration<double>(Clock::now() - exec_done).count();
    INFO("waited " << waited << " s after runc exec returned");
    if (!alert) fail_without_alert(agent, "no alert within 1 s of the exec");
    INFO(alert->dump());
    const auto& f = (*alert)["output_fields"];
    CHECK(f["container.id"] == id.substr(0, 12));
    CHECK(f["container.full_id"] == id);
    CHECK(f["container.type"] == expected_type);
    CHECK(f["container.name"].is_null()); // runc alone: no runtime knows a name
    CHECK(f["proc.cmdline"] == "cat /etc/hostname");
    CHECK((*alert)["priority"] == "Warning");
    CHECK(agent.stop() == 0);
}

TEST_CASE("saker run: a containerd container with CRI labels fires with container.name, "
          "container.image, k8s.pod.name and k8s.ns.name",
          "[agent][containers][containerd][root]") {
    SAKER_REQUIRE_TOOLS("containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum");
#ifndef SAKER_HAVE_CONTAINERD
    SAKER_SKIP_UNLESS("the containerd agent test",
                      "saker built with the containerd client (libgrpc++-dev, "
                      "protobuf-compiler-grpc, golang-github-containerd-containerd-dev)");
#endif
    const std::string busybox = static_busybox();

    // As kubelet would run it through containerd's CRI plugin: a 64-hex id, the pod's labels,
    // and (no systemd here) the cgroupfs-driver cgroup /kubepods/<qos>/pod<uid>/<id>.
    const std::string id = random_hex(64);
    const std::string pod_uid = random_pod_uid();
    // Declared before containerd, so the dirs are removed once its container is gone.
    struct CgroupCleanup {
        std::vector<fs::path> dirs;
        ~CgroupCleanup() { remove_cgroup_dirs(dirs); }
    } cgroup_cleanup{cgroupfs_dirs(pod_uid, id)};

    PrivateContainerd cd(find_tool("containerd"), "/tmp/saker-agent-ctr-XXXXXX");
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);

    const std::string image_name = "localhost:5000/saker-agent-test/busybox";
    const std::string image = image_name + ":2.1";
    fs::path image_tar = cd.dir() / "image.tar";
    build_busybox_image(cd.dir() / "build", busybox, test_rootfs("saker-image"), image_name, "2.1",
                        nullptr, image_tar);
    Cmd imp = cd.ctr("images import '" + image_tar.string() + "'");
    INFO(imp.out);
    REQUIRE(imp.status == 0);

    const std::string pod_name = "web-" + random_hex(5);
    const std::string ns_name = "shop";
    const std::string container_name = "frontend";
    const std::string cgroup = "/kubepods/besteffort/pod" + pod_uid + "/" + id;

    // The condition names this container (its id parsed from the cgroup path, so a wrong
    // parse still fails): another test's container may run cat at the same moment.
    RulesFile rules(R"yaml(- rule: Cat in a pod
  desc: an exec of cat inside a Kubernetes pod's container
  condition: evt.type in (execve, execveat) and container.full_id = )yaml" +
                    id + R"yaml( and proc.name = cat
  output: "cat in a pod (name=%container.name image=%container.image pod=%k8s.pod.name ns=%k8s.ns.name id=%container.id type=%container.type)"
  priority: NOTICE
)yaml" + kDiagnosticRule);
    // Declared after containerd: stopped first.
    Agent agent({"-r", rules.path, "-o", "json_output=true", "-o",
                 "container_engines.containerd.sockets=" + cd.socket()});
    REQUIRE(agent.ready());
    CHECK(agent.log().find("container metadata from containerd at " + cd.socket()) !=
          std::string::npos);

    // The process execs cat after 2 s; the metadata lookup, asked when the container's first
    // process is seen, has answered by then. (`/bin/cat`, not `cat`: busybox's sh runs a bare
    // applet name as execve("/proc/self/exe"), whose comm is "exe".)
    cd.track_container(id, true);
    Cmd run = cd.ctr("run -d --null-io --cgroup " + cgroup + " --label io.kubernetes.pod.name=" +
                     pod_name + " --label io.kubernetes.pod.namespace=" + ns_name +
                     " --label io.kubernetes.pod.uid=" + pod_uid +
                     " --label io.kubernetes.container.name=" + container_name +
                     " --label io.cri-containerd.kind=container " + image + " " + id +
                     " /bin/sh -c 'sleep 2; /bin/cat /etc/hostname; sleep 300'");
    const auto started = Clock::now();
    INFO("ctr run: " << run.out);
    REQUIRE(run.status == 0);

    auto alert = agent.wait_alert("Cat in a pod", started + 6s);
    if (!alert) {
        INFO("ctr task ls: " << cd.ctr("task ls").out);
        fail_without_alert(agent, "no alert within 6 s of ctr run");
    }
    INFO(alert->dump());
    const auto& f = (*alert)["output_fields"];
    CHECK(f["container.name"] == container_name);
    CHECK(f["container.image"] == image);
    CHECK(f["k8s.pod.name"] == pod_name);
    CHECK(f["k8s.ns.name"] == ns_name);
    CHECK(f["container.id"] == id.substr(0, 12));
    CHECK(f["container.type"] == "containerd"); // the cgroupfs path said cri; containerd knows it
    const std::string out = (*alert)["output"];
    CHECK(out.find("pod=" + pod_name + " ns=" + ns_name) != std::string::npos);
    CHECK(agent.stop() == 0);
    CHECK(agent.log().find("container metadata: 1 containers tracked, 1 found") !=
          std::string::npos);
}
