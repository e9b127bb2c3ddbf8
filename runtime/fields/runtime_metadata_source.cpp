#include "runtime/fields/runtime_metadata_source.h"

namespace saker::fields {

using Clock = std::chrono::steady_clock;

RuntimeMetadataSource::RuntimeMetadataSource(containers::MetadataClient& client,
                                             RuntimeMetadataSourceOptions options)
    : client_(client), options_(options) {
    if (options_.max_entries == 0) options_.max_entries = 1;
}

void RuntimeMetadataSource::ask(const std::string& id, Entry& e) {
    client_.request(id); // queues only; a full queue is the client's to count
    ++stats_->requests;
    e.next_request = Clock::now() + options_.retry;
}

RuntimeMetadataSource::Entry& RuntimeMetadataSource::track(std::string_view full_id) {
    if (auto it = entries_.find(full_id); it != entries_.end()) return it->second;
    std::string id(full_id);
    while (entries_.size() >= options_.max_entries && !order_.empty()) {
        if (order_.front() == last_observed_) last_observed_.clear();
        entries_.erase(order_.front());
        order_.pop_front();
        ++stats_->evictions;
    }
    order_.push_back(id);
    Entry& e = entries_[id];
    e.wait_until = Clock::now() + options_.wait;
    ask(id, e);
    stats_->tracked = entries_.size();
    return e;
}

void RuntimeMetadataSource::observe(std::string_view full_id) {
    if (full_id.empty() || full_id == last_observed_) return;
    track(full_id);
    last_observed_.assign(full_id);
}

const containers::ContainerMetadata* RuntimeMetadataSource::lookup(std::string_view full_id) {
    if (full_id.empty()) return nullptr;
    Entry& e = track(full_id);
    if (!e.meta) {
        uint64_t gen = client_.generation();
        if (gen != e.checked_generation) {
            e.checked_generation = gen;
            e.meta = client_.lookup_shared(full_id);
        }
    }
    if (!e.meta) {
        auto now = Clock::now();
        if (now < e.wait_until) {
            // A new container whose answer is still on its way: a rule needs it now.
            e.meta = client_.wait_shared(
                full_id, std::chrono::duration_cast<std::chrono::milliseconds>(e.wait_until - now) +
                             std::chrono::milliseconds(1));
            auto waited = Clock::now() - now;
            ++stats_->waits;
            stats_->wait_ns += std::chrono::duration_cast<std::chrono::nanoseconds>(waited).count();
            if (!e.meta && Clock::now() >= e.wait_until) ++stats_->timeouts;
            e.wait_until = {}; // once per container
        }
        if (!e.meta) {
            if (Clock::now() >= e.next_request) ask(std::string(full_id), e);
            return nullptr;
        }
    }
    pinned_ = e.meta;
    return pinned_.get();
}

RuntimeConnection connect_runtimes(const containers::RuntimeSockets& sockets,
                                   RuntimeMetadataSourceOptions options) {
    RuntimeConnection c;
    auto backends = containers::connect_runtimes(sockets);
    if (backends.empty()) return c;
    c.client = std::make_unique<containers::MetadataClient>(std::move(backends));
    c.source = std::make_unique<RuntimeMetadataSource>(*c.client, options);
    c.client->start();
    return c;
}

} // namespace saker::fields
