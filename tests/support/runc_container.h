// Contract: run a busybox bundle under runc in a kubelet-style cgroup and clean up after it.
// RuncContainer owns a fresh temp dir (bundle, runc --root state, pid file, stderr), the named
// container and the cgroupfs dirs listed in cgroup_dirs_to_remove; its destructor kills and
// deletes the container, rmdirs those dirs (deepest first, retrying EBUSY for up to 2 s, WARNing
// on failure) and removes the temp dir, whatever happened in the test. kubelet_cgroup() names the
// cgroup as kubelet + containerd would: the systemd-driver form when systemd is init, else the
// cgroupfs form /kubepods/besteffort/pod<uid>/<id>.
#pragma once

#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace saker::test {

inline std::string random_hex(std::size_t n) {
    std::random_device rd;
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += "0123456789abcdef"[rd() % 16];
    return s;
}

// A random uid in the 8-4-4-4-12 form kubelet gives pods.
inline std::string random_pod_uid() {
    std::string u = random_hex(32);
    for (std::size_t at : {8, 13, 18, 23})
        u.insert(at, "-");
    return u;
}

// cgroupfs-driver dirs that runc will create below every hierarchy for a besteffort pod's
// container (kubepods, kubepods/besteffort, ...), deepest first, leaving out those that exist.
inline std::vector<std::filesystem::path> cgroupfs_dirs(const std::string& pod_uid,
                                                        const std::string& id) {
    namespace fs = std::filesystem;
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
inline void remove_cgroup_dirs(const std::vector<std::filesystem::path>& dirs) {
    using namespace std::chrono_literals;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    for (const auto& d : dirs) {
        while (rmdir(d.c_str()) != 0 && errno != ENOENT) {
            if (errno != EBUSY || std::chrono::steady_clock::now() >= deadline) {
                WARN("could not remove cgroup " << d << ": " << std::strerror(errno));
                break;
            }
            std::this_thread::sleep_for(25ms);
        }
    }
}

struct KubeletCgroup {
    bool systemd = false;     // systemd is init: the systemd cgroup driver is used
    std::string cgroups_path; // for the OCI spec's linux.cgroupsPath
};

// kubelet + containerd: `<pod slice>:cri-containerd:<id>` with the systemd driver; without
// systemd as init (as in this sandbox), the cgroupfs form.
inline KubeletCgroup kubelet_cgroup(const std::string& pod_uid, const std::string& id) {
    KubeletCgroup k;
    k.systemd = std::filesystem::exists("/run/systemd/system");
    std::string pod_us = pod_uid;
    std::replace(pod_us.begin(), pod_us.end(), '-', '_');
    k.cgroups_path = k.systemd ? "kubepods-besteffort-pod" + pod_us + ".slice:cri-containerd:" + id
                               : "/kubepods/besteffort/pod" + pod_uid + "/" + id;
    return k;
}

struct RuncContainer {
    std::filesystem::path dir; // empty when the temp dir could not be made
    std::string name;
    std::vector<std::filesystem::path> cgroup_dirs_to_remove; // deepest first

    // `tmp_template` is a mkdtemp template ("/tmp/x-XXXXXX"); the name is `name_prefix` + 8 hex.
    RuncContainer(const std::string& tmp_template, const std::string& name_prefix) {
        std::string tmpl = tmp_template;
        if (::mkdtemp(tmpl.data())) dir = tmpl;
        name = name_prefix + random_hex(8);
    }
    RuncContainer(const RuncContainer&) = delete;
    RuncContainer& operator=(const RuncContainer&) = delete;
    ~RuncContainer() {
        if (dir.empty()) return;
        sh(runc() + " kill " + name + " KILL");
        sh(runc() + " delete -f " + name);
        remove_cgroup_dirs(cgroup_dirs_to_remove);
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }

    std::string runc() const { return "runc --root " + (dir / "state").string(); }
    std::filesystem::path bundle() const { return dir / "bundle"; }
    std::filesystem::path pid_file() const { return dir / "pid"; }

    // `runc spec` into the bundle, then the process args, no terminal, the read-only rootfs
    // bundle/rootfs and the cgroupsPath. Returns runc spec's exit status.
    int write_spec(const std::vector<std::string>& args, const std::string& cgroups_path) const {
        int rc = std::system(("runc spec --bundle " + bundle().string()).c_str());
        if (rc != 0) return rc;
        auto config = nlohmann::json::parse(slurp(bundle() / "config.json"));
        config["process"]["args"] = args;
        config["process"]["terminal"] = false;
        config["root"] = {{"path", (bundle() / "rootfs").string()}, {"readonly", true}};
        config["linux"]["cgroupsPath"] = cgroups_path;
        std::ofstream(bundle() / "config.json") << config.dump(2);
        return 0;
    }

    // `runc run -d` of the bundle with no stdio, the pid written to pid_file(). Returns the exit
    // status and runc's stderr.
    Cmd run_detached(bool systemd_cgroup) const {
        const std::string err = (dir / "err").string();
        const std::string cmd = runc() + (systemd_cgroup ? " --systemd-cgroup" : "") +
                                " run -d --bundle " + bundle().string() + " --pid-file " +
                                pid_file().string() + " " + name + " </dev/null >/dev/null 2>" +
                                err;
        Cmd r;
        r.started = true;
        int st = std::system(cmd.c_str());
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        r.out = slurp(err);
        return r;
    }
};

} // namespace saker::test
