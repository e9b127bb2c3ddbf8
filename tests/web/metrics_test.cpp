// The metrics registry: the page it renders is valid Prometheus text (read back by a strict
// parser), values and label values survive the round trip, and the hot-path cells stay exact
// while another thread scrapes.
#include "runtime/metrics/process_metrics.h"
#include "runtime/metrics/registry.h"
#include "tests/web/prometheus_parser.h"

#include <catch2/catch.hpp>

#include <thread>
#include <unistd.h>

using namespace saker::metrics;
using saker::test::parse_prometheus;
using saker::test::PromPage;

namespace {

PromPage parse(const Registry& r) {
    std::string error;
    std::string text = r.render();
    auto page = parse_prometheus(text, error);
    INFO(text);
    INFO(error);
    REQUIRE(page);
    return *page;
}

} // namespace

TEST_CASE("every family kind renders as valid text with HELP and TYPE") {
    Registry r;
    r.counter("saker_events_total", "Events received").inc(42);
    r.gauge("saker_rules_loaded", "Rules loaded").set(25);
    auto& by_type = r.counters_by("saker_events_by_type_total", "Events by type", "type",
                                  {"", "openat", "", "execve"}); // holes at unnamed numbers
    by_type[1].inc(3);
    by_type[3].inc();
    auto& drops = r.counters("saker_output_dropped_total", "Dropped alerts", {"sink", "reason"},
                             {{"stdout", "full"}, {"http", "full"}});
    drops[1].inc(7);
    r.gauge_fn("saker_fd_table_size", "Open fds tracked", [] { return 12.5; });
    r.collect(Type::Counter, "saker_ringbuf_drops_total", "Probe drops", {"cpu", "reason"},
              [](Samples& s) {
                  s.add({"0", "ringbuf_full"}, 4);
                  s.add({"1", "ringbuf_full"}, 0);
              });
    r.info("saker_build_info", "Build", {{"version", "0.1.0"}, {"engine_version", "0.57.0"}});

    PromPage page = parse(r);
    CHECK(page.families.at("saker_events_total").type == "counter");
    CHECK(page.families.at("saker_events_total").help == "Events received");
    CHECK(page.families.at("saker_rules_loaded").type == "gauge");
    CHECK(page.value("saker_events_total") == 42);
    CHECK(page.value("saker_rules_loaded") == 25);
    CHECK(page.value("saker_events_by_type_total", {{"type", "openat"}}) == 3);
    CHECK(page.value("saker_events_by_type_total", {{"type", "execve"}}) == 1);
    CHECK(page.value("saker_events_by_type_total", {{"type", ""}}) == std::nullopt);
    CHECK(page.value("saker_output_dropped_total", {{"sink", "http"}, {"reason", "full"}}) == 7);
    CHECK(page.value("saker_output_dropped_total", {{"sink", "stdout"}, {"reason", "full"}}) == 0);
    CHECK(page.value("saker_fd_table_size") == 12.5);
    CHECK(page.value("saker_ringbuf_drops_total", {{"cpu", "0"}, {"reason", "ringbuf_full"}}) == 4);
    CHECK(page.value("saker_build_info", {{"version", "0.1.0"}, {"engine_version", "0.57.0"}}) ==
          1);
    size_t by_type_samples = 0;
    for (const auto& s : page.samples)
        by_type_samples += s.name == "saker_events_by_type_total";
    CHECK(by_type_samples == 2);
}

TEST_CASE("a hostile label value and help text are escaped and read back intact") {
    const std::string hostile = "Rule \"x\" \\ with\nnewline} ,le=\"1\" # HELP";
    const std::string invalid_utf8 = std::string("bad\xff\xc3(utf8") + "\xe2\x82\xac";
    Registry r;
    auto& alerts =
        r.counters("saker_alerts_total", "Alerts per rule\nand \\priority", {"rule", "priority"},
                   {{hostile, "Warning"}, {invalid_utf8, "Error"}});
    alerts[0].inc(2);
    alerts[1].inc(5);
    std::string text = r.render();
    CHECK(text.find("# HELP saker_alerts_total Alerts per rule\\nand \\\\priority\n") !=
          std::string::npos);

    PromPage page = parse(r);
    CHECK(page.value("saker_alerts_total", {{"rule", hostile}, {"priority", "Warning"}}) == 2);
    // Invalid bytes become U+FFFD, valid multi-byte characters stay.
    CHECK(
        page.value("saker_alerts_total", {{"rule", "bad\xEF\xBF\xBD\xEF\xBF\xBD(utf8\xe2\x82\xac"},
                                          {"priority", "Error"}}) == 5);
}

