// Container metadata from containerd: the pure helpers, the client's queue/cache behaviour with no
// containerd, and a real containerd (Debian package) started by the test with a private
// root/state/socket, a busybox image built locally as an OCI layout and imported with ctr.
#include "runtime/containers/containerd_client.h"

#include "support/busybox_rootfs.h"
#include "support/oci_image.h"
#include "support/private_containerd.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace saker::containers;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// --------------------------------------------------------------------------------------------
// Image references
// --------------------------------------------------------------------------------------------

TEST_CASE("split_image_reference: plain names default to latest", "[containers][image]") {
    auto r = split_image_reference("busybox");
    CHECK(r.repository == "busybox");
    CHECK(r.tag == "latest");
    CHECK(r.digest.empty());

    r = split_image_reference("docker.io/library/busybox:1.36");
    CHECK(r.repository == "docker.io/library/busybox");
    CHECK(r.tag == "1.36");
    CHECK(r.digest.empty());

    r = split_image_reference("  nginx:1.25-alpine\n");
    CHECK(r.repository == "nginx");
    CHECK(r.tag == "1.25-alpine");
}

TEST_CASE("split_image_reference: registry ports are not tags", "[containers][image]") {
    auto r = split_image_reference("localhost:5000/x");
    CHECK(r.repository == "localhost:5000/x");
    CHECK(r.tag == "latest");

    r = split_image_reference("localhost:5000/x:tag");
    CHECK(r.repository == "localhost:5000/x");
    CHECK(r.tag == "tag");

    r = split_image_reference("registry.example.com:443/team/app/api:v2.0.1");
    CHECK(r.repository == "registry.example.com:443/team/app/api");
    CHECK(r.tag == "v2.0.1");
}

TEST_CASE("split_image_reference: digests", "[containers][image]") {
    const std::string d = "sha256:" + std::string(64, 'a');
    auto r = split_image_reference("quay.io/org/app@" + d);
    CHECK(r.repository == "quay.io/org/app");
    CHECK(r.tag.empty()); // pinned by digest: no tag, not "latest"
    CHECK(r.digest == d);

    r = split_image_reference("localhost:5000/org/app:1.2@" + d);
    CHECK(r.repository == "localhost:5000/org/app");
    CHECK(r.tag == "1.2");
    CHECK(r.digest == d);

    r = split_image_reference(d); // a bare image id
    CHECK(r.repository.empty());
    CHECK(r.tag.empty());
    CHECK(r.digest == d);

    r = split_image_reference("");
    CHECK(r.repository.empty());
    CHECK(r.tag.empty());
    CHECK(r.digest.empty());
}

TEST_CASE("apply_image_reference and apply_k8s_labels", "[containers][image]") {
    ContainerMetadata m;
    m.image = "localhost:5000/saker/app:3";
    m.image_digest = "sha256:known";
    apply_image_reference(m);
    CHECK(m.image_repository == "localhost:5000/saker/app");
    CHECK(m.image_tag == "3");
    CHECK(m.image_digest == "sha256:known"); // kept: the reference carries none

    m.labels = {{"io.kubernetes.pod.name", "web-1"},
                {"io.kubernetes.pod.namespace", "shop"},
                {"io.kubernetes.pod.uid", "u-1"},
                {"io.kubernetes.container.name", "nginx"}};
    apply_k8s_labels(m);
    CHECK(m.k8s_pod_name == "web-1");
    CHECK(m.k8s_ns_name == "shop");
    CHECK(m.k8s_pod_uid == "u-1");
    CHECK(m.k8s_container_name == "nginx");
    CHECK(m.is_k8s());
    CHECK(container_name_from_labels(m.labels, "abc") == "nginx");
    CHECK(container_name_from_labels({{"nerdctl/name", "n1"}}, "abc") == "n1");
    CHECK(container_name_from_labels({}, "abc") == "abc");

    auto pod = pod_labels_from_sandbox({{"app", "web"},
                                        {"io.kubernetes.pod.name", "web-1"},
                                        {"io.cri-containerd.kind", "sandbox"},
                                        {"io.containerd.image.config.stop-signal", "SIGTERM"}});
    CHECK(pod == std::map<std::string, std::string>{{"app", "web"}});
}

