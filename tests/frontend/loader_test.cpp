// Falco's loading semantics, each checked on a small rules file.
#include "test_util.h"

#include <catch2/catch.hpp>

using saker::test::load;

namespace {

const char* kRuleTail = "\n  output: o %proc.name\n  desc: d\n  priority: INFO\n";

std::string rule(const std::string& name, const std::string& cond) {
    return "- rule: " + name + "\n  condition: " + cond + kRuleTail;
}

// The expanded condition of the only (or named) rule, printed.
std::string cond_of(const saker::test::Loaded& l, const std::string& name = "") {
    INFO(l.rendered());
    REQUIRE_FALSE(l.diags.has_errors());
    const saker::Rule* r = name.empty() ? &l.rules.rules.at(0) : l.rules.find(name);
    REQUIRE(r);
    return saker::ast::to_string(*r->condition);
}

} // namespace

TEST_CASE("a list may be used before it is defined") {
    auto l = load({{"a.yaml", rule("r", "evt.type = open and proc.name in (shells)") +
                                  "- list: shells\n  items: [bash, sh]\n"}});
    CHECK(cond_of(*l) == "(evt.type = open and proc.name in (bash, sh))");
}

TEST_CASE("lists inside lists expand one level, only from earlier lists") {
    auto l = load({{"a.yaml", "- list: inner\n  items: [a, b]\n"
                              "- list: outer\n  items: [inner, c]\n" +
                                  rule("r", "evt.type = open and proc.name in (outer)")}});
    CHECK(cond_of(*l) == "(evt.type = open and proc.name in (a, b, c))");
    // `later` is defined after `first`, so it stays a plain item of `first`... and is then
    // itself substituted as text, because every list is substituted in turn.
    auto l2 = load({{"a.yaml", "- list: first\n  items: [later, x]\n"
                               "- list: later\n  items: [y]\n" +
                                   rule("r", "evt.type = open and proc.name in (first)")}});
    CHECK(cond_of(*l2) == "(evt.type = open and proc.name in (y, x))");
}

TEST_CASE("an empty list leaves in ()") {
    auto l = load({{"a.yaml", "- list: none\n  items: []\n" +
                                  rule("r", "evt.type = open and not proc.name in (none)")}});
    CHECK(cond_of(*l) == "(evt.type = open and not proc.name in ())");
    auto l2 = load({{"a.yaml", "- list: none\n  items: []\n" +
                                   rule("r", "evt.type = open and proc.name in (x, none, y)")}});
    CHECK(cond_of(*l2) == "(evt.type = open and proc.name in (x, y))");
}

TEST_CASE("list items with blanks are quoted unless already quoted") {
    auto l = load({{"a.yaml", "- list: odd\n  items: ['my app', '\"other app\"', plain]\n" +
                                  rule("r", "evt.type = open and proc.name in (odd)")}});
    CHECK(cond_of(*l) == "(evt.type = open and proc.name in (\"my app\", \"other app\", plain))");
}

TEST_CASE("macros see only earlier macros, rules see all") {
    auto ok = load(
        {{"a.yaml", "- macro: m1\n  condition: evt.type = open\n"
                    "- macro: m2\n  condition: m1 and proc.name = x\n" +
                        rule("r", "m2 or m3") + "- macro: m3\n  condition: evt.type = close\n"}});
    CHECK(cond_of(*ok) == "((evt.type = open and proc.name = x) or evt.type = close)");
    auto bad = load({{"a.yaml", "- macro: m2\n  condition: m1 and proc.name = x\n"
                                "- macro: m1\n  condition: evt.type = open\n" +
                                    rule("r", "m2")}});
    CHECK(bad->rendered().find("a.yaml:2:14: error: undefined macro 'm1' (it is defined later)") !=
          std::string::npos);
}

TEST_CASE("a redefinition replaces the item but keeps its position") {
    auto l =
        load({{"a.yaml", rule("first", "evt.type = open") + rule("second", "evt.type = close") +
                             rule("first", "evt.type = openat")}});
    REQUIRE(l->rules.rules.size() == 2);
    CHECK(l->rules.rules[0].name == "first");
    CHECK(cond_of(*l, "first") == "evt.type = openat");
}

TEST_CASE("folded YAML conditions keep newlines as whitespace") {
    auto l = load({{"a.yaml", "- rule: r\n  condition: >\n    evt.type = open\n    and\n"
                              "    proc.name = x\n" +
                                  std::string(kRuleTail)}});
    CHECK(cond_of(*l) == "(evt.type = open and proc.name = x)");
    auto lit = load({{"a.yaml", "- rule: r\n  condition: |\n    evt.type = open\n    and\n"
                                "    proc.name = x\n" +
                                    std::string(kRuleTail)}});
    CHECK(cond_of(*lit) == "(evt.type = open and proc.name = x)");
}

