#include "runtime/containers/grpc_call.h"

namespace saker::containers {

const std::shared_ptr<grpc::Channel>& GrpcCalls::channel() {
    if (channel_) return channel_;
    std::string target = socket_;
    if (target.find("://") == std::string::npos && !target.starts_with("unix:"))
        target = (target.starts_with("/") ? "unix://" : "unix:") + target;
    grpc::ChannelArguments args;
    // The runtime may come and go; do not back off for minutes once it is back.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    // gRPC also uses this as the connect timeout (HTTP/2 handshake): keep it generous.
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
    args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
    channel_ = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    return channel_;
}

bool GrpcCalls::unreachable() const {
    return channel_ && channel_->GetState(false) == GRPC_CHANNEL_TRANSIENT_FAILURE;
}

} // namespace saker::containers
