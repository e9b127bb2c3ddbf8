// The embedded HTTP server on loopback, asked by a real HTTP client (cpp-httplib's) and by raw
// sockets: health before and after ready, metrics, versions, 404, a quick stop, bind errors.
#include "runtime/metrics/text_format.h"
#include "runtime/web/server.h"
#include "support/wait.h"
#include "tests/web/prometheus_parser.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace saker;
using std::chrono::steady_clock;

namespace {

web::ServerOptions ephemeral() {
    web::ServerOptions o;
    o.listen_port = 0;
    return o;
}

const web::Versions kVersions{"0.1.0", "0.57.0", "19.1.7"};

// A TCP connection to 127.0.0.1:port that sends nothing (a silent or idle client).
int connect_idle(uint16_t port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    return fd;
}

} // namespace

TEST_CASE("healthz answers 503 until ready, then 200 ok, unknown paths 404") {
    metrics::Registry registry;
    web::Server server(ephemeral(), kVersions, &registry);
    std::string error;
    REQUIRE(server.start(error));
    REQUIRE(server.port() != 0);
    httplib::Client client("127.0.0.1", server.port());

    auto before = client.Get("/healthz");
    REQUIRE(before);
    CHECK(before->status == 503);

    server.set_ready(true);
    auto after = client.Get("/healthz");
    REQUIRE(after);
    CHECK(after->status == 200);
    CHECK(after->body == R"({"status": "ok"})");
    CHECK(nlohmann::json::parse(after->body)["status"] == "ok");
    CHECK(after->get_header_value("Content-Type") == "application/json");

    server.set_ready(false);
    CHECK(client.Get("/healthz")->status == 503);

    CHECK(client.Get("/nope")->status == 404);
    CHECK(client.Get("/healthz/extra")->status == 404);
    CHECK(client.Post("/healthz", "", "text/plain")->status == 404);
}

TEST_CASE("the healthz path is configurable") {
    auto options = ephemeral();
    options.healthz_path = "/live";
    web::Server server(options, kVersions, nullptr);
    std::string error;
    REQUIRE(server.start(error));
    server.set_ready(true);
    httplib::Client client("127.0.0.1", server.port());
    CHECK(client.Get("/live")->status == 200);
    CHECK(client.Get("/healthz")->status == 404);
    CHECK(client.Get("/metrics")->status == 404); // no registry given
}

TEST_CASE("metrics serves the registry's page, versions serves JSON") {
    metrics::Registry registry;
    auto& events = registry.counter("saker_events_total", "Events received");
    web::Server server(ephemeral(), kVersions, &registry);
    std::string error;
    REQUIRE(server.start(error));
    httplib::Client client("127.0.0.1", server.port());

    events.inc(17);
    auto res = client.Get("/metrics");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == metrics::kTextContentType);
    std::string why;
    auto page = test::parse_prometheus(res->body, why);
    INFO(why);
    REQUIRE(page);
    CHECK(page->value("saker_events_total") == 17);

    events.inc();
    page = test::parse_prometheus(client.Get("/metrics")->body, why);
    REQUIRE(page);
    CHECK(page->value("saker_events_total") == 18);

    auto v = client.Get("/versions");
    REQUIRE(v);
    CHECK(v->status == 200);
    auto j = nlohmann::json::parse(v->body);
    CHECK(j["saker_version"] == "0.1.0");
    CHECK(j["engine_version"] == "0.57.0");
    CHECK(j["llvm_version"] == "19.1.7");
}

TEST_CASE("metrics can be disabled, and a failing collector answers 500") {
    metrics::Registry registry;
    registry.collect(metrics::Type::Gauge, "saker_broken", "b", {"x"},
                     [](metrics::Samples&) { throw std::runtime_error("probe gone"); });
    {
        auto options = ephemeral();
        options.metrics_enabled = false;
        web::Server server(options, kVersions, &registry);
        std::string error;
        REQUIRE(server.start(error));
        CHECK(httplib::Client("127.0.0.1", server.port()).Get("/metrics")->status == 404);
    }
    web::Server server(ephemeral(), kVersions, &registry);
    std::string error;
    REQUIRE(server.start(error));
    auto res = httplib::Client("127.0.0.1", server.port()).Get("/metrics");
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK(res->body.find("probe gone") != std::string::npos);
}

