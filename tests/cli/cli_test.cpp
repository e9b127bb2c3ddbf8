// The saker binary as a user runs it: exit codes, the validate summary, list commands.
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <unistd.h>

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

// --- Falco's command line at the top level (and as `falco`) -----------------------------------

namespace {

const std::string kFalcoRules = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";
const std::string kFalcoYaml = std::string(SAKER_SOURCE_DIR) + "/../shared/falco-compat/falco.yaml";

// Only what saker prints on stdout (sh() merges stderr, which carries the log).
Run run_out(const std::string& args) {
    return saker::test::sh("{ " + std::string(SAKER_BIN) + " " + args + " 2>/dev/null; }");
}

bool has(const Run& r, const std::string& text) {
    return r.out.find(text) != std::string::npos;
}

} // namespace

TEST_CASE("Falco's flags: help, version and bad flags, with Falco's exit codes") {
    Run help = run("--help");
    CHECK(help.status == 0);
    CHECK(has(help, "--list-events"));
    CHECK(has(help, "compile"));
    Run version = run("--version");
    CHECK(version.status == 0);
    CHECK(has(version, "saker version: "));
    Run vjson = run("--version -o json_output=true");
    CHECK(vjson.status == 0);
    CHECK(nlohmann::json::parse(vjson.out)["engine_version"].is_string());
    // Falco exits 1 for anything that goes wrong, a bad flag or a missing value included.
    CHECK(run("--bogus").status == 1);
    CHECK(run("-r").status == 1);
    CHECK(run("-M x -c /dev/null").status == 1);
    Run missing = run("-c /nonexistent/falco.yaml --version");
    CHECK(missing.status == 1);
    CHECK(has(missing, "/nonexistent/falco.yaml"));
    Run schema = run("--config-schema");
    CHECK(schema.status == 1);
    CHECK(has(schema, "'--config-schema' is not supported by saker"));
    CHECK(run("--disable-source syscall").status == 1);
    CHECK(run("--enable-source k8s_audit").status == 1);
    // The subcommands stay, with their own help.
    Run run_help = run("run --help");
    CHECK(run_help.status == 0);
    CHECK(has(run_help, "--record FILE"));
    CHECK(run("compile --help").status == 0);
}

TEST_CASE("Falco's -V validates each file and prints Ok or Invalid, exit 1 on errors") {
    Run ok = run("-V " + kFalcoRules);
    INFO(ok.out);
    CHECK(ok.status == 0);
    CHECK(has(ok, kFalcoRules + ": Ok\n"));
    std::string bad =
        write_temp("cli_v_bad.yaml", "- rule: r\n  desc: d\n  condition: proc.nme = x\n"
                                     "  output: o\n  priority: INFO\n");
    Run invalid = run("-V " + kFalcoRules + " --validate " + bad);
    INFO(invalid.out);
    CHECK(invalid.status == 1);
    CHECK(has(invalid, kFalcoRules + ": Ok\n"));
    CHECK(has(invalid, bad + ": Invalid\n" + bad + ":3:14: error: unknown field 'proc.nme'"));
    Run json = run_out("-o json_output=true -V " + bad);
    CHECK(json.status == 1);
    auto j = nlohmann::json::parse(json.out);
    REQUIRE(j["falco_load_results"].size() == 1);
    CHECK(j["falco_load_results"][0]["successful"] == false);
    CHECK(j["falco_load_results"][0]["errors"][0]["context"]["locations"][0]["position"]["line"] ==
          3);
    // A folder is validated file by file; one with no YAML file is an error.
    namespace fs = std::filesystem;
    fs::path dir = fs::path(SAKER_BINARY_DIR) / "cli_v_dir";
    fs::remove_all(dir);
    fs::create_directories(dir);
    write_temp("cli_v_dir/x.yaml.bak", "- rule: [broken\n");
    CHECK(run("-V " + dir.string()).status == 1);
    fs::copy_file(bad, dir / "a.yaml");
    Run folder = run("-V " + dir.string());
    CHECK(folder.status == 1);
    CHECK(has(folder, (dir / "a.yaml").string() + ": Invalid"));
    CHECK_FALSE(has(folder, "x.yaml.bak:"));
    fs::remove_all(dir);
}

TEST_CASE("Falco's -L, -l, --list, -N and --list-events") {
    Run all = run("-L -r " + kFalcoRules);
    CHECK(all.status == 0);
    CHECK(has(all, "Rule"));
    CHECK(has(all, "Read sensitive file untrusted"));
    Run one = run_out("-l 'Read sensitive file untrusted' -o json_output=true -r " + kFalcoRules);
    CHECK(one.status == 0);
    auto j = nlohmann::json::parse(one.out);
    REQUIRE(j["rules"].size() == 1);
    CHECK(j["rules"][0]["info"]["priority"] == "Warning");
    Run nosuch = run("-l 'No such rule' -r " + kFalcoRules);
    CHECK(nosuch.status == 1);
    CHECK(has(nosuch, "No such rule"));
    Run fields = run("--list");
    CHECK(fields.status == 0);
    CHECK(has(fields, "proc.name"));
    Run names = run("--list=syscall -N");
    CHECK(names.status == 0);
    CHECK(has(names, "\nproc.name\n"));
    CHECK_FALSE(has(names, "CHARBUF")); // names only
    CHECK(run("--list=k8s_audit").status == 1);
    CHECK(nlohmann::json::parse(run("--list --format json").out).size() > 100);
    Run events = run("--list-events");
    CHECK(events.status == 0);
    CHECK(has(events, "\nexecve\n"));
}