TEST_CASE("escaped quotes inside strings") {
    auto l =
        load({{"a.yaml",
               "- rule: r\n  condition: 'evt.type = open and proc.cmdline = \"a \\\"b\\\"\"'\n" +
                   std::string(kRuleTail)}});
    CHECK(cond_of(*l) == "(evt.type = open and proc.cmdline = \"a \\\"b\\\"\")");
}

TEST_CASE("integers beyond 32 bits and signed ones") {
    auto l = load(
        {{"a.yaml", rule("r", "evt.type = execve and proc.duration <= 5000000000 and fd.num=-1")}});
    const auto& c = *l->rules.rules.at(0).condition;
    REQUIRE(c.children.size() == 3);
    CHECK(c.children[1]->rhs.value.i == 5000000000LL);
    CHECK(c.children[2]->rhs.value.i == -1);
}

TEST_CASE("a macro named container next to container fields") {
    auto l =
        load({{"a.yaml", "- macro: container\n  condition: (container.id != host)\n" +
                             rule("r", "evt.type = execve and container and container.id != x")}});
    CHECK(cond_of(*l) == "(evt.type = execve and container.id != host and container.id != x)");
}

TEST_CASE("exceptions: single-field form") {
    auto l = load({{"a.yaml", rule("r", "evt.type = open") +
                                  "  exceptions:\n  - name: procs\n    fields: proc.name\n"
                                  "    values: [a, 'b c']\n"}});
    CHECK(l->rules.rules.at(0).condition_text ==
          "(evt.type = open) and not (proc.name in (a, \"b c\"))");
    CHECK(cond_of(*l) == "(evt.type = open and not proc.name in (a, \"b c\"))");
}

TEST_CASE("exceptions: tuple form, default and explicit comps, list cells") {
    auto l = load({{"a.yaml", rule("r", "evt.type = open") +
                                  "  exceptions:\n"
                                  "  - name: pairs\n    fields: [proc.name, fd.name]\n"
                                  "    values:\n    - [cat, /etc/x]\n    - [dog, /etc/y]\n"
                                  "  - name: withcomps\n    fields: [proc.name, fd.directory]\n"
                                  "    comps: [=, in]\n    values:\n    - [a, [/tmp, /var]]\n"
                                  "    - [b, /opt]\n"
                                  "  - name: novalues\n    fields: [proc.name]\n"}});
    CHECK(cond_of(*l) ==
          "(evt.type = open and not ((proc.name = cat and fd.name = /etc/x) or "
          "(proc.name = dog and fd.name = /etc/y)) and not ((proc.name = a and fd.directory in "
          "(/tmp, /var)) or (proc.name = b and fd.directory in (/opt))))");
}

TEST_CASE("exceptions: values appended by a later file") {
    auto l = load({{"a.yaml", rule("r", "evt.type = open") +
                                  "  exceptions:\n  - name: procs\n    fields: [proc.name]\n"
                                  "    values: [[a]]\n"},
                   {"b.yaml", "- rule: r\n  exceptions:\n  - name: procs\n    values: [[b]]\n"
                              "  override:\n    exceptions: append\n"}});
    CHECK(l->rules.rules.at(0).condition_text ==
          "(evt.type = open) and not ((proc.name = a) or (proc.name = b))");
    CHECK(cond_of(*l) == "(evt.type = open and not (proc.name = a or proc.name = b))");
}

TEST_CASE("append: true on lists, macros and rules") {
    auto l =
        load({{"a.yaml", "- list: l\n  items: [a]\n- macro: m\n  condition: proc.name in (l)\n" +
                             rule("r", "evt.type = open and m")},
              {"b.yaml", "- list: l\n  items: [b]\n  append: true\n"
                         "- macro: m\n  condition: or proc.name = c\n  append: true\n"
                         "- rule: r\n  condition: and fd.num > 2\n  append: true\n"}});
    CHECK(cond_of(*l) ==
          "(evt.type = open and (proc.name in (a, b) or proc.name = c) and fd.num > 2)");
    CHECK(l->rendered().find("warning: 'append: true' is deprecated") != std::string::npos);
}

