#include "runtime/containers/containerd_client.h"

#include <grpcpp/grpcpp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/images/v1/images.grpc.pb.h"

namespace saker::containers {

namespace cd_containers = ::containerd::services::containers::v1;
namespace cd_images = ::containerd::services::images::v1;
using Clock = std::chrono::steady_clock;

std::optional<bool> privileged_from_oci_spec(std::string_view spec_json) {
    try {
        auto spec = nlohmann::json::parse(spec_json.begin(), spec_json.end(), nullptr, false);
        if (!spec.is_object() || !spec.contains("process")) return std::nullopt;
        bool sys_admin = false;
        if (auto caps = spec["process"].find("capabilities");
            caps != spec["process"].end() && caps->is_object()) {
            if (auto b = caps->find("bounding"); b != caps->end() && b->is_array()) {
                for (const auto& c : *b) {
                    if (c.is_string() && c.get_ref<const std::string&>() == "CAP_SYS_ADMIN")
                        sys_admin = true;
                }
            }
        }
        auto empty_list = [&](const char* key) {
            if (!spec.contains("linux") || !spec["linux"].is_object()) return true;
            auto it = spec["linux"].find(key);
            return it == spec["linux"].end() || it->is_null() || (it->is_array() && it->empty());
        };
        return sys_admin && empty_list("maskedPaths") && empty_list("readonlyPaths");
    } catch (...) {
        return std::nullopt;
    }
}

std::string image_from_cri_metadata(std::string_view json) {
    auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (!j.is_object()) return {};
    // {"Version":"v1","Metadata":{..., "Config":{"image":{"image":"<ref>"}, ...}}}
    const nlohmann::json* cur = &j;
    for (const char* key : {"Metadata", "Config", "image"}) {
        if (!cur->is_object()) return {};
        auto it = cur->find(key);
        if (it == cur->end()) return {};
        cur = &*it;
    }
    if (!cur->is_object()) return {};
    for (const char* key : {"user_specified_image", "image"}) {
        if (auto it = cur->find(key);
            it != cur->end() && it->is_string() && !it->get_ref<const std::string&>().empty())
            return it->get<std::string>();
    }
    return {};
}

std::string container_name_from_labels(const std::map<std::string, std::string>& labels,
                                       std::string_view id) {
    for (const char* key : {"io.kubernetes.container.name", "nerdctl/name"}) {
        if (auto it = labels.find(key); it != labels.end() && !it->second.empty())
            return it->second;
    }
    return std::string(id);
}

namespace {

// At most one message per interval; the next one says how many were suppressed.
class RateLimitedLog {
  public:
    explicit RateLimitedLog(std::chrono::seconds interval) : interval_(interval) {}
    template <typename... Args> void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
        std::lock_guard lock(mu_);
        auto now = Clock::now();
        if (last_ != Clock::time_point{} && now - last_ < interval_) {
            ++suppressed_;
            return;
        }
        last_ = now;
        if (suppressed_ > 0) {
            spdlog::warn("containerd: {} similar message(s) suppressed", suppressed_);
            suppressed_ = 0;
        }
        spdlog::warn(fmt, std::forward<Args>(args)...);
    }

  private:
    std::mutex mu_;
    std::chrono::seconds interval_;
    Clock::time_point last_{};
    std::uint64_t suppressed_ = 0;
};

struct CacheEntry {
    std::shared_ptr<const ContainerMetadata> md; // null: negative
    Clock::time_point retry_after{};             // negative entries only
    std::list<std::string>::iterator order;
};

enum class FetchOutcome { kFound, kNotFound, kError };

} // namespace

struct ContainerdClient::Impl {
    explicit Impl(ContainerdClientOptions o) : opts(std::move(o)), log(std::chrono::seconds(10)) {
        for (const char* ns : {"k8s.io", "default"}) {
            if (std::find(opts.namespaces.begin(), opts.namespaces.end(), ns) ==
                opts.namespaces.end())
                opts.namespaces.emplace_back(ns);
        }
        opts.namespaces.erase(
            std::remove(opts.namespaces.begin(), opts.namespaces.end(), std::string()),
            opts.namespaces.end());
        if (opts.queue_capacity == 0) opts.queue_capacity = 1;
        if (opts.cache_capacity == 0) opts.cache_capacity = 1;
    }

