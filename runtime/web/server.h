// The agent's embedded HTTP server: health, metrics and versions (Falco's `webserver`).
//
// Contract:
// - start() binds listen_address:listen_port (port 0 picks a free port; port() reports the
//   bound one) and serves on its own threads. A bind failure (port taken, bad address) returns
//   false with a message naming the address and the reason; nothing is thrown, nothing runs.
// - GET <healthz_path> (default /healthz, Falco's k8s_healthz_endpoint): 200
//   `{"status": "ok"}` once set_ready(true) was called (the probe is attached and the rules are
//   loaded), 503 `{"status": "starting"}` before, and again after set_ready(false).
// - GET /metrics: the registry's Prometheus text page, when metrics are enabled and a
//   registry was given; 404 otherwise. A failing collector answers 500, never crashes.
// - GET /versions: JSON {"saker_version", "engine_version", "llvm_version"}.
// - Any other path: 404.
// - stop() (and the destructor) returns promptly: the listener closes at once; a client that
//   holds an idle connection delays it by at most kIdleTimeout. Safe to call twice.
// - set_ready() may be called from any thread; the registry must outlive the server.
#pragma once

#include "runtime/metrics/registry.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace saker::web {

struct ServerOptions {
    std::string listen_address = "127.0.0.1";
    uint16_t listen_port = 8765;
    std::string healthz_path = "/healthz";
    bool metrics_enabled = true; // Falco's prometheus_metrics_enabled (and metrics.enabled)
    size_t threads = 2;
};

struct Versions {
    std::string saker;
    std::string engine; // the Falco engine version whose rule language saker implements
    std::string llvm;
};

// How long an idle or slow client may hold a connection (and so delay stop()).
inline constexpr std::chrono::seconds kIdleTimeout{1};

class Server {
  public:
    Server(ServerOptions options, Versions versions, const metrics::Registry* registry);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    bool start(std::string& error);
    void stop();

    uint16_t port() const { return port_; }
    void set_ready(bool ready) { ready_.store(ready, std::memory_order_relaxed); }

  private:
    void route();

    ServerOptions options_;
    std::string versions_json_;
    const metrics::Registry* registry_;
    std::unique_ptr<httplib::Server> http_;
    std::thread listener_;
    std::atomic<bool> listener_exited_{false};
    std::atomic<bool> ready_{false};
    uint16_t port_ = 0;
};

} // namespace saker::web