TEST_CASE("a histogram is cumulative, scaled, and its count equals the +Inf bucket") {
    Registry r;
    auto& h = r.histogram("saker_rule_evaluation_seconds", "ns per event",
                          exponential_bounds(100, 10, 3), 1e9); // 100 ns, 1 us, 10 us
    for (uint64_t v : {50, 100, 101, 999, 5000, 1000000})
        h.observe(v);
    PromPage page = parse(r);
    CHECK(page.families.at("saker_rule_evaluation_seconds").type == "histogram");
    const std::string b = "saker_rule_evaluation_seconds_bucket";
    CHECK(page.value(b, {{"le", "1e-07"}}) == 2);
    CHECK(page.value(b, {{"le", "1e-06"}}) == 4);
    CHECK(page.value(b, {{"le", "1e-05"}}) == 5);
    CHECK(page.value(b, {{"le", "+Inf"}}) == 6);
    CHECK(page.value("saker_rule_evaluation_seconds_count") == 6);
    CHECK(page.value("saker_rule_evaluation_seconds_sum") ==
          Approx(double(50 + 100 + 101 + 999 + 5000 + 1000000) / 1e9));
}

TEST_CASE("a sampled timer observes exactly one call in N") {
    Histogram h(exponential_bounds(1, 10, 12));
    SampledTimer timer(h, 8);
    for (int i = 0; i < 80; ++i) {
        auto timing = timer.measure();
    }
    uint64_t count = 0;
    for (size_t i = 0; i <= h.bounds().size(); ++i)
        count += h.bucket(i);
    CHECK(count == 10);
}

TEST_CASE("registration errors name the metric") {
    Registry r;
    r.counter("saker_x_total", "x");
    CHECK_THROWS_WITH(r.counter("saker_x_total", "again"),
                      Catch::Contains("saker_x_total") && Catch::Contains("twice"));
    CHECK_THROWS_WITH(r.counter("saker_events", "no suffix"), Catch::Contains("_total"));
    CHECK_THROWS_WITH(r.gauge("9lives", "bad"), Catch::Contains("metric name"));
    CHECK_THROWS_WITH(r.counters("saker_y_total", "y", {"__reserved"}, {{"a"}}),
                      Catch::Contains("label name"));
    CHECK_THROWS_WITH(r.counters("saker_z_total", "z", {"a", "b"}, {{"only-one"}}),
                      Catch::Contains("label values"));
    CHECK_THROWS_WITH(r.counters_by("saker_w_total", "w", "rule", {"same", "same"}),
                      Catch::Contains("twice"));
    CHECK_THROWS_WITH(r.histogram("saker_h", "h", {10, 5}), Catch::Contains("ascending"));
    r.collect(Type::Gauge, "saker_bad_collector", "b", {"a"}, [](Samples& s) { s.add({}, 1); });
    CHECK_THROWS_WITH(r.render(), Catch::Contains("saker_bad_collector"));
}

TEST_CASE("relabel keeps the value of label sets that survive a reload") {
    Registry r;
    auto& alerts = r.counters_by("saker_alerts_total", "a", "rule", {"keep", "drop"});
    alerts[0].inc(5);
    alerts[1].inc(9);
    alerts.relabel({{"new"}, {"keep"}});
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].value() == 0);
    CHECK(alerts[1].value() == 5);
    PromPage page = parse(r);
    CHECK(page.value("saker_alerts_total", {{"rule", "keep"}}) == 5);
    CHECK(page.value("saker_alerts_total", {{"rule", "drop"}}) == std::nullopt);
}

