#include "runtime/containers/containerd_client.h"

#include "runtime/containers/grpc_call.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "github.com/containerd/containerd/api/services/containers/v1/containers.grpc.pb.h"
#include "github.com/containerd/containerd/api/services/images/v1/images.grpc.pb.h"

namespace saker::containers {

namespace cd_containers = ::containerd::services::containers::v1;
namespace cd_images = ::containerd::services::images::v1;

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

using Outcome = MetadataBackend::Outcome;

// CRI's own record of a container (containerd's CRI extension, JSON): Metadata.Config is the CRI
// ContainerConfig the kubelet sent, so the pod spec's privileged flag is there.
std::optional<bool> privileged_from_cri_metadata(std::string_view json) {
    auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    const nlohmann::json* cur = &j;
    for (const char* key : {"Metadata", "Config", "linux", "security_context"}) {
        if (!cur->is_object() || !cur->contains(key)) return std::nullopt;
        cur = &(*cur)[key];
    }
    if (!cur->is_object()) return std::nullopt;
    auto it = cur->find("privileged");
    return it != cur->end() && it->is_boolean() ? std::optional<bool>(it->get<bool>())
                                                : std::optional<bool>(false);
}

class ContainerdBackend final : public MetadataBackend {
  public:
    explicit ContainerdBackend(const ContainerdClientOptions& o)
        : opts_(o), calls_(o.socket_path, o.rpc_timeout), log_(std::chrono::seconds(10)) {
        for (const char* ns : {"k8s.io", "moby", "default"}) {
            if (std::find(opts_.namespaces.begin(), opts_.namespaces.end(), ns) ==
                opts_.namespaces.end())
                opts_.namespaces.emplace_back(ns);
        }
        std::erase(opts_.namespaces, std::string());
    }

    std::string describe() const override { return "containerd at " + opts_.socket_path; }
    void cancel() override { calls_.cancel(); }

    Outcome fetch(const std::string& id, ContainerMetadata& out) override {
        ensure_stubs();
        bool had_error = false;
        for (const auto& ns : opts_.namespaces) {
            cd_containers::Container c;
            Outcome r = get_container(ns, id, &c);
            if (r == Outcome::NotFound) continue;
            if (r == Outcome::Error) {
                had_error = true;
                if (calls_.unreachable()) break; // the other namespaces will not fare better
                continue;
            }
            std::string sandbox_id;
            out = to_metadata(ns, c, &sandbox_id);
            if (opts_.fetch_image_digest && out.image_digest.empty()) {
                out.image_digest = image_digest(ns, out.image);
                // The record's own image field names the image in containerd's store even when
                // the reported name came from CRI and is spelled differently.
                if (out.image_digest.empty() && !c.image().empty() && c.image() != out.image) {
                    ImageReference own = split_image_reference(c.image());
                    out.image_digest =
                        own.digest.empty() ? image_digest(ns, c.image()) : own.digest;
                }
            }
            if (opts_.fetch_pod_labels && !sandbox_id.empty() && sandbox_id != out.id) {
                out.k8s_sandbox_id = sandbox_id;
                out.k8s_pod_labels = pod_labels(ns, sandbox_id);
            }
            return Outcome::Found;
        }
        return had_error ? Outcome::Error : Outcome::NotFound;
    }

  private:
    void ensure_stubs() {
        if (containers_stub_) return;
        containers_stub_ = cd_containers::Containers::NewStub(calls_.channel());
        images_stub_ = cd_images::Images::NewStub(calls_.channel());
    }

    Outcome get_container(const std::string& ns, const std::string& id,
                          cd_containers::Container* out) {
        cd_containers::GetContainerRequest req;
        req.set_id(id);
        cd_containers::GetContainerResponse resp;
        grpc::Status st = calls_.run(
            [&](grpc::ClientContext* ctx) { return containers_stub_->Get(ctx, req, &resp); },
            {{"containerd-namespace", ns}});
        if (st.ok()) {
            *out = resp.container();
            return Outcome::Found;
        }
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) return Outcome::NotFound;
        if (st.error_code() != grpc::StatusCode::CANCELLED)
            log_.warn("containerd: Containers/Get " + id + " (namespace " + ns + ") on " +
                      opts_.socket_path + ": " + st.error_message());
        return Outcome::Error;
    }

    std::string image_digest(const std::string& ns, const std::string& image) {
        if (image.empty()) return {};
        std::string key = ns + '\0' + image;
        if (auto it = digest_cache_.find(key); it != digest_cache_.end()) return it->second;
        cd_images::GetImageRequest req;
        req.set_name(image);
        cd_images::GetImageResponse resp;
        grpc::Status st =
            calls_.run([&](grpc::ClientContext* ctx) { return images_stub_->Get(ctx, req, &resp); },
                       {{"containerd-namespace", ns}});
        std::string digest;
        if (st.ok()) {
            digest = resp.image().target().digest();
        } else if (st.error_code() != grpc::StatusCode::NOT_FOUND) {
            if (st.error_code() != grpc::StatusCode::CANCELLED)
                log_.warn("containerd: Images/Get " + image + " (namespace " + ns +
                          "): " + st.error_message());
            return {}; // not cached: may work next time
        }
        if (digest_cache_.size() >= 1024) digest_cache_.clear();
        digest_cache_.emplace(std::move(key), digest);
        return digest;
    }

