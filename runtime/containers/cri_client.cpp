#include "runtime/containers/cri_client.h"

#include "runtime/containers/grpc_call.h"

#include <nlohmann/json.hpp>

#include <unordered_map>

#include "cri_runtime.grpc.pb.h"

namespace saker::containers {

namespace cri = ::runtime::v1;
using Outcome = MetadataBackend::Outcome;

std::string_view cri_propagation_name(int propagation) {
    switch (propagation) {
    case cri::PROPAGATION_PRIVATE:
        return "private";
    case cri::PROPAGATION_HOST_TO_CONTAINER:
        return "rslave";
    case cri::PROPAGATION_BIDIRECTIONAL:
        return "rshared";
    default:
        return "unknown";
    }
}

CriVerboseInfo parse_cri_verbose_info(std::string_view text) {
    CriVerboseInfo out;
    auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!j.is_object()) return out;
    auto at = [](const nlohmann::json& root,
                 std::initializer_list<const char*> path) -> const nlohmann::json* {
        const nlohmann::json* cur = &root;
        for (const char* key : path) {
            if (!cur->is_object()) return nullptr;
            auto it = cur->find(key);
            if (it == cur->end()) return nullptr;
            cur = &*it;
        }
        return cur;
    };
    // The security context the pod spec asked for: containerd keeps the CRI config, CRI-O says
    // it at the top level. Absent means false (the JSON omits false booleans).
    out.privileged = false;
    for (auto path : {std::initializer_list<const char*>{"runtimeSpec", "linux", "security_context",
                                                         "privileged"},
                      {"config", "linux", "security_context", "privileged"},
                      {"privileged"}}) {
        if (const auto* p = at(j, path); p && p->is_boolean()) {
            out.privileged = p->get<bool>();
            break;
        }
    }
    if (const auto* s = at(j, {"sandboxID"}); s && s->is_string()) out.sandbox_id = *s;
    if (const auto* s = at(j, {"config", "image", "image"}); s && s->is_string()) {
        const auto& v = s->get_ref<const std::string&>();
        if (v.starts_with("sha256:")) out.image_id = v.substr(7);
    }
    if (const auto* ann = at(j, {"runtimeSpec", "annotations"}); ann && ann->is_object()) {
        for (const char* key : {"io.kubernetes.cri.image-name", "io.kubernetes.cri-o.Image",
                                "io.kubernetes.cri-o.ImageName"}) {
            if (auto it = ann->find(key); it != ann->end() && it->is_string()) {
                out.image_annotation = *it;
                break;
            }
        }
        if (out.sandbox_id.empty()) {
            for (const char* key :
                 {"io.kubernetes.cri.sandbox-id", "io.kubernetes.cri-o.SandboxID"})
                if (auto it = ann->find(key); it != ann->end() && it->is_string())
                    out.sandbox_id = *it;
        }
    }
    return out;
}

namespace {

bool is_node(cri::NamespaceMode mode) {
    return mode == cri::NODE;
}

class CriBackend final : public MetadataBackend {
  public:
    explicit CriBackend(const CriOptions& o)
        : opts_(o), calls_(o.socket_path, o.rpc_timeout), log_(std::chrono::seconds(10)) {}

    std::string describe() const override { return "CRI at " + opts_.socket_path; }
    void cancel() override { calls_.cancel(); }

    Outcome fetch(const std::string& id, ContainerMetadata& out) override {
        if (!stub_) stub_ = cri::RuntimeService::NewStub(calls_.channel());
        if (runtime_.empty()) {
            cri::VersionRequest req;
            cri::VersionResponse resp;
            grpc::Status st = calls_.run(
                [&](grpc::ClientContext* ctx) { return stub_->Version(ctx, req, &resp); });
            if (!st.ok()) return failed("Version", id, st);
            runtime_ = resp.runtime_name() == "containerd" || resp.runtime_name() == "cri-o"
                           ? resp.runtime_name()
                           : "cri";
        }
        cri::ContainerStatusRequest req;
        req.set_container_id(id);
        req.set_verbose(true);
        cri::ContainerStatusResponse resp;
        grpc::Status st = calls_.run(
            [&](grpc::ClientContext* ctx) { return stub_->ContainerStatus(ctx, req, &resp); });
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) return sandbox_only(id, out);
        if (!st.ok()) return failed("ContainerStatus", id, st);
        container_facts(resp, out);
        Outcome sb = pod_facts(out.k8s_sandbox_id, out);
        return sb == Outcome::Error ? Outcome::Error : Outcome::Found;
    }

  private:
    Outcome failed(const char* what, const std::string& id, const grpc::Status& st) {
        if (st.error_code() == grpc::StatusCode::NOT_FOUND) return Outcome::NotFound;
        if (st.error_code() != grpc::StatusCode::CANCELLED)
            log_.warn("CRI: " + std::string(what) + " " + id + " on " + opts_.socket_path + ": " +
                      st.error_message());
        return Outcome::Error;
    }

