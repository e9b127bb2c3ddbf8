// Contract: the kubelet's side of the Kubernetes CRI runtime service, for tests, over a private
// containerd with its CRI plugin (PrivateContainerd with a sandbox image). CriPods runs pod
// sandboxes on the host network (no CNI), creates and starts containers in them the way the
// kubelet does (by image id, with the name the user gave as user_specified_image), runs commands
// in them (ExecSync) and reads their status. Every call has a 30 s deadline and is REQUIREd to
// succeed (the containerd log's tail is quoted when one fails). The destructor stops and removes
// the pods it ran (and their containers), and removes the pods' parent cgroup, which runc
// leaves behind empty. cri_missing() says what a CRI test cannot run without.
#pragma once

#include "cri_runtime.grpc.pb.h"
#include "support/busybox_rootfs.h"
#include "support/process_runner.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

namespace saker::test {

namespace cri = ::runtime::v1;

struct CriContainerSpec {
    std::string name;
    std::string image_id; // "sha256:<hex>", as the kubelet passes it
    std::string image;    // the name the pod spec gave
    std::vector<std::string> command = {"/bin/sleep", "300"};
    bool privileged = false;
    int64_t run_as_user = -1; // -1: the image's user
    struct Mount {
        std::string host_path, container_path;
        bool readonly = false;
    };
    std::vector<Mount> mounts;
    std::map<std::string, std::string> labels;
};

class CriPods {
  public:
    CriPods(const std::string& socket, std::string log)
        : stub_(cri::RuntimeService::NewStub(
              grpc::CreateChannel("unix://" + socket, grpc::InsecureChannelCredentials()))),
          log_(std::move(log)), cgroup_parent_("/saker-cri-" + std::to_string(getpid())) {}
    CriPods(const CriPods&) = delete;
    CriPods& operator=(const CriPods&) = delete;
    ~CriPods() {
        for (const auto& p : pods_) {
            cri::StopPodSandboxRequest s;
            s.set_pod_sandbox_id(p);
            cri::StopPodSandboxResponse sr;
            quiet([&](grpc::ClientContext* c) { return stub_->StopPodSandbox(c, s, &sr); });
            cri::RemovePodSandboxRequest r;
            r.set_pod_sandbox_id(p);
            cri::RemovePodSandboxResponse rr;
            quiet([&](grpc::ClientContext* c) { return stub_->RemovePodSandbox(c, r, &rr); });
        }
        std::error_code ec;
        for (const auto& h : std::filesystem::directory_iterator("/sys/fs/cgroup", ec))
            ::rmdir((h.path().string() + cgroup_parent_).c_str());
        ::rmdir(("/sys/fs/cgroup" + cgroup_parent_).c_str());
    }

    // A privileged pod (the kubelet makes the sandbox privileged when a container is) on the
    // host network; returns its sandbox id.
    std::string run_pod(const std::string& name, const std::string& ns, const std::string& uid,
                        const std::map<std::string, std::string>& labels) {
        cri::PodSandboxConfig& pod = pod_config_;
        pod.Clear();
        pod.mutable_metadata()->set_name(name);
        pod.mutable_metadata()->set_namespace_(ns);
        pod.mutable_metadata()->set_uid(uid);
        for (const auto& [k, v] : labels)
            (*pod.mutable_labels())[k] = v;
        pod.mutable_linux()->set_cgroup_parent(cgroup_parent_);
        auto* sc = pod.mutable_linux()->mutable_security_context();
        sc->set_privileged(true);
        sc->mutable_namespace_options()->set_network(cri::NODE);
        cri::RunPodSandboxRequest req;
        *req.mutable_config() = pod;
        cri::RunPodSandboxResponse resp;
        call("RunPodSandbox",
             [&](grpc::ClientContext* c) { return stub_->RunPodSandbox(c, req, &resp); });
        pods_.push_back(resp.pod_sandbox_id());
        return resp.pod_sandbox_id();
    }