    // The pod's labels: its sandbox container's, minus CRI bookkeeping. Cached per sandbox.
    std::optional<std::map<std::string, std::string>> pod_labels(const std::string& ns,
                                                                 const std::string& sandbox_id) {
        if (auto it = pod_labels_.find(sandbox_id); it != pod_labels_.end()) return it->second;
        cd_containers::Container sc;
        if (get_container(ns, sandbox_id, &sc) != Outcome::Found) return std::nullopt;
        auto labels = pod_labels_from_sandbox({sc.labels().begin(), sc.labels().end()});
        if (pod_labels_.size() >= 1024) pod_labels_.clear();
        pod_labels_.emplace(sandbox_id, labels);
        return labels;
    }

    static void spec_facts(const nlohmann::json& spec, ContainerMetadata& m) {
        // Mounts as Falco's containerd engine reports them: every OCI mount, read-only from the
        // "ro" option, mode from "mode=", the rootfs propagation.
        std::string propagation;
        const nlohmann::json* linux_ = nullptr;
        if (auto l = spec.find("linux"); l != spec.end() && l->is_object()) {
            linux_ = &*l;
            if (auto rp = l->find("rootfsPropagation"); rp != l->end() && rp->is_string())
                propagation = rp->get<std::string>();
        }
        if (auto ms = spec.find("mounts"); ms != spec.end() && ms->is_array()) {
            for (const auto& mj : *ms) {
                if (!mj.is_object()) continue;
                Mount mount;
                mount.source = mj.value("source", "");
                mount.dest = mj.value("destination", "");
                mount.propagation = propagation;
                if (auto opts = mj.find("options"); opts != mj.end() && opts->is_array()) {
                    for (const auto& o : *opts) {
                        if (!o.is_string()) continue;
                        const auto& s = o.get_ref<const std::string&>();
                        if (s == "ro") mount.rdwr = false;
                        if (s.starts_with("mode=")) mount.mode = s.substr(5);
                    }
                }
                m.mounts.push_back(std::move(mount));
            }
        }
        // A namespace missing from the spec is the host's (that is how containerd shares one).
        if (linux_) {
            bool pid = true, net = true, ipc = true;
            if (auto nss = linux_->find("namespaces"); nss != linux_->end() && nss->is_array()) {
                for (const auto& n : *nss) {
                    std::string type = n.is_object() ? n.value("type", "") : "";
                    if (type == "pid") pid = false;
                    if (type == "network") net = false;
                    if (type == "ipc") ipc = false;
                }
            }
            m.host_pid = pid;
            m.host_network = net;
            m.host_ipc = ipc;
        }
    }

    ContainerMetadata to_metadata(const std::string& ns, const cd_containers::Container& c,
                                  std::string* sandbox_id) {
        ContainerMetadata m;
        m.id = c.id();
        m.ns = ns;
        m.runtime = "containerd";
        m.labels = {c.labels().begin(), c.labels().end()};
        apply_k8s_labels(m);
        m.name = container_name_from_labels(m.labels, m.id);
        if (c.has_created_at())
            m.start_ns = static_cast<uint64_t>(c.created_at().seconds()) * 1000000000ull +
                         static_cast<uint64_t>(c.created_at().nanos());

        // The image as the user asked for it: CRI's annotation, else CRI's own metadata
        // record, else the container's image field (CRI fills that with whichever reference
        // of the image it resolved first, possibly a digest ref or a bare image id).
        std::string annotated_image;
        if (c.has_spec() && !c.spec().value().empty()) {
            const std::string& raw = c.spec().value();
            m.privileged = privileged_from_oci_spec(raw);
            auto spec = nlohmann::json::parse(raw, nullptr, false);
            if (spec.is_object()) spec_facts(spec, m);
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
            ext != c.extensions().end()) {
            cri_image = image_from_cri_metadata(ext->second.value());
            // The pod spec's own flag beats the spec heuristic when CRI made the container.
            if (auto p = privileged_from_cri_metadata(ext->second.value())) m.privileged = p;
        }
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

    ContainerdClientOptions opts_;
    GrpcCalls calls_;
    RateLimitedLog log_;
    std::unique_ptr<cd_containers::Containers::Stub> containers_stub_;
    std::unique_ptr<cd_images::Images::Stub> images_stub_;
    std::unordered_map<std::string, std::string> digest_cache_; // ns + '\0' + image -> digest
    std::unordered_map<std::string, std::map<std::string, std::string>> pod_labels_;
};

MetadataClientOptions client_options(const ContainerdClientOptions& o) {
    MetadataClientOptions c;
    c.negative_retry = o.negative_retry;
    c.queue_capacity = o.queue_capacity;
    c.cache_capacity = o.cache_capacity;
    c.on_update = o.on_update;
    return c;
}

std::vector<std::unique_ptr<MetadataBackend>> one(std::unique_ptr<MetadataBackend> b) {
    std::vector<std::unique_ptr<MetadataBackend>> v;
    v.push_back(std::move(b));
    return v;
}

} // namespace

std::unique_ptr<MetadataBackend> make_containerd_backend(const ContainerdClientOptions& options) {
    return std::make_unique<ContainerdBackend>(options);
}

ContainerdClient::ContainerdClient(const ContainerdClientOptions& options)
    : MetadataClient(one(make_containerd_backend(options)), client_options(options)) {}

} // namespace saker::containers
