// containerd's own API (containers.v1.Containers/Get, images.v1.Images/Get) as a metadata
// backend: plain containerd (ctr, nerdctl, moby's namespace) and CRI containers alike, for hosts
// where the CRI service is off. Every RPC has a deadline. ContainerdClient is the metadata client
// with this one backend (tests and `saker record` use it directly).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/containers/container_metadata.h"
#include "runtime/containers/metadata_client.h"

namespace saker::containers {

struct ContainerdClientOptions {
    std::string socket_path = "/run/containerd/containerd.sock";
    // containerd namespaces tried in order for each id; "k8s.io", "moby" and "default" are
    // appended when missing. Put the most likely one first.
    std::vector<std::string> namespaces = {"k8s.io", "default"};
    std::chrono::milliseconds rpc_timeout{500};
    std::chrono::milliseconds negative_retry{std::chrono::seconds(5)};
    std::size_t queue_capacity = 1024;
    std::size_t cache_capacity = 8192;
    bool fetch_image_digest = true; // extra Images/Get for the digest when the ref has none
    bool fetch_pod_labels = true;   // extra Containers/Get of the pod sandbox for pod labels
    std::function<void(const ContainerMetadata&)> on_update;
};

using ContainerdClientStats = MetadataClientStats;

std::unique_ptr<MetadataBackend> make_containerd_backend(const ContainerdClientOptions& options);

class ContainerdClient final : public MetadataClient {
  public:
    explicit ContainerdClient(const ContainerdClientOptions& options = {});
};

// Heuristic used for container.privileged from the container's OCI runtime spec (JSON). Both CRI's
// `privileged: true` and `ctr run --privileged` build the spec with containerd's WithPrivileged
// family: every capability in the bounding set and no masked / read-only paths. The test is
// therefore: CAP_SYS_ADMIN in process.capabilities.bounding AND linux.maskedPaths and
// linux.readonlyPaths empty or absent. A container with only extra capabilities (e.g. --cap-add
// SYS_ADMIN) keeps the masked paths and is not privileged, as in Docker. Returns nullopt when the
// JSON is not an OCI spec (no "process" object).
std::optional<bool> privileged_from_oci_spec(std::string_view spec_json);

// The image reference in containerd CRI's container metadata extension (JSON:
// Metadata.Config.image, user_specified_image preferred over image); "" when absent.
std::string image_from_cri_metadata(std::string_view cri_metadata_json);

// container.name: io.kubernetes.container.name, else nerdctl's "nerdctl/name", else the id.
std::string container_name_from_labels(const std::map<std::string, std::string>& labels,
                                       std::string_view id);

} // namespace saker::containers