    // Creates and starts a container in the last pod; returns its id.
    std::string start(const std::string& pod_id, const CriContainerSpec& s) {
        cri::CreateContainerRequest req;
        req.set_pod_sandbox_id(pod_id);
        *req.mutable_sandbox_config() = pod_config_;
        auto* c = req.mutable_config();
        c->mutable_metadata()->set_name(s.name);
        c->mutable_image()->set_image(s.image_id);
        c->mutable_image()->set_user_specified_image(s.image);
        c->add_command(s.command.at(0));
        for (std::size_t i = 1; i < s.command.size(); ++i)
            c->add_args(s.command[i]);
        for (const auto& m : s.mounts) {
            auto* mm = c->add_mounts();
            mm->set_host_path(m.host_path);
            mm->set_container_path(m.container_path);
            mm->set_readonly(m.readonly);
        }
        for (const auto& [k, v] : s.labels)
            (*c->mutable_labels())[k] = v;
        auto* sc = c->mutable_linux()->mutable_security_context();
        sc->set_privileged(s.privileged);
        // As the kubelet sets them for a pod without shareProcessNamespace: the pod's network,
        // the container's own pid namespace (its first process is pid 1 there).
        sc->mutable_namespace_options()->set_network(cri::NODE);
        sc->mutable_namespace_options()->set_pid(cri::CONTAINER);
        if (s.run_as_user >= 0) sc->mutable_run_as_user()->set_value(s.run_as_user);
        cri::CreateContainerResponse resp;
        call("CreateContainer",
             [&](grpc::ClientContext* ctx) { return stub_->CreateContainer(ctx, req, &resp); });
        cri::StartContainerRequest sreq;
        sreq.set_container_id(resp.container_id());
        cri::StartContainerResponse sresp;
        call("StartContainer",
             [&](grpc::ClientContext* ctx) { return stub_->StartContainer(ctx, sreq, &sresp); });
        return resp.container_id();
    }

    // Runs `cmd` in the container and waits for it; its exit code.
    int exec(const std::string& id, const std::vector<std::string>& cmd) {
        cri::ExecSyncRequest req;
        req.set_container_id(id);
        for (const auto& a : cmd)
            req.add_cmd(a);
        req.set_timeout(20);
        cri::ExecSyncResponse resp;
        call("ExecSync",
             [&](grpc::ClientContext* ctx) { return stub_->ExecSync(ctx, req, &resp); });
        return resp.exit_code();
    }

    cri::ContainerStatusResponse status(const std::string& id) {
        cri::ContainerStatusRequest req;
        req.set_container_id(id);
        req.set_verbose(true);
        cri::ContainerStatusResponse resp;
        call("ContainerStatus",
             [&](grpc::ClientContext* ctx) { return stub_->ContainerStatus(ctx, req, &resp); });
        return resp;
    }

  private:
    template <typename Call> void call(const char* what, Call&& c) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        grpc::Status st = c(&ctx);
        if (!st.ok()) {
            INFO("containerd log:\n" << sh("tail -30 '" + log_ + "'").out);
            INFO(what << ": " << st.error_message());
            REQUIRE(st.ok());
        }
    }
    template <typename Call> void quiet(Call&& c) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
        c(&ctx);
    }

    std::unique_ptr<cri::RuntimeService::Stub> stub_;
    std::string log_;
    std::string cgroup_parent_;
    cri::PodSandboxConfig pod_config_;
    std::vector<std::string> pods_;
};

// "" when root, BPF, containerd with its tools and a static busybox are here, else what is missing.
inline std::string cri_missing() {
    std::string missing = probe_missing();
    for (const char* tool :
         {"containerd", "ctr", "runc", "containerd-shim-runc-v2", "tar", "sha256sum"})
        if (find_tool(tool).empty()) missing += std::string(tool) + " missing; ";
    if (static_busybox().empty()) missing += "static busybox missing (busybox-static); ";
    return missing;
}

} // namespace saker::test
