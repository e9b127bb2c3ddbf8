// The synthetic event source and generators behave as documented in bench/synthetic_events.h.
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <cstring>

using saker::FieldRegistry;
using saker::FieldRequest;
using saker::Value;
using saker::ValueKind;
using saker::synth::Generator;
using saker::synth::SyntheticEvent;

namespace {

FieldRequest req(std::string_view field, const char* arg = nullptr, int64_t index = -1) {
    FieldRequest r;
    r.field = FieldRegistry::instance().find(field)->id;
    if (arg) {
        r.has_arg = true;
        r.key = arg;
        r.index = index;
    }
    return r;
}

Value get(SyntheticEvent& e, std::string_view field, const char* arg = nullptr,
          int64_t index = -1) {
    Value v;
    v.kind = ValueKind::Int; // extract must reset it
    e.extract(req(field, arg, index), v);
    return v;
}

} // namespace

TEST_CASE("synthetic event: set, absent and evt.type") {
    SyntheticEvent e(saker::event_type_id("openat"));
    CHECK(get(e, "evt.type").str() == "openat");
    CHECK_FALSE(get(e, "proc.name").present());
    e.set_str("proc.name", std::string_view("a\0b", 3));
    e.set_int("fd.num", -1);
    uint8_t ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1};
    e.set_ip("fd.sip", ip);
    e.set_arg_str("evt.arg", "flags", "O_RDONLY");
    CHECK(get(e, "proc.name").str() == std::string_view("a\0b", 3));
    CHECK(get(e, "fd.num").i == -1);
    Value v = get(e, "fd.sip");
    REQUIRE(v.kind == ValueKind::Ip);
    CHECK(std::memcmp(v.ptr, ip, 16) == 0);
    CHECK(get(e, "evt.arg", "flags").str() == "O_RDONLY");
    CHECK_FALSE(get(e, "evt.arg", "mode").present());
    CHECK_FALSE(get(e, "evt.arg").present());
    e.set_str("proc.name", "b");
    CHECK(get(e, "proc.name").str() == "b");
    CHECK(e.describe().find("proc.name = \"b\"") != std::string::npos);
}

TEST_CASE("synthetic event: ancestors with and without index") {
    SyntheticEvent e(saker::event_type_id("execve"));
    e.set_str("proc.name", "sh");
    e.set_str_list("proc.aname", {"nginx", "systemd"});
    e.set_int_list("proc.apid", {10, 1});
    Value all = get(e, "proc.aname");
    REQUIRE(all.kind == ValueKind::List);
    REQUIRE(all.len == 2);
    auto items = static_cast<const Value*>(all.ptr);
    CHECK(items[0].str() == "nginx");
    CHECK(items[1].str() == "systemd");
    CHECK(get(e, "proc.aname", "1", 1).str() == "nginx");
    CHECK(get(e, "proc.aname", "2", 2).str() == "systemd");
    CHECK_FALSE(get(e, "proc.aname", "3", 3).present());
    CHECK(get(e, "proc.aname", "0", 0).str() == "sh");
    CHECK(get(e, "proc.apid", "2", 2).i == 1);
    CHECK_FALSE(get(e, "proc.aexepath", "1", 1).present());

    // Values stay valid after a move and are rebuilt by a copy.
    SyntheticEvent moved = std::move(e);
    Value again = get(moved, "proc.aname");
    CHECK(static_cast<const Value*>(again.ptr)[1].str() == "systemd");
    SyntheticEvent copy = moved;
    moved.set_str("proc.name", "changed");
    Value c = get(copy, "proc.aname");
    CHECK(static_cast<const Value*>(c.ptr)[0].str() == "nginx");
    CHECK(get(copy, "proc.name").str() == "sh");
}

TEST_CASE("synthetic event: list field values stay valid while more are extracted") {
    SyntheticEvent e(0);
    e.set_str_list("fd.types", {"ipv4", "file"});
    Value a = get(e, "fd.types");
    e.set_str_list("proc.aname", {"x"}); // changes storage only between events in practice
    Value b = get(e, "proc.aname");
    Value a2 = get(e, "fd.types");
    CHECK(static_cast<const Value*>(a2.ptr)[1].str() == "file");
    CHECK(static_cast<const Value*>(b.ptr)[0].str() == "x");
    (void)a;
}

TEST_CASE("realistic generator: deterministic, documented mix, fills the rule fields") {
    auto g1 = Generator::realistic(7), g2 = Generator::realistic(7);
    const int n = 20000;
    size_t with_container = 0, with_name = 0;
    for (int i = 0; i < n; ++i) {
        SyntheticEvent a = g1.next(), b = g2.next();
        REQUIRE(a.describe() == b.describe());
        if (get(a, "container.id").present()) ++with_container;
        if (get(a, "proc.name").present()) ++with_name;
    }
    CHECK(with_container == n);
    CHECK(with_name == n);
    const auto& mix = g1.type_counts();
    auto share = [&](std::initializer_list<const char*> names) {
        uint64_t c = 0;
        for (const char* t : names)
            if (auto it = mix.find(t); it != mix.end()) c += it->second;
        return double(c) / n;
    };
    CHECK(share({"open", "openat", "openat2"}) == Approx(0.45).margin(0.02));
    CHECK(share({"execve", "execveat"}) == Approx(0.15).margin(0.02));
    CHECK(share({"connect", "accept", "accept4"}) == Approx(0.10).margin(0.02));
    CHECK(share({"close"}) == Approx(0.10).margin(0.02));
    CHECK(share({"clone", "clone3", "fork", "vfork"}) == Approx(0.10).margin(0.02));
    CHECK(double(g1.triggers()) / n == Approx(0.01).margin(0.004));
}

TEST_CASE("realistic generator: about 1% of events match the upstream rules") {
    std::string path = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";
    saker::SourceManager sm;
    saker::Diagnostics d;
    auto rules = saker::load_rules(std::vector<std::string>{path}, sm, d);
    REQUIRE_FALSE(d.has_errors());
    auto engine = saker::make_engine(rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
    REQUIRE(engine);
    auto g = Generator::realistic(42);
    const int n = 50000;
    int matched = 0;
    std::map<std::string, int> by_rule;
    for (int i = 0; i < n; ++i) {
        SyntheticEvent e = g.next();
        uint32_t out[64];
        uint32_t k = engine->evaluate(e.type(), e, out, 64);
        if (k) ++matched;
        for (uint32_t j = 0; j < k; ++j)
            ++by_rule[rules.rules[out[j]].name];
    }
    std::string report;
    for (auto& [name, c] : by_rule)
        report += name + ": " + std::to_string(c) + "\n";
    INFO(report);
    // Only the trigger events match: the ordinary traffic is benign.
    CHECK(matched == Approx(double(g.triggers())).margin(g.triggers() * 0.05 + 1));
    CHECK(by_rule.size() >= 10);
    WARN("realistic mix: " << matched << " of " << n << " events match; " << g.triggers()
                           << " triggers\n"
                           << report);
}
