#include "runtime/containers/metadata_client.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace saker::containers {

using Clock = std::chrono::steady_clock;

struct RateLimitedLog::State {
    std::mutex mu;
    std::chrono::seconds interval;
    Clock::time_point last{};
    std::uint64_t suppressed = 0;
};

RateLimitedLog::RateLimitedLog(std::chrono::seconds interval) : s_(std::make_unique<State>()) {
    s_->interval = interval;
}
RateLimitedLog::~RateLimitedLog() = default;

void RateLimitedLog::warn(const std::string& message) {
    std::lock_guard lock(s_->mu);
    auto now = Clock::now();
    if (s_->last != Clock::time_point{} && now - s_->last < s_->interval) {
        ++s_->suppressed;
        return;
    }
    s_->last = now;
    if (s_->suppressed > 0) {
        spdlog::warn("container metadata: {} similar message(s) suppressed", s_->suppressed);
        s_->suppressed = 0;
    }
    spdlog::warn("{}", message);
}

namespace {

struct CacheEntry {
    std::shared_ptr<const ContainerMetadata> md; // null: negative
    Clock::time_point retry_after{};             // negative entries only
    std::list<std::string>::iterator order;
};

} // namespace

struct MetadataClient::Impl {
    Impl(std::vector<std::unique_ptr<MetadataBackend>> b, MetadataClientOptions o)
        : backends(std::move(b)), opts(std::move(o)), log(std::chrono::seconds(10)) {
        if (opts.queue_capacity == 0) opts.queue_capacity = 1;
        if (opts.cache_capacity == 0) opts.cache_capacity = 1;
    }

    std::vector<std::unique_ptr<MetadataBackend>> backends;
    MetadataClientOptions opts;
    RateLimitedLog log;

    // Queue of ids to look up (+ the set of queued ids, to dedupe).
    mutable std::mutex queue_mu;
    std::condition_variable queue_cv;
    std::deque<std::string> queue;
    std::unordered_set<std::string> queued;
    bool stopping = false;
    std::thread worker;

    // Published results.
    mutable std::mutex cache_mu;
    mutable std::condition_variable cache_cv;
    std::unordered_map<std::string, CacheEntry> cache;
    std::list<std::string> order; // insertion order, oldest first

    std::atomic<std::uint64_t> generation{0};
    std::atomic<std::uint64_t> n_requests{0}, n_dropped{0}, n_found{0}, n_not_found{0}, n_errors{0},
        n_evictions{0};

    void insert_locked(const std::string& id, CacheEntry entry) {
        if (auto it = cache.find(id); it != cache.end()) {
            entry.order = it->second.order;
            it->second = std::move(entry);
            return;
        }
        while (cache.size() >= opts.cache_capacity && !order.empty()) {
            cache.erase(order.front());
            order.pop_front();
            ++n_evictions;
        }
        order.push_back(id);
        entry.order = std::prev(order.end());
        cache.emplace(id, std::move(entry));
    }

    void publish(const std::string& id, std::shared_ptr<const ContainerMetadata> md) {
        {
            std::lock_guard lock(cache_mu);
            CacheEntry e;
            e.md = md;
            if (!md) e.retry_after = Clock::now() + opts.negative_retry;
            insert_locked(id, std::move(e));
            if (md) ++generation;
        }
        cache_cv.notify_all();
        if (md && opts.on_update) {
            try {
                opts.on_update(*md);
            } catch (...) {
                log.warn("container metadata: on_update callback threw");
            }
        }
    }

    std::shared_ptr<const ContainerMetadata> cached(const std::string& id) const {
        std::lock_guard lock(cache_mu);
        auto it = cache.find(id);
        return it == cache.end() ? nullptr : it->second.md;
    }

    bool stopping_now() {
        std::lock_guard lock(queue_mu);
        return stopping;
    }

    // The first backend that knows the id answers; an error in one does not hide the others.
    void handle(const std::string& id) {
        bool error = false;
        for (auto& b : backends) {
            ContainerMetadata m;
            MetadataBackend::Outcome r = MetadataBackend::Outcome::Error;
            try {
                r = b->fetch(id, m);
            } catch (const std::exception& e) {
                log.warn("container metadata: " + b->describe() + ": " + e.what());
            }
            if (stopping_now()) return;
            if (r == MetadataBackend::Outcome::Found) {
                if (m.id.empty()) m.id = id;
                ++n_found;
                publish(id, std::make_shared<const ContainerMetadata>(std::move(m)));
                return;
            }
            error |= r == MetadataBackend::Outcome::Error;
        }
        ++(error ? n_errors : n_not_found);
        publish(id, nullptr);
    }

