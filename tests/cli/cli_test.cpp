// The saker binary as a user runs it: exit codes, the validate summary, list commands.
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

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
