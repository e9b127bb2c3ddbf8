// GrpcCalls: unary gRPC calls to a container runtime's unix socket, each with a deadline and
// cancellable from another thread (MetadataBackend::cancel during stop()). One per backend; the
// calls themselves run on the metadata worker thread only.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace saker::containers {

class GrpcCalls {
  public:
    GrpcCalls(std::string socket_path, std::chrono::milliseconds timeout)
        : socket_(std::move(socket_path)), timeout_(timeout) {}

    const std::string& socket() const { return socket_; }
    // The channel, created on first use (connecting is lazy in gRPC too).
    const std::shared_ptr<grpc::Channel>& channel();
    bool unreachable() const; // the channel is in TRANSIENT_FAILURE

    // Runs `call(ClientContext*)` with the deadline and the given request metadata.
    template <typename Call>
    grpc::Status run(Call&& call,
                     const std::vector<std::pair<std::string, std::string>>& metadata = {}) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + timeout_);
        for (const auto& [k, v] : metadata)
            ctx.AddMetadata(k, v);
        {
            std::lock_guard lock(mu_);
            if (cancelled_) return grpc::Status(grpc::StatusCode::CANCELLED, "stopping");
            inflight_ = &ctx;
        }
        grpc::Status status;
        try {
            status = call(&ctx);
        } catch (const std::exception& e) {
            status = grpc::Status(grpc::StatusCode::INTERNAL, e.what());
        }
        std::lock_guard lock(mu_);
        inflight_ = nullptr;
        return status;
    }

    void cancel() {
        std::lock_guard lock(mu_);
        cancelled_ = true;
        if (inflight_) inflight_->TryCancel();
    }

  private:
    std::string socket_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<grpc::Channel> channel_;
    std::mutex mu_;
    grpc::ClientContext* inflight_ = nullptr;
    bool cancelled_ = false;
};

} // namespace saker::containers
