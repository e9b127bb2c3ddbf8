// Container metadata through the Kubernetes CRI runtime service: the verbose-info parser, and a
// real containerd (Debian package) with its CRI plugin, started by the test with a private
// root/state/socket. The test drives CRI itself as the kubelet would: one pod sandbox on the host
// network (no CNI), a privileged container with /proc mounted read-only and an unprivileged one
// with a read-write data mount, both from a busybox image built locally (no registry; the same
// image serves as the sandbox image). The metadata client must then report every field as the
// pod spec set it: privileged from the security context, mounts in Falco's format, start time,
// image, pod name / namespace / uid / labels, host network.
#include "runtime/containers/containerd_client.h"
#include "runtime/containers/cri_client.h"
#include "runtime/containers/metadata_client.h"

#include "support/busybox_rootfs.h"
#include "support/cri_pods.h"
#include "support/oci_image.h"
#include "support/private_containerd.h"
#include "support/process_runner.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace saker::containers;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

TEST_CASE("CRI verbose info: privileged from the security context, sandbox id, image name",
          "[containers][cri]") {
    // containerd's CRI plugin: the CRI config it was given, false booleans omitted.
    auto c = parse_cri_verbose_info(
        R"({"sandboxID":"abc","pid":42,"config":{"metadata":{"name":"app"},)"
        R"("image":{"image":"sha256:0123"},"linux":{"security_context":{"privileged":true}}},)"
        R"("runtimeSpec":{"annotations":{"io.kubernetes.cri.image-name":"docker.io/x:1"}}})");
    CHECK(c.privileged == true);
    CHECK(c.sandbox_id == "abc");
    CHECK(c.image_annotation == "docker.io/x:1");
    CHECK(c.image_id == "0123");
    CHECK(parse_cri_verbose_info(R"({"config":{"linux":{"security_context":{}}}})").privileged ==
          false);
    // CRI-O says it at the top level.
    auto o = parse_cri_verbose_info(
        R"({"privileged":true,"sandboxID":"s1","runtimeSpec":{"annotations":)"
        R"({"io.kubernetes.cri-o.Image":"quay.io/y:2"}}})");
    CHECK(o.privileged == true);
    CHECK(o.sandbox_id == "s1");
    CHECK(o.image_annotation == "quay.io/y:2");
    CHECK_FALSE(parse_cri_verbose_info("not json").privileged.has_value());
    CHECK(cri_propagation_name(0) == "private");
    CHECK(cri_propagation_name(1) == "rslave");
    CHECK(cri_propagation_name(2) == "rshared");
    CHECK(Mount{"/proc", "/host/proc", "", false, "private"}.to_string() ==
          "/proc:/host/proc::false:private");
}

using saker::test::Cmd;
using saker::test::find_tool;

