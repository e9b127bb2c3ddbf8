// Asynchronous container metadata client over a chain of runtime backends.
//
// The event path calls request(id) when it first sees a container id and lookup(id) whenever it
// needs fields; neither blocks on I/O. One worker thread drains a bounded queue and asks each
// backend in turn (CRI, containerd, Docker, Podman: whichever sockets exist) until one knows the
// id; the answer goes into a bounded cache. Ids no backend knows are cached negatively and
// retried after a delay. A backend bounds every call it makes with its own deadline, so one slow
// runtime delays the queue by at most that. Nothing here throws to the caller.
#pragma once

#include "runtime/containers/container_metadata.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saker::containers {

// One container runtime API. fetch() runs on the worker thread only.
class MetadataBackend {
  public:
    enum class Outcome { Found, NotFound, Error };
    virtual ~MetadataBackend() = default;
    virtual std::string describe() const = 0; // for logs, e.g. "CRI at /run/crio/crio.sock"
    // Fills `out` for the 64-hex `id` when the runtime knows it. Must bound its own I/O.
    virtual Outcome fetch(const std::string& id, ContainerMetadata& out) = 0;
    // From another thread during stop(): abort the call in flight, if any. Idempotent.
    virtual void cancel() {}
};

struct MetadataClientOptions {
    // How long an id no backend knew (or could be asked about) stays negative.
    std::chrono::milliseconds negative_retry{std::chrono::seconds(5)};
    std::size_t queue_capacity = 1024; // pending lookups; further requests are dropped + counted
    std::size_t cache_capacity = 8192; // cached entries (positive + negative); oldest evicted
    // Called from the worker thread each time a positive result is published. Must not block long.
    std::function<void(const ContainerMetadata&)> on_update;
};

struct MetadataClientStats {
    std::uint64_t requests = 0;   // request() calls that enqueued a lookup
    std::uint64_t dropped = 0;    // request() calls dropped because the queue was full
    std::uint64_t found = 0;      // lookups answered with metadata
    std::uint64_t not_found = 0;  // lookups where no backend knew the id
    std::uint64_t rpc_errors = 0; // lookups where a backend failed (timeouts, unavailable, ...)
    std::uint64_t evictions = 0;  // cache entries evicted for capacity
    std::uint64_t cache_size = 0;
    std::uint64_t queue_size = 0;
};

class MetadataClient {
  public:
    MetadataClient(std::vector<std::unique_ptr<MetadataBackend>> backends,
                   MetadataClientOptions options = {});
    virtual ~MetadataClient(); // stop()s
    MetadataClient(const MetadataClient&) = delete;
    MetadataClient& operator=(const MetadataClient&) = delete;

    // Starts the worker thread (idempotent). request() before start() queues; nothing is sent.
    void start();
    // Cancels the in-flight call, joins the worker. Pending requests are discarded. Idempotent.
    void stop();

    // `full_id` is the 64-hex id from the cgroup path, not the 12-char container.id.
    // Enqueues a lookup unless it is cached (positive, or negative and not yet due for a retry)
    // or already queued. Never blocks on I/O. Returns false when the request was dropped.
    bool request(std::string_view full_id);
    // What is known now about `full_id`; nullopt while unknown / pending / negative.
    std::optional<ContainerMetadata> lookup(std::string_view full_id) const;
    // Same, without copying: the published record is immutable and shared.
    std::shared_ptr<const ContainerMetadata> lookup_shared(std::string_view full_id) const;
    // Forgets an id (container gone); a later request() asks again.
    void forget(std::string_view full_id);
    // Bumped every time a positive result is published; cheap change detection for callers.
    std::uint64_t generation() const;
    MetadataClientStats stats() const;
    std::size_t backend_count() const;

    // Blocks until `full_id` has a positive or negative answer (an earlier negative one counts)
    // or `timeout` passes; the positive answer, if any. The agent's bounded wait for a new
    // container's metadata uses it (see ContainerdMetadataSource); tests and tools too.
    std::shared_ptr<const ContainerMetadata> wait_shared(std::string_view full_id,
                                                         std::chrono::milliseconds timeout) const;
    std::optional<ContainerMetadata> wait_for(std::string_view full_id,
                                              std::chrono::milliseconds timeout) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// At most one warning per interval; the next one says how many were suppressed.
class RateLimitedLog {
  public:
    explicit RateLimitedLog(std::chrono::seconds interval);
    ~RateLimitedLog();
    void warn(const std::string& message);

  private:
    struct State;
    std::unique_ptr<State> s_;
};

} // namespace saker::containers
