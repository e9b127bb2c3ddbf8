// Contract: the tools the rule suites' attacks and look-alikes are made of, each safe by
// construction. spawn() runs a program with no shell in between (its parent is the test);
// TempDir and VarLogFiles own what they create and remove it whatever happens; TcpListener and
// connect_to() stay on loopback; ptrace_attach_child() and ptrace_traceme_child() trace only a
// child of the test; exec_from_memfd() runs a copy of a program from an anonymous memory file.
// AttackContainer is a throwaway runc busybox container as kubelet would name its cgroup: its own
// network namespace, runc's default (minimal) capabilities plus any asked for, a writable
// overlayfs root over a busybox image layer, `sleep 300` as pid 1; exec() runs one command in it,
// add_address() puts an address on the loopback of its network namespace.
// missing_tools() says what a suite cannot run without.
#pragma once

#include "support/busybox_rootfs.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/runc_container.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <spawn.h>
#include <string>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace saker::test {

// "" when root, BPF, a static busybox and every tool are here, else what is missing.
inline std::string missing_tools(std::initializer_list<const char*> tools) {
    std::string missing;
    if (!can_run_probe(missing)) missing += "; ";
    for (const char* t : tools)
        if (find_tool(t).empty()) missing += std::string(t) + " missing; ";
    if (static_busybox().empty()) missing += "static busybox missing (busybox-static); ";
    return missing;
}

struct Spawned {
    pid_t pid = -1;
    int status = -1; // exit code, -1 when it did not exit normally
};

// Runs argv[0] (a path) with argv, stdin/stdout/stderr on /dev/null, in `cwd` when given, and
// waits for it. No shell in between, so the program's parent is this test.
inline Spawned spawn(const std::vector<std::string>& argv, const std::string& cwd = {}) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int fd : {0, 1, 2})
        posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    Spawned s;
    if (posix_spawn(&s.pid, argv[0].c_str(), &fa, nullptr, args.data(), environ) != 0) s.pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    if (s.pid > 0 && waitpid(s.pid, &st, 0) == s.pid && WIFEXITED(st)) s.status = WEXITSTATUS(st);
    return s;
}

// A mkdtemp directory, removed with everything in it at the end.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(std::string tmpl) {
        if (::mkdtemp(tmpl.data())) path = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// A TCP listener on 127.0.0.1 (port 0: any free port). Connections wait in the backlog.
struct TcpListener {
    int fd = -1;
    uint16_t port = 0;
    explicit TcpListener(uint16_t want = 0) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(want);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(fd);
            fd = -1;
            return;
        }
        port = ntohs(a.sin_port);
    }
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;
    ~TcpListener() {
        if (fd >= 0) ::close(fd);
    }
};

// connect() from this process to ip:port; returns the connect result (0 or -errno).
inline int connect_to(const char* ip, uint16_t port) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    int rc = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 0 : -errno;
    ::close(s);
    return rc;
}

// Files a test creates under /var/log, removed whatever happens.
struct VarLogFiles {
    std::vector<std::string> paths; // files, then the directories made for them
    // Creates /var/log/<name> with O_APPEND (not O_TRUNC, which log rules watch); `name` may
    // have one directory (`app/x.log`), made here and removed with the file.
    std::string make(const std::string& name) {
        const std::filesystem::path path = "/var/log/" + name;
        if (std::filesystem::create_directory(path.parent_path()))
            paths.push_back(path.parent_path().string());
        paths.insert(paths.begin(), path.string());
        std::ofstream(path, std::ios::app) << "saker rules test\n";
        return path.string();
    }
    ~VarLogFiles() {
        for (const auto& p : paths)
            std::remove(p.c_str());
    }
};

// Forks a child that waits, attaches to it with PTRACE_ATTACH, detaches and kills it. Returns
// the child's pid and ptrace's result.
inline std::pair<pid_t, long> ptrace_attach_child() {
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    long rc = ptrace(PTRACE_ATTACH, child, nullptr, nullptr);
    waitpid(child, nullptr, 0);
    ptrace(PTRACE_DETACH, child, nullptr, nullptr);
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return {child, rc};
}

// Forks a child that asks to be traced by this process (PTRACE_TRACEME) and exits.
inline pid_t ptrace_traceme_child() {
    pid_t child = fork();
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        _exit(0);
    }
    waitpid(child, nullptr, 0);
    return child;
}

// Forks a child that copies `program` into a memfd named `name` and fexecve()s it with argv
// {"payload"}; returns the child's pid and exit status (126/127: the copy or exec failed).
inline Spawned exec_from_memfd(const std::string& program, const std::string& name) {
    Spawned s;
    s.pid = fork();
    if (s.pid == 0) {
        int m = memfd_create(name.c_str(), 0);
        std::string image = slurp(program);
        if (m < 0 || write(m, image.data(), image.size()) != ssize_t(image.size())) _exit(126);
        char arg0[] = "payload";
        char* argv[] = {arg0, nullptr};
        fexecve(m, argv, environ);
        _exit(127);
    }
    int st = 0;
    if (waitpid(s.pid, &st, 0) == s.pid && WIFEXITED(st)) s.status = WEXITSTATUS(st);
    return s;
}

