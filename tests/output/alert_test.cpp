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
