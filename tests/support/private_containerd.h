// Contract: a containerd (the given binary) with its own config, root, state, opt dir and
// sockets under a fresh temp dir (mkdtemp of `tmp_template`), the CRI plugin disabled unless a
// `cri_sandbox_image` is given: then CRI serves on the same socket with that (local) image as the
// pod sandbox image and empty CNI dirs (pods must use the host network). start()
// waits up to 15 s for `ctr version` to answer and explains a failure in `why`. ctr() runs ctr
// against it (namespace k8s.io unless told) and captures its output. The destructor, whatever
// happened: SIGKILLs and deletes the tasks and deletes the containers registered with
// track_container (newest first), stops containerd (SIGTERM, SIGKILL after 5 s), rmdirs the
// /run/containerd dirs the shim created (only if empty), unmounts what is left below the temp dir
// and removes it (or WARNs and leaves it if mounts remain). Also add_sbin_to_path(): ctr and the
// shim look runc up in PATH.
#pragma once

#include "support/process_runner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/mount.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

extern char** environ;

namespace saker::test {

// Appends the sbin dirs to this process's PATH (children inherit it).
inline void add_sbin_to_path() {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (path + ":/usr/local/sbin:/usr/sbin:/sbin").c_str(), 1);
}

class PrivateContainerd {
  public:
    PrivateContainerd(std::string containerd, const std::string& tmp_template,
                      const std::string& cri_sandbox_image = "")
        : bin_(std::move(containerd)) {
        namespace fs = std::filesystem;
        // The runc shim keeps its sockets and runc state under /run/containerd whatever the
        // config says; remember what existed so teardown removes only (empty) dirs we caused.
        for (const char* p : {"/run/containerd/runc/k8s.io", "/run/containerd/runc",
                              "/run/containerd/s", "/run/containerd"}) {
            if (!fs::exists(p)) created_run_dirs_.emplace_back(p);
        }
        std::string tmpl = tmp_template;
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        dir_ = tmpl;
        sock_ = (dir_ / "containerd.sock").string();
        std::string d = dir_.string();
        std::string cri = cri_sandbox_image.empty()
                              ? std::string("disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n")
                              : std::string();
        std::string cri_plugin =
            cri_sandbox_image.empty()
                ? std::string()
                // restrict_oom_score_adj: without CAP_SYS_RESOURCE the sandbox's -998 fails.
                : "[plugins.\"io.containerd.grpc.v1.cri\"]\n  sandbox_image = \"" +
                      cri_sandbox_image +
                      "\"\n  restrict_oom_score_adj = "
                      "true\n[plugins.\"io.containerd.grpc.v1.cri\".cni]\n" +
                      "  bin_dir = \"" + d + "/cni-bin\"\n  conf_dir = \"" + d + "/cni-conf\"\n";
        write_file(dir_ / "config.toml",
                   "version = 2\nroot = \"" + d + "/root\"\nstate = \"" + d + "/state\"\n" + cri +
                       "[grpc]\n  address = \"" + sock_ + "\"\n[ttrpc]\n  address = \"" + sock_ +
                       ".ttrpc\"\n[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + d +
                       "/opt\"\n" + cri_plugin);
    }
    PrivateContainerd(const PrivateContainerd&) = delete;
    PrivateContainerd& operator=(const PrivateContainerd&) = delete;
    ~PrivateContainerd() { teardown(); }

    bool start(std::string& why) {
        using namespace std::chrono_literals;
        namespace fs = std::filesystem;
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

    // Registers a container (with a task when has_task) for teardown.
    void track_container(const std::string& id, bool has_task) {
        containers_.emplace_back(id, has_task);
    }

    const std::filesystem::path& dir() const { return dir_; }
    const std::string& socket() const { return sock_; }

  private:
    void teardown() {
        using namespace std::chrono_literals;
        namespace fs = std::filesystem;
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
    std::filesystem::path dir_;
    std::string sock_;
    pid_t pid_ = -1;
    std::vector<std::pair<std::string, bool>> containers_;
    std::vector<std::string> created_run_dirs_;
};

} // namespace saker::test