TEST_CASE("override: append and replace for each key") {
    std::string base = "- list: l\n  items: [a]\n- macro: m\n  condition: proc.name in (l)\n"
                       "- rule: r\n  condition: evt.type = open and m\n  output: out1 %proc.name\n"
                       "  desc: d1\n  priority: INFO\n  tags: [t1]\n";
    auto l =
        load({{"a.yaml", base},
              {"b.yaml",
               "- list: l\n  items: [b]\n  override:\n    items: append\n"
               "- macro: m\n  condition: or proc.name = c\n  override:\n    condition: append\n"
               "- rule: r\n  condition: and fd.num > 2\n  output: more\n  desc: d2\n"
               "  tags: [t2, t1]\n  priority: ERROR\n  enabled: false\n"
               "  warn_evttypes: false\n  skip-if-unknown-filter: true\n"
               "  override:\n    condition: append\n    output: append\n"
               "    desc: append\n    tags: append\n    priority: replace\n"
               "    enabled: replace\n    warn_evttypes: replace\n"
               "    skip-if-unknown-filter: replace\n"}});
    CHECK(cond_of(*l) ==
          "(evt.type = open and (proc.name in (a, b) or proc.name = c) and fd.num > 2)");
    const auto& r = l->rules.rules.at(0);
    CHECK(r.output == "out1 %proc.name more");
    CHECK(r.desc == "d1 d2");
    CHECK(r.tags == std::vector<std::string>{"t1", "t2"});
    CHECK(r.priority == saker::Priority::Error);
    CHECK_FALSE(r.enabled);

    auto rep = load(
        {{"a.yaml", base},
         {"b.yaml", "- list: l\n  items: [z]\n  override:\n    items: replace\n"
                    "- macro: m\n  condition: proc.name = y\n  override:\n    condition: replace\n"
                    "- rule: r\n  condition: evt.type = close and m\n  output: new %proc.pid\n"
                    "  desc: d3\n  tags: [t9]\n"
                    "  override:\n    condition: replace\n    output: replace\n"
                    "    desc: replace\n    tags: replace\n"}});
    CHECK(cond_of(*rep) == "(evt.type = close and proc.name = y)");
    CHECK(rep->rules.rules.at(0).output == "new %proc.pid");
    CHECK(rep->rules.rules.at(0).desc == "d3");
    CHECK(rep->rules.rules.at(0).tags == std::vector<std::string>{"t9"});
}

TEST_CASE("a rule item with only 'enabled' switches an existing rule") {
    auto l = load(
        {{"a.yaml", rule("r", "evt.type = open")}, {"b.yaml", "- rule: r\n  enabled: false\n"}});
    REQUIRE_FALSE(l->diags.has_errors());
    CHECK_FALSE(l->rules.rules.at(0).enabled);
    CHECK(l->rules.enabled_count() == 0);
}

TEST_CASE("multi-file loading order decides what wins") {
    auto ab = load({{"a.yaml", "- macro: m\n  condition: proc.name = a\n" +
                                   rule("r", "evt.type = open and m")},
                    {"b.yaml", "- macro: m\n  condition: proc.name = b\n"}});
    CHECK(cond_of(*ab) == "(evt.type = open and proc.name = b)");
    auto ba = load({{"b.yaml", "- macro: m\n  condition: proc.name = b\n"},
                    {"a.yaml", "- macro: m\n  condition: proc.name = a\n" +
                                   rule("r", "evt.type = open and m")}});
    CHECK(cond_of(*ba) == "(evt.type = open and proc.name = a)");
}

TEST_CASE("priorities: all eight levels, any case") {
    const char* levels[] = {"emergency", "ALERT",  "Critical",      "error",
                            "WARNING",   "notice", "informational", "Debug"};
    for (int i = 0; i < 8; ++i) {
        auto p = saker::parse_priority(levels[i]);
        REQUIRE(p);
        CHECK(static_cast<int>(*p) == i);
    }
    CHECK(saker::parse_priority("info") == saker::Priority::Informational);
    CHECK_FALSE(saker::parse_priority("loud"));
}

TEST_CASE("engine version and plugin requirements") {
    CHECK_FALSE(load({{"a.yaml", "- required_engine_version: 0.57.0\n"}})->diags.has_errors());
    CHECK_FALSE(load({{"a.yaml", "- required_engine_version: 12\n"}})->diags.has_errors());
    CHECK(load({{"a.yaml", "- required_engine_version: 0.99.0\n"}})->diags.has_errors());
    CHECK_FALSE(
        load({{"a.yaml", "- required_plugin_versions:\n  - name: container\n    version: 0.4.0\n"}})
            ->diags.has_errors());
    CHECK(
        load({{"a.yaml", "- required_plugin_versions:\n  - name: k8saudit\n    version: 0.1.0\n"}})
            ->rendered()
            .find("rules require plugin 'k8saudit' version 0.1.0, which saker does not provide") !=
        std::string::npos);
}

