#include "runtime/containers/runtimes.h"

#include "runtime/containers/containerd_client.h"
#include "runtime/containers/cri_client.h"
#include "runtime/containers/docker_client.h"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>
#include <sys/stat.h>

namespace saker::containers {

namespace {

bool is_socket(const std::string& path) {
    struct stat st {};
    return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

} // namespace

std::vector<std::unique_ptr<MetadataBackend>> connect_runtimes(const RuntimeSockets& s) {
    std::vector<std::unique_ptr<MetadataBackend>> out;
    auto each = [](const std::vector<std::string>& paths, auto make) {
        std::set<std::string> seen; // a socket listed twice (or via a symlink) is asked once
        for (const auto& p : paths) {
            std::error_code ec;
            std::string real = std::filesystem::weakly_canonical(p, ec).string();
            if (!is_socket(p) || !seen.insert(ec ? p : real).second) continue;
            make(p);
        }
    };
    each(s.cri, [&](const std::string& p) { out.push_back(make_cri_backend({p, s.rpc_timeout})); });
    each(s.containerd, [&](const std::string& p) {
        ContainerdClientOptions o;
        o.socket_path = p;
        o.rpc_timeout = s.rpc_timeout;
        out.push_back(make_containerd_backend(o));
    });
    each(s.docker, [&](const std::string& p) {
        out.push_back(make_docker_backend({p, "docker", s.rpc_timeout}));
    });
    each(s.podman, [&](const std::string& p) {
        out.push_back(make_docker_backend({p, "podman", s.rpc_timeout}));
    });
    for (const auto& b : out)
        spdlog::info("container metadata from {}", b->describe());
    if (out.empty()) spdlog::info("no container runtime socket found: container metadata disabled");
    return out;
}

} // namespace saker::containers
