// RuntimeMetadataSource: the field extractors' ContainerMetadataSource over the asynchronous
// container metadata client (CRI, containerd, Docker, Podman behind one worker).
//
// Contract:
// - Event path only (one thread, the agent's). observe() never blocks: the first time an id is
//   seen the client is asked with request(), which only queues.
// - lookup() is called only by the container.* / k8s.* extractors, i.e. only when a rule's
//   condition or output reads a runtime field. For a container first seen less than `wait`
//   ago whose lookup has no answer yet, it waits for the answer, at most until first-seen +
//   `wait` (default 500 ms, key container_engines.metadata_wait_ms), once per container: a
//   container's first exec is then evaluated with its metadata instead of <NA>. Events that
//   need no runtime field, and containers already answered (or given up on), never wait.
//   Each wait is counted (stats(): waits, wait_ns, timeouts; /metrics).
// - A positive answer is kept here once fetched (the client's records are immutable); a miss
//   re-reads the client's cache only when its generation() has moved. Misses are re-requested
//   at most every `retry`.
// - Bounded: at most `max_entries` ids are tracked; past that the oldest-tracked is forgotten.
// - A pointer returned by lookup() stays valid until the next observe()/lookup() call.
#pragma once

#include "runtime/containers/metadata_client.h"
#include "runtime/containers/runtimes.h"
#include "runtime/fields/event_fields.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace saker::fields {

struct RuntimeMetadataSourceOptions {
    std::size_t max_entries = 8192;
    std::chrono::milliseconds retry{std::chrono::seconds(2)};
    std::chrono::milliseconds wait{500}; // 0: never wait
};

class RuntimeMetadataSource final : public ContainerMetadataSource {
  public:
    explicit RuntimeMetadataSource(containers::MetadataClient& client,
                                   RuntimeMetadataSourceOptions options = {});

    // Notes that `full_id` (64-hex) is running; asks the runtimes about it the first time.
    void observe(std::string_view full_id) override;
    const containers::ContainerMetadata* lookup(std::string_view full_id) override;

    // Counters read from other threads (/metrics scrapes).
    struct Stats {
        std::atomic<uint64_t> tracked{0};   // ids currently tracked
        std::atomic<uint64_t> requests{0};  // request() calls made to the client
        std::atomic<uint64_t> evictions{0}; // ids forgotten for capacity
        std::atomic<uint64_t> waits{0};     // lookups that waited for a pending answer
        std::atomic<uint64_t> wait_ns{0};   // time spent in those waits
        std::atomic<uint64_t> timeouts{0};  // waits that ended without an answer
    };
    const Stats& stats() const { return *stats_; }
    // Shared, so a /metrics reader may outlive this source.
    std::shared_ptr<const Stats> shared_stats() const { return stats_; }

  private:
    struct Entry {
        std::shared_ptr<const containers::ContainerMetadata> meta;
        uint64_t checked_generation = UINT64_MAX; // client generation at the last miss
        std::chrono::steady_clock::time_point next_request;
        std::chrono::steady_clock::time_point wait_until; // first seen + wait; passed: no wait
    };
    Entry& track(std::string_view full_id);
    void ask(const std::string& id, Entry& e);

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    containers::MetadataClient& client_;
    RuntimeMetadataSourceOptions options_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_; // no copy to find
    std::deque<std::string> order_; // insertion order, for eviction
    std::string last_observed_;
    std::shared_ptr<const containers::ContainerMetadata> pinned_; // keeps lookup()'s answer alive
    std::shared_ptr<Stats> stats_ = std::make_shared<Stats>();
};

// A metadata client and its fields adapter, owned together (the source refers to the client).
struct RuntimeConnection {
    std::unique_ptr<containers::MetadataClient> client;
    std::unique_ptr<RuntimeMetadataSource> source;
};

// A client over the runtimes whose sockets exist (containers::connect_runtimes), its worker
// started; an empty connection when none exists.
RuntimeConnection connect_runtimes(const containers::RuntimeSockets& sockets,
                                   RuntimeMetadataSourceOptions options = {});

} // namespace saker::fields
