#include "runtime/web/server.h"

#include "runtime/metrics/text_format.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace saker::web {

Server::Server(ServerOptions options, Versions versions, const metrics::Registry* registry)
    : options_(std::move(options)), registry_(registry) {
    versions_json_ = nlohmann::json{
        {"saker_version", versions.saker},
        {"engine_version", versions.engine},
        {"llvm_version",
         versions.llvm}}.dump();
}

Server::~Server() {
    stop();
}

void Server::route() {
    http_->Get(options_.healthz_path, [this](const httplib::Request&, httplib::Response& res) {
        bool ready = ready_.load(std::memory_order_relaxed);
        res.status = ready ? 200 : 503;
        res.set_content(ready ? R"({"status": "ok"})" : R"({"status": "starting"})",
                        "application/json");
    });
    if (options_.metrics_enabled && registry_) {
        http_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            try {
                res.set_content(registry_->render(), metrics::kTextContentType);
            } catch (const std::exception& e) {
                res.status = 500;
                res.set_content(std::string("metrics: ") + e.what() + "\n", "text/plain");
            }
        });
    }
    http_->Get("/versions", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(versions_json_, "application/json");
    });
}

bool Server::start(std::string& error) {
    if (http_) {
        error = "webserver: already started";
        return false;
    }
    auto http = std::make_unique<httplib::Server>();
    const size_t threads = options_.threads ? options_.threads : 1;
    http->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    // Short idle and I/O timeouts: a worker stuck with a silent client is what stop() waits for.
    const auto idle = kIdleTimeout.count();
    http->set_keep_alive_timeout(idle);
    http->set_read_timeout(idle, 0);
    http->set_write_timeout(idle, 0);

    // httplib's default adds SO_REUSEPORT, which would let a second agent share the port
    // silently; SO_REUSEADDR alone rebinds after a restart yet fails on a port in use.
    http->set_socket_options([](int sock) {
        int on = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    });
    errno = 0;
    const std::string& host = options_.listen_address;
    int port = options_.listen_port == 0
                   ? http->bind_to_any_port(host)
                   : (http->bind_to_port(host, options_.listen_port) ? options_.listen_port : -1);
    if (port <= 0) {
        int err = errno;
        error = "webserver: cannot listen on " + host + ":" + std::to_string(options_.listen_port) +
                ": " +
                (err ? std::string(std::strerror(err)) : std::string("not a usable address")) +
                (err == EADDRINUSE ? " (is another saker or Falco running? set "
                                     "webserver.listen_port)"
                                   : "");
        return false;
    }
    http_ = std::move(http);
    port_ = uint16_t(port);
    route();
    listener_exited_ = false;
    listener_ = std::thread([this] {
        http_->listen_after_bind();
        listener_exited_ = true;
    });
    // httplib's stop() only acts on a running server: wait until the listener loop has begun.
    while (!http_->is_running() && !listener_exited_)
        std::this_thread::yield();
    return true;
}

void Server::stop() {
    if (!http_) return;
    http_->stop();
    if (listener_.joinable()) listener_.join();
    http_.reset();
}

} // namespace saker::web
