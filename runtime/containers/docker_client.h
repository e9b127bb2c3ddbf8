// The Docker Engine API (GET /containers/{id}/json and /images/{id}/json, HTTP over the
// daemon's unix socket) as a metadata backend. Podman serves the same API on its socket, so
// one backend covers both; `runtime` names which one answered (container.type). Every request
// has a deadline (connect, send and receive together).
//
// Field sources, as Falco's container plugin reads them: container.name from Name (without the
// leading "/"), container.image from Config.Image, repository / tag / digest from the image's
// RepoTags and RepoDigests, container.privileged from HostConfig.Privileged, container.mounts
// from Mounts (Source, Destination, Mode, RW, Propagation), host_pid / host_network / host_ipc
// from HostConfig's modes, container.ip from NetworkSettings.IPAddress, labels from
// Config.Labels, the start time from State.StartedAt.
#pragma once

#include "runtime/containers/metadata_client.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace saker::containers {

struct DockerOptions {
    std::string socket_path = "/var/run/docker.sock";
    std::string runtime = "docker"; // or "podman"
    std::chrono::milliseconds timeout{500};
};

std::unique_ptr<MetadataBackend> make_docker_backend(const DockerOptions& options);

// One HTTP/1.0 GET over a unix socket: the status code and body, nullopt on an I/O error or
// timeout (why in `error`). Handles a chunked body too.
struct HttpResponse {
    int status = 0;
    std::string body;
};
std::optional<HttpResponse> unix_http_get(const std::string& socket_path, const std::string& path,
                                          std::chrono::milliseconds timeout, std::string& error);

// The container facts of a /containers/{id}/json answer (image repository/tag/digest are
// completed from the image inspect by the backend). False when the JSON is not an object.
bool parse_docker_inspect(std::string_view json, ContainerMetadata& out);
// RFC 3339 with optional fractional seconds and a Z or ±hh:mm offset, to ns since the epoch;
// 0 when malformed or Docker's zero time.
uint64_t parse_rfc3339_ns(std::string_view text);

} // namespace saker::containers
