// `not X in ("<NA>","N/A")`: the upstream macros that exclude unknown values exclude exactly what
// they exclude in Falco. The macros' conditions are read from the upstream files unmodified
// (only the macros, so rules elsewhere in the files do not matter), compiled with saker's
// engine, and evaluated on synthetic events whose expected answers follow libsinsp and the
// container plugin (docs/FIELDS.md, "<NA> and N/A"):
//   - user.name is the literal "<NA>" for a uid the process's passwd does not know;
//   - proc.name is "<NA>" for a process that cannot be found;
//   - a field with no value at all (e.g. container.mount.dest[/proc*] without such a mount)
//     makes `X in (...)` false, so `not X in (...)` is true.
#include "tests/fields/synthetic_events.h"

#include "bpf/syscalls_x86_64.h"
#include "codegen/engine.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>
#include <pwd.h>
#include <set>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

using namespace saker;

namespace {

// The condition of macro `name` as the upstream file writes it.
std::string upstream_macro(const std::string& file, const std::string& name) {
    YAML::Node doc = YAML::LoadFile(std::string(SAKER_CORPUS_DIR) + "/" + file);
    for (const auto& item : doc)
        if (item["macro"] && item["macro"].as<std::string>() == name)
            return item["condition"].as<std::string>();
    FAIL("macro " << name << " not found in " << file);
    return {};
}

// One rule per macro under test, in a rules text built from the upstream macro texts.
struct MacroRules {
    Ruleset rules;
    std::unique_ptr<RuleEngine> engine;
    MacroRules(const std::vector<std::pair<std::string, std::string>>& macros,
               const std::string& evt_type) {
        std::string text;
        for (const auto& [file, name] : macros) {
            std::string cond = upstream_macro(file, name);
            text += "- macro: " + name + "\n  condition: >\n    " + cond + "\n";
        }
        for (const auto& [file, name] : macros)
            if (name != "container")
                text += "- rule: " + name + "\n  desc: d\n  condition: evt.type=" + evt_type +
                        " and " + name + "\n  output: o\n  priority: INFO\n";
        SourceManager sm;
        Diagnostics d;
        rules = load_rules(std::vector<RuleSource>{{"macros.yaml", text}}, sm, d);
        INFO(text);
        REQUIRE_FALSE(d.has_errors());
        engine = make_engine(rules, {EngineKind::Interp, 2, ""}, nullptr);
        REQUIRE(engine);
    }
    // Names of the rules that match.
    std::set<std::string> eval(uint32_t type, FieldSource& src) {
        uint32_t out[16];
        uint32_t n = engine->evaluate(type, src, out, 16);
        std::set<std::string> names;
        for (uint32_t i = 0; i < n; ++i)
            names.insert(rules.rules[out[i]].name);
        return names;
    }
};

struct Synthetic : saker::test::SyntheticEvents {
    uint32_t pid = static_cast<uint32_t>(::getpid()); // its /proc root is this host's /

    state::Process& add(bool in_container, uint32_t euid) {
        auto& p = table.create(pid);
        p.ppid = 1;
        p.comm = p.exe = "app";
        p.image_known = true;
        p.euid = euid;
        p.container = state::ContainerRef{};
        if (in_container) {
            p.container->id = std::string(64, 'a');
            p.container->short_id = std::string(12, 'a');
            p.container->type = state::ContainerType::Docker;
        }
        return p;
    }
    void setuid_event(bool known_process) {
        capture::test::RecordBuilder b(SAKER_EVT_SETID, SAKER_NR_setuid, 0);
        b.u64(65534).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0);
        use(b, known_process ? pid : 0);
    }
};

} // namespace

TEST_CASE("<NA> exclusions: known_user_in_container and proc_name_exists as in Falco") {
    REQUIRE(::getpwuid(65534) != nullptr);
    REQUIRE(::getpwuid(4242421) == nullptr);
    MacroRules m({{"falco_rules.yaml", "container"},
                  {"falco-incubating_rules.yaml", "known_user_in_container"},
                  {"falco_rules.yaml", "proc_name_exists"}},
                 "setuid");
    uint32_t type = event_type_id("setuid");
    Synthetic s;

    s.add(true, 65534); // a container process whose uid its passwd knows
    s.setuid_event(true);
    CHECK(saker::test::get(s.fields, "user.name") == ::getpwuid(65534)->pw_name);
    CHECK(m.eval(type, s.fields) ==
          std::set<std::string>{"known_user_in_container", "proc_name_exists"});

    s.add(true, 4242421); // a uid its passwd does not know: user.name is the literal <NA>
    s.setuid_event(true);
    CHECK(saker::test::get(s.fields, "user.name") == "<NA>");
    CHECK(m.eval(type, s.fields) == std::set<std::string>{"proc_name_exists"});

    s.add(false, 4242421); // on the host: not a container at all
    s.setuid_event(true);
    CHECK(m.eval(type, s.fields) == std::set<std::string>{"proc_name_exists"});

    s.setuid_event(false); // a process saker cannot find: Falco's placeholder is named <NA>
    CHECK(saker::test::get(s.fields, "proc.name") == "<NA>");
    CHECK(m.eval(type, s.fields).count("proc_name_exists") == 0);
}