    void container_facts(const cri::ContainerStatusResponse& resp, ContainerMetadata& m) {
        const cri::ContainerStatus& s = resp.status();
        m.id = s.id();
        m.runtime = runtime_;
        m.name = s.metadata().name();
        m.labels = {s.labels().begin(), s.labels().end()};
        apply_k8s_labels(m);
        if (m.name.empty()) m.name = m.k8s_container_name;
        int64_t started = s.started_at() > 0 ? s.started_at() : s.created_at();
        m.start_ns = started > 0 ? static_cast<uint64_t>(started) : 0;
        for (const auto& mt : s.mounts())
            m.mounts.push_back({mt.host_path(), mt.container_path(), "", !mt.readonly(),
                                std::string(cri_propagation_name(mt.propagation()))});

        CriVerboseInfo info;
        if (auto it = resp.info().find("info"); it != resp.info().end())
            info = parse_cri_verbose_info(it->second);
        m.privileged = info.privileged;
        m.k8s_sandbox_id = info.sandbox_id;

        // The image, as Falco's CRI engine names it: a digest reference in image_ref gives the
        // repository and digest (the tag then comes from status.image); a bare image id in
        // either place falls back to the runtime's image-name annotation.
        std::string image = s.image().user_specified_image().empty()
                                ? s.image().image()
                                : s.image().user_specified_image();
        const std::string& ref = s.image_ref();
        std::string digest;
        if (ref.starts_with("sha256:")) {
            digest = ref;
        } else if (auto at = ref.find("@sha256:"); at != std::string::npos) {
            digest = ref.substr(at + 1);
            std::string tag = image.starts_with("sha256:") ? "" : split_image_reference(image).tag;
            image = ref.substr(0, at);
            if (!tag.empty()) image += ":" + tag;
        }
        if ((image.empty() || image.starts_with("sha256:")) && !info.image_annotation.empty())
            image = info.image_annotation;
        m.image = image;
        apply_image_reference(m);
        if (m.image.starts_with("sha256:")) m.image_repository.clear();
        m.image_digest = digest;
        m.image_id = info.image_id.empty() ? s.image_id() : info.image_id;
        if (m.image_id.starts_with("sha256:")) m.image_id = m.image_id.substr(7);
    }

    // PodSandboxStatus: the pod's identity, labels, IP and shared host namespaces.
    Outcome pod_facts(const std::string& sandbox_id, ContainerMetadata& m) {
        if (sandbox_id.empty()) return Outcome::NotFound;
        cri::PodSandboxStatusRequest req;
        req.set_pod_sandbox_id(sandbox_id);
        cri::PodSandboxStatusResponse resp;
        grpc::Status st = calls_.run(
            [&](grpc::ClientContext* ctx) { return stub_->PodSandboxStatus(ctx, req, &resp); });
        if (!st.ok()) return failed("PodSandboxStatus", sandbox_id, st);
        const cri::PodSandboxStatus& p = resp.status();
        m.k8s_sandbox_id = p.id().empty() ? sandbox_id : p.id();
        if (!p.metadata().name().empty()) m.k8s_pod_name = p.metadata().name();
        if (!p.metadata().namespace_().empty()) m.k8s_ns_name = p.metadata().namespace_();
        if (!p.metadata().uid().empty()) m.k8s_pod_uid = p.metadata().uid();
        m.k8s_pod_labels = std::map<std::string, std::string>(p.labels().begin(), p.labels().end());
        m.ip = p.network().ip();
        if (p.linux().has_namespaces()) {
            const auto& o = p.linux().namespaces().options();
            m.host_pid = is_node(o.pid());
            m.host_network = is_node(o.network());
            m.host_ipc = is_node(o.ipc());
        }
        return Outcome::Found;
    }

    // An id that is a pod sandbox (its pause process), not an app container.
    Outcome sandbox_only(const std::string& id, ContainerMetadata& m) {
        Outcome r = pod_facts(id, m);
        if (r != Outcome::Found) return r;
        m.id = id;
        m.runtime = runtime_;
        m.name = m.k8s_pod_name;
        m.privileged = false;
        return Outcome::Found;
    }

    CriOptions opts_;
    GrpcCalls calls_;
    RateLimitedLog log_;
    std::unique_ptr<cri::RuntimeService::Stub> stub_;
    std::string runtime_; // from Version: containerd, cri-o, or cri
};

} // namespace

std::unique_ptr<MetadataBackend> make_cri_backend(const CriOptions& options) {
    return std::make_unique<CriBackend>(options);
}

} // namespace saker::containers
