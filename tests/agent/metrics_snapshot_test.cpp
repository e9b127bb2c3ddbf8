// Falco's metrics snapshot without the probe: the keys each `metrics.*` switch adds or removes,
// Falco's always-sent fields, the rates from one sample to the next, and the alert's and the
// JSON line's shapes (Falco's internal-message rendering). The live agent is tested in
// falco_metrics_test.cpp.
#include "runtime/agent/metrics_snapshot.h"
#include "runtime/output/alert.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <vector>

using namespace saker;
using nlohmann::json;

namespace {

agent::SnapshotInputs inputs(uint64_t now_s, uint64_t evts, uint64_t drops) {
    agent::SnapshotInputs in;
    in.now_ns = now_s * 1000000000ull;
    in.reload_ns = 5;
    in.totals.evts_per_cpu = {evts, 0};
    in.totals.drops_per_cpu = {drops, 0};
    in.totals.drops_by_class[4] = drops; // DropClass::Open
    in.totals.evaluated = evts - drops;
    in.totals.processes = 42;
    in.rule_matches = {{"Read sensitive file untrusted", 3}, {"Never fired (x)", 0}};
    in.fds = 7;
    return in;
}

bool has(const json& j, const std::string& key) {
    return j.contains(key);
}

} // namespace

TEST_CASE("metrics snapshot: Falco's keys, with every switch on") {
    config::Metrics m;
    m.enabled = true;
    m.output_rule = true;
    agent::MetricsSnapshot snap(m, "1.2.3", "node-1", 1000000000ull);
    json j = snap.collect(inputs(11, 1000, 10));
    for (const char* key : {"evt.time",
                            "evt.hostname",
                            "evt.source",
                            "falco.version",
                            "falco.start_ts",
                            "falco.reload_ts",
                            "falco.duration_sec",
                            "falco.kernel_release",
                            "falco.host_boot_ts",
                            "falco.host_num_cpus",
                            "falco.outputs_queue_num_drops",
                            "scap.engine_name",
                            "falco.num_evts",
                            "falco.num_evts_prev",
                            "falco.rules.matches_total",
                            "falco.rules.Read_sensitive_file_untrusted",
                            "scap.n_evts",
                            "scap.n_evts_prev",
                            "scap.evts_rate_sec",
                            "scap.n_drops",
                            "scap.n_drops_prev",
                            "scap.evts_drop_rate_sec",
                            "scap.n_drops_perc",
                            "scap.n_drops_buffer_total",
                            "scap.n_drops_buffer_open_exit",
                            "scap.n_evts_cpu_0",
                            "scap.n_drops_cpu_0",
                            "falco.memory_rss_mb",
                            "falco.memory_vsz_mb",
                            "falco.cpu_usage_perc",
                            "falco.host_memory_used_mb",
                            "falco.n_threads",
                            "falco.n_fds"}) {
        INFO(key << " in " << j.dump());
        CHECK(has(j, key));
    }
    CHECK(j["evt.source"] == "syscall");
    CHECK(j["scap.engine_name"] == "modern_bpf");
    CHECK(j["evt.hostname"] == "node-1");
    CHECK(j["falco.version"] == "1.2.3");
    CHECK(j["falco.duration_sec"] == 10);
    CHECK(j["falco.rules.matches_total"] == 3);
    CHECK(j["falco.rules.Read_sensitive_file_untrusted"] == 3);
    CHECK(j["scap.n_evts"] == 1000);
    CHECK(j["scap.n_drops"] == 10);
    CHECK(j["scap.n_drops_buffer_open_exit"] == 10);
    CHECK(j["falco.num_evts"] == 990);
    CHECK(j["falco.n_threads"] == 42);
    CHECK(j["falco.n_fds"] == 7);
    CHECK(j["falco.memory_rss_mb"].is_number_float());
    // Zero values are left out: a rule that never fired, the second CPU, scratch-map drops.
    CHECK_FALSE(has(j, "falco.rules.Never_fired_x"));
    CHECK_FALSE(has(j, "scap.n_evts_cpu_1"));
    CHECK_FALSE(has(j, "scap.n_drops_scratch_map"));
    // The first sample has no rate for Falco's own counter.
    CHECK_FALSE(has(j, "falco.evts_rate_sec"));

    // The next sample, 2 s later: previous values and rates per second.
    json k = snap.collect(inputs(13, 3000, 30));
    CHECK(k["scap.n_evts_prev"] == 1000);
    CHECK(k["scap.evts_rate_sec"] == 1000.0);
    CHECK(k["scap.evts_drop_rate_sec"] == 10.0);
    CHECK(k["scap.n_drops_perc"] == 1.0);
    CHECK(k["falco.num_evts_prev"] == 990);
    CHECK(k["falco.evts_rate_sec"] == 990.0);
}

