// ContainerdMetadataSource: the field extractors' ContainerMetadataSource over the asynchronous
// containerd client.
//
// Contract:
// - Event path only (one thread, the agent's): observe() and lookup() never block on I/O. The
//   first time an id is seen (by either) the client is asked with request(), which only queues;
//   until the client has published an answer, lookup() returns nullptr (fields are absent).
// - A positive answer is kept here once fetched (the client's records are immutable); a miss
//   re-reads the client's cache only when its generation() has moved, so a container containerd
//   does not know costs one atomic load per lookup. Misses are re-requested at most every
//   `retry` (the client itself rate-limits negative answers).
// - Bounded: at most `max_entries` ids are tracked; past that the oldest-tracked is forgotten
//   (counted in stats().evictions) and would be asked about again if seen again.
// - A pointer returned by lookup() stays valid until the next observe()/lookup() call.
#pragma once

#include "runtime/containers/containerd_client.h"
#include "runtime/fields/event_fields.h"

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

struct ContainerdMetadataSourceOptions {
    std::size_t max_entries = 8192;
    std::chrono::milliseconds retry{std::chrono::seconds(2)};
};

class ContainerdMetadataSource final : public ContainerMetadataSource {
  public:
    explicit ContainerdMetadataSource(containers::ContainerdClient& client,
                                      ContainerdMetadataSourceOptions options = {});

    // Notes that `full_id` (64-hex) is running; asks containerd about it the first time.
    void observe(std::string_view full_id) override;
    const containers::ContainerMetadata* lookup(std::string_view full_id) override;

    struct Stats {
        uint64_t tracked = 0;   // ids currently tracked
        uint64_t requests = 0;  // request() calls made to the client
        uint64_t evictions = 0; // ids forgotten for capacity
    };
    Stats stats() const;

  private:
    struct Entry {
        std::shared_ptr<const containers::ContainerMetadata> meta;
        uint64_t checked_generation = UINT64_MAX; // client generation at the last miss
        std::chrono::steady_clock::time_point next_request;
    };
    Entry& track(std::string_view full_id);
    void ask(const std::string& id, Entry& e);

    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    containers::ContainerdClient& client_;
    ContainerdMetadataSourceOptions options_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_; // no copy to find
    std::deque<std::string> order_; // insertion order, for eviction
    std::string last_observed_;
    std::shared_ptr<const containers::ContainerMetadata> pinned_; // keeps lookup()'s answer alive
    uint64_t requests_ = 0;
    uint64_t evictions_ = 0;
};

// A containerd client and its fields adapter, owned together (the source refers to the client).
struct ContainerdConnection {
    std::unique_ptr<containers::ContainerdClient> client;
    std::unique_ptr<ContainerdMetadataSource> source;
};

// Connects to the first of `sockets` that exists, starting the client's worker (its I/O never
// blocks the caller); an empty connection when none exists. Logs which one it chose.
ContainerdConnection connect_containerd(const std::vector<std::string>& sockets);

} // namespace saker::fields
