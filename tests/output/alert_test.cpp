// Alert rendering with append_output's extra_fields: JSON-only output_fields.
#include "frontend/fields.h"
#include "frontend/frontend.h"
#include "runtime/output/alert.h"

#include <catch2/catch.hpp>

#include <map>

using namespace saker;

namespace {

// Answers fixed values by field name: the event this test renders.
class FixedFields final : public FieldSource {
  public:
    std::map<std::string, Value> values;
    void extract(const FieldRequest& r, Value& out) override {
        auto it = values.find(std::string(FieldRegistry::instance().at(r.field).name));
        if (it != values.end()) out = it->second;
    }
};

} // namespace

TEST_CASE("extra_fields reach the JSON output_fields only, typed or rendered", "[output]") {
    SourceManager sources;
    Diagnostics diags;
    std::vector<RuleSource> in{{"r.yaml", R"(
- rule: Shell
  desc: d
  condition: evt.type = execve
  output: cmd=%proc.name
  priority: WARNING
)"}};
    Ruleset rules = load_rules(in, sources, diags);
    REQUIRE_FALSE(diags.has_errors());
    const Rule& rule = rules.rules.at(0);
    auto plan = output::plan_output(rule, {});
    std::string error;
    REQUIRE(output::add_extra_fields(plan, {{"proc.pid", ""}, {"where", "dir=/root %proc.name"}},
                                     error));
    FixedFields event;
    event.values["proc.name"] = Value::of_str("bash");
    event.values["proc.pid"] = Value::of_int(42);
    auto alert = output::render_alert(rule, plan, event, 7);
    CHECK(alert.output == "cmd=bash");
    CHECK(alert.fields["proc.name"] == "bash");
    CHECK(alert.fields["proc.pid"] == 42); // a number, as the field's type says
    CHECK(alert.fields["where"] == "dir=/root bash");

    auto bad = output::plan_output(rule, {});
    CHECK_FALSE(output::add_extra_fields(bad, {{"proc.nosuch", ""}}, error));
    CHECK(error.starts_with("append_output: extra field 'proc.nosuch'"));
}

TEST_CASE("Falco's line switches: message, output_fields, ISO 8601 time", "[output]") {
    Rule rule;
    rule.name = "R";
    rule.priority = Priority::Warning;
    output::Alert a;
    a.rule = &rule;
    a.time_ns = 1764763200123456789ull; // 2025-12-03T12:00:00.123456789Z
    a.output = "cmd=bash";
    a.fields["evt.time"] = a.time_ns;
    a.fields["proc.name"] = "bash";
    const std::string iso = output::iso8601_text(a.time_ns);
    REQUIRE(iso.size() == 34); // 2025-12-03T13:00:00.123456789+0100 in any zone
    CHECK(iso.substr(19, 10) == ".123456789");
    CHECK(output::format_text(a, true) == iso + ": Warning cmd=bash");
    CHECK(output::format_text(a) == output::clock_text(a.time_ns) + ": Warning cmd=bash");

    output::LineFormat f;
    f.json = true;
    auto plain = nlohmann::json::parse(output::format_line(a, "h", f));
    CHECK_FALSE(plain.contains("message"));
    CHECK(plain["output_fields"]["evt.time"] == a.time_ns);
    f.include_message = true;
    f.include_output_fields = false;
    f.time_iso_8601 = true;
    auto j = nlohmann::json::parse(output::format_line(a, "h", f));
    CHECK(j["message"] == "cmd=bash");
    CHECK(j["output"] == iso + ": Warning cmd=bash");
    CHECK_FALSE(j.contains("output_fields"));
    CHECK(j["time"] == "2025-12-03T12:00:00.123456789Z"); // JSON time stays UTC RFC 3339
    f.include_output_fields = true;
    auto k = nlohmann::json::parse(output::format_line(a, "h", f));
    CHECK(k["output_fields"]["evt.time.iso8601"] == iso);
    CHECK_FALSE(k["output_fields"].contains("evt.time"));
    CHECK(output::format_line(a, "h", {}) == output::format_text(a)); // text by default
}