TEST_CASE("counters bumped by one thread while another scrapes end exact") {
    Registry r;
    auto& events = r.counter("saker_events_total", "e");
    auto& by_type = r.counters_by("saker_events_by_type_total", "t", "type", {"a", "b", "c", "d"});
    auto& h = r.histogram("saker_eval_seconds", "h", exponential_bounds(1, 4, 8), 1e9);
    auto& depth = r.gauge("saker_queue_depth", "d");
    constexpr uint64_t kEvents = 2'000'000;
    std::atomic<bool> done{false}, scraping{false};
    std::thread writer([&] {
        // On a busy machine the writer could finish before the scraper's first look.
        while (!scraping)
            std::this_thread::yield();
        for (uint64_t i = 0; i < kEvents; ++i) {
            events.inc();
            by_type[i % 4].inc();
            if (i % 64 == 0) h.observe(i % 1000);
            depth.set(double(i % 100));
        }
        done = true;
    });
    size_t scrapes = 0;
    double last = 0;
    scraping = true;
    do {
        PromPage page = parse(r);
        double seen = *page.value("saker_events_total");
        CHECK(seen >= last); // monotonic as seen from the scraper
        last = seen;
        ++scrapes;
    } while (!done);
    writer.join();
    PromPage page = parse(r);
    CHECK(page.value("saker_events_total") == double(kEvents));
    for (const char* t : {"a", "b", "c", "d"})
        CHECK(page.value("saker_events_by_type_total", {{"type", t}}) == double(kEvents / 4));
    CHECK(page.value("saker_eval_seconds_count") == double(kEvents / 64));
    CHECK(scrapes > 0);
}

TEST_CASE("/proc/self/stat is parsed whatever the command name holds") {
    std::string stat = "1234 (a) b (c d) S 1 1234 1234 0 -1 4194560 100 0 0 0 "
                       "250 75 0 0 20 0 3 0 98765 123456789 2048 18446744073709551615";
    auto s = parse_proc_stat(stat);
    REQUIRE(s);
    CHECK(s->utime_ticks == 250);
    CHECK(s->stime_ticks == 75);
    CHECK(s->start_ticks == 98765);
    CHECK(s->vsize_bytes == 123456789);
    CHECK(s->rss_pages == 2048);
    CHECK_FALSE(parse_proc_stat("1234 (truncated"));
    CHECK_FALSE(parse_proc_stat("1234 (x) S 1 2"));
}

TEST_CASE("process metrics describe this process") {
    Registry r;
    register_process_metrics(r, std::chrono::steady_clock::now() - std::chrono::seconds(3));
    std::vector<char> ballast(64 << 20, 1); // 64 MiB touched: RSS must show it
    PromPage page = parse(r);
    CHECK(*page.value("process_resident_memory_bytes") >= double(64 << 20));
    CHECK(*page.value("process_virtual_memory_bytes") >=
          *page.value("process_resident_memory_bytes"));
    CHECK(*page.value("process_cpu_seconds_total") >= 0);
    CHECK(*page.value("process_open_fds") >= 3);
    double start = *page.value("process_start_time_seconds");
    CHECK(start <= double(time(nullptr)) + 1);
    CHECK(start > double(time(nullptr)) - 3600);
    CHECK(*page.value("saker_uptime_seconds") >= 3);
    CHECK(ballast[12345] == 1);
}

TEST_CASE("a callback family derives per-sample labels from another family's cells") {
    Registry r;
    auto& alerts = r.counters("x_alerts_total", "by rule", {"rule"}, {{"a"}, {"b"}});
    alerts[1].inc(3);
    // Like Falco's rules_matches: labels differ from sample to sample (tag_<tag>).
    r.collect(Type::Counter, "x_matches_total", "derived", {}, [&](Samples& s) {
        alerts.visit([&](const LabelValues& child, const Counter& c) {
            if (c.value()) s.add({"rule_name", "tag_" + child[0]}, {child[0], "true"}, c.value());
        });
    });
    auto page = parse(r);
    CHECK(page.value("x_matches_total", {{"rule_name", "b"}, {"tag_b", "true"}}) == 3);
    CHECK(!page.value("x_matches_total", {{"rule_name", "a"}, {"tag_a", "true"}}));

    Registry bad;
    bad.collect(Type::Gauge, "x_bad", "a bad label name", {},
                [](Samples& s) { s.add({"0bad"}, {"v"}, 1); });
    CHECK_THROWS_WITH(bad.render(), Catch::Contains("x_bad"));
}
