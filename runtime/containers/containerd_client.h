// Asynchronous containerd metadata client.
//
// The event path calls request(id) when it first sees a container id and lookup(id) whenever it
// needs fields; neither blocks on I/O. One worker thread drains a bounded queue, asks containerd
// (containers.v1.Containers/Get, images.v1.Images/Get, over gRPC on its unix socket, with a
// deadline on every RPC), and publishes the answer into a bounded cache. Ids containerd does not
// know are cached negatively and retried after a delay. Nothing here throws to the caller.
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

namespace saker::containers {

struct ContainerdClientOptions {
    std::string socket_path = "/run/containerd/containerd.sock";
    // containerd namespaces tried in order for each id; "k8s.io" and "default" are appended when
    // missing. Put the most likely one first.
    std::vector<std::string> namespaces = {"k8s.io", "default"};
    std::chrono::milliseconds rpc_timeout{500};
    // How long an id containerd did not know (or could not be asked about) stays negative.
    std::chrono::milliseconds negative_retry{std::chrono::seconds(5)};
    std::size_t queue_capacity = 1024; // pending lookups; further requests are dropped + counted
    std::size_t cache_capacity = 8192; // cached entries (positive + negative); oldest evicted
    bool fetch_image_digest = true;    // extra Images/Get for the digest when the ref has none
    bool fetch_pod_labels = true;      // extra Containers/Get of the pod sandbox for pod labels
    // Called from the worker thread each time a positive result is published. Must not block long.
    std::function<void(const ContainerMetadata&)> on_update;
};

struct ContainerdClientStats {
    std::uint64_t requests = 0;   // request() calls that enqueued a lookup
    std::uint64_t dropped = 0;    // request() calls dropped because the queue was full
    std::uint64_t found = 0;      // lookups answered with metadata
    std::uint64_t not_found = 0;  // lookups where no namespace knew the id
    std::uint64_t rpc_errors = 0; // failed RPCs other than NOT_FOUND (timeouts, unavailable, ...)
    std::uint64_t evictions = 0;  // cache entries evicted for capacity
    std::uint64_t cache_size = 0;
    std::uint64_t queue_size = 0;
};

class ContainerdClient {
  public:
    explicit ContainerdClient(ContainerdClientOptions options = {});
    ~ContainerdClient(); // stop()s
    ContainerdClient(const ContainerdClient&) = delete;
    ContainerdClient& operator=(const ContainerdClient&) = delete;

    // Starts the worker thread (idempotent). request() before start() queues; nothing is sent.
    void start();
    // Cancels the in-flight RPC, joins the worker. Pending requests are discarded. Idempotent.
    void stop();

    // `full_id` is the id containerd knows (the 64-hex id from the cgroup path for CRI containers,
    // not the 12-char container.id).
    // Enqueues a lookup of `full_id` unless it is cached (positive, or negative and not yet due for
    // a retry) or already queued. Never blocks on I/O. Returns false when the request was dropped.
    bool request(std::string_view full_id);
    // What is known now about `full_id`; nullopt while unknown / pending / negative.
    std::optional<ContainerMetadata> lookup(std::string_view full_id) const;
    // Same, without copying: the published record is immutable and shared.
    std::shared_ptr<const ContainerMetadata> lookup_shared(std::string_view full_id) const;
    // Forgets an id (container gone); a later request() asks again.
    void forget(std::string_view full_id);
    // Bumped every time a positive result is published; cheap change detection for callers.
    std::uint64_t generation() const;

    ContainerdClientStats stats() const;

    // Blocks until `full_id` has a positive or negative answer (an earlier negative one counts)
    // or `timeout` passes. For tests and tools, never the event path.
    std::optional<ContainerMetadata> wait_for(std::string_view full_id,
                                              std::chrono::milliseconds timeout) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
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
