// Container metadata as the container runtime (containerd) knows it, and the image-reference
// helpers that fill container.image.repository / container.image.tag / container.image.digest.
//
// Convention: an empty string means "absent" (the field extractor answers <NA>); optional<> is used
// where an empty value is meaningful (privileged, pod labels).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saker::containers {

// Well-known CRI labels kubelet (via containerd's CRI plugin) puts on containers.
inline constexpr std::string_view kLabelPodName = "io.kubernetes.pod.name";
inline constexpr std::string_view kLabelPodNamespace = "io.kubernetes.pod.namespace";
inline constexpr std::string_view kLabelPodUid = "io.kubernetes.pod.uid";
inline constexpr std::string_view kLabelContainerName = "io.kubernetes.container.name";
// containerd CRI: "sandbox" on the pod's pause container, "container" on app containers.
inline constexpr std::string_view kLabelCriKind = "io.cri-containerd.kind";
// OCI spec annotation (containerd CRI) naming the pod sandbox an app container belongs to.
inline constexpr std::string_view kAnnotationSandboxId = "io.kubernetes.cri.sandbox-id";
// OCI spec annotation (containerd CRI, newer releases) with the image name as the pod spec gave it.
inline constexpr std::string_view kAnnotationImageName = "io.kubernetes.cri.image-name";
// containerd container extension where the CRI plugin keeps its own record (JSON).
inline constexpr std::string_view kCriMetadataExtension = "io.cri-containerd.container.metadata";

// One mount as the runtime reports it, in Falco's terms: container.mount renders it as
// source:dest:mode:rdwr:propagation (mode is the runtime's mode string, often empty).
struct Mount {
    std::string source;      // host path
    std::string dest;        // path inside the container
    std::string mode;        // e.g. "ro", "z"; "" when the runtime gives none (CRI never does)
    bool rdwr = true;        // false for read-only mounts
    std::string propagation; // private / rslave / rshared (CRI), or the runtime's own spelling

    std::string to_string() const {
        return source + ":" + dest + ":" + mode + ":" + (rdwr ? "true" : "false") + ":" +
               propagation;
    }
    friend bool operator==(const Mount&, const Mount&) = default;
};

struct ContainerMetadata {
    std::string id;    // full id as known to containerd
    std::string ns;    // containerd namespace the record was found in ("k8s.io", "default", ...)
    std::string name;  // container.name (see ContainerdClient for how it is chosen)
    std::string image; // container.image: the image reference as recorded, e.g. docker.io/x:1
    std::string image_repository; // container.image.repository, e.g. docker.io/x
    std::string image_tag;        // container.image.tag, e.g. 1 ("latest" when untagged)
    std::string image_digest; // container.image.digest, e.g. sha256:... (reference or images svc)
    std::optional<bool> privileged; // container.privileged; nullopt when the spec is unavailable
    std::map<std::string, std::string> labels; // container.labels (containerd container labels)
    // Which runtime answered, as container.type spells it: "containerd", "cri-o", "docker",
    // "podman"; "" when unknown (the cgroup path then names the type).
    std::string runtime;
    std::string image_id;      // container.image.id (the runtime's image id, sha256 hex)
    std::vector<Mount> mounts; // container.mounts, in the runtime's order
    uint64_t start_ns = 0;     // when the runtime started it, ns since the epoch; 0: unknown
    std::string ip;            // container.ip (the pod's IP for CRI); "" unknown
    std::optional<bool> host_pid, host_network, host_ipc; // the pod shares the host's namespace

    // Kubernetes, from the CRI labels; empty when the container is not a pod's.
    std::string k8s_pod_name;       // io.kubernetes.pod.name
    std::string k8s_ns_name;        // io.kubernetes.pod.namespace
    std::string k8s_pod_uid;        // io.kubernetes.pod.uid
    std::string k8s_container_name; // io.kubernetes.container.name
    std::string k8s_sandbox_id;     // pod sandbox container id (OCI annotation), if known
    // Pod labels: the labels of the pod's sandbox container minus the io.kubernetes.* /
    // io.cri-containerd.* bookkeeping ones; nullopt when they could not be derived.
    std::optional<std::map<std::string, std::string>> k8s_pod_labels;

    bool is_k8s() const { return !k8s_pod_name.empty() || !k8s_pod_uid.empty(); }
};

struct ImageReference {
    std::string repository; // everything before the tag/digest, registry host:port included
    std::string tag;        // "latest" when neither tag nor digest is given; "" for digest-only
    std::string digest;     // "sha256:..." or ""
};

// Splits an image reference following the distribution reference grammar:
//   [host[:port]/]path[:tag][@algo:hex]
// The tag separator is the last ':' after the last '/', so "localhost:5000/x" has no tag.
// A bare image id ("sha256:<64 hex>") yields only a digest.
inline ImageReference split_image_reference(std::string_view ref) {
    ImageReference out;
    auto trim = [](std::string_view s) {
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
            s.remove_prefix(1);
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
            s.remove_suffix(1);
        return s;
    };
    ref = trim(ref);
    if (ref.empty()) return out;

    if (ref.starts_with("sha256:") && ref.find('/') == std::string_view::npos &&
        ref.find('@') == std::string_view::npos) {
        out.digest = std::string(ref);
        return out;
    }

    std::string_view name = ref;
    if (auto at = ref.find('@'); at != std::string_view::npos) {
        out.digest = std::string(ref.substr(at + 1));
        name = ref.substr(0, at);
    }
    const auto slash = name.rfind('/');
    const auto colon = name.rfind(':');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        out.tag = std::string(name.substr(colon + 1));
        name = name.substr(0, colon);
    }
    out.repository = std::string(name);
    if (out.tag.empty() && out.digest.empty() && !out.repository.empty()) out.tag = "latest";
    return out;
}

// Fills image_repository / image_tag / image_digest of `m` from m.image (digest kept if the
// reference carries none and one is already known).
inline void apply_image_reference(ContainerMetadata& m) {
    ImageReference r = split_image_reference(m.image);
    m.image_repository = std::move(r.repository);
    m.image_tag = std::move(r.tag);
    if (!r.digest.empty()) m.image_digest = std::move(r.digest);
}

// Fills the k8s_* fields of `m` from its labels.
inline void apply_k8s_labels(ContainerMetadata& m) {
    auto get = [&](std::string_view key) -> std::string {
        auto it = m.labels.find(std::string(key));
        return it == m.labels.end() ? std::string() : it->second;
    };
    m.k8s_pod_name = get(kLabelPodName);
    m.k8s_ns_name = get(kLabelPodNamespace);
    m.k8s_pod_uid = get(kLabelPodUid);
    m.k8s_container_name = get(kLabelContainerName);
}

// The pod's own labels from a sandbox container's labels (drops CRI bookkeeping labels).
inline std::map<std::string, std::string>
pod_labels_from_sandbox(const std::map<std::string, std::string>& sandbox_labels) {
    std::map<std::string, std::string> out;
    for (const auto& [k, v] : sandbox_labels) {
        std::string_view key = k;
        if (key.starts_with("io.kubernetes.") || key.starts_with("io.cri-containerd.") ||
            key.starts_with("io.containerd."))
            continue;
        out.emplace(k, v);
    }
    return out;
}

} // namespace saker::containers