TEST_CASE("skip-if-unknown-filter turns an unknown field into a skipped rule") {
    auto l =
        load({{"a.yaml", rule("r", "evt.type = open and foo.bar = 1") +
                             "  skip-if-unknown-filter: true\n" + rule("s", "evt.type = open")}});
    CHECK_FALSE(l->diags.has_errors());
    CHECK(l->rules.rules.size() == 1);
    CHECK(l->rendered().find(
              "warning: rule 'r' skipped (skip-if-unknown-filter): unknown field 'foo.bar'") !=
          std::string::npos);
}

TEST_CASE("an unsupported field rejects its rule, skip-if-unknown-filter skips it instead") {
    // In the condition: an error at the field, the rule listed as rejected with the field.
    auto hard = load({{"a.yaml", rule("r", "evt.type = open and fd.is_lower_layer = true") +
                                     rule("s", "evt.type = open")}});
    CHECK(hard->diags.has_errors());
    CHECK(hard->rendered().find("a.yaml:2:34: error: field 'fd.is_lower_layer' is not "
                                "supported") != std::string::npos);
    REQUIRE(hard->rules.rejected.size() == 1);
    CHECK(hard->rules.rejected[0].name == "r");
    CHECK(hard->rules.rejected[0].unsupported_fields ==
          std::vector<std::string>{"fd.is_lower_layer"});
    // Skipped with a warning, as Falco skips a rule naming a field it does not know; the rest
    // loads. The same for an unsupported field in the output (Falco checks outputs alike).
    auto skip = load({{"a.yaml", rule("r", "evt.type = open and fd.is_lower_layer = true") +
                                     "  skip-if-unknown-filter: true\n" +
                                     "- rule: o\n  condition: evt.type = open\n  desc: d\n"
                                     "  output: net %k8s.pod.cni.json\n  priority: INFO\n"
                                     "  skip-if-unknown-filter: true\n" +
                                     rule("s", "evt.type = open")}});
    INFO(skip->rendered());
    CHECK_FALSE(skip->diags.has_errors());
    REQUIRE(skip->rules.rules.size() == 1);
    CHECK(skip->rules.rules[0].name == "s");
    CHECK(skip->rendered().find("warning: rule 'r' skipped (skip-if-unknown-filter): field "
                                "'fd.is_lower_layer' is not supported") != std::string::npos);
    CHECK(skip->rendered().find("warning: rule 'o' skipped (skip-if-unknown-filter): field "
                                "'k8s.pod.cni.json' is not supported") != std::string::npos);
    CHECK(skip->rules.rejected.size() == 2);
    // Without skip-if-unknown-filter an unsupported output field is an error, as in Falco.
    auto out = load({{"a.yaml", "- rule: o\n  condition: evt.type = open\n  desc: d\n"
                                "  output: net %k8s.pod.cni.json\n  priority: INFO\n"}});
    CHECK(out->rendered().find("a.yaml:4:16: error: field 'k8s.pod.cni.json' is not supported") !=
          std::string::npos);
}

TEST_CASE("a field Falco never sets loads, with a warning that it has no value") {
    auto l = load({{"a.yaml", rule("r", "evt.type = open and k8s.rc.name = web")}});
    INFO(l->rendered());
    CHECK_FALSE(l->diags.has_errors());
    CHECK(l->rules.rules.size() == 1);
    CHECK(l->rendered().find("a.yaml:2:34: warning: field 'k8s.rc.name' never has a value") !=
          std::string::npos);
}

TEST_CASE("event types of a rule") {
    auto l = load(
        {{"a.yaml",
          rule("a", "evt.type in (open, openat) and proc.name = x") +
              rule("b", "evt.type = open or evt.type = close") +
              rule("c", "not evt.type = open and proc.name = x") +
              rule("d", "not (evt.type = open and proc.name = x) and evt.type in (open, close)") +
              "  warn_evttypes: false\n"}});
    CHECK(l->rules.find("a")->evttypes.names == std::vector<std::string>{"open", "openat"});
    CHECK(l->rules.find("b")->evttypes.names == std::vector<std::string>{"close", "open"});
    CHECK_FALSE(l->rules.find("c")->evttypes.all);
    CHECK(l->rules.find("d")->evttypes.names == std::vector<std::string>{"close", "open"});
    CHECK(l->rendered().find("rule 'c' matches every event type") == std::string::npos);
    auto all = load({{"a.yaml", rule("x", "proc.name = bash")}});
    CHECK(all->rules.rules.at(0).evttypes.all);
    CHECK(all->rendered().find("warning: rule 'x' matches every event type") != std::string::npos);
}
