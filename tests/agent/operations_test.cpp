// Operating `saker run`, end to end as root: reload (SIGHUP and file watch) with good and
// broken rules, a configuration file, file output rotation (SIGUSR1), a webhook receiver that
// dies and comes back, /healthz and /metrics.
#include "support/agent_process.h"
#include "support/loopback.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using saker::test::wait_until;

#define SAKER_REQUIRE_AGENT() SAKER_REQUIRE_ROOT_BPF("agent")

struct Agent : saker::test::AgentProcess {
    explicit Agent(std::vector<std::string> args)
        : AgentProcess(std::move(args), "/tmp/saker-ops-test-") {}
};

// A directory whose files the test rules watch; removed at the end.
struct Workdir {
    std::filesystem::path path;
    Workdir() {
        char tmpl[] = "/tmp/saker-ops-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~Workdir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
    void write(const std::string& name, const std::string& text) const {
        // Replace by rename, as an editor or a ConfigMap update does.
        std::ofstream(file(name + ".tmp")) << text;
        std::filesystem::rename(file(name + ".tmp"), file(name));
    }
    // An open the rules see (the test process is not the agent, so it is captured).
    void touch(const std::string& name) const { std::ofstream(file(name)) << "x"; }
};

std::string marker_rule(const std::string& rule, const std::string& path) {
    return "- rule: " + rule +
           "\n  desc: test marker\n  condition: evt.type in (open, openat, "
           "openat2) and fd.name = " +
           path +
           "\n  output: marker opened (file=%fd.name "
           "proc=%proc.name)\n  priority: WARNING\n  tags: [test]\n";
}

size_t count_rule(const std::vector<nlohmann::json>& alerts, const std::string& rule) {
    size_t n = 0;
    for (const auto& a : alerts)
        n += a.value("rule", "") == rule;
    return n;
}

// Reads one sample (`name{labels} value`, exact series text) from a /metrics page.
double metric(const std::string& page, const std::string& series) {
    auto at = page.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.substr(at + series.size() + 2));
}

// A webhook receiver on 127.0.0.1:port, recording every body it is posted.
class Receiver {
  public:
    explicit Receiver(uint16_t port) : port_(port) {}
    ~Receiver() { stop(); }
    void start() {
        server_ = std::make_unique<httplib::Server>();
        server_->Post("/alerts", [this](const httplib::Request& req, httplib::Response& res) {
            std::lock_guard lock(mutex_);
            bodies_.push_back(req.body);
            res.status = 200;
        });
        REQUIRE(server_->bind_to_port("127.0.0.1", port_));
        thread_ = std::thread([this] { server_->listen_after_bind(); });
        REQUIRE(wait_until([this] { return server_->is_running(); }));
    }
    void stop() {
        if (!server_) return;
        server_->stop();
        thread_.join();
        server_.reset();
    }
    std::vector<std::string> bodies() {
        std::lock_guard lock(mutex_);
        return bodies_;
    }

  private:
    uint16_t port_;
    std::unique_ptr<httplib::Server> server_;
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::string> bodies_;
};

