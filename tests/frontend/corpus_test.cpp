// The upstream Falco stable rules load unmodified, and the counts saker reports equal the
// counts taken independently from the YAML.
#include "test_util.h"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <set>

namespace {

const std::string kCorpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";

// Distinct names per item kind, straight from the YAML (no saker code involved).
std::map<std::string, std::set<std::string>> count_items(const std::string& text) {
    std::map<std::string, std::set<std::string>> names;
    for (const auto& item : YAML::Load(text))
        for (const char* kind : {"rule", "macro", "list"})
            if (item[kind]) names[kind].insert(item[kind].as<std::string>());
    return names;
}

} // namespace

TEST_CASE("the upstream stable ruleset loads with no errors") {
    std::string text = saker::test::read_file(kCorpus);
    REQUIRE_FALSE(text.empty());
    auto l = saker::test::load({{kCorpus, text}});
    INFO(l->rendered());
    REQUIRE_FALSE(l->diags.has_errors());

    auto names = count_items(text);
    CHECK(l->rules.rules.size() == names["rule"].size());
    CHECK(l->rules.macro_names.size() == names["macro"].size());
    CHECK(l->rules.list_names.size() == names["list"].size());
    for (const auto& r : l->rules.rules) {
        CHECK(names["rule"].count(r.name));
        // Every upstream rule restricts its event types.
        CHECK_FALSE(r.evttypes.all);
    }
}

// No silent fields: unsupported fields are rejected at load, so the three upstream files load
// completely only if every field they name has an extractor with Falco's meaning.
TEST_CASE("the three upstream rules files load completely: every field they name is supported") {
    std::vector<saker::RuleSource> files;
    std::set<std::string> rules;
    for (const char* f :
         {"falco_rules.yaml", "falco-incubating_rules.yaml", "falco-sandbox_rules.yaml"}) {
        std::string path = std::string(SAKER_CORPUS_DIR) + "/" + f;
        files.push_back({path, saker::test::read_file(path)});
        REQUIRE_FALSE(files.back().text.empty());
        auto items = count_items(files.back().text); // outlives the loop over its rules
        for (const auto& name : items["rule"])
            rules.insert(name);
    }
    auto l = saker::test::load(files);
    INFO(l->rendered());
    REQUIRE_FALSE(l->diags.has_errors());
    CHECK(l->rules.rejected.empty());
    CHECK(l->rules.rules.size() == rules.size());
    CHECK(l->rendered().find("not supported") == std::string::npos);
    CHECK(l->rendered().find("never has a value") == std::string::npos);
}

TEST_CASE("upstream conditions keep their meaning after expansion") {
    auto l = saker::test::load({{kCorpus, saker::test::read_file(kCorpus)}});
    REQUIRE_FALSE(l->diags.has_errors());
    const saker::Rule* r = l->rules.find("Read sensitive file untrusted");
    REQUIRE(r);
    std::string c = saker::ast::to_string(*r->condition);
    // open_read expanded, the sensitive file names substituted from their list, and the
    // trusted programs excluded.
    CHECK(c.find("evt.is_open_read = true") != std::string::npos);
    CHECK(c.find("/etc/shadow") != std::string::npos);
    CHECK(c.find("proc.name in (") != std::string::npos);
    CHECK(r->evttypes.names == std::vector<std::string>{"open", "openat", "openat2"});
}