TEST_CASE("CRI client against containerd's CRI plugin: privileged and unprivileged pods",
          "[containers][cri][root]") {
    std::string missing;
    std::string containerd = find_tool("containerd");
    if (geteuid() != 0) missing += "not root; ";
    for (const char* tool :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"})
        if (find_tool(tool).empty()) missing += std::string(tool) + " missing; ";
    const std::string busybox = saker::test::static_busybox();
    if (busybox.empty()) missing += "static busybox missing (busybox-static); ";
    SAKER_SKIP_UNLESS("the CRI test", missing);
    saker::test::add_sbin_to_path();

    const std::string image_name = "localhost:5000/saker-test/busybox";
    const std::string image = image_name + ":1.0";
    saker::test::PrivateContainerd cd(containerd, "/tmp/saker-cri-XXXXXX", image);
    fs::path image_tar = cd.dir() / "image.tar";
    saker::test::build_busybox_image(cd.dir() / "build", busybox,
                                     {{"tmp", "data"}, {"sh", "sleep", "mount"}, ""}, image_name,
                                     "1.0", nullptr, image_tar);
    // The image id (its config's digest): the kubelet creates containers by image id.
    Cmd cfg_sum =
        saker::test::sh("sha256sum '" + (cd.dir() / "build" / "config.json").string() + "'");
    REQUIRE(cfg_sum.status == 0);
    const std::string image_id = cfg_sum.out.substr(0, 64);
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);
    Cmd imp = cd.ctr("images import '" + image_tar.string() + "'");
    INFO(imp.out);
    REQUIRE(imp.status == 0);

    const std::string data_path = (cd.dir() / "data").string();
    fs::create_directories(data_path);

    saker::test::CriPods k(cd.socket(), (cd.dir() / "containerd.log").string());
    const std::string pod_uid = "8a1f3c2e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
    const std::string pod_id =
        k.run_pod("web-7d4", "shop", pod_uid, {{"app", "web"}, {"tier", "frontend"}});
    auto spec = [&](const std::string& name, bool privileged, const std::string& host_path,
                    const std::string& container_path, bool readonly) {
        saker::test::CriContainerSpec c;
        c.name = name;
        c.image_id = "sha256:" + image_id;
        c.image = image;
        c.privileged = privileged;
        c.mounts = {{host_path, container_path, readonly}};
        c.labels = {{"role", name}};
        return c;
    };
    const uint64_t t0 = static_cast<uint64_t>(std::time(nullptr) - 1) * 1000000000ull;
    const std::string priv_id = k.start(pod_id, spec("priv", true, "/proc", "/host/proc", true));
    const std::string plain_id = k.start(pod_id, spec("plain", false, data_path, "/data", false));
    const uint64_t t1 = static_cast<uint64_t>(std::time(nullptr) + 1) * 1000000000ull;

    // The agent's chain on this host: CRI first, then containerd's own API.
    std::vector<std::unique_ptr<MetadataBackend>> backends;
    backends.push_back(make_cri_backend({cd.socket(), 2000ms}));
    ContainerdClientOptions co;
    co.socket_path = cd.socket();
    backends.push_back(make_containerd_backend(co));
    MetadataClient client(std::move(backends));
    client.start();

    client.request(priv_id);
    auto p = client.wait_for(priv_id, 10s);
    INFO("stats: found=" << client.stats().found << " errors=" << client.stats().rpc_errors);
    REQUIRE(p.has_value());
    CHECK(p->runtime == "containerd"); // CRI's Version names the runtime
    CHECK(p->name == "priv");
    CHECK(p->privileged == true);
    REQUIRE(p->mounts.size() >= 1);
    CHECK(p->mounts[0].to_string() == "/proc:/host/proc::false:private");
    CHECK(p->image == image);
    CHECK(p->image_repository == image_name);
    CHECK(p->image_tag == "1.0");
    CHECK(p->image_id == image_id);
    CHECK(p->image_digest.starts_with("sha256:")); // image_ref (no registry digest: the id)
    CHECK(p->start_ns >= t0);
    CHECK(p->start_ns <= t1);
    CHECK(p->k8s_pod_name == "web-7d4");
    CHECK(p->k8s_ns_name == "shop");
    CHECK(p->k8s_pod_uid == pod_uid);
    CHECK(p->k8s_sandbox_id == pod_id);
    REQUIRE(p->k8s_pod_labels.has_value());
    CHECK(p->k8s_pod_labels->at("app") == "web");
    CHECK(p->k8s_pod_labels->at("tier") == "frontend");
    CHECK(p->labels.at("role") == "priv");
    CHECK(p->host_network == true);
    CHECK(p->host_pid == false);

    client.request(plain_id);
    auto u = client.wait_for(plain_id, 10s);
    REQUIRE(u.has_value());
    CHECK(u->name == "plain");
    CHECK(u->privileged == false);
    REQUIRE(u->mounts.size() >= 1);
    CHECK(u->mounts[0].to_string() == data_path + ":/data::true:private");
    CHECK(u->k8s_pod_name == "web-7d4");
    CHECK(u->start_ns >= t0);

    // The sandbox's own id (its pause process) answers with the pod.
    client.request(pod_id);
    auto s = client.wait_for(pod_id, 10s);
    REQUIRE(s.has_value());
    CHECK(s->k8s_pod_name == "web-7d4");
    CHECK(s->k8s_ns_name == "shop");
    client.stop();
}
