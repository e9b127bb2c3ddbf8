// The HTTP sink against real HTTP servers on 127.0.0.1 (cpp-httplib), including one that is
// stopped and restarted on the same port, and a socket that never answers.
#include <httplib.h> // built with zlib: the receiver inflates gzip request bodies

#include "output_test_util.h"
#include "support/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

using namespace saker;
using namespace saker::test;
using namespace std::chrono_literals;

namespace {

struct Received {
    std::string body, content_type, content_encoding, user_agent;
};

// An HTTP receiver on 127.0.0.1: records every POST to /alerts and answers `status`.
class Receiver {
  public:
    explicit Receiver(int port = 0) {
        server_.Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mu_);
            got_.push_back({req.body, req.get_header_value("Content-Type"),
                            req.get_header_value("Content-Encoding"),
                            req.get_header_value("User-Agent")});
            res.status = status.load();
        });
        if (port == 0)
            port_ = server_.bind_to_any_port("127.0.0.1");
        else
            port_ = server_.bind_to_port("127.0.0.1", port) ? port : -1;
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        REQUIRE(eventually([this] { return server_.is_running(); }));
    }
    ~Receiver() { stop(); }
    void stop() {
        server_.stop();
        if (thread_.joinable()) thread_.join();
    }
    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/alerts"; }
    std::vector<Received> got() {
        std::lock_guard lock(mu_);
        return got_;
    }
    size_t count() { return got().size(); }

    std::atomic<int> status{200};

  private:
    httplib::Server server_;
    int port_ = -1;
    std::thread thread_;
    std::mutex mu_;
    std::vector<Received> got_;
};

config::Config http_config(const std::string& url) {
    auto c = quiet_config();
    c.http_output.enabled = true;
    c.http_output.url = url;
    return c;
}

std::unique_ptr<output::Outputs> make_hub(const config::Config& c) {
    std::string error;
    auto hub = output::Outputs::create(c, "host1", error);
    INFO(error);
    REQUIRE(hub);
    return hub;
}

} // namespace

TEST_CASE("http sink POSTs each alert's JSON", "[output][http]") {
    Receiver rx;
    auto c = http_config(rx.url());
    c.json_output = true;
    c.http_output.user_agent = "saker-test/1";
    auto hub = make_hub(c);
    Rule rule = test_rule("Shell spawned");
    for (int i = 0; i < 3; ++i)
        hub->push(test_alert(rule, "n=" + std::to_string(i)));
    REQUIRE(eventually([&] { return rx.count() == 3; }));
    REQUIRE(hub->stop(5s));
    auto got = rx.got();
    for (int i = 0; i < 3; ++i) {
        auto j = nlohmann::json::parse(got[i].body);
        CHECK(j["rule"] == "Shell spawned");
        CHECK(j["hostname"] == "host1");
        CHECK(j["output"] == output::clock_text(1) + ": Warning n=" + std::to_string(i));
        CHECK(got[i].content_type == "application/json");
        CHECK(got[i].user_agent == "saker-test/1");
    }
    auto s = stats_of(*hub, "http");
    CHECK(s.delivered == 3);
    check_accounted(s);
}

TEST_CASE("http sink sends text/plain without json_output, gzip with compress_uploads",
          "[output][http]") {
    Receiver rx;
    auto c = http_config(rx.url());
    c.http_output.compress_uploads = true;
    auto hub = make_hub(c);
    Rule rule = test_rule();
    hub->push(test_alert(rule, "plain text"));
    REQUIRE(hub->stop(5s));
    auto got = rx.got();
    REQUIRE(got.size() == 1);
    CHECK(got[0].content_type == "text/plain");
    CHECK(got[0].content_encoding == "gzip");
    CHECK(got[0].body == output::clock_text(1) + ": Warning plain text"); // inflated by httplib
}

TEST_CASE("http sink retries a 503 and gives up on a 400", "[output][http]") {
    Receiver rx;
    rx.status = 503;
    auto hub = make_hub(http_config(rx.url()));
    hub->push_line("retried", Priority::Error);
    REQUIRE(eventually([&] { return rx.count() >= 2; })); // the first try and a retry
    rx.status = 200;
    REQUIRE(eventually([&] { return stats_of(*hub, "http").delivered == 1; }));
    rx.status = 400;
    hub->push_line("refused", Priority::Error);
    REQUIRE(hub->stop(5s));
    auto s = stats_of(*hub, "http");
    CHECK(s.delivered == 1);
    CHECK(s.failed == 1);
    CHECK(s.retries >= 1);
    check_accounted(s);
}

TEST_CASE("http endpoint down: pushing never waits, the newest alerts wait, delivery resumes",
          "[output][http]") {
    auto rx = std::make_unique<Receiver>();
    const int port = rx->port();
    auto c = http_config(rx->url());
    c.outputs_queue_capacity = 10;
    auto hub = make_hub(c);
    hub->push_line("before", Priority::Notice);
    REQUIRE(eventually([&] { return rx->count() == 1; }));

    rx.reset(); // the server dies
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i)
        hub->push_line("down " + std::to_string(i), Priority::Notice);
    CHECK(std::chrono::steady_clock::now() - start < 500ms);
    REQUIRE(eventually([&] { return stats_of(*hub, "http").retries >= 2; }));
    auto down = stats_of(*hub, "http");
    CHECK(down.dropped >= 39); // at most the queue (10) and the alert in hand survive
    CHECK(down.delivered == 1);

    rx = std::make_unique<Receiver>(port); // back, on the same port
    REQUIRE(eventually([&] { return stats_of(*hub, "http").depth == 0; }, 10s));
    REQUIRE(hub->stop(5s));
    auto got = rx->got();
    REQUIRE(!got.empty());
    CHECK(got.size() <= 11);
    CHECK(got.back().body == "down 49");    // the newest alert was kept and delivered
    for (size_t i = 1; i < got.size(); ++i) // in order
        CHECK(std::stoi(got[i - 1].body.substr(5)) < std::stoi(got[i].body.substr(5)));
    auto s = stats_of(*hub, "http");
    CHECK(s.delivered == 1 + got.size());
    check_accounted(s);
}

TEST_CASE("http endpoint that never answers: pushes stay instant, stop keeps its deadline",
          "[output][http]") {
    // A listening socket nobody accepts on: connections complete in the backlog, requests
    // are sent and never answered, so the delivery hangs until curl's timeout.
    auto [fd, port] = saker::test::listen_loopback(16);
    REQUIRE(fd >= 0);
    auto c = http_config("http://127.0.0.1:" + std::to_string(port) + "/x");
    c.outputs_queue_capacity = 100;
    auto hub = make_hub(c);
    hub->push_line("hangs", Priority::Notice);
    REQUIRE(eventually([&] { return stats_of(*hub, "http").depth == 0; })); // in flight
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 2000; ++i)
        hub->push_line("while hung", Priority::Notice);
    auto push_time = std::chrono::steady_clock::now() - start;
    CHECK(push_time < 1s); // one delivery alone is blocked for seconds
    start = std::chrono::steady_clock::now();
    CHECK_FALSE(hub->stop(200ms));
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    auto s = stats_of(*hub, "http");
    CHECK(s.queued == 2001);
    CHECK(s.delivered == 0);
    CHECK(s.dropped >= 1900);
    check_accounted(s);
    close(fd);
}