    ContainerdClientOptions opts;
    RateLimitedLog log;

    // Queue of ids to look up (+ the set of queued ids, to dedupe).
    mutable std::mutex queue_mu;
    std::condition_variable queue_cv;
    std::deque<std::string> queue;
    std::unordered_set<std::string> queued;
    bool stopping = false;

    // Published results.
    mutable std::mutex cache_mu;
    mutable std::condition_variable cache_cv;
    std::unordered_map<std::string, CacheEntry> cache;
    std::list<std::string> order; // insertion order, oldest first

    std::atomic<std::uint64_t> generation{0};
    std::atomic<std::uint64_t> n_requests{0}, n_dropped{0}, n_found{0}, n_not_found{0},
        n_rpc_errors{0}, n_evictions{0};

    // Worker-only state.
    std::thread worker;
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<cd_containers::Containers::Stub> containers_stub;
    std::unique_ptr<cd_images::Images::Stub> images_stub;
    std::unordered_map<std::string, std::string> digest_cache; // ns + '\0' + image -> digest

    // The RPC in flight, so stop() can cancel it.
    std::mutex inflight_mu;
    grpc::ClientContext* inflight = nullptr;

    // --- cache helpers (cache_mu held) ---
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
            } catch (const std::exception& e) {
                log.warn("containerd: on_update callback threw: {}", e.what());
            } catch (...) {
                log.warn("containerd: on_update callback threw");
            }
        }
    }

    std::shared_ptr<const ContainerMetadata> cached(const std::string& id) const {
        std::lock_guard lock(cache_mu);
        auto it = cache.find(id);
        return it == cache.end() ? nullptr : it->second.md;
    }

    // --- gRPC ---
    void ensure_channel() {
        if (channel) return;
        std::string target = opts.socket_path;
        if (target.find("://") == std::string::npos && !target.starts_with("unix:"))
            target = (target.starts_with("/") ? "unix://" : "unix:") + target;
        grpc::ChannelArguments args;
        // containerd may come and go; do not back off for minutes once it is back.
        args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
        // gRPC also uses this as the connect timeout (HTTP/2 handshake): keep it generous.
        args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
        args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
        args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
        channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
        containers_stub = cd_containers::Containers::NewStub(channel);
        images_stub = cd_images::Images::NewStub(channel);
    }

    // Runs one unary RPC with the namespace header and the deadline; cancellable by stop().
    template <typename Call> grpc::Status rpc(const std::string& ns, Call&& call) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + opts.rpc_timeout);
        ctx.AddMetadata("containerd-namespace", ns);
        {
            std::lock_guard lock(inflight_mu);
            if (stopping_flag()) return grpc::Status(grpc::StatusCode::CANCELLED, "stopping");
            inflight = &ctx;
        }
        grpc::Status status;
        try {
            status = call(&ctx);
        } catch (const std::exception& e) {
            status = grpc::Status(grpc::StatusCode::INTERNAL, e.what());
        }
        std::lock_guard lock(inflight_mu);
        inflight = nullptr;
        return status;
    }

    bool stopping_flag() {
        std::lock_guard lock(queue_mu);
        return stopping;
    }

    static std::map<std::string, std::string>
    to_map(const google::protobuf::Map<std::string, std::string>& m) {
        return {m.begin(), m.end()};
    }

    // Containers/Get in one namespace.
    FetchOutcome get_container(const std::string& ns, const std::string& id,
                               cd_containers::Container* out) {
        cd_containers::GetContainerRequest req;
        req.set_id(id);
        cd_containers::GetContainerResponse resp;
        grpc::Status st = rpc(
            ns, [&](grpc::ClientContext* ctx) { return containers_stub->Get(ctx, req, &resp); });
        if (st.ok()) {
            *out = resp.container();
            return FetchOutcome::kFound;
        }
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) return FetchOutcome::kNotFound;
        if (st.error_code() != grpc::StatusCode::CANCELLED) {
            ++n_rpc_errors;
            log.warn("containerd: Containers/Get {} (namespace {}) on {}: {} ({})", id, ns,
                     opts.socket_path, st.error_message(), static_cast<int>(st.error_code()));
        }
        return FetchOutcome::kError;
    }

    std::string image_digest(const std::string& ns, const std::string& image) {
        if (image.empty()) return {};
        std::string key = ns + '\0' + image;
        if (auto it = digest_cache.find(key); it != digest_cache.end()) return it->second;
        cd_images::GetImageRequest req;
        req.set_name(image);
        cd_images::GetImageResponse resp;
        grpc::Status st =
            rpc(ns, [&](grpc::ClientContext* ctx) { return images_stub->Get(ctx, req, &resp); });
        std::string digest;
        if (st.ok()) {
            digest = resp.image().target().digest();
        } else if (st.error_code() != grpc::StatusCode::NOT_FOUND) {
            if (st.error_code() != grpc::StatusCode::CANCELLED) {
                ++n_rpc_errors;
                log.warn("containerd: Images/Get {} (namespace {}): {}", image, ns,
                         st.error_message());
            }
            return {}; // not cached: may work next time
        }
        if (digest_cache.size() >= 1024) digest_cache.clear();
        digest_cache.emplace(std::move(key), digest);
        return digest;
    }

    ContainerMetadata to_metadata(const std::string& ns, const cd_containers::Container& c,
                                  std::string* sandbox_id) {
        ContainerMetadata m;
        m.id = c.id();
        m.ns = ns;
        m.labels = to_map(c.labels());
        apply_k8s_labels(m);
        m.name = container_name_from_labels(m.labels, m.id);

        // The image as the user asked for it: CRI's annotation, else CRI's own metadata
        // record, else the container's image field (CRI fills that with whichever reference
        // of the image it resolved first, possibly a digest ref or a bare image id).
        std::string annotated_image;
        if (c.has_spec() && !c.spec().value().empty()) {
            const std::string& raw = c.spec().value();
            m.privileged = privileged_from_oci_spec(raw);
            auto spec = nlohmann::json::parse(raw, nullptr, false);
            if (spec.is_object() && spec.contains("annotations") &&
                spec["annotations"].is_object()) {
                auto& ann = spec["annotations"];
                if (auto it = ann.find(std::string(kAnnotationSandboxId));
                    it != ann.end() && it->is_string())
                    *sandbox_id = it->get<std::string>();
                if (auto it = ann.find(std::string(kAnnotationImageName));
                    it != ann.end() && it->is_string())
                    annotated_image = it->get<std::string>();
            }
        }
        std::string cri_image;
        if (auto ext = c.extensions().find(std::string(kCriMetadataExtension));
            ext != c.extensions().end())
            cri_image = image_from_cri_metadata(ext->second.value());
        for (const std::string* candidate :
             std::initializer_list<const std::string*>{&annotated_image, &cri_image, &c.image()}) {
            if (candidate->empty()) continue;
            if (m.image.empty() || m.image.starts_with("sha256:")) m.image = *candidate;
        }
        apply_image_reference(m);
        if (auto kind = m.labels.find(std::string(kLabelCriKind));
            kind != m.labels.end() && kind->second == "sandbox") {
            m.k8s_pod_labels = pod_labels_from_sandbox(m.labels);
            m.k8s_sandbox_id = m.id;
        }
        return m;
    }

    void handle(const std::string& id) {
        ensure_channel();
        bool had_error = false;
        for (const auto& ns : opts.namespaces) {
            cd_containers::Container c;
            FetchOutcome r = get_container(ns, id, &c);
            if (stopping_flag()) return;
            if (r == FetchOutcome::kNotFound) continue;
            if (r == FetchOutcome::kError) {
                had_error = true;
                // containerd unreachable: the other namespaces will not fare better.
                if (channel->GetState(false) == GRPC_CHANNEL_TRANSIENT_FAILURE) break;
                continue;
            }
            std::string sandbox_id;
            ContainerMetadata m = to_metadata(ns, c, &sandbox_id);
            if (opts.fetch_image_digest && m.image_digest.empty()) {
                m.image_digest = image_digest(ns, m.image);
                // The record's own image field names the image in containerd's store even when
                // the reported name came from CRI and is spelled differently.
                if (m.image_digest.empty() && !c.image().empty() && c.image() != m.image) {
                    ImageReference own = split_image_reference(c.image());
                    m.image_digest = own.digest.empty() ? image_digest(ns, c.image()) : own.digest;
                }
            }
            if (opts.fetch_pod_labels && !sandbox_id.empty() && sandbox_id != m.id) {
                m.k8s_sandbox_id = sandbox_id;
                if (auto sb = cached(sandbox_id)) {
                    m.k8s_pod_labels = sb->k8s_pod_labels;
                } else {
                    cd_containers::Container sc;
                    if (get_container(ns, sandbox_id, &sc) == FetchOutcome::kFound) {
                        std::string unused;
                        ContainerMetadata sbm = to_metadata(ns, sc, &unused);
                        sbm.k8s_pod_labels = pod_labels_from_sandbox(sbm.labels);
                        sbm.k8s_sandbox_id = sbm.id;
                        m.k8s_pod_labels = sbm.k8s_pod_labels;
                        std::string sb_id = sbm.id; // not sbm.id: sbm is moved from below
                        publish(sb_id, std::make_shared<const ContainerMetadata>(std::move(sbm)));
                    }
                }
            }
            ++n_found;
            publish(id, std::make_shared<const ContainerMetadata>(std::move(m)));
            return;
        }
        if (!had_error) ++n_not_found;
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
            try {
                handle(id);
            } catch (const std::exception& e) {
                ++n_rpc_errors;
                log.warn("containerd: lookup of {} failed: {}", id, e.what());
                publish(id, nullptr);
            } catch (...) {
                ++n_rpc_errors;
                log.warn("containerd: lookup of {} failed", id);
                publish(id, nullptr);
            }
        }
    }
};