TEST_CASE("Falco's --support prints JSON with the merged configuration and the rules files "
          "with their SHA-256") {
    std::string more = write_temp("cli_support_more.yaml", "priority: error\n");
    Run r = run_out("--support -c " + kFalcoYaml + " -r " + kFalcoRules +
                    " -o webserver.listen_port=9999 -o append_output[0].match.source=syscall" +
                    " -o config_files=" + more);
    REQUIRE(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["version"].is_string());
    CHECK(j["system_info"]["sysname"] == "Linux");
    CHECK(j["cmdline"].get<std::string>().find("--support") != std::string::npos);
    // "config" is, as Falco prints it, the merged configuration as YAML flow text (every
    // scalar quoted, so JSON reads it): the file, the config_files file, the -o overrides.
    REQUIRE(j["config"].is_string());
    auto config = nlohmann::json::parse(j["config"].get<std::string>());
    CHECK(config["rules_files"][0] == "/etc/falco/falco_rules.yaml"); // from falco.yaml
    CHECK(config["priority"] == "error");                             // from config_files
    CHECK(config["webserver"]["listen_port"] == "9999");              // from -o
    CHECK(config["append_output"][0] ==
          nlohmann::json{{"suggested_output", "true"}, {"match", {{"source", "syscall"}}}});
    REQUIRE(j["rules_files"].size() == 1);
    CHECK(j["rules_files"][0]["name"] == kFalcoRules);
    // The digest is of the file's bytes: sha256sum agrees.
    Run sum = saker::test::sh("sha256sum " + kFalcoRules);
    REQUIRE(sum.status == 0);
    CHECK(sum.out.substr(0, 64) == j["rules_files"][0]["sha256"].get<std::string>());
    CHECK(j["rules_files"][0]["variants"][0]["content"] == saker::test::slurp(kFalcoRules));
}

TEST_CASE("Falco's --dry-run checks config, rules and outputs and exits 0, no pidfile") {
    std::string pid = std::string(SAKER_BINARY_DIR) + "/cli_dry.pid";
    std::remove(pid.c_str());
    Run ok = run("--dry-run -U -P " + pid + " -c " + kFalcoYaml + " -r " + kFalcoRules +
                 " -o syslog_output.enabled=false -o log_syslog=false");
    INFO(ok.out);
    CHECK(ok.status == 0);
    CHECK(has(ok, "dry run"));
    CHECK_FALSE(std::filesystem::exists(pid)); // as Falco: no pidfile in a dry run
    std::string bad = write_temp("cli_dry_bad.yaml", "- rule: r\n  condition: nope\n");
    CHECK(run("--dry-run -o log_syslog=false -r " + bad).status == 1);
}

TEST_CASE("invoked as falco (a symlink), saker takes Falco's command line") {
    std::string link = std::string(SAKER_BINARY_DIR) + "/falco";
    std::remove(link.c_str());
    REQUIRE(symlink(SAKER_BIN, link.c_str()) == 0);
    Run version = saker::test::sh(link + " --version");
    CHECK(version.status == 0);
    CHECK(version.out.find("saker version: ") != std::string::npos);
    Run v = saker::test::sh(link + " -V " + kFalcoRules);
    CHECK(v.status == 0);
    CHECK(v.out.find(": Ok") != std::string::npos);
    CHECK(saker::test::sh(link + " compile").status == 1); // no subcommands as falco
    std::remove(link.c_str());
}

TEST_CASE("no rules named anywhere: Falco's default rules files when installed, then saker's, "
          "and the log says which load") {
    // A configuration without rules_files and no -r (as plain `saker run`): the rules list is
    // Falco's (/etc/falco/falco_rules.yaml, saker's rules, the local file, rules.d), present
    // ones only. (An empty -c file: /etc/falco/falco.yaml, if installed, would name its own.)
    std::string empty = write_temp("cli_no_rules.yaml", "json_output: false\n");
    Run r = run("--dry-run -c " + empty + " -o log_syslog=false -o syslog_output.enabled=false");
    INFO(r.out);
    CHECK(r.status == 0);
    const std::string saker_rules = SAKER_SOURCE_DIR "/rules/saker_rules.yaml";
    std::string expected = "loading rules from: ";
    if (std::filesystem::exists("/etc/falco/falco_rules.yaml"))
        expected += "/etc/falco/falco_rules.yaml, ";
    expected += saker_rules;
    CHECK(has(r, expected));
}
