// Container metadata from containerd: the pure helpers, the client's queue/cache behaviour with no
// containerd, and a real containerd (Debian package) started by the test with a private
// root/state/socket, a busybox image built locally as an OCI layout and imported with ctr.
#include "runtime/containers/containerd_client.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <spawn.h>
#include <sstream>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

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
    {
        ContainerdClient client(o);
        client.start();
        client.request("mute2");
        std::this_thread::sleep_for(100ms);
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

namespace {

struct Cmd {
    int status = -1;
    std::string out;
};

Cmd sh(const std::string& cmd) {
    Cmd r;
    std::string full = cmd + " 2>&1";
    FILE* p = popen(full.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string find_tool(const std::string& name) {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) continue;
        std::string p = dir + "/" + name;
        if (access(p.c_str(), X_OK) == 0) return p;
    }
    return {};
}

bool required() {
    const char* v = std::getenv("SAKER_REQUIRE_BPF");
    return v && std::strcmp(v, "1") == 0;
}

std::string write_file(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

// True for an ELF executable without a PT_INTERP segment (statically linked).
bool is_static_elf(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    Elf64_Ehdr eh{};
    if (!f.read(reinterpret_cast<char*>(&eh), sizeof(eh))) return false;
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
        return false;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        f.seekg(static_cast<std::streamoff>(eh.e_phoff + i * eh.e_phentsize));
        if (!f.read(reinterpret_cast<char*>(&ph), sizeof(ph))) return false;
        if (ph.p_type == PT_INTERP) return false;
    }
    return true;
}

struct Blob {
    std::string digest; // sha256:<hex>
    std::uintmax_t size = 0;
};

// Moves `file` into the OCI layout's blob store under its digest.
Blob store_blob(const fs::path& layout, const fs::path& file) {
    Cmd c = sh("sha256sum '" + file.string() + "'");
    REQUIRE(c.status == 0);
    std::string hex = c.out.substr(0, 64);
    Blob b{"sha256:" + hex, fs::file_size(file)};
    fs::create_directories(layout / "blobs" / "sha256");
    fs::copy_file(file, layout / "blobs" / "sha256" / hex, fs::copy_options::overwrite_existing);
    return b;
}

std::string oci_arch() {
    utsname u{};
    uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64") return "arm64";
    return m;
}

// containerd with its own config, root, state and sockets under a temp dir; everything it made
// is torn down in the destructor whatever happened.
class PrivateContainerd {
  public:
    explicit PrivateContainerd(std::string containerd) : bin_(std::move(containerd)) {
        // The runc shim keeps its sockets and runc state under /run/containerd whatever the
        // config says; remember what existed so teardown removes only (empty) dirs we caused.
        for (const char* p : {"/run/containerd/runc/k8s.io", "/run/containerd/runc",
                              "/run/containerd/s", "/run/containerd"}) {
            if (!fs::exists(p)) created_run_dirs_.emplace_back(p);
        }
        char tmpl[] = "/tmp/saker-ctr-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir_ = tmpl;
        sock_ = (dir_ / "containerd.sock").string();
        std::string d = dir_.string();
        write_file(dir_ / "config.toml",
                   "version = 2\n"
                   "root = \"" +
                       d +
                       "/root\"\n"
                       "state = \"" +
                       d +
                       "/state\"\n"
                       "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                       "[grpc]\n  address = \"" +
                       sock_ +
                       "\"\n"
                       "[ttrpc]\n  address = \"" +
                       sock_ +
                       ".ttrpc\"\n"
                       "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" +
                       d + "/opt\"\n");
    }

    ~PrivateContainerd() { teardown(); }

    bool start(std::string& why) {
        std::string log = (dir_ / "containerd.log").string();
        std::string cfg = (dir_ / "config.toml").string();
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        std::vector<std::string> args = {bin_, "--config", cfg, "--log-level", "info"};
        std::vector<char*> argv;
        for (auto& a : args)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        int rc = posix_spawn(&pid_, bin_.c_str(), &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
            pid_ = -1;
            why = std::string("posix_spawn containerd: ") + std::strerror(rc);
            return false;
        }
        auto deadline = std::chrono::steady_clock::now() + 15s;
        while (std::chrono::steady_clock::now() < deadline) {
            int st;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                why = "containerd exited: " + sh("tail -20 '" + log + "'").out;
                return false;
            }
            if (fs::exists(sock_) && ctr("version").status == 0) return true;
            std::this_thread::sleep_for(50ms);
        }
        why = "containerd did not answer on " + sock_ + ": " + sh("tail -20 '" + log + "'").out;
        return false;
    }

    Cmd ctr(const std::string& args, const std::string& ns = "k8s.io") const {
        return sh("ctr -a '" + sock_ + "' -n " + ns + " " + args);
    }

    void track_container(const std::string& id, bool has_task) {
        containers_.emplace_back(id, has_task);
    }

    const fs::path& dir() const { return dir_; }
    const std::string& socket() const { return sock_; }

  private:
    void teardown() {
        if (pid_ > 0) {
            for (auto it = containers_.rbegin(); it != containers_.rend(); ++it) {
                if (it->second) {
                    ctr("task kill -s SIGKILL " + it->first);
                    // Delete waits for the task to have exited; retry briefly.
                    for (int i = 0; i < 40; ++i) {
                        if (ctr("task delete " + it->first).status == 0) break;
                        if (ctr("task ls -q").out.find(it->first) == std::string::npos) break;
                        std::this_thread::sleep_for(50ms);
                    }
                }
                ctr("containers delete " + it->first);
            }
            kill(pid_, SIGTERM);
            bool exited = false;
            for (int i = 0; i < 100 && !exited; ++i) {
                int st;
                if (waitpid(pid_, &st, WNOHANG) == pid_)
                    exited = true;
                else
                    std::this_thread::sleep_for(50ms);
            }
            if (!exited) {
                kill(pid_, SIGKILL);
                waitpid(pid_, nullptr, 0);
            }
            pid_ = -1;
        }
        for (const auto& p : created_run_dirs_)
            rmdir(p.c_str()); // only succeeds when empty
        if (dir_.empty()) return;
        // Unmount whatever is still mounted below the temp dir (deepest first), then remove it
        // only if nothing is left mounted there.
        bool busy = false;
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<std::string> mounts;
            std::ifstream mi("/proc/self/mountinfo");
            std::string line;
            while (std::getline(mi, line)) {
                std::istringstream ls(line);
                std::string a, b, c, d, mp;
                ls >> a >> b >> c >> d >> mp;
                if (mp.rfind(dir_.string() + "/", 0) == 0) mounts.push_back(mp);
            }
            std::sort(mounts.rbegin(), mounts.rend());
            busy = !mounts.empty();
            for (auto& m : mounts)
                umount2(m.c_str(), MNT_DETACH);
        }
        if (!busy) {
            std::error_code ec;
            fs::remove_all(dir_, ec);
        } else {
            WARN("leaving " << dir_ << " behind: mounts remained below it");
        }
    }

    std::string bin_;
    fs::path dir_;
    std::string sock_;
    pid_t pid_ = -1;
    std::vector<std::pair<std::string, bool>> containers_;
    std::vector<std::string> created_run_dirs_;
};

