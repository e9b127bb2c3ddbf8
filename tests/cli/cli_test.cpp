// The saker binary as a user runs it: exit codes, the validate summary, list commands.
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace {

using Run = saker::test::Cmd;

Run run(const std::string& args) {
    Run r = saker::test::sh(std::string(SAKER_BIN) + " " + args);
    REQUIRE(r.started);
    return r;
}

std::string write_temp(const std::string& name, const std::string& text) {
    std::string path = std::string(SAKER_BINARY_DIR) + "/" + name;
    std::ofstream(path) << text;
    return path;
}

} // namespace

TEST_CASE("compile --validate on the upstream rules prints the independent counts") {
    std::string corpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";
    size_t rules = 0, macros = 0, lists = 0, enabled = 0;
    std::set<std::string> seen;
    for (const auto& item : YAML::LoadFile(corpus)) {
        if (item["rule"] && seen.insert("r:" + item["rule"].as<std::string>()).second) {
            ++rules;
            if (!item["enabled"] || item["enabled"].as<bool>()) ++enabled;
        }
        if (item["macro"] && seen.insert("m:" + item["macro"].as<std::string>()).second) ++macros;
        if (item["list"] && seen.insert("l:" + item["list"].as<std::string>()).second) ++lists;
    }
    Run r = run("compile -r " + corpus + " --validate");
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find("error") == std::string::npos);
    std::string want = std::to_string(rules) + " rules (" + std::to_string(enabled) +
                       " enabled), " + std::to_string(macros) + " macros, " +
                       std::to_string(lists) + " lists\n";
    CHECK(r.out.size() >= want.size());
    CHECK(r.out.substr(r.out.size() - want.size()) == want);
}

TEST_CASE("compile exits 1 with file:line:col errors on a bad file") {
    std::string f = write_temp(
        "cli_bad.yaml", "- rule: r\n  desc: d\n  condition: evt.type = open and proc.nme = x\n"
                        "  output: o\n  priority: INFO\n");
    Run r = run("compile -r " + f + " --validate");
    CHECK(r.status == 1);
    CHECK(r.out.find("cli_bad.yaml:3:34: error: unknown field 'proc.nme'") != std::string::npos);
    CHECK(r.out.find("\n" + std::string(35, ' ') + "^\n") != std::string::npos);
}

TEST_CASE("usage errors exit 2") {
    CHECK(run("compile --bogus").status == 2);
    CHECK(run("nosuchcommand").status == 2);
    CHECK(run("compile -r").status == 2);
}

TEST_CASE("a missing rules file is a clear error") {
    Run r = run("compile -r /nonexistent/rules.yaml --validate");
    CHECK(r.status == 1);
    CHECK(r.out.find("/nonexistent/rules.yaml: error: cannot read rules file") !=
          std::string::npos);
}

TEST_CASE("saker's default rules validate") {
    Run r = run("compile --validate");
    INFO(r.out);
    CHECK(r.status == 0);
    CHECK(r.out.find("error") == std::string::npos);
}

TEST_CASE("list-fields --json lists every field with a type") {
    Run r = run("list-fields --json");
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    REQUIRE(j.size() > 100);
    std::set<std::string> names;
    for (const auto& f : j) {
        names.insert(f["name"].get<std::string>());
        CHECK_FALSE(f["type"].get<std::string>().empty());
    }
    for (const char* needed : {"proc.name", "fd.name", "evt.type", "container.id", "k8s.pod.name"})
        CHECK(names.count(needed));
}

TEST_CASE("list-rules shows priority, tags and state") {
    std::string corpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";
    Run r = run("list-rules -r " + corpus + " --json");
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    bool found = false;
    for (const auto& rule : j)
        if (rule["name"] == "Read sensitive file untrusted") {
            found = true;
            CHECK(rule["priority"] == "Warning");
            CHECK(rule["enabled"] == true);
        }
    CHECK(found);
    Run dump = run("compile -r " + corpus + " --dump-ast --rule 'Read sensitive file untrusted'");
    CHECK(dump.status == 0);
    CHECK(dump.out.find("evttypes: open openat openat2") != std::string::npos);
}

TEST_CASE("a rules directory stands for its *.yaml and *.yml files, in name order") {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(SAKER_BINARY_DIR) / "cli_rules_dir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string rule = "- rule: R\n  desc: d\n  condition: evt.type = open\n"
                             "  output: o\n  priority: INFO\n";
    write_temp("cli_rules_dir/a.yaml", rule);
    // Appends to R: valid only when a.yaml was loaded first.
    write_temp("cli_rules_dir/b.yml", "- rule: R\n  condition: and proc.name = x\n"
                                      "  override:\n    condition: append\n");
    write_temp("cli_rules_dir/old.yaml.bak", "not: [valid");
    write_temp("cli_rules_dir/README", "not rules");
    for (const char* cmd : {"compile --validate -r ", "list-rules -r "}) {
        Run r = run(cmd + dir.string());
        INFO(cmd << r.out);
        CHECK(r.status == 0);
        CHECK(r.out.find("error") == std::string::npos);
    }
    CHECK(run("compile --validate -r " + dir.string()).out.find("1 rules (1 enabled)") !=
          std::string::npos);
    // An invalid YAML file in the folder is checked, not skipped.
    write_temp("cli_rules_dir/c.yaml", "- rule: [broken\n");
    Run bad = run("compile --validate -r " + dir.string());
    CHECK(bad.status == 1);
    CHECK(bad.out.find("c.yaml:2:1: error: invalid YAML") != std::string::npos);
    // A folder with no rules file is an error, not "0 rules".
    fs::path empty = dir / "empty";
    fs::create_directories(empty);
    write_temp("cli_rules_dir/empty/x.yaml.bak", rule);
    Run none = run("compile --validate -r " + empty.string());
    CHECK(none.status == 1);
    CHECK(none.out.find("no *.yaml or *.yml file") != std::string::npos);
    fs::remove_all(dir);
}
