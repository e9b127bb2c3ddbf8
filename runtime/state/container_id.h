// Container identity from cgroup paths: which container (if any) a process runs in, and which
// runtime put it there, decided from the text of /proc/<pid>/cgroup alone.
//
// Contract:
// - Pure functions over strings: no I/O, no allocation beyond the result, never throw.
// - A container id is exactly 64 lowercase hex characters, as docker, containerd, cri-o and
//   podman generate them. Anything else (63 or 65 chars, uppercase, other words) is not an id,
//   and a path with no id is the host: ContainerRef{"", "", ContainerType::Host}.
// - The deepest path component that names a container wins, so processes in a sub-cgroup of a
//   container (systemd inside it, `libpod-<id>.scope/container`, nested docker) belong to it.
// - The type is what Falco reports for `container.type` once it has asked the runtime; from the
//   path alone we can be exact for every layout except kubelet's cgroupfs driver, whose bare
//   `/kubepods/.../<id>` does not say which CRI runtime made it: that is reported as `cri`
//   until a runtime lookup refines it.
//
// Layouts recognised (v1 and v2 paths look alike; v1 just repeats them per controller):
//   docker      /docker/<id>                      (cgroupfs driver)
//               /system.slice/docker-<id>.scope   (systemd driver)
//   containerd  /<namespace>/<id>, e.g. /default/<id>, /k8s.io/<id>
//               .../cri-containerd-<id>.scope     (kubelet + containerd, systemd driver)
//               ...:cri-containerd:<id>           (kubelet systemd naming, runc cgroupfs driver)
//   cri-o       /crio/<id>, .../crio-<id>, .../crio-<id>.scope
//   podman      .../libpod-<id>.scope[/container], .../libpod-<id>   (never libpod-conmon-)
//   cri         /kubepods[/<qos>]/pod<uid>/<id>   (kubelet cgroupfs driver, runtime unknown)
//   docker      .../kubepods-...slice/docker-<id>.scope (kubelet + cri-dockerd)
#pragma once

#include <string>
#include <string_view>

namespace saker::state {

enum class ContainerType { Host, Docker, Containerd, Cri, Crio, Podman, Unknown };

// Falco's `container.type` spelling: "host", "docker", "containerd", "cri", "cri-o", "podman";
// Unknown gives "unknown" (a runtime we cannot name, never produced by the parsers below).
std::string_view container_type_name(ContainerType type) noexcept;

struct ContainerRef {
    std::string id;       // 64-hex full id (`container.full_id`), or "" on the host
    std::string short_id; // first 12 chars of id (`container.id`), or "" on the host
    ContainerType type = ContainerType::Host;

    bool is_host() const { return id.empty(); }
    friend bool operator==(const ContainerRef&, const ContainerRef&) = default;
};

// One cgroup path, as found after the second ':' of a /proc/<pid>/cgroup line.
ContainerRef container_from_cgroup_path(std::string_view path);

// The kubelet pod uid in a `kubepods` path (`pod<uid>` or `kubepods-<qos>-pod<uid>.slice`, where
// the systemd driver writes the uid's dashes as underscores), normalised to dashes; "" if none.
// Accepts the RFC 4122 form and the 32-hex form kubelet gives static pods.
std::string pod_uid_from_cgroup_path(std::string_view path);

// The text of /proc/<pid>/cgroup: v1 lines `N:controllers:/path`, the v2 line `0::/path`, or both
// (hybrid). The first line whose path yields a container decides; host if none does.
ContainerRef container_from_proc_cgroup(std::string_view proc_cgroup_text);

} // namespace saker::state