    void run() {
        for (;;) {
            std::string id;
            {
                std::unique_lock lock(queue_mu);
                queue_cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (stopping) return;
                id = std::move(queue.front());
                queue.pop_front();
                queued.erase(id);
            }
            handle(id);
        }
    }
};

MetadataClient::MetadataClient(std::vector<std::unique_ptr<MetadataBackend>> backends,
                               MetadataClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(backends), std::move(options))) {}

MetadataClient::~MetadataClient() {
    stop();
}

void MetadataClient::start() {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->worker.joinable() || impl_->stopping) return;
    try {
        impl_->worker = std::thread([this] { impl_->run(); });
    } catch (const std::exception& e) {
        spdlog::error("container metadata: cannot start the worker thread: {}", e.what());
    }
}

void MetadataClient::stop() {
    {
        std::lock_guard lock(impl_->queue_mu);
        impl_->stopping = true;
        impl_->queue.clear();
        impl_->queued.clear();
    }
    impl_->queue_cv.notify_all();
    for (auto& b : impl_->backends)
        b->cancel();
    if (impl_->worker.joinable() && impl_->worker.get_id() != std::this_thread::get_id())
        impl_->worker.join();
    impl_->cache_cv.notify_all();
}

bool MetadataClient::request(std::string_view full_id) {
    if (full_id.empty()) return true;
    std::string id(full_id);
    {
        std::lock_guard lock(impl_->cache_mu);
        if (auto it = impl_->cache.find(id); it != impl_->cache.end()) {
            if (it->second.md || Clock::now() < it->second.retry_after) return true;
        }
    }
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->stopping || impl_->queued.count(id)) return true;
    if (impl_->queue.size() >= impl_->opts.queue_capacity) {
        ++impl_->n_dropped;
        return false;
    }
    impl_->queued.insert(id);
    impl_->queue.push_back(std::move(id));
    ++impl_->n_requests;
    impl_->queue_cv.notify_one();
    return true;
}

std::optional<ContainerMetadata> MetadataClient::lookup(std::string_view full_id) const {
    auto md = impl_->cached(std::string(full_id));
    if (!md) return std::nullopt;
    return *md;
}

std::shared_ptr<const ContainerMetadata>
MetadataClient::lookup_shared(std::string_view full_id) const {
    return impl_->cached(std::string(full_id));
}

void MetadataClient::forget(std::string_view full_id) {
    std::lock_guard lock(impl_->cache_mu);
    if (auto it = impl_->cache.find(std::string(full_id)); it != impl_->cache.end()) {
        impl_->order.erase(it->second.order);
        impl_->cache.erase(it);
    }
}

std::uint64_t MetadataClient::generation() const {
    return impl_->generation.load();
}

std::size_t MetadataClient::backend_count() const {
    return impl_->backends.size();
}

MetadataClientStats MetadataClient::stats() const {
    MetadataClientStats s;
    s.requests = impl_->n_requests.load();
    s.dropped = impl_->n_dropped.load();
    s.found = impl_->n_found.load();
    s.not_found = impl_->n_not_found.load();
    s.rpc_errors = impl_->n_errors.load();
    s.evictions = impl_->n_evictions.load();
    {
        std::lock_guard lock(impl_->cache_mu);
        s.cache_size = impl_->cache.size();
    }
    {
        std::lock_guard lock(impl_->queue_mu);
        s.queue_size = impl_->queue.size();
    }
    return s;
}

std::shared_ptr<const ContainerMetadata>
MetadataClient::wait_shared(std::string_view full_id, std::chrono::milliseconds timeout) const {
    std::string id(full_id);
    std::unique_lock lock(impl_->cache_mu);
    impl_->cache_cv.wait_for(lock, timeout, [&] { return impl_->cache.count(id) > 0; });
    auto it = impl_->cache.find(id);
    return it == impl_->cache.end() ? nullptr : it->second.md;
}

std::optional<ContainerMetadata> MetadataClient::wait_for(std::string_view full_id,
                                                          std::chrono::milliseconds timeout) const {
    auto md = wait_shared(full_id, timeout);
    if (!md) return std::nullopt;
    return *md;
}

} // namespace saker::containers