TEST_CASE("privileged_from_oci_spec", "[containers][privileged]") {
    const char* unprivileged = R"({"ociVersion":"1.0.2","process":{"capabilities":{
        "bounding":["CAP_CHOWN","CAP_KILL"]}},"linux":{"maskedPaths":["/proc/kcore"],
        "readonlyPaths":["/proc/sys"]}})";
    const char* cap_add = R"({"process":{"capabilities":{"bounding":["CAP_SYS_ADMIN"]}},
        "linux":{"maskedPaths":["/proc/kcore"]}})";
    const char* privileged = R"({"process":{"capabilities":{"bounding":["CAP_CHOWN",
        "CAP_SYS_ADMIN"]}},"linux":{"namespaces":[]}})";
    CHECK(privileged_from_oci_spec(unprivileged) == false);
    CHECK(privileged_from_oci_spec(cap_add) == false);
    CHECK(privileged_from_oci_spec(privileged) == true);
    CHECK_FALSE(privileged_from_oci_spec("not json").has_value());
    CHECK_FALSE(privileged_from_oci_spec("{}").has_value());
}

TEST_CASE("image_from_cri_metadata", "[containers][image]") {
    CHECK(image_from_cri_metadata(R"({"Version":"v1","Metadata":{"ID":"x","Config":{
        "metadata":{"name":"nginx"},"image":{"image":"sha256:abc",
        "user_specified_image":"nginx:1.25"}}}})") == "nginx:1.25");
    CHECK(image_from_cri_metadata(
              R"({"Metadata":{"Config":{"image":{"image":"docker.io/library/nginx:1.25"}}}})") ==
          "docker.io/library/nginx:1.25");
    CHECK(image_from_cri_metadata(R"({"Metadata":{"Config":{}}})").empty());
    CHECK(image_from_cri_metadata("garbage").empty());
}

// --------------------------------------------------------------------------------------------
// Client behaviour with no containerd at all
// --------------------------------------------------------------------------------------------

TEST_CASE("ContainerdClient: bounded queue, dedupe, never blocks without containerd",
          "[containers][client]") {
    ContainerdClientOptions o;
    o.socket_path = "/nonexistent/saker/containerd.sock";
    o.queue_capacity = 2;
    o.rpc_timeout = 200ms;
    o.negative_retry = 60s;
    ContainerdClient client(o);

    // Not started: requests queue up to the cap, duplicates are not queued twice.
    CHECK(client.request("aaaa"));
    CHECK(client.request("aaaa"));
    CHECK(client.request("bbbb"));
    CHECK_FALSE(client.request("cccc"));
    auto s = client.stats();
    CHECK(s.requests == 2);
    CHECK(s.dropped == 1);
    CHECK(s.queue_size == 2);
    CHECK_FALSE(client.lookup("aaaa").has_value());

    client.start();
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(client.wait_for("aaaa", 3s).has_value());
    CHECK_FALSE(client.wait_for("bbbb", 3s).has_value());
    CHECK(std::chrono::steady_clock::now() - t0 < 3s);
    s = client.stats();
    CHECK(s.found == 0);
    CHECK(s.rpc_errors >= 1);
    CHECK(s.cache_size == 2); // negative entries

    // Negative and not yet due: no new lookup.
    CHECK(client.request("aaaa"));
    CHECK(client.stats().requests == 2);
    client.forget("aaaa");
    CHECK(client.request("aaaa"));
    CHECK(client.stats().requests == 3);

    t0 = std::chrono::steady_clock::now();
    client.stop();
    CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    CHECK(client.request("dddd")); // after stop: accepted, ignored
    CHECK_FALSE(client.lookup("dddd").has_value());
}

TEST_CASE("ContainerdClient: cache is bounded", "[containers][client]") {
    ContainerdClientOptions o;
    o.socket_path = "/nonexistent/saker/containerd.sock";
    o.cache_capacity = 2;
    o.negative_retry = 60s;
    ContainerdClient client(o);
    client.start();
    for (const char* id : {"c1", "c2", "c3"}) {
        client.request(id);
        client.wait_for(id, 3s);
    }
    auto s = client.stats();
    CHECK(s.cache_size == 2);
    CHECK(s.evictions == 1);
    CHECK(client.request("c1")); // evicted: asked again
    CHECK(client.stats().requests == 4);
}

