// Falco's Prometheus families on saker's /metrics, checked against the Falco chart's Grafana
// dashboard (../shared/falco-compat/dashboard-queries.txt, its 31 PromQL queries): the agent
// runs briefly as root with the real probe, one rule fires, /metrics is scraped, and every
// metric family and every label the queries use (in selectors and in `by (...)`) must have a
// series, with the exact values the queries select (dir="enter", drop="clone_fork", ...).
// The queries are parsed here, not listed: a dashboard update is checked as it stands.
// Then the agent is stopped while opens fill its small ring: the losses must show in Falco's
// per-class family (drop="open") and add up to no more than n_drops_total.
#include "support/agent_process.h"
#include "support/loopback.h"
#include "support/root_guard.h"
#include "tests/web/prometheus_parser.h"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Labels Prometheus attaches to every scraped series from the target (Kubernetes service
// discovery, the ServiceMonitor): never the exporter's to provide.
const std::set<std::string> kTargetLabels = {"pod",  "namespace", "instance", "job",
                                             "node", "container", "service",  "endpoint"};

using Series = saker::test::PromSample;

// The page read by the strict parser (HELP and TYPE per family, valid samples).
std::vector<Series> parse_page(const std::string& text) {
    std::string error;
    auto page = saker::test::parse_prometheus(text, error);
    INFO(error);
    REQUIRE(page);
    return page->samples;
}

// What one query needs of one family: labels present (`by`, `=~"$var"`) and labels with an
// exact value (`name="value"`).
struct Need {
    std::string family;
    std::set<std::string> labels;
    std::map<std::string, std::string> values;
    std::string query;
};

