// `saker run` end to end with real containers, as root:
// - runc (Debian) runs a busybox-static rootfs in a cgroup named as kubelet + containerd name it;
//   an exec inside must fire a rule with the right container.id (12 chars), full id and type.
// - a private containerd (Debian) started by the test, a busybox image built locally as an OCI
//   layout and imported with ctr, a container run with io.kubernetes.* labels: the fired rule's
//   output carries container.name, container.image, k8s.pod.name and k8s.ns.name, looked up
//   asynchronously through containerd's API.
// Skips loudly (WARN) when not root or a tool is missing; FAILs instead with SAKER_REQUIRE_BPF=1.
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
#include <random>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---- prerequisites ----------------------------------------------------------------------------

bool required() {
    const char* v = std::getenv("SAKER_REQUIRE_BPF");
    return v && std::strcmp(v, "1") == 0;
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

std::string static_busybox() {
    for (const char* p : {"/bin/busybox", "/usr/bin/busybox"})
        if (access(p, X_OK) == 0 && is_static_elf(p)) return p;
    return {};
}

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
        if (!missing.empty()) {                                                                    \
            if (required())                                                                        \
                FAIL("SAKER_REQUIRE_BPF=1 but the container test cannot run: " << missing);        \
            WARN("SKIPPED container agent test (needs root, BPF, " #__VA_ARGS__                    \
                 ", busybox-static; SAKER_REQUIRE_BPF=1 fails instead): "                          \
                 << missing);                                                                      \
            return;                                                                                \
        }                                                                                          \
        /* ctr and the containerd shim look runc up in PATH */                                     \
        std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";                         \
        setenv("PATH", (path + ":/usr/local/sbin:/usr/sbin:/sbin").c_str(), 1);                    \
    } while (0)

// ---- small utilities ----------------------------------------------------------------------------

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

std::string slurp(const fs::path& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

std::string write_file(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

std::string random_hex(std::size_t n) {
    std::random_device rd;
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += "0123456789abcdef"[rd() % 16];
    return s;
}

std::string random_pod_uid() {
    std::string u = random_hex(32);
    for (std::size_t at : {8, 13, 18, 23})
        u.insert(at, "-");
    return u;
}

// cgroupfs-driver dirs that runc will create below every hierarchy for `rel`'s components
// (kubepods, kubepods/besteffort, ...), deepest first, leaving out those that already exist.
std::vector<fs::path> cgroupfs_dirs(const std::string& pod_uid, const std::string& id) {
    std::vector<fs::path> out;
    const std::string pod = "kubepods/besteffort/pod" + pod_uid;
    const fs::path rel[] = {pod + "/" + id, pod, "kubepods/besteffort", "kubepods"};
    std::vector<fs::path> hierarchies{"/sys/fs/cgroup"};
    for (const auto& e : fs::directory_iterator("/sys/fs/cgroup"))
        if (e.is_directory()) hierarchies.push_back(e.path());
    for (const auto& r : rel)
        for (const auto& h : hierarchies)
            if (!fs::exists(h / r)) out.push_back(h / r);
    return out;
}

// rmdir, deepest first. A cgroup whose last process is still exiting is EBUSY for a moment: that
// is retried, for 2 s in all; anything else is reported and left.
void remove_cgroup_dirs(const std::vector<fs::path>& dirs) {
    const auto deadline = Clock::now() + 2s;
    for (const auto& d : dirs) {
        while (rmdir(d.c_str()) != 0 && errno != ENOENT) {
            if (errno != EBUSY || Clock::now() >= deadline) {
                WARN("could not remove cgroup " << d << ": " << std::strerror(errno));
                break;
            }
            std::this_thread::sleep_for(25ms);
        }
    }
}

// ---- the agent as a child process ---------------------------------------------------------------

class Agent {
  public:
    explicit Agent(std::vector<std::string> args) {
        std::string base = "/tmp/saker-ctr-agent-test-" + std::to_string(getpid()) + "-" +
                           std::to_string(counter_++);
        out_ = base + ".out";
        err_ = base + ".err";
        pid_ = fork();
        if (pid_ == 0) {
            int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(o, 1);
            dup2(e, 2);
            std::vector<char*> argv{const_cast<char*>(SAKER_BIN), const_cast<char*>("run")};
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(SAKER_BIN, argv.data());
            _exit(127);
        }
    }
    ~Agent() {
        stop();
        std::remove(out_.c_str());
        std::remove(err_.c_str());
    }
    bool ready() {
        for (int i = 0; i < 400; ++i) {
            if (slurp(err_).find("probe attached") != std::string::npos) return true;
            std::this_thread::sleep_for(25ms);
        }
        return false;
    }
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return status_;
    }
    // Complete alert lines so far (a line still being written is skipped).
    std::vector<nlohmann::json> alerts() const {
        std::vector<nlohmann::json> out;
        std::istringstream in(slurp(out_));
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded()) out.push_back(std::move(j));
        }
        return out;
    }
    // Polls for the first alert of `rule` until `deadline`.
    std::optional<nlohmann::json> wait_alert(const std::string& rule,
                                             Clock::time_point deadline) const {
        do {
            for (auto& a : alerts())
                if (a.value("rule", "") == rule) return a;
            std::this_thread::sleep_for(10ms);
        } while (Clock::now() < deadline);
        return std::nullopt;
    }
    std::string log() const { return slurp(err_); }
    std::string output() const { return slurp(out_); }

  private:
    static inline int counter_ = 0;
    pid_t pid_ = -1;
    int status_ = -1;
    std::string out_, err_;
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

// ---- runc ---------------------------------------------------------------------------------------

// Owns the bundle dir, runc state, the container and the cgroupfs dirs runc creates.
struct RuncContainer {
    fs::path dir;
    std::string name;
    std::vector<fs::path> cgroup_dirs_to_remove; // deepest first

    RuncContainer() {
        char tmpl[] = "/tmp/saker-agent-runc-XXXXXX";
        if (::mkdtemp(tmpl)) dir = tmpl;
        name = "saker-agent-" + random_hex(8);
    }
    std::string runc() const { return "runc --root " + (dir / "state").string(); }
    ~RuncContainer() {
        if (dir.empty()) return;
        sh(runc() + " kill " + name + " KILL");
        sh(runc() + " delete -f " + name);
        remove_cgroup_dirs(cgroup_dirs_to_remove);
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

// ---- containerd ---------------------------------------------------------------------------------

// containerd with its own config, root, state and sockets under a temp dir; everything it made
// is torn down in the destructor whatever happened (as in tests/containers/containerd_test.cpp).
class PrivateContainerd {
  public:
    explicit PrivateContainerd(std::string containerd) : bin_(std::move(containerd)) {
        // The runc shim keeps its sockets and runc state under /run/containerd whatever the
        // config says; remember what existed so teardown removes only (empty) dirs we caused.
        for (const char* p : {"/run/containerd/runc/k8s.io", "/run/containerd/runc",
                              "/run/containerd/s", "/run/containerd"}) {
            if (!fs::exists(p)) created_run_dirs_.emplace_back(p);
        }
        char tmpl[] = "/tmp/saker-agent-ctr-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir_ = tmpl;
        sock_ = (dir_ / "containerd.sock").string();
        std::string d = dir_.string();
        write_file(dir_ / "config.toml",
                   "version = 2\nroot = \"" + d + "/root\"\nstate = \"" + d +
                       "/state\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n"
                       "[grpc]\n  address = \"" +
                       sock_ + "\"\n[ttrpc]\n  address = \"" + sock_ +
                       ".ttrpc\"\n[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + d +
                       "/opt\"\n");
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
        auto deadline = Clock::now() + 15s;
        while (Clock::now() < deadline) {
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
                    for (int i = 0; i < 40; ++i) { // delete waits for the task to have exited
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

struct Blob {
    std::string digest; // sha256:<hex>
    std::uintmax_t size = 0;
};

// Copies `file` into the OCI layout's blob store under its digest.
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

// A busybox-static rootfs with the applets the tests run and an /etc/hostname.
void make_rootfs(const fs::path& rootfs, const std::string& busybox, const std::string& hostname) {
    fs::create_directories(rootfs / "bin");
    for (const char* d : {"proc", "dev", "sys", "tmp", "etc"})
        fs::create_directories(rootfs / d);
    fs::copy_file(busybox, rootfs / "bin" / "busybox", fs::copy_options::overwrite_existing);
    for (const char* applet : {"sh", "sleep", "cat", "ls"})
        fs::create_symlink("busybox", rootfs / "bin" / applet);
    write_file(rootfs / "etc" / "hostname", hostname + "\n");
}

// Builds an OCI image layout tar holding a busybox-static rootfs.
void build_busybox_image(const fs::path& work, const std::string& busybox,
                         const std::string& image_name, const std::string& tag,
                         const fs::path& out_tar) {
    fs::path rootfs = work / "rootfs";
    make_rootfs(rootfs, busybox, "saker-image");
    fs::path layer_tar = work / "layer.tar";
    Cmd t = sh("tar --numeric-owner --owner=0 --group=0 -C '" + rootfs.string() + "' -cf '" +
               layer_tar.string() + "' .");
    REQUIRE(t.status == 0);

    fs::path layout = work / "layout";
    fs::create_directories(layout);
    Blob layer = store_blob(layout, layer_tar);
    nlohmann::json config = {{"architecture", oci_arch()},
                             {"os", "linux"},
                             {"config", {{"Cmd", {"/bin/sleep", "300"}}, {"Env", {"PATH=/bin"}}}},
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
}

} // namespace

TEST_CASE("saker run: an exec in a runc container in a kubelet-named cgroup fires with its "
          "container.id and type",
          "[agent][containers][root]") {
    SAKER_REQUIRE_TOOLS("runc");
    const std::string busybox = static_busybox();

    RuncContainer c;
    REQUIRE(!c.dir.empty());
    const fs::path bundle = c.dir / "bundle";
    make_rootfs(bundle / "rootfs", busybox, "saker-runc");
    REQUIRE(sh("runc spec --bundle " + bundle.string()).status == 0);

    const std::string id = random_hex(64);
    const std::string pod = random_pod_uid();
    // kubelet + containerd: `<pod slice>:cri-containerd:<id>` with the systemd driver; without
    // systemd as init (as in this sandbox), the cgroupfs form.
    const bool systemd = fs::exists("/run/systemd/system");
    std::string pod_us = pod;
    std::replace(pod_us.begin(), pod_us.end(), '-', '_');
    const std::string cgroups_path =
        systemd ? "kubepods-besteffort-pod" + pod_us + ".slice:cri-containerd:" + id
                : "/kubepods/besteffort/pod" + pod + "/" + id;
    const std::string expected_type = systemd ? "containerd" : "cri";
    if (!systemd) c.cgroup_dirs_to_remove = cgroupfs_dirs(pod, id);
    {
        auto config = nlohmann::json::parse(slurp(bundle / "config.json"));
        config["process"]["args"] = {"/bin/sleep", "300"};
        config["process"]["terminal"] = false;
        config["root"] = {{"path", (bundle / "rootfs").string()}, {"readonly", true}};
        config["linux"]["cgroupsPath"] = cgroups_path;
        std::ofstream(bundle / "config.json") << config.dump(2);
    }

    RulesFile rules(R"yaml(- rule: Cat in a container
  desc: an exec of cat inside a container
  condition: evt.type in (execve, execveat) and container.id != host and proc.name = cat
  output: "cat in a container (id=%container.id full_id=%container.full_id type=%container.type name=%container.name cmdline=%proc.cmdline)"
  priority: WARNING
# Fires only when the rule above did not (rule_matching: first): shows what saker saw instead.
- rule: Any cat (diagnostic)
  desc: any exec of cat
  condition: evt.type in (execve, execveat) and proc.name = cat
  output: "cat (id=%container.id full_id=%container.full_id type=%container.type pid=%proc.pid)"
  priority: DEBUG
)yaml");
    Agent agent({"-r", rules.path, "-o", "json_output=true"});
    REQUIRE(agent.ready());

    INFO("cgroupsPath: " << cgroups_path);
    Cmd run =
        sh(c.runc() + (systemd ? " --systemd-cgroup" : "") + " run -d --bundle " + bundle.string() +
           " --pid-file " + (c.dir / "pid").string() + " " + c.name + " </dev/null >/dev/null");
    INFO("runc run: " << run.out);
    REQUIRE(run.status == 0);
    INFO("/proc/<pid>/cgroup: " << slurp("/proc/" + slurp(c.dir / "pid") + "/cgroup"));

    Cmd exec = sh(c.runc() + " exec " + c.name + " /bin/cat /etc/hostname");
    const auto exec_done = Clock::now();
    INFO("runc exec: " << exec.out);
    REQUIRE(exec.status == 0);
    CHECK(exec.out.find("saker-runc") != std::string::npos);

    auto alert = agent.wait_alert("Cat in a container", exec_done + 1s);
    const auto waited = std::chrono::duration<double>(Clock::now() - exec_done).count();
    INFO("waited " << waited << " s after runc exec returned");
    if (!alert) {
        agent.stop();
        INFO("agent stdout:\n" << agent.output() << "\nagent log:\n" << agent.log());
        FAIL("no alert within 1 s of the exec");
    }
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
    if (required()) FAIL("SAKER_REQUIRE_BPF=1 but saker was built without the containerd client");
    WARN("SKIPPED: saker was built without the containerd client (libgrpc++-dev, "
         "protobuf-compiler-grpc, golang-github-containerd-containerd-dev)");
    return;
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

    PrivateContainerd cd(find_tool("containerd"));
    std::string why;
    if (!cd.start(why)) FAIL("could not start containerd: " << why);

    const std::string image_name = "localhost:5000/saker-agent-test/busybox";
    const std::string image = image_name + ":2.1";
    fs::path image_tar = cd.dir() / "image.tar";
    build_busybox_image(cd.dir() / "build", busybox, image_name, "2.1", image_tar);
    Cmd imp = cd.ctr("images import '" + image_tar.string() + "'");
    INFO(imp.out);
    REQUIRE(imp.status == 0);

    const std::string pod_name = "web-" + random_hex(5);
    const std::string ns_name = "shop";
    const std::string container_name = "frontend";
    const std::string cgroup = "/kubepods/besteffort/pod" + pod_uid + "/" + id;

    RulesFile rules(R"yaml(- rule: Cat in a pod
  desc: an exec of cat inside a Kubernetes pod's container
  condition: evt.type in (execve, execveat) and container.id != host and proc.name = cat
  output: "cat in a pod (name=%container.name image=%container.image pod=%k8s.pod.name ns=%k8s.ns.name id=%container.id type=%container.type)"
  priority: NOTICE
# Fires only when the rule above did not (rule_matching: first): shows what saker saw instead.
- rule: Any cat (diagnostic)
  desc: any exec of cat
  condition: evt.type in (execve, execveat) and proc.name = cat
  output: "cat (id=%container.id full_id=%container.full_id type=%container.type pid=%proc.pid)"
  priority: DEBUG
)yaml");
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
        agent.stop();
        INFO("ctr task ls: " << cd.ctr("task ls").out);
        INFO("agent stdout:\n" << agent.output() << "\nagent log:\n" << agent.log());
        FAIL("no alert within 6 s of ctr run");
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
    CHECK(agent.log().find("containerd metadata: 1 containers tracked, 1 found") !=
          std::string::npos);
}