class AttackContainer {
  public:
    // Lays out the image (busybox, `applets`, the dirs the attacks need) as the lower layer of
    // an overlayfs, as container runtimes mount images (what proc.is_exe_upper_layer reads), and
    // the spec, with `extra_caps` (e.g. "CAP_SYS_ADMIN") added to runc's default capabilities.
    AttackContainer(const std::string& name_prefix, const std::vector<std::string>& applets,
                    const std::vector<std::string>& extra_caps = {})
        : layers_("/tmp/" + name_prefix + "layers-XXXXXX"),
          runc_("/tmp/" + name_prefix + "runc-XXXXXX", name_prefix), id_(random_hex(64)),
          pod_(random_pod_uid()), cgroup_(kubelet_cgroup(pod_, id_)) {
        namespace fs = std::filesystem;
        REQUIRE(!layers_.path.empty());
        REQUIRE(!runc_.dir.empty());
        make_busybox_rootfs(layers_.path / "lower", static_busybox(),
                            {{"proc", "dev", "sys", "tmp", "etc", "mnt"}, applets, "attack"});
        for (const char* d : {"upper", "work", "merged"})
            fs::create_directories(layers_.path / d);
        fs::create_directories(runc_.bundle());
        const std::string options = "lowerdir=" + layers_ / "lower" +
                                    ",upperdir=" + layers_ / "upper" +
                                    ",workdir=" + layers_ / "work";
        overlay_.merged = layers_.path / "merged";
        overlay_.mounted =
            ::mount("overlay", overlay_.merged.c_str(), "overlay", 0, options.c_str()) == 0;
        INFO("mount -t overlay -o " << options << ": " << std::strerror(errno));
        REQUIRE(overlay_.mounted);
        if (!cgroup_.systemd) runc_.cgroup_dirs_to_remove = cgroupfs_dirs(pod_, id_);
        REQUIRE(runc_.write_spec({"/bin/sleep", "300"}, cgroup_.cgroups_path) == 0);
        // The attacks write below /etc and /bin: the rootfs must be writable.
        auto config = nlohmann::json::parse(slurp(runc_.bundle() / "config.json"));
        config["root"] = {{"path", overlay_.merged.string()}, {"readonly", false}};
        for (const char* set : {"bounding", "effective", "permitted"})
            for (const auto& cap : extra_caps)
                config["process"]["capabilities"][set].push_back(cap);
        std::ofstream(runc_.bundle() / "config.json") << config.dump(2);
    }

    // `runc run -d`; REQUIREs that it worked.
    void start() {
        Cmd run = runc_.run_detached(cgroup_.systemd);
        INFO("runc run: " << run.out);
        REQUIRE(run.status == 0);
    }
    // The command line `runc exec [flags] <container> <args>`.
    std::string exec_command(const std::string& args, const std::string& flags = {}) const {
        return runc_.runc() + " exec " + flags + (flags.empty() ? "" : " ") + runc_.name + " " +
               args;
    }
    // Runs it (args as a shell would split them) and waits for it.
    Cmd exec(const std::string& args) const { return sh(exec_command(args)); }
    // The same for an attack step: CHECKs that runc ran, whatever the command's own result.
    void run(const std::string& args) const {
        Cmd r = exec(args);
        INFO("runc exec " << args << ": " << r.out);
        CHECK(r.started);
    }
    // The same, detached (-d): for servers the attack talks to.
    Cmd exec_detached(const std::string& args) const {
        return sh(exec_command(args, "-d") + " </dev/null >/dev/null");
    }
    // The container's first process (runc's pid file), on the host: /proc/<it> shows the
    // container's namespaces (e.g. its sockets, for wait_listening()).
    pid_t init_pid() const { return std::atoi(slurp(runc_.pid_file()).c_str()); }
    // Puts `ip`/32 on the loopback interface of the container's own network namespace (from the
    // host, so the container needs no CAP_NET_ADMIN): an address its processes reach without a
    // packet leaving the namespace. REQUIREs that it worked.
    void add_address(const std::string& ip) const {
        Cmd r =
            sh("nsenter -t " + std::to_string(init_pid()) + " -n ip addr add " + ip + "/32 dev lo");
        INFO("ip addr add " << ip << " in the container: " << r.out);
        REQUIRE(r.status == 0);
    }
    // The container's root as it sees it (writes land in the upper layer).
    std::filesystem::path rootfs() const { return overlay_.merged; }
    const std::string& id() const { return id_; }
    std::string short_id() const { return id_.substr(0, 12); }

  private:
    // Unmounted (lazily: MNT_DETACH) after the container is gone, before the layers are removed.
    struct OverlayMount {
        std::filesystem::path merged;
        bool mounted = false;
        ~OverlayMount() {
            if (mounted) ::umount2(merged.c_str(), MNT_DETACH);
        }
    };
    // Destroyed in reverse: the container first, then the mount, then the layers.
    TempDir layers_;
    OverlayMount overlay_;
    RuncContainer runc_;
    std::string id_, pod_;
    KubeletCgroup cgroup_;
};

} // namespace saker::test