std::vector<Need> needs_of(const std::string& query) {
    static const std::regex selector(R"((falcosecurity_[a-zA-Z0-9_]+)(\{([^}]*)\})?)");
    static const std::regex matcher(R"re(([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"([^"]*)")re");
    static const std::regex by(R"(by\s*\(([^)]*)\))");
    std::set<std::string> by_labels;
    for (std::sregex_iterator it(query.begin(), query.end(), by), end; it != end; ++it) {
        std::stringstream list((*it)[1].str());
        std::string l;
        while (std::getline(list, l, ','))
            by_labels.insert(std::regex_replace(l, std::regex(R"(\s)"), ""));
    }
    std::vector<Need> out;
    for (std::sregex_iterator it(query.begin(), query.end(), selector), end; it != end; ++it) {
        Need n{(*it)[1], by_labels, {}, query};
        const std::string matchers = (*it)[3];
        for (std::sregex_iterator m(matchers.begin(), matchers.end(), matcher), e; m != e; ++m) {
            n.labels.insert((*m)[1]);
            if ((*m)[2] == "=") n.values[(*m)[1]] = (*m)[3];
        }
        out.push_back(std::move(n));
    }
    return out;
}

bool satisfies(const Series& s, const Need& n) {
    if (s.name != n.family) return false;
    for (const auto& l : n.labels)
        if (!kTargetLabels.count(l) && !s.labels.count(l)) return false;
    for (const auto& [l, v] : n.values)
        if (!kTargetLabels.count(l) && (!s.labels.count(l) || s.labels.at(l) != v)) return false;
    return true;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("the Falco chart's Grafana dashboard: every family and label its queries read has data",
          "[agent][metrics][root]") {
    SAKER_REQUIRE_ROOT_BPF("falco metrics");
    const std::string queries_file =
        std::string(SAKER_CORPUS_DIR) + "/../falco-compat/dashboard-queries.txt";
    std::vector<Need> needs;
    {
        std::istringstream in(slurp(queries_file));
        std::string q;
        size_t queries = 0;
        while (std::getline(in, q))
            if (!q.empty()) {
                ++queries;
                auto n = needs_of(q);
                INFO("query without a falcosecurity_ family: " << q);
                CHECK(!n.empty());
                needs.insert(needs.end(), n.begin(), n.end());
            }
        INFO(queries_file);
        REQUIRE(queries >= 31);
    }

    char tmpl[] = "/tmp/saker-falco-metrics-XXXXXX";
    const std::filesystem::path dir = mkdtemp(tmpl);
    const std::string marker = (dir / "marker").string();
    std::ofstream(dir / "rules.yaml") << "- rule: Marker opened\n  desc: test\n"
                                         "  condition: evt.type in (open, openat, openat2) and "
                                         "fd.name = " +
                                             marker +
                                             "\n  output: marker %fd.name\n  priority: WARNING\n"
                                             "  tags: [test, mitre_discovery]\n";
    const uint16_t port = saker::test::free_loopback_port();
    saker::test::AgentProcess agent({"-r", (dir / "rules.yaml").string(), "-o", "json_output=true",
                                     "-o", "webserver.listen_port=" + std::to_string(port), "-o",
                                     "webserver.prometheus_metrics_enabled=true", "-o",
                                     "capture.ring_buffer_bytes=65536", "-o",
                                     "syscall_event_drops.actions=[ignore]"},
                                    "/tmp/saker-falco-metrics-");
    REQUIRE(agent.ready());
    // The small ring may overflow on a busy machine: open the marker until one alert is out.
    bool alerted = false;
    for (int i = 0; i < 20 && !alerted; ++i) {
        std::ofstream(marker) << "x";
        alerted = agent.wait_alert("Marker opened", Clock::now() + 250ms).has_value();
    }
    REQUIRE(alerted);

    // The totals are published once a second: scrape until they and the alert show.
    httplib::Client client("127.0.0.1", port);
    std::vector<Series> page;
    std::string text;
    const auto deadline = Clock::now() + 5s;
    bool counted = false;
    while (!counted && Clock::now() < deadline) {
        auto r = client.Get("/metrics");
        text = r ? r->body : "";
        page = parse_page(text);
        bool rule = false, published = false;
        for (const auto& s : page) {
            rule |= s.name == "falcosecurity_falco_rules_matches_total" && s.value >= 1 &&
                    s.labels.count("rule_name") && s.labels.at("rule_name") == "Marker opened";
            published |= s.name == "falcosecurity_scap_n_evts_total" && s.value > 0;
        }
        counted = rule && published;
        if (!counted) std::this_thread::sleep_for(200ms);
    }
    INFO(text);
    REQUIRE(counted);

    for (const auto& n : needs) {
        INFO("query: " << n.query << "\nfamily: " << n.family);
        bool found = false;
        for (const auto& s : page)
            found |= satisfies(s, n);
        CHECK(found);
    }

    // Falco's meanings, beyond presence: the rule's labels as Falco writes them, the events the
    // probe saw, the version and the engine.
    std::map<std::string, std::string> want = {{"rule_name", "Marker opened"},
                                               {"priority", "4"}, // Falco's WARNING
                                               {"source", "syscall"},
                                               {"tag_test", "true"},
                                               {"tag_mitre_discovery", "true"}};
    bool rule_ok = false, events = false, version = false;
    for (const auto& s : page) {
        if (s.name == "falcosecurity_falco_rules_matches_total" && s.labels == want)
            rule_ok = s.value >= 1;
        if (s.name == "falcosecurity_scap_n_evts_total") events = s.value > 0;
        if (s.name == "falcosecurity_falco_version_info")
            version = s.labels.count("version") && !s.labels.at("version").empty();
    }
    CHECK(rule_ok);
    CHECK(events);
    CHECK(version);

    // Losses by class: opens while the agent is stopped overflow its 64 KiB ring.
    agent.signal(SIGSTOP);
    for (int i = 0; i < 3000; ++i)
        std::ofstream(dir / "storm") << "x";
    agent.signal(SIGCONT);
    double opens = 0, classes = 0, drops = 0;
    const auto until = Clock::now() + 5s;
    while (Clock::now() < until) {
        auto r = client.Get("/metrics");
        opens = classes = drops = 0;
        for (const auto& s : parse_page(r ? r->body : "")) {
            if (s.name == "falcosecurity_scap_n_drops_total") drops = s.value;
            if (s.name != "falcosecurity_scap_n_drops_buffer_total") continue;
            classes += s.value;
            if (s.labels.at("drop") == "open" && s.labels.at("dir") == "exit") opens = s.value;
        }
        if (opens > 0) break;
        std::this_thread::sleep_for(200ms);
    }
    CHECK(opens > 0);
    CHECK(classes <= drops);
    REQUIRE(agent.stop() == 0);
    std::filesystem::remove_all(dir);
}

TEST_CASE("Falco's metrics snapshot: Falco's falco.yaml with metrics on emits the alert every "
          "interval, honours the switches and writes the JSON-lines file",
          "[agent][metrics][root]") {
    SAKER_REQUIRE_ROOT_BPF("metrics snapshot");
    const std::string falco_yaml =
        std::string(SAKER_SOURCE_DIR) + "/../shared/falco-compat/falco.yaml";
    char tmpl[] = "/tmp/saker-metrics-snapshot-XXXXXX";
    const std::filesystem::path dir = mkdtemp(tmpl);
    const std::string marker = (dir / "marker").string();
    const std::string jsonl = (dir / "metrics.jsonl").string();
    std::ofstream(dir / "rules.yaml") << "- rule: Marker opened\n  desc: test\n"
                                         "  condition: evt.type in (open, openat, openat2) and "
                                         "fd.name = " +
                                             marker +
                                             "\n  output: marker %fd.name\n  priority: WARNING\n";
    // falco.yaml sets output_rule: true; enabling metrics and a 1 s interval is all it takes.
    saker::test::AgentProcess agent({"-c", falco_yaml, "-r", (dir / "rules.yaml").string(), "-o",
                                     "json_output=true", "-o", "webserver.enabled=false", "-o",
                                     "metrics.enabled=true", "-o", "metrics.interval=1s", "-o",
                                     "metrics.output_file=" + jsonl, "-o",
                                     "metrics.kernel_event_counters_per_cpu_enabled=false", "-o",
                                     "metrics.resource_utilization_enabled=false"},
                                    "/tmp/saker-metrics-snapshot-", nullptr);
    REQUIRE(agent.ready(15s));
    bool alerted = false;
    for (int i = 0; i < 20 && !alerted; ++i) {
        std::ofstream(marker) << "x";
        alerted = agent.wait_alert("Marker opened", Clock::now() + 250ms).has_value();
    }
    REQUIRE(alerted);

    // A snapshot taken after the alert counts it.
    std::optional<nlohmann::json> snapshot;
    size_t snapshots = 0;
    for (auto deadline = Clock::now() + 5s; !snapshot && Clock::now() < deadline;) {
        snapshots = 0;
        for (const auto& a : agent.alerts_so_far()) {
            if (a["rule"] != "Falco internal: metrics snapshot") continue;
            ++snapshots;
            if (a["output_fields"].value("falco.rules.Marker_opened", 0) >= 1) snapshot = a;
        }
        if (!snapshot) std::this_thread::sleep_for(200ms);
    }
    INFO(agent.log());
    REQUIRE(snapshot);
    const auto& a = *snapshot;
    CHECK(a["priority"] == "Informational");
    CHECK(a["source"] == "internal");
    CHECK(a["output"] == "Falco metrics snapshot");
    CHECK_FALSE(a.contains("tags"));
    const auto& f = a["output_fields"];
    for (const char* key :
         {"evt.time", "evt.hostname", "evt.source", "falco.version", "falco.start_ts",
          "falco.duration_sec", "falco.kernel_release", "falco.host_num_cpus", "scap.engine_name",
          "falco.num_evts", "falco.rules.matches_total", "scap.n_evts", "scap.n_drops",
          "scap.n_drops_perc", "falco.n_threads", "falco.sha256_rules_file.rules_yaml",
          "falco.sha256_config_file.falco_yaml"}) {
        INFO(key << " in " << f.dump());
        CHECK(f.contains(key));
    }
    CHECK(f["scap.n_evts"].get<uint64_t>() > 0);
    CHECK(f["falco.num_evts"].get<uint64_t>() > 0);
    // Switched off: per-CPU counters and resource utilization.
    for (const char* key : {"scap.n_evts_cpu_0", "falco.memory_rss_mb", "falco.cpu_usage_perc"}) {
        INFO(key);
        CHECK_FALSE(f.contains(key));
    }
    // Falco's metrics keys are read, not warned about.
    CHECK(agent.log().find("'metrics.output_rule': Falco key not supported") == std::string::npos);
    CHECK(agent.log().find("metrics snapshot every 1000 ms") != std::string::npos);
    REQUIRE(agent.stop() == 0);

    // The file: one {sample, output_fields} line per snapshot, samples counted from 1.
    std::ifstream in(jsonl);
    std::vector<nlohmann::json> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(nlohmann::json::parse(line));
    REQUIRE(lines.size() >= snapshots);
    REQUIRE(!lines.empty());
    for (size_t i = 0; i < lines.size(); ++i) {
        CHECK(lines[i]["sample"] == i + 1);
        CHECK(lines[i]["output_fields"]["scap.engine_name"] == "modern_bpf");
    }
    std::filesystem::remove_all(dir);
}