// Builds an OCI image layout tar holding a busybox-static rootfs; returns the manifest digest.
std::string build_busybox_image(const fs::path& work, const std::string& busybox,
                                const std::string& image_name, const std::string& tag,
                                const fs::path& out_tar) {
    fs::path rootfs = work / "rootfs";
    fs::create_directories(rootfs / "bin");
    fs::create_directories(rootfs / "tmp");
    fs::copy_file(busybox, rootfs / "bin" / "busybox", fs::copy_options::overwrite_existing);
    for (const char* applet : {"sh", "sleep", "cat", "ls"})
        fs::create_symlink("busybox", rootfs / "bin" / applet);

    fs::path layer_tar = work / "layer.tar";
    Cmd t = sh("tar --numeric-owner --owner=0 --group=0 -C '" + rootfs.string() + "' -cf '" +
               layer_tar.string() + "' .");
    REQUIRE(t.status == 0);

    fs::path layout = work / "layout";
    fs::create_directories(layout);
    Blob layer = store_blob(layout, layer_tar);

    nlohmann::json config = {{"architecture", oci_arch()},
                             {"os", "linux"},
                             {"config",
                              {{"Cmd", {"/bin/sleep", "300"}},
                               {"Env", {"PATH=/bin"}},
                               {"Labels", {{"org.saker.test", "yes"}}}}},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.digest}}}}};
    Blob cfg = store_blob(layout, write_file(work / "config.json", config.dump()));

    nlohmann::json manifest = {{"schemaVersion", 2},
                               {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"config",
                                {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                 {"digest", cfg.digest},
                                 {"size", cfg.size}}},
                               {"layers",
                                {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                  {"digest", layer.digest},
                                  {"size", layer.size}}}}};
    Blob man = store_blob(layout, write_file(work / "manifest.json", manifest.dump()));

    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", man.digest},
                               {"size", man.size},
                               {"annotations",
                                {{"io.containerd.image.name", image_name + ":" + tag},
                                 {"org.opencontainers.image.ref.name", tag}}}}}}};
    write_file(layout / "index.json", index.dump());
    write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");

    Cmd a = sh("tar -C '" + layout.string() + "' -cf '" + out_tar.string() +
               "' oci-layout index.json blobs");
    REQUIRE(a.status == 0);
    return man.digest;
}

} // namespace

TEST_CASE("ContainerdClient against a real containerd: names, image, k8s labels",
          "[containers][containerd][root]") {
    std::string missing;
    std::string containerd = find_tool("containerd");
    if (geteuid() != 0) missing += "not root; ";
    for (const char* tool :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"}) {
        if (find_tool(tool).empty()) missing += std::string(tool) + " missing; ";
    }
    std::string busybox;
    for (const char* p : {"/bin/busybox", "/usr/bin/busybox"}) {
        if (access(p, X_OK) == 0 && is_static_elf(p)) {
            busybox = p;
            break;
        }
    }
    if (busybox.empty()) missing += "static busybox missing (busybox-static); ";
    if (!missing.empty()) {
        if (required()) FAIL("SAKER_REQUIRE_BPF=1 but the containerd test cannot run: " << missing);
        WARN("SKIPPED (containerd test needs root, containerd, runc, busybox-static; set "
             "SAKER_REQUIRE_BPF=1 to fail instead): "
             << missing);
        return;
    }
    // ctr and the shim look runc up in PATH.
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (path + ":/usr/local/sbin:/usr/sbin:/sbin").c_str(), 1);

    PrivateContainerd cd(containerd);
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);

    // The image: localhost:5000/... exercises the registry-port split end to end.
    const std::string image_name = "localhost:5000/saker-test/busybox";
    const std::string image = image_name + ":1.0";
    fs::path image_tar = cd.dir() / "image.tar";
    std::string manifest_digest =
        build_busybox_image(cd.dir() / "build", busybox, image_name, "1.0", image_tar);
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

    // Cached: lookup answers at once, the sandbox was published on the way, a repeat request
    // does not ask again.
    CHECK(client.lookup(app_id).has_value());
    auto sbm = client.lookup_shared(sandbox_id);
    REQUIRE(sbm != nullptr);
    CHECK(sbm->k8s_pod_name == "web-7d4");
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