TEST_CASE("metrics snapshot: each switch removes its group, and the unit and empty switches") {
    config::Metrics m;
    m.enabled = true;
    m.rules_counters_enabled = false;
    m.resource_utilization_enabled = false;
    m.state_counters_enabled = false;
    m.kernel_event_counters_per_cpu_enabled = false;
    agent::MetricsSnapshot snap(m, "1", "h", 0);
    json j = snap.collect(inputs(1, 100, 1));
    for (const char* key :
         {"falco.rules.matches_total", "falco.rules.Read_sensitive_file_untrusted",
          "falco.memory_rss_mb", "falco.cpu_usage_perc", "falco.n_threads", "falco.n_fds",
          "scap.n_evts_cpu_0"}) {
        INFO(key);
        CHECK_FALSE(has(j, key));
    }
    CHECK(has(j, "scap.n_evts"));

    m.kernel_event_counters_enabled = false;
    m.resource_utilization_enabled = true;
    m.convert_memory_to_mb = false;
    m.include_empty_values = true;
    m.rules_counters_enabled = true;
    agent::MetricsSnapshot raw(m, "1", "h", 0);
    j = raw.collect(inputs(1, 100, 1));
    CHECK_FALSE(has(j, "scap.n_evts"));
    CHECK(j["scap.n_drops_perc"] == 0.0); // always sent
    CHECK(j["falco.memory_rss_kb"].is_number_integer());
    CHECK(j["falco.memory_rss_kb"].get<uint64_t>() > 0);
    CHECK_FALSE(has(j, "falco.memory_rss_mb"));
    CHECK(has(j, "falco.container_memory_used_bytes"));
    CHECK(j["falco.rules.Never_fired_x"] == 0); // include_empty_values
}

TEST_CASE("metrics snapshot: rule and file names as Falco sanitizes them") {
    using agent::MetricsSnapshot;
    CHECK(MetricsSnapshot::sanitize("Read sensitive file untrusted") ==
          "Read_sensitive_file_untrusted");
    CHECK(MetricsSnapshot::sanitize("Launch Privileged Container (k8s)") ==
          "Launch_Privileged_Container_k8s");
    CHECK(MetricsSnapshot::sanitize("falco_rules.yaml") == "falco_rules_yaml");
    CHECK(MetricsSnapshot::sanitize("a::b--c") == "a::b_c");
}

TEST_CASE("metrics snapshot: the alert and the JSON line as Falco writes them") {
    char tmpl[] = "/tmp/saker-snapshot-XXXXXX";
    const std::filesystem::path dir = mkdtemp(tmpl);
    const std::string rules = (dir / "my rules.yaml").string();
    std::ofstream(rules) << "- list: x\n  items: []\n";
    config::Metrics m;
    m.enabled = true;
    m.output_file = (dir / "metrics.jsonl").string();
    agent::MetricsSnapshot snap(m, "1", "h", 0);
    REQUIRE(snap.active());
    std::string error;
    REQUIRE(snap.open(error));
    auto in = inputs(1, 10, 0);
    in.rules_files = {rules};
    json fields = snap.collect(in);
    // sha256 of "- list: x\n  items: []\n"
    CHECK(fields["falco.sha256_rules_file.my_rules_yaml"].get<std::string>().size() == 64);

    // The alert: Falco's internal-message JSON (no tags, source internal, bare output).
    output::Alert a;
    a.rule = &agent::MetricsSnapshot::rule();
    a.internal = true;
    a.time_ns = 1700000000123456789ull;
    a.output = "Falco metrics snapshot";
    a.fields = {{"falco.version", "1"}, {"scap.n_evts", 10}};
    json line = json::parse(output::format_json(a, "node-1", {}));
    CHECK(line == json{{"hostname", "node-1"},
                       {"output", "Falco metrics snapshot"},
                       {"output_fields", a.fields},
                       {"priority", "Informational"},
                       {"rule", "Falco internal: metrics snapshot"},
                       {"source", "internal"},
                       {"time", "2023-11-14T22:13:20.123456789Z"}});
    const std::string text = output::format_text(a);
    CHECK(text.ends_with(": Informational Falco metrics snapshot (falco.version=\"1\" "
                         "scap.n_evts=10)"));

    // output_file and output_rule: lines of {sample, output_fields}, counted from 1, and
    // the alert.
    config::Metrics both = m;
    both.output_rule = true;
    agent::MetricsSnapshot writer(both, "1", "h", 0);
    REQUIRE(writer.open(error));
    std::vector<output::Alert> sent;
    auto send = [&](const output::Alert& alert) { sent.push_back(alert); };
    writer.emit(in, send);
    writer.emit(inputs(2, 20, 0), send);
    REQUIRE(sent.size() == 2);
    CHECK(sent[1].internal);
    CHECK(sent[1].rule->name == "Falco internal: metrics snapshot");
    CHECK(sent[1].rule->source == "internal");
    CHECK(sent[1].rule->priority == Priority::Informational);
    CHECK(sent[1].output == "Falco metrics snapshot");
    CHECK(sent[1].fields["scap.n_evts"] == 20);
    std::ifstream file(m.output_file);
    std::string l1, l2;
    REQUIRE(std::getline(file, l1));
    REQUIRE(std::getline(file, l2));
    CHECK(json::parse(l1)["sample"] == 1);
    CHECK(json::parse(l2)["sample"] == 2);
    CHECK(json::parse(l2)["output_fields"]["scap.n_evts"] == 20);
    std::filesystem::remove_all(dir);
}