ContainerdClient::ContainerdClient(ContainerdClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

ContainerdClient::~ContainerdClient() {
    stop();
}

void ContainerdClient::start() {
    std::lock_guard lock(impl_->queue_mu);
    if (impl_->worker.joinable() || impl_->stopping) return;
    try {
        impl_->worker = std::thread([this] { impl_->run(); });
    } catch (const std::exception& e) {
        spdlog::error("containerd: cannot start the metadata thread: {}", e.what());
    }
}

void ContainerdClient::stop() {
    {
        std::lock_guard lock(impl_->queue_mu);
        impl_->stopping = true;
        impl_->queue.clear();
        impl_->queued.clear();
    }
    impl_->queue_cv.notify_all();
    {
        std::lock_guard lock(impl_->inflight_mu);
        if (impl_->inflight) impl_->inflight->TryCancel();
    }
    if (impl_->worker.joinable() && impl_->worker.get_id() != std::this_thread::get_id())
        impl_->worker.join();
    impl_->cache_cv.notify_all();
}

bool ContainerdClient::request(std::string_view full_id) {
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

std::optional<ContainerMetadata> ContainerdClient::lookup(std::string_view full_id) const {
    auto md = impl_->cached(std::string(full_id));
    if (!md) return std::nullopt;
    return *md;
}

std::shared_ptr<const ContainerMetadata>
ContainerdClient::lookup_shared(std::string_view full_id) const {
    return impl_->cached(std::string(full_id));
}

void ContainerdClient::forget(std::string_view full_id) {
    std::lock_guard lock(impl_->cache_mu);
    if (auto it = impl_->cache.find(std::string(full_id)); it != impl_->cache.end()) {
        impl_->order.erase(it->second.order);
        impl_->cache.erase(it);
    }
}

std::uint64_t ContainerdClient::generation() const {
    return impl_->generation.load();
}

ContainerdClientStats ContainerdClient::stats() const {
    ContainerdClientStats s;
    s.requests = impl_->n_requests.load();
    s.dropped = impl_->n_dropped.load();
    s.found = impl_->n_found.load();
    s.not_found = impl_->n_not_found.load();
    s.rpc_errors = impl_->n_rpc_errors.load();
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

std::optional<ContainerMetadata>
ContainerdClient::wait_for(std::string_view full_id, std::chrono::milliseconds timeout) const {
    std::string id(full_id);
    std::unique_lock lock(impl_->cache_mu);
    impl_->cache_cv.wait_for(lock, timeout, [&] { return impl_->cache.count(id) > 0; });
    auto it = impl_->cache.find(id);
    if (it == impl_->cache.end() || !it->second.md) return std::nullopt;
    return *it->second.md;
}

} // namespace saker::containers