TEST_CASE("ContainerdClient: a socket that never answers hits the RPC deadline",
          "[containers][client]") {
    char tmpl[] = "/tmp/saker-ctr-mute-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    std::string path = std::string(tmpl) + "/mute.sock";
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(fd, 16) == 0); // accepts connections (backlog), never speaks HTTP/2

    ContainerdClientOptions o;
    o.socket_path = path;
    o.rpc_timeout = 150ms;
    {
        ContainerdClient client(o);
        client.start();
        auto t0 = std::chrono::steady_clock::now();
        client.request("mute");
        CHECK_FALSE(client.wait_for("mute", 5s).has_value());
        auto took = std::chrono::steady_clock::now() - t0;
        CHECK(took < 2s); // at most one deadline per namespace tried
        CHECK(client.stats().rpc_errors >= 1);
        // A stop() during an RPC cancels it instead of waiting out the deadline.
        o.rpc_timeout = 10s;
    }
    // The first client's connections leave the queue, so a pending one below is the second's.
    for (pollfd p{fd, POLLIN, 0}; poll(&p, 1, 0) == 1;)
        close(accept(fd, nullptr, nullptr));
    {
        ContainerdClient client(o);
        client.start();
        client.request("mute2");
        // The RPC is under way: the worker took the lookup and its channel connected (the
        // connection waits on the silent socket, which no one accepts).
        REQUIRE(saker::test::wait_until([&] {
            pollfd p{fd, POLLIN, 0};
            return client.stats().queue_size == 0 && poll(&p, 1, 0) == 1;
        }));
        auto t0 = std::chrono::steady_clock::now();
        client.stop();
        CHECK(std::chrono::steady_clock::now() - t0 < 2s);
    }
    close(fd);
    std::error_code ec;
    fs::remove_all(tmpl, ec);
}

// --------------------------------------------------------------------------------------------
// A real containerd
// --------------------------------------------------------------------------------------------

using saker::test::Cmd;
using saker::test::find_tool;