size_t bodies_with(Receiver& r, const std::string& text) {
    size_t n = 0;
    for (const auto& b : r.bodies())
        n += b.find(text) != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("SIGHUP: a broken rules file keeps the old rules firing, a good one replaces them") {
    SAKER_REQUIRE_AGENT();
    Workdir dir;
    dir.write("rules.yaml", marker_rule("Marker A", dir.file("a")));
    Agent agent({"-r", dir.file("rules.yaml"), "-o", "json_output=true", "-o",
                 "watch_config_files=false", "-o", "webserver.enabled=false"});
    REQUIRE(agent.ready());
    dir.touch("a");
    REQUIRE(agent.wait_alert("Marker A", Clock::now() + 1s));

    // A condition that does not parse: the reload fails with the position, A keeps firing.
    dir.write("rules.yaml", "- rule: Marker B\n  desc: x\n  condition: evt.type in (open, \n"
                            "  output: x\n  priority: WARNING\n");
    agent.signal(SIGHUP);
    REQUIRE(wait_until([&] { return agent.log().find("reload failed") != std::string::npos; }));
    CHECK(agent.log().find("rules.yaml:3:") != std::string::npos);
    dir.touch("a");
    REQUIRE(wait_until([&] { return count_rule(agent.alerts_so_far(), "Marker A") == 2; }, 1s));

    // A good file: B replaces A.
    dir.write("rules.yaml", marker_rule("Marker B", dir.file("b")));
    agent.signal(SIGHUP);
    REQUIRE(wait_until([&] { return agent.log().find("reload done") != std::string::npos; }));
    dir.touch("b");
    dir.touch("a");
    dir.touch("b"); // the positive control: once B fired twice, the touch of a was seen too
    REQUIRE(wait_until([&] { return count_rule(agent.alerts_so_far(), "Marker B") == 2; }, 1s));
    CHECK(count_rule(agent.alerts_so_far(), "Marker A") == 2);
    REQUIRE(agent.stop() == 0);
    CHECK(agent.log().find("1 reloads (1 failed)") != std::string::npos);
}

TEST_CASE("watch_config_files: editing the rules file reloads without a signal") {
    SAKER_REQUIRE_AGENT();
    Workdir dir;
    dir.write("rules.yaml", marker_rule("Marker A", dir.file("a")));
    Agent agent(
        {"-r", dir.file("rules.yaml"), "-o", "json_output=true", "-o", "webserver.enabled=false"});
    REQUIRE(agent.ready());
    dir.write("rules.yaml", marker_rule("Marker C", dir.file("c")));
    REQUIRE(wait_until([&] { return agent.log().find("reload done") != std::string::npos; }));
    dir.touch("c");
    REQUIRE(agent.wait_alert("Marker C", Clock::now() + 1s));
    // A second reload: the agent must not hold anything of the set the first one replaced.
    dir.write("rules.yaml", marker_rule("Marker D", dir.file("d")));
    REQUIRE(wait_until([&] {
        return agent.log().find("2 reloads") != std::string::npos ||
               agent.log().rfind("reload done") != agent.log().find("reload done");
    }));
    dir.touch("d");
    REQUIRE(agent.wait_alert("Marker D", Clock::now() + 1s));
    REQUIRE(agent.stop() == 0);
    CHECK(agent.log().find("2 reloads (0 failed)") != std::string::npos);
}

TEST_CASE("a configuration file: file output with priority filter, reopened on SIGUSR1") {
    SAKER_REQUIRE_AGENT();
    Workdir dir;
    dir.write("rules.yaml", marker_rule("Marker A", dir.file("a")) +
                                "- rule: Quiet marker\n  desc: below the minimum\n  condition: "
                                "evt.type in (open, openat, openat2) and fd.name = " +
                                dir.file("a") + "\n  output: quiet\n  priority: DEBUG\n");
    dir.write("saker.yaml", "rules_files:\n  - " + dir.file("rules.yaml") +
                                "\npriority: notice\njson_output: true\nstdout_output:\n  "
                                "enabled: false\nsyslog_output:\n  enabled: false\n"
                                "file_output:\n  enabled: true\n  keep_alive: true\n  filename: " +
                                dir.file("events.json") + "\nwebserver:\n  enabled: false\n");
    Agent agent({"-c", dir.file("saker.yaml")});
    REQUIRE(agent.ready());
    dir.touch("a");
    auto lines_of = [&](const std::string& name) {
        std::ifstream in(dir.file(name));
        std::vector<nlohmann::json> out;
        for (std::string line; std::getline(in, line);)
            if (auto j = nlohmann::json::parse(line, nullptr, false); !j.is_discarded())
                out.push_back(j);
        return out;
    };
    REQUIRE(wait_until([&] { return lines_of("events.json").size() == 1; }, 1s));
    CHECK(lines_of("events.json")[0]["rule"] == "Marker A"); // not the Debug one
    CHECK(agent.output().empty());                           // stdout_output disabled

    // Log rotation: move the file away, SIGUSR1, the next alert starts a new file.
    std::filesystem::rename(dir.file("events.json"), dir.file("events.json.1"));
    agent.signal(SIGUSR1);
    REQUIRE(wait_until([&] { return agent.log().find("reopening") != std::string::npos; }));
    dir.touch("a");
    REQUIRE(wait_until([&] { return lines_of("events.json").size() == 1; }, 1s));
    CHECK(lines_of("events.json.1").size() == 1);
    REQUIRE(agent.stop() == 0);
}

TEST_CASE(
    "webhook: a dead receiver loses alerts with a count, never detection, and delivery resumes") {
    SAKER_REQUIRE_AGENT();
    Workdir dir;
    dir.write("rules.yaml", marker_rule("Marker A", dir.file("a")));
    const uint16_t hook = saker::test::free_loopback_port(),
                   web = saker::test::free_loopback_port();
    Receiver receiver(hook);
    receiver.start();
    Agent agent({"-r", dir.file("rules.yaml"), "-o", "json_output=true", "-o",
                 "syslog_output.enabled=false", "-o", "http_output.enabled=true", "-o",
                 "http_output.url=http://127.0.0.1:" + std::to_string(hook) + "/alerts", "-o",
                 "outputs_queue.capacity=2", "-o", "webserver.listen_port=" + std::to_string(web),
                 "-o", "webserver.prometheus_metrics_enabled=true"});
    REQUIRE(agent.ready());
    httplib::Client client("127.0.0.1", web);
    REQUIRE(wait_until([&] {
        auto r = client.Get("/healthz");
        return r && r->status == 200;
    }));

    dir.touch("a");
    REQUIRE(wait_until([&] { return bodies_with(receiver, "Marker A") == 1; }, 2s));

    // The receiver dies: detection goes on (stdout has every alert), the http queue (2) holds
    // the newest alerts and counts the rest as dropped.
    receiver.stop();
    for (int i = 0; i < 6; ++i) { // one alert at a time: each reaches the http queue alone
        dir.touch("a");
        REQUIRE(
            wait_until([&] { return count_rule(agent.alerts_so_far(), "Marker A") == 2 + i; }, 2s));
    }
    std::string page;
    REQUIRE(wait_until(
        [&] {
            auto r = client.Get("/metrics");
            page = r ? r->body : "";
            return metric(page, "saker_output_dropped_total{sink=\"http\"}") >= 4;
        },
        5s));
    CHECK(metric(page, "saker_alerts_total{rule=\"Marker A\",priority=\"Warning\"}") == 7);

    // It comes back on the same port: the queued alerts and new ones arrive.
    receiver.start();
    dir.touch("a");
    REQUIRE(wait_until([&] { return bodies_with(receiver, "Marker A") >= 3; }, 10s));
    for (const auto& body : receiver.bodies())
        CHECK(nlohmann::json::parse(body)["rule"] == "Marker A"); // each post is one JSON alert
    REQUIRE(agent.stop() == 0);
}

TEST_CASE("syscall_event_drops: lost events raise Falco's internal alert, and `exit` stops") {
    SAKER_REQUIRE_AGENT();
    Workdir dir;
    dir.write("rules.yaml", marker_rule("Marker A", dir.file("a")));
    // Events while the agent is stopped fill its one-page ring buffer: losses are certain,
    // however fast the machine (a storm alone can be drained in time on an idle one).
    auto storm = [&](saker::test::AgentProcess& agent) {
        agent.signal(SIGSTOP);
        for (int i = 0; i < 2000; ++i)
            dir.touch("storm");
        agent.signal(SIGCONT);
    };
    {
        Agent agent({"-r", dir.file("rules.yaml"), "-o", "json_output=true", "-o",
                     "capture.ring_buffer_bytes=4096", "-o", "webserver.enabled=false", "-o",
                     "syscall_event_drops.actions=[log, alert]"});
        REQUIRE(agent.ready());
        storm(agent);
        auto alert = agent.wait_alert("Falco internal: syscall event drop", Clock::now() + 3s);
        REQUIRE(alert);
        CHECK((*alert)["priority"] == "Critical");
        CHECK((*alert)["output_fields"]["n_drops"].get<uint64_t>() > 0);
        CHECK(agent.log().find("syscall event drop") != std::string::npos);
        REQUIRE(agent.stop() == 0);
    }
    {
        Agent agent({"-r", dir.file("rules.yaml"), "-o", "capture.ring_buffer_bytes=4096", "-o",
                     "webserver.enabled=false", "-o", "syscall_event_drops.actions=[exit]"});
        REQUIRE(agent.ready());
        storm(agent);
        CHECK(agent.wait_exit() == 1);
        CHECK(agent.log().find("syscall_event_drops: exiting") != std::string::npos);
    }
}
