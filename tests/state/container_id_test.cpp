#include "runtime/state/container_id.h"
#include "support/busybox_rootfs.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/runc_container.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using saker::state::container_from_cgroup_path;
using saker::state::container_from_proc_cgroup;
using saker::state::container_type_name;
using saker::state::ContainerType;
using saker::state::pod_uid_from_cgroup_path;
namespace fs = std::filesystem;

namespace {

const std::string ID = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const std::string ID2 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const std::string POD = "0f1e2d3c-4b5a-4978-8796-a5b4c3d2e1f0";
const std::string POD_US = "0f1e2d3c_4b5a_4978_8796_a5b4c3d2e1f0"; // systemd driver spelling
const std::string STATIC_POD = "6d6a6fbbbe8e8d6a3c5e4b3a2a1f0e9d"; // kubelet's md5 form

struct Row {
    std::string path;
    std::string id; // "" = host
    ContainerType type;
    std::string pod_uid;
};

std::string upper(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

const std::string KUBE_SD =
    "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD_US + ".slice/";
const std::string KUBE_SD_BE =
    "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + POD_US + ".slice/";

std::vector<Row> layout_table() {
    using T = ContainerType;
    return {
        // docker
        {"/docker/" + ID, ID, T::Docker, ""},
        {"/docker/" + ID + "/", ID, T::Docker, ""},
        {"/system.slice/docker-" + ID + ".scope", ID, T::Docker, ""},
        {"/user.slice/user-1000.slice/user@1000.service/user.slice/docker-" + ID + ".scope", ID,
         T::Docker, ""},
        {"/docker/" + ID + "/init.scope", ID, T::Docker, ""},    // systemd inside it
        {"/docker/" + ID2 + "/docker/" + ID, ID, T::Docker, ""}, // docker in docker
        // kubelet, cgroupfs driver: the path does not name the CRI runtime
        {"/kubepods/besteffort/pod" + POD + "/" + ID, ID, T::Cri, POD},
        {"/kubepods/burstable/pod" + POD + "/" + ID, ID, T::Cri, POD},
        {"/kubepods/pod" + POD + "/" + ID, ID, T::Cri, POD}, // guaranteed QoS
        {"/kubepods/besteffort/pod" + STATIC_POD + "/" + ID, ID, T::Cri, STATIC_POD},
        {"/kubepods/besteffort/pod" + POD + "/crio-" + ID, ID, T::Crio, POD},
        // kubelet, systemd driver
        {KUBE_SD + "cri-containerd-" + ID + ".scope", ID, T::Containerd, POD},
        {KUBE_SD_BE + "crio-" + ID + ".scope", ID, T::Crio, POD},
        {KUBE_SD + "docker-" + ID + ".scope", ID, T::Docker, POD}, // cri-dockerd
        {"/kubepods.slice/kubepods-pod" + POD_US + ".slice/cri-containerd-" + ID + ".scope", ID,
         T::Containerd, POD},
        {"/kubepods-besteffort-pod" + POD_US + ".slice:cri-containerd:" + ID, ID, T::Containerd,
         POD},
        // plain containerd namespaces
        {"/default/" + ID, ID, T::Containerd, ""},
        {"/k8s.io/" + ID, ID, T::Containerd, ""},
        // podman
        {"/machine.slice/libpod-" + ID + ".scope", ID, T::Podman, ""},
        {"/machine.slice/libpod-" + ID + ".scope/container", ID, T::Podman, ""},
        {"/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + ID + ".scope", ID,
         T::Podman, ""},
        {"/libpod_parent/libpod-" + ID, ID, T::Podman, ""},
        // cri-o outside kubelet
        {"/system.slice/crio-" + ID + ".scope", ID, T::Crio, ""},
        {"/crio/" + ID, ID, T::Crio, ""},
        // a bare id at the top names no runtime at all
        {"/" + ID, ID, T::Unknown, ""},
        // host
        {"/user.slice/user-0.slice/session-1.scope", "", T::Host, ""},
        {"/init.scope", "", T::Host, ""},
        {"/", "", T::Host, ""},
        {"", "", T::Host, ""},
        {"/system.slice/docker.service", "", T::Host, ""},
        {"/system.slice/containerd.service", "", T::Host, ""},
        {"/process_api/1785a06bbf8ed3d514d09e2d8acd566d", "", T::Host, ""}, // 32 hex: not an id
        {KUBE_SD, "", T::Host, POD}, // the pod's own slice: no container yet
        // near misses
        {"/docker/" + ID.substr(1), "", T::Host, ""}, // 63 hex
        {"/docker/" + ID + "a", "", T::Host, ""},     // 65 hex
        {"/docker/" + upper(ID), "", T::Host, ""},    // uppercase
        {"/system.slice/docker-" + upper(ID) + ".scope", "", T::Host, ""},
        {"/machine.slice/libpod-conmon-" + ID + ".scope", "", T::Host, ""},
        {"/system.slice/var-lib-docker-overlay2-" + ID + "-merged.mount", "", T::Host, ""},
        {"/system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-" + ID +
             "-rootfs.mount",
         "", T::Host, ""},
        {"/system.slice/docker-" + ID + ".mount", "", T::Host, ""},
        {"/kubepods/besteffort/podnot-a-uid/" + ID.substr(2), "", T::Host, ""},
    };
}

} // namespace

TEST_CASE("container_type_name uses Falco's container.type strings") {
    CHECK(container_type_name(ContainerType::Host) == "host");
    CHECK(container_type_name(ContainerType::Docker) == "docker");
    CHECK(container_type_name(ContainerType::Containerd) == "containerd");
    CHECK(container_type_name(ContainerType::Cri) == "cri");
    CHECK(container_type_name(ContainerType::Crio) == "cri-o");
    CHECK(container_type_name(ContainerType::Podman) == "podman");
    CHECK(container_type_name(ContainerType::Unknown) == "unknown");
}

TEST_CASE("container_from_cgroup_path recognises every runtime layout") {
    const auto rows = layout_table();
    REQUIRE(rows.size() >= 25);
    for (const auto& row : rows) {
        INFO("path: " << row.path);
        const auto ref = container_from_cgroup_path(row.path);
        CHECK(ref.id == row.id);
        CHECK(ref.short_id == row.id.substr(0, std::min<std::size_t>(12, row.id.size())));
        CHECK(container_type_name(ref.type) == container_type_name(row.type));
        CHECK(pod_uid_from_cgroup_path(row.path) == row.pod_uid);
    }
}

TEST_CASE("pod uid needs a kubepods ancestor and a well-formed uid") {
    CHECK(pod_uid_from_cgroup_path("/pod" + POD + "/" + ID).empty());
    CHECK(pod_uid_from_cgroup_path("/kubepods/besteffort/pod" + upper(POD) + "/" + ID).empty());
    CHECK(pod_uid_from_cgroup_path("/kubepods/besteffort/pod" + POD + "x/" + ID).empty());
    CHECK(pod_uid_from_cgroup_path("/kubepods.slice/kubepods-besteffort.slice").empty());
}

TEST_CASE("container_from_proc_cgroup reads cgroup v1 text") {
    std::string text;
    int n = 12;
    for (const char* c : {"pids", "memory", "cpu,cpuacct", "devices", "name=systemd"})
        text += std::to_string(n--) + ":" + c + ":/docker/" + ID + "\n";
    const auto ref = container_from_proc_cgroup(text);
    CHECK(ref.id == ID);
    CHECK(ref.short_id == ID.substr(0, 12));
    CHECK(ref.type == ContainerType::Docker);
}

TEST_CASE("container_from_proc_cgroup reads cgroup v2 text") {
    CHECK(container_from_proc_cgroup("0::" + KUBE_SD + "cri-containerd-" + ID + ".scope\n").type ==
          ContainerType::Containerd);
    // No trailing newline, and a path that itself contains ':'.
    const auto ref = container_from_proc_cgroup("0::/kubepods-besteffort-pod" + POD_US +
                                                ".slice:cri-containerd:" + ID);
    CHECK(ref.id == ID);
    CHECK(ref.type == ContainerType::Containerd);
    CHECK(container_from_proc_cgroup("0::/init.scope\n").is_host());
}

TEST_CASE("container_from_proc_cgroup reads hybrid text, first container line wins") {
    // Only the memory hierarchy and the unified line carry the container (partial moves happen
    // when a runtime joins only some controllers).
    const std::string hybrid = "9:name=systemd:/\n"
                               "8:pids:/\n"
                               "4:memory:/kubepods/besteffort/pod" +
                               POD + "/" + ID +
                               "\n"
                               "1:cpu:/\n"
                               "0::/system.slice/docker-" +
                               ID2 + ".scope\n";
    const auto ref = container_from_proc_cgroup(hybrid);
    CHECK(ref.id == ID);
    CHECK(ref.type == ContainerType::Cri);

    const std::string host = "9:name=systemd:/\n4:memory:/process_api/"
                             "1785a06bbf8ed3d514d09e2d8acd566d\n0::/\n";
    CHECK(container_from_proc_cgroup(host).is_host());
}

TEST_CASE("container_from_proc_cgroup ignores malformed lines") {
    const std::string text = "garbage\n1:cpu\n\n::\n0::/crio/" + ID + "\n";
    CHECK(container_from_proc_cgroup(text).type == ContainerType::Crio);
    CHECK(container_from_proc_cgroup("").is_host());
    CHECK(container_from_proc_cgroup("\n\n\n").is_host());
}

TEST_CASE("this test process runs on the host") {
    std::ifstream in("/proc/self/cgroup");
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    INFO(text.str());
    const auto ref = container_from_proc_cgroup(text.str());
    CHECK(ref.is_host());
    CHECK(container_type_name(ref.type) == "host");
}

// ---- a real container: runc + busybox-static ------------------------------------------------

namespace {

bool have_runc() {
    return std::system("command -v runc >/dev/null 2>&1") == 0;
}

} // namespace

TEST_CASE("a runc container in a kubelet-named cgroup is identified from /proc/<pid>/cgroup") {
    std::string missing;
    if (::geteuid() != 0) missing += "root; ";
    if (!have_runc()) missing += "runc (Debian: runc); ";
    if (!fs::exists("/bin/busybox")) missing += "/bin/busybox (Debian: busybox-static); ";
    SAKER_SKIP_UNLESS("the real container test", missing);

    saker::test::RuncContainer c("/tmp/saker-runc-XXXXXX", "saker-test-");
    REQUIRE(!c.dir.empty());
    saker::test::make_busybox_rootfs(c.bundle() / "rootfs", "/bin/busybox",
                                     {{"proc", "dev", "sys", "tmp"}, {}, ""});

    const std::string id = saker::test::random_hex(64);
    const std::string pod = saker::test::random_pod_uid();
    // kubelet + containerd name the cgroup `<pod slice>:cri-containerd:<id>` for the systemd
    // driver; without systemd as init (as in this sandbox) kubelet uses the cgroupfs form.
    const auto cg = saker::test::kubelet_cgroup(pod, id);
    const std::string& cgroups_path = cg.cgroups_path;
    const auto expected_type = cg.systemd ? ContainerType::Containerd : ContainerType::Cri;
    if (!cg.systemd) c.cgroup_dirs_to_remove = saker::test::cgroupfs_dirs(pod, id);
    REQUIRE(c.write_spec({"/bin/busybox", "sleep", "300"}, cgroups_path) == 0);

    INFO("cgroupsPath: " << cgroups_path);
    const auto run = c.run_detached(cg.systemd);
    INFO("runc stderr: " << run.out);
    REQUIRE(run.status == 0);

    const std::string pid = saker::test::slurp(c.pid_file());
    REQUIRE(!pid.empty());
    const std::string cgroup = saker::test::slurp("/proc/" + pid + "/cgroup");
    INFO("/proc/" << pid << "/cgroup:\n" << cgroup);
    const auto ref = container_from_proc_cgroup(cgroup);
    CHECK(ref.id == id);
    CHECK(ref.short_id == id.substr(0, 12));
    CHECK(container_type_name(ref.type) == container_type_name(expected_type));
    const auto first_path = cgroup.substr(cgroup.find(':', cgroup.find(':') + 1) + 1);
    CHECK(pod_uid_from_cgroup_path(first_path.substr(0, first_path.find('\n'))) == pod);
}
