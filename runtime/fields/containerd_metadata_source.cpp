#include "runtime/fields/containerd_metadata_source.h"

#include <spdlog/spdlog.h>

#include <filesystem>

namespace saker::fields {

using Clock = std::chrono::steady_clock;

ContainerdMetadataSource::ContainerdMetadataSource(containers::ContainerdClient& client,
                                                   ContainerdMetadataSourceOptions options)
    : client_(client), options_(options) {
    if (options_.max_entries == 0) options_.max_entries = 1;
}

void ContainerdMetadataSource::ask(const std::string& id, Entry& e) {
    client_.request(id); // queues only; a full queue is the client's to count
    ++requests_;
    e.next_request = Clock::now() + options_.retry;
}

ContainerdMetadataSource::Entry& ContainerdMetadataSource::track(std::string_view full_id) {
    if (auto it = entries_.find(full_id); it != entries_.end()) return it->second;
    std::string id(full_id);
    while (entries_.size() >= options_.max_entries && !order_.empty()) {
        if (order_.front() == last_observed_) last_observed_.clear();
        entries_.erase(order_.front());
        order_.pop_front();
        ++evictions_;
    }
    order_.push_back(id);
    Entry& e = entries_[id];
    ask(id, e);
    return e;
}

void ContainerdMetadataSource::observe(std::string_view full_id) {
    if (full_id.empty() || full_id == last_observed_) return;
    track(full_id);
    last_observed_.assign(full_id);
}

const containers::ContainerMetadata* ContainerdMetadataSource::lookup(std::string_view full_id) {
    if (full_id.empty()) return nullptr;
    Entry& e = track(full_id);
    if (!e.meta) {
        uint64_t gen = client_.generation();
        if (gen != e.checked_generation) {
            e.checked_generation = gen;
            e.meta = client_.lookup_shared(full_id);
        }
        if (!e.meta) {
            if (Clock::now() >= e.next_request) ask(std::string(full_id), e);
            return nullptr;
        }
    }
    pinned_ = e.meta;
    return pinned_.get();
}

ContainerdMetadataSource::Stats ContainerdMetadataSource::stats() const {
    return {entries_.size(), requests_, evictions_};
}

ContainerdConnection connect_containerd(const std::vector<std::string>& sockets) {
    ContainerdConnection c;
    for (const auto& socket : sockets) {
        std::error_code ec;
        if (socket.empty() || !std::filesystem::exists(socket, ec)) continue;
        containers::ContainerdClientOptions options;
        options.socket_path = socket;
        c.client = std::make_unique<containers::ContainerdClient>(options);
        c.source = std::make_unique<ContainerdMetadataSource>(*c.client);
        c.client->start();
        spdlog::info("container metadata from containerd at {}", socket);
        return c;
    }
    spdlog::info("no containerd socket found: container metadata disabled");
    return c;
}

} // namespace saker::fields