TEST_CASE("stop is quick, even with idle clients connected, and the port is released") {
    metrics::Registry registry;
    web::Server server(ephemeral(), kVersions, &registry);
    std::string error;
    REQUIRE(server.start(error));
    uint16_t port = server.port();
    // A kept-alive client holds one worker thread, a silent connection the other, and a second
    // silent one waits in the queue.
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    REQUIRE(client.Get("/healthz"));
    int idle1 = connect_idle(port);
    int idle2 = connect_idle(port);
    // The server has accept()ed both: stop() must deal with connections it holds.
    REQUIRE(saker::test::wait_until([&] { return saker::test::accept_queue(port) == 0; }));

    auto t0 = steady_clock::now();
    server.stop();
    auto took = steady_clock::now() - t0;
    CHECK(took < web::kIdleTimeout + std::chrono::milliseconds(900));
    server.stop(); // twice is harmless
    close(idle1);
    close(idle2);

    // The port is free again: a new server binds it.
    auto options = ephemeral();
    options.listen_port = port;
    web::Server again(options, kVersions, &registry);
    REQUIRE(again.start(error));
    CHECK(httplib::Client("127.0.0.1", port).Get("/versions")->status == 200);
}

TEST_CASE("stop right after start does not hang") {
    for (int i = 0; i < 20; ++i) {
        web::Server server(ephemeral(), kVersions, nullptr);
        std::string error;
        REQUIRE(server.start(error));
        auto t0 = steady_clock::now();
        server.stop();
        CHECK(steady_clock::now() - t0 < std::chrono::milliseconds(500));
    }
}

TEST_CASE("binding a taken port or a bad address is a clear error") {
    web::Server first(ephemeral(), kVersions, nullptr);
    std::string error;
    REQUIRE(first.start(error));

    auto options = ephemeral();
    options.listen_port = first.port();
    web::Server second(options, kVersions, nullptr);
    CHECK_FALSE(second.start(error));
    CHECK_THAT(error, Catch::Contains("127.0.0.1:" + std::to_string(first.port())) &&
                          Catch::Contains("in use"));
    second.stop(); // harmless after a failed start

    // The first server is unaffected.
    CHECK(httplib::Client("127.0.0.1", first.port()).Get("/versions")->status == 200);

    auto bad = ephemeral();
    bad.listen_address = "not an address";
    web::Server third(bad, kVersions, nullptr);
    CHECK_FALSE(third.start(error));
    CHECK_THAT(error, Catch::Contains("not an address"));
}

TEST_CASE("malformed and oversized requests get an error status, and the server keeps serving") {
    web::Server server(ephemeral(), kVersions, nullptr);
    std::string error;
    REQUIRE(server.start(error));
    auto exchange = [&](const std::string& request) {
        int fd = connect_idle(server.port());
        size_t sent = 0;
        while (sent < request.size()) {
            ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) break; // the server may close on us mid-request: also an answer
            sent += size_t(n);
        }
        // The status line and headers are the answer; the server may keep the connection.
        std::string reply;
        char buf[4096];
        for (ssize_t n;
             reply.find("\r\n\r\n") == std::string::npos && (n = recv(fd, buf, sizeof buf, 0)) > 0;)
            reply.append(buf, size_t(n));
        close(fd);
        return reply;
    };
    CHECK_THAT(exchange("GARBAGE\r\n\r\n"), Catch::StartsWith("HTTP/1.1 400"));
    CHECK_THAT(exchange("GET /healthz HTTP/9.9\r\n\r\n"), Catch::StartsWith("HTTP/1.1 400"));
    std::string huge = exchange("GET /" + std::string(1 << 20, 'a') + " HTTP/1.1\r\n\r\n");
    CHECK((huge.empty() || huge.starts_with("HTTP/1.1 4")));
    std::string nul = std::string("GET /heal\0thz HTTP/1.1\r\nHost: x\r\n\r\n", 34);
    CHECK_THAT(exchange(nul), Catch::StartsWith("HTTP/1.1 4"));
    CHECK(httplib::Client("127.0.0.1", server.port()).Get("/healthz")->status == 503);
}
