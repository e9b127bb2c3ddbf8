// Which container runtimes to ask, found as Falco's container plugin finds them: each engine has
// a list of candidate sockets; those that exist when the agent starts get a backend. Lookup
// order: CRI (Kubernetes pods on containerd or CRI-O), containerd's own API (plain containerd,
// nerdctl, moby's namespace), Docker, Podman; the first that knows a container answers.
#pragma once

#include "runtime/containers/metadata_client.h"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace saker::containers {

struct RuntimeSockets {
    std::vector<std::string> cri;        // container_engines.cri.sockets
    std::vector<std::string> containerd; // container_engines.containerd.sockets
    std::vector<std::string> docker;     // container_engines.docker.sockets
    std::vector<std::string> podman;     // container_engines.podman.sockets
    std::chrono::milliseconds rpc_timeout{500};
};

// Backends for the sockets that exist now, in lookup order; logs each one chosen.
std::vector<std::unique_ptr<MetadataBackend>> connect_runtimes(const RuntimeSockets& sockets);

} // namespace saker::containers