TEST_CASE("ContainerdClient against a real containerd: names, image, k8s labels",
          "[containers][containerd][root]") {
    std::string missing;
    std::string containerd = find_tool("containerd");
    if (geteuid() != 0) missing += "not root; ";
    for (const char* tool :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"}) {
        if (find_tool(tool).empty()) missing += std::string(tool) + " missing; ";
    }
    const std::string busybox = saker::test::static_busybox();
    if (busybox.empty()) missing += "static busybox missing (busybox-static); ";
    SAKER_SKIP_UNLESS("the containerd test", missing);
    saker::test::add_sbin_to_path(); // ctr and the shim look runc up in PATH

    saker::test::PrivateContainerd cd(containerd, "/tmp/saker-ctr-XXXXXX");
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);

    // The image: localhost:5000/... exercises the registry-port split end to end.
    const std::string image_name = "localhost:5000/saker-test/busybox";
    const std::string image = image_name + ":1.0";
    fs::path image_tar = cd.dir() / "image.tar";
    std::string manifest_digest = saker::test::build_busybox_image(
        cd.dir() / "build", busybox, {{"tmp"}, {"sh", "sleep", "cat", "ls"}, ""}, image_name, "1.0",
        {{"org.saker.test", "yes"}}, image_tar);
    Cmd imp = cd.ctr("images import '" + image_tar.string() + "'");
    INFO(imp.out);
    REQUIRE(imp.status == 0);
    REQUIRE(cd.ctr("images ls -q").out.find(image) != std::string::npos);

    const std::string suffix = std::to_string(getpid());
    const std::string sandbox_id = "saker-sandbox-" + suffix;
    const std::string app_id = "saker-app-" + suffix;
    const std::string priv_id = "saker-priv-" + suffix;
    const std::string pod_uid = "3f0c6a2e-7b1d-4c55-9a0e-1c2d3e4f5a6b";

    // A pod sandbox record as containerd's CRI plugin would label it (no task needed).
    cd.track_container(sandbox_id, false);
    Cmd sb = cd.ctr("containers create --label io.cri-containerd.kind=sandbox --label app=web "
                    "--label tier=frontend --label io.kubernetes.pod.name=web-7d4 "
                    "--label io.kubernetes.pod.namespace=shop --label io.kubernetes.pod.uid=" +
                    pod_uid + " " + image + " " + sandbox_id);
    INFO(sb.out);
    REQUIRE(sb.status == 0);

    // The app container, running under runc, in a one-level cgroup (the default /k8s.io/<id>
    // would leave k8s.io cgroup dirs behind).
    cd.track_container(app_id, true);
    Cmd run = cd.ctr(
        "run -d --null-io --cgroup /" + app_id +
        " --label io.kubernetes.pod.name=web-7d4 "
        "--label io.kubernetes.pod.namespace=shop --label io.kubernetes.pod.uid=" +
        pod_uid +
        " --label io.kubernetes.container.name=nginx --label io.cri-containerd.kind=container "
        "--annotation io.kubernetes.cri.sandbox-id=" +
        sandbox_id + " " + image + " " + app_id + " /bin/sleep 300");
    INFO(run.out);
    REQUIRE(run.status == 0);
    {
        Cmd ls = cd.ctr("task ls");
        INFO(ls.out);
        CHECK(ls.out.find(app_id) != std::string::npos);
        CHECK(ls.out.find("RUNNING") != std::string::npos);
    }

    cd.track_container(priv_id, false);
    // A privileged container record (spec only, no task), carrying CRI's image-name annotation,
    // which wins over the record's image field.
    Cmd pc = cd.ctr("containers create --privileged "
                    "--annotation io.kubernetes.cri.image-name=docker.io/library/nginx:1.25 " +
                    image + " " + priv_id);
    INFO(pc.out);
    REQUIRE(pc.status == 0);

    std::vector<std::string> updates;
    std::mutex updates_mu;
    ContainerdClientOptions o;
    o.socket_path = cd.socket();
    o.namespaces = {"default"}; // k8s.io is appended: exercises the namespace fallback
    o.on_update = [&](const ContainerMetadata& m) {
        std::lock_guard lock(updates_mu);
        updates.push_back(m.id);
    };
    ContainerdClient client(o);
    client.start();

    CHECK_FALSE(client.lookup(app_id).has_value()); // nothing asked yet
    auto t0 = std::chrono::steady_clock::now();
    REQUIRE(client.request(app_id));
    CHECK(std::chrono::steady_clock::now() - t0 < 50ms); // request() never waits on containerd
    auto md = client.wait_for(app_id, 5s);
    INFO("stats: found=" << client.stats().found << " errors=" << client.stats().rpc_errors);
    REQUIRE(md.has_value());
    CHECK(md->id == app_id);
    CHECK(md->ns == "k8s.io");
    CHECK(md->name == "nginx");
    CHECK(md->image == image);
    CHECK(md->image_repository == image_name);
    CHECK(md->image_tag == "1.0");
    CHECK(md->image_digest == manifest_digest);
    CHECK(md->privileged == false);
    CHECK(md->k8s_pod_name == "web-7d4");
    CHECK(md->k8s_ns_name == "shop");
    CHECK(md->k8s_pod_uid == pod_uid);
    CHECK(md->k8s_container_name == "nginx");
    CHECK(md->k8s_sandbox_id == sandbox_id);
    REQUIRE(md->k8s_pod_labels.has_value());
    // The sandbox's own labels plus its image's config label (containerd merges those in).
    CHECK(*md->k8s_pod_labels == std::map<std::string, std::string>{{"app", "web"},
                                                                    {"tier", "frontend"},
                                                                    {"org.saker.test", "yes"}});
    CHECK(md->labels.at("org.saker.test") == "yes"); // image config labels reach container.labels
    CHECK(md->labels.at("io.kubernetes.pod.name") == "web-7d4");
    CHECK(md->is_k8s());

    // Cached: lookup answers at once, a repeat request does not ask again.
    CHECK(client.lookup(app_id).has_value());
    auto before = client.stats().requests;
    CHECK(client.request(app_id));
    CHECK(client.stats().requests == before);

    auto pm = client.wait_for((client.request(priv_id), priv_id), 5s);
    REQUIRE(pm.has_value());
    CHECK(pm->privileged == true);
    CHECK(pm->name == priv_id); // no CRI / nerdctl name label: the id
    CHECK(pm->image == "docker.io/library/nginx:1.25");
    CHECK(pm->image_repository == "docker.io/library/nginx");
    CHECK(pm->image_tag == "1.25");
    CHECK(pm->image_digest == manifest_digest); // looked up under the record's own image name
    CHECK_FALSE(pm->is_k8s());
    CHECK_FALSE(pm->k8s_pod_labels.has_value());

    // An id containerd does not know: negative, counted, no metadata.
    const std::string ghost = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    client.request(ghost);
    CHECK_FALSE(client.wait_for(ghost, 5s).has_value());
    auto st = client.stats();
    CHECK(st.not_found >= 1);
    CHECK(st.rpc_errors == 0);
    CHECK(st.dropped == 0);
    {
        std::lock_guard lock(updates_mu);
        CHECK(std::find(updates.begin(), updates.end(), app_id) != updates.end());
    }
    client.stop();
}
