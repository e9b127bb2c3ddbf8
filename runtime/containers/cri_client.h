// The Kubernetes CRI runtime service (runtime.v1, over gRPC on the runtime's unix socket) as a
// metadata backend: containerd's CRI plugin and CRI-O serve it alike, so one client covers the
// Kubernetes nodes of both. Per container: ContainerStatus (verbose) and PodSandboxStatus of its
// pod; an id that names a pod sandbox itself gets the sandbox's metadata. Every RPC has a
// deadline. The messages are declared in proto/cri_runtime.proto (Debian ships no CRI .proto).
//
// Field sources, as Falco's container plugin reads them:
// - container.privileged: the container's security context in the verbose info
//   (config.linux.security_context.privileged, containerd; top-level "privileged", CRI-O);
// - container.mounts: ContainerStatus.mounts (host path, container path, read-only, propagation
//   private / rslave / rshared; CRI has no mode);
// - container.image*: status.image / image_ref (repository, tag, digest), image_id;
// - k8s.*: the sandbox's metadata (name, namespace, uid) and labels; the pod's IP and
//   host-namespace options from PodSandboxStatus.
#pragma once

#include "runtime/containers/metadata_client.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace saker::containers {

struct CriOptions {
    std::string socket_path;
    std::chrono::milliseconds rpc_timeout{500};
};

std::unique_ptr<MetadataBackend> make_cri_backend(const CriOptions& options);

// The verbose info's container facts (info["info"], JSON), for the backend and tests.
struct CriVerboseInfo {
    std::optional<bool> privileged; // nullopt: the JSON does not parse
    std::string sandbox_id;         // "sandboxID"
    std::string image_annotation;   // io.kubernetes.cri.image-name / io.kubernetes.cri-o.Image*
    std::string image_id;           // config.image.image when an image id: hex, no "sha256:"
};
CriVerboseInfo parse_cri_verbose_info(std::string_view json);

// CRI MountPropagation as Falco spells it: private, rslave, rshared.
std::string_view cri_propagation_name(int propagation);

} // namespace saker::containers
