// The configuration loader: every key, -o overrides, diagnostics with positions, rule
// selectors, and the repository's saker.yaml.
#include "frontend/frontend.h"
#include "runtime/config/config.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

using namespace saker;
using namespace saker::config;

namespace {

// Every key set to a value that is not its default.
const char* kEveryKey = R"(rules_files: [/a.yaml, b.yaml]
rules:
  - disable: {rule: "*"}
  - enable: {tag: net}
priority: warning
json_output: true
json_include_output_property: false
json_include_tags_property: false
rule_matching: all
buffered_outputs: true
outputs_queue: {capacity: 5}
append_output:
  - match: {source: syscall, tags: [a, b], rule: R}
    extra_output: "cpu %evt.cpu"
    extra_fields: [evt.hostname, {home: "/home/x"}]
stdout_output: {enabled: false}
file_output: {enabled: true, keep_alive: true, filename: /tmp/e.txt}
syslog_output: {enabled: false}
program_output: {enabled: true, keep_alive: true, program: "cat > /dev/null"}
http_output:
  enabled: true
  url: http://127.0.0.1:1/x
  user_agent: agent/1
  insecure: true
  ca_cert: /c.pem
  ca_bundle: /b.pem
  ca_path: /p
  mtls: true
  client_cert: /cc
  client_key: /ck
  compress_uploads: true
  keep_alive: true
base_syscalls: {custom_set: [setsid, ioctl], repair: true}
syscall_event_drops: {threshold: 0.5, actions: [exit], rate: 2, max_burst: 3}
webserver:
  enabled: false
  listen_address: 0.0.0.0
  listen_port: 9000
  k8s_healthz_endpoint: /hz
  prometheus_metrics_enabled: true
metrics: {enabled: true, interval: 1h30m500ms}
watch_config_files: false
log_level: debug
log_stderr: false
log_syslog: false
log_format: json
engine: interp
jit: {opt_level: 3, cache_dir: /var/cache/saker}
capture: {ring_buffer_bytes: 65536}
container_engines: {containerd: {sockets: [/a.sock, /b.sock]}}
)";

LoadResult load(const std::string& text, const std::vector<std::string>& overrides = {}) {
    return load_config_text("/etc/saker/saker.yaml", text, overrides);
}

std::string first_message(const LoadResult& r) {
    return r.diags.all().empty() ? "" : Diagnostics::render(r.sources, r.diags.all()[0]);
}

} // namespace

TEST_CASE("every key is read into the Config", "[config]") {
    auto r = load(kEveryKey);
    INFO(r.render());
    REQUIRE(r.ok());
    REQUIRE(r.diags.all().empty());
    const Config& c = r.config;
    CHECK(c.rules_files == std::vector<std::string>{"/a.yaml", "/etc/saker/b.yaml"});
    REQUIRE(c.rules.size() == 2);
    CHECK(c.rules[0] == RuleSelector{false, false, "*"});
    CHECK(c.rules[1] == RuleSelector{true, true, "net"});
    CHECK(c.priority == Priority::Warning);
    CHECK(c.json_output);
    CHECK_FALSE(c.json_include_output_property);
    CHECK_FALSE(c.json_include_tags_property);
    CHECK(c.rule_matching_all);
    CHECK(c.buffered_outputs);
    CHECK(c.outputs_queue_capacity == 5);
    REQUIRE(c.append_output.size() == 1);
    const auto& ao = c.append_output[0];
    CHECK(ao.source == "syscall");
    CHECK(ao.rule == "R");
    CHECK(ao.tags == std::vector<std::string>{"a", "b"});
    CHECK(ao.extra_output == "cpu %evt.cpu");
    CHECK(ao.extra_fields ==
          std::vector<AppendOutput::ExtraField>{{"evt.hostname", ""}, {"home", "/home/x"}});
    CHECK_FALSE(c.stdout_output.enabled);
    CHECK(c.file_output == FileOutput{true, true, "/tmp/e.txt"});
    CHECK_FALSE(c.syslog_output.enabled);
    CHECK(c.program_output == ProgramOutput{true, true, "cat > /dev/null"});
    CHECK(c.http_output == HttpOutput{true, "http://127.0.0.1:1/x", "agent/1", true, "/c.pem",
                                      "/b.pem", "/p", true, "/cc", "/ck", true, true});
    CHECK(c.base_syscalls_custom_set == std::vector<std::string>{"setsid", "ioctl"});
    CHECK(c.base_syscalls_repair);
    CHECK(c.syscall_event_drops == SyscallEventDrops{0.5, {DropAction::Exit}, 2, 3});
    CHECK(c.webserver == Webserver{false, "0.0.0.0", 9000, "/hz", true});
    CHECK(c.metrics.enabled);
    CHECK(c.metrics.interval_ms == 5400500);
    CHECK_FALSE(c.watch_config_files);
    CHECK(c.log_level == Priority::Debug);
    CHECK_FALSE(c.log_stderr);
    CHECK_FALSE(c.log_syslog);
    CHECK(c.log_format == Config::LogFormat::Json);
    CHECK(c.engine == EngineKind::Interp);
    CHECK(c.jit_opt_level == 3);
    CHECK(c.jit_cache_dir == "/var/cache/saker");
    CHECK(c.capture_ring_buffer_bytes == 65536);
    CHECK(c.containerd_sockets == std::vector<std::string>{"/a.sock", "/b.sock"});
    // Nothing was left at its default: the text above covers every key.
    Config defaults;
    CHECK_FALSE(c.stdout_output == defaults.stdout_output);
}

TEST_CASE("no file: the defaults, an empty file: the defaults", "[config]") {
    auto none = load_config("");
    REQUIRE(none.ok());
    CHECK(none.config == Config{});
    auto empty = load("");
    REQUIRE(empty.ok());
    CHECK(empty.diags.all().empty());
    CHECK(empty.config == Config{});
}

TEST_CASE("the repository's saker.yaml loads cleanly and states the built-in defaults",
          "[config]") {
    auto r = load_config(SAKER_SOURCE_DIR "/saker.yaml");
    INFO(r.render());
    REQUIRE(r.ok());
    CHECK(r.diags.all().empty());
    // Falco's defaults with saker's add-on rules after Falco's own (default_rules_files()).
    REQUIRE(r.config.rules_files.size() == 4);
    CHECK(std::filesystem::equivalent(r.config.rules_files[1],
                                      SAKER_SOURCE_DIR "/rules/saker_rules.yaml"));
    CHECK(r.config.rules_files == default_rules_files(r.config.rules_files[1]));
    Config c = r.config;
    c.rules_files.clear(); // the only key whose default is "the build's path"
    CHECK(c == Config{});
}

TEST_CASE("the rules a run loads: -r as given, else rules_files (or Falco's defaults, then "
          "saker's) of which only what exists, folders expanded",
          "[config]") {
    char tmpl[] = "/tmp/saker-default-rules-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    const std::string falco = tmpl, saker_rules = falco + "/saker_rules.yaml";
    std::ofstream(saker_rules) << "[]\n";
    // Nothing of Falco's installed: saker's rules alone.
    auto defaults = default_rules_files(saker_rules, falco);
    CHECK(defaults == std::vector<std::string>{falco + "/falco_rules.yaml", saker_rules,
                                               falco + "/falco_rules.local.yaml",
                                               falco + "/rules.d"});
    Config c;
    c.rules_files = defaults; // what rules_files_to_load does with an empty list, at /etc/falco
    CHECK(rules_files_to_load({}, c, saker_rules) == std::vector<std::string>{saker_rules});
    // Falco's rules, its local file and a rules.d folder: Falco's order, saker's after Falco's.
    std::ofstream(falco + "/falco_rules.yaml") << "[]\n";
    std::ofstream(falco + "/falco_rules.local.yaml") << "[]\n";
    std::filesystem::create_directory(falco + "/rules.d");
    std::ofstream(falco + "/rules.d/b.yaml") << "[]\n";
    std::ofstream(falco + "/rules.d/a.yml") << "[]\n";
    std::ofstream(falco + "/rules.d/old.yaml.bak") << "[]\n";
    CHECK(rules_files_to_load({}, c, saker_rules) ==
          std::vector<std::string>{falco + "/falco_rules.yaml", saker_rules,
                                   falco + "/falco_rules.local.yaml", falco + "/rules.d/a.yml",
                                   falco + "/rules.d/b.yaml"});
    // -r wins, as given (a missing file is reported by the loader, with its name).
    CHECK(rules_files_to_load({"/nonexistent.yaml"}, c, saker_rules) ==
          std::vector<std::string>{"/nonexistent.yaml"});
    // The built-in default (no rules_files) is Falco's /etc/falco list.
    Config builtin; // no rules_files: default_rules_files() at /etc/falco
    c.rules_files = default_rules_files(saker_rules);
    CHECK(rules_files_to_load({}, builtin, saker_rules) == rules_files_to_load({}, c, saker_rules));
    std::filesystem::remove_all(falco);
}

TEST_CASE("-o overrides apply after the file, typed like the file", "[config]") {
    auto r = load("webserver:\n  listen_port: 9000\nfile_output:\n  filename: /x\n",
                  {"webserver.listen_port=8766", "file_output.enabled=true",
                   "base_syscalls.custom_set=[a, b]", "rules[].disable.rule=*",
                   "rules[].enable.tag=net", "container_engines.containerd.sockets[]=/c.sock",
                   "http_output={enabled: true, url: 'http://h/'}", "priority=error",
                   "append_output[].extra_output=x=%proc.name"});
    INFO(r.render());
    REQUIRE(r.ok());
    CHECK(r.diags.all().empty());
    CHECK(r.config.webserver.listen_port == 8766);
    CHECK(r.config.file_output.enabled);
    CHECK(r.config.file_output.filename == "/x"); // untouched by the override of a sibling
    CHECK(r.config.base_syscalls_custom_set == std::vector<std::string>{"a", "b"});
    CHECK(r.config.rules ==
          std::vector<RuleSelector>{{false, false, "*"}, {true, true, "net"}}); // `*`: as typed
    CHECK(r.config.containerd_sockets ==
          std::vector<std::string>{"/run/containerd/containerd.sock", "/c.sock"});
    CHECK(r.config.http_output.enabled);
    CHECK(r.config.http_output.url == "http://h/");
    CHECK(r.config.priority == Priority::Error);
    REQUIRE(r.config.append_output.size() == 2); // added to the default `suggested_output`
    CHECK(r.config.append_output[0].suggested_output);
    CHECK(r.config.append_output[1].extra_output == "x=%proc.name");
    // Syscall names also come comma-separated, as saker's command line took them before.
    auto commas = load("", {"base_syscalls.custom_set=setsid,ioctl"});
    CHECK(commas.config.base_syscalls_custom_set == std::vector<std::string>{"setsid", "ioctl"});
}

TEST_CASE("a bad override is an error pointing into the override", "[config]") {
    auto r = load("", {"json_output=true", "webserver.listen_port=http"});
    REQUIRE_FALSE(r.ok());
    CHECK(first_message(r) ==
          "-o:1:23: error: 'webserver.listen_port': expected an integer from 0 to 65535\n"
          "  webserver.listen_port=http\n" +
              std::string(2 + 22, ' ') + "^\n");
    auto scalar_list = load("", {"json_output[]=true"});
    REQUIRE_FALSE(scalar_list.ok());
    CHECK(first_message(scalar_list).starts_with("-o:1:1: error: 'json_output' is not a list"));
    auto no_eq = load("", {"json_output"});
    REQUIRE_FALSE(no_eq.ok());
    CHECK(first_message(no_eq).starts_with("-o:1:1: error: an override is key=value"));
    auto bad_yaml = load("", {"rules_files=[a, b"});
    REQUIRE_FALSE(bad_yaml.ok());
    CHECK(first_message(bad_yaml).starts_with("-o:1:"));
}

TEST_CASE("-o key[N]=V sets item N of a list, as Falco's indexed form", "[config]") {
    auto r = load("rules_files: [/a.yaml, /b.yaml]\n",
                  {"rules_files[1]=/c.yaml", "rules_files[2]=/d.yaml",
                   "append_output[0].extra_output=x", "rules[0].disable.tag=net"});
    INFO(r.render());
    REQUIRE(r.ok());
    CHECK(r.config.rules_files == std::vector<std::string>{"/a.yaml", "/c.yaml", "/d.yaml"});
    REQUIRE(r.config.append_output.size() == 1); // item 0 replaced
    CHECK(r.config.append_output[0].extra_output == "x");
    CHECK(r.config.rules == std::vector<RuleSelector>{{false, true, "net"}});
    auto past = load("", {"rules_files[3]=/x.yaml"});
    REQUIRE_FALSE(past.ok());
    CHECK(first_message(past).starts_with("-o:1:1: error: 'rules_files': index 3 is past the end"));
    auto bad = load("", {"rules_files[x]=/x.yaml"});
    REQUIRE_FALSE(bad.ok());
    CHECK(first_message(bad).starts_with("-o:1:12: error: expected [] (append) or [N]"));
    auto scalar = load("", {"priority[0]=error"});
    REQUIRE_FALSE(scalar.ok());
    // A second bracket that is not an index, or one too large: no crash, the key unchanged.
    auto nested = load("append_output:\n  - match: {rule: r1}\n",
                       {"append_output[0].match[x]=1", "append_output[0].m[99999999999]=1"});
    CHECK(nested.config.append_output.size() == 1);
}

TEST_CASE("-o key[N].member=V sets one member of item N, the rest of the item kept (Falco's "
          "falco.yaml)",
          "[config]") {
    const std::string falco_yaml =
        std::string(SAKER_SOURCE_DIR) + "/../shared/falco-compat/falco.yaml";
    // Falco's file has `append_output: [{suggested_output: true}]`.
    auto r = load_config(falco_yaml, {"append_output[0].match.source=syscall",
                                      "append_output[0].extra_output=x=%proc.name"});
    INFO(r.render());
    REQUIRE(r.ok());
    REQUIRE(r.config.append_output.size() == 1);
    CHECK(r.config.append_output[0].suggested_output); // kept
    CHECK(r.config.append_output[0].source == std::optional<std::string>("syscall"));
    CHECK(r.config.append_output[0].extra_output == "x=%proc.name");

    // A list of mappings from the file: one member of item 1 changes, item 0 and the other
    // members of item 1 stay.
    auto sel = load("rules:\n  - disable: {tag: a}\n"
                    "append_output:\n  - match: {rule: r1}\n    extra_output: e0\n"
                    "  - match: {rule: r2, source: syscall}\n    extra_output: e1\n",
                    {"append_output[1].match.rule=r3", "rules[0].disable.tag=b"});
    INFO(sel.render());
    REQUIRE(sel.ok());
    REQUIRE(sel.config.append_output.size() == 2);
    CHECK(sel.config.append_output[0].rule == std::optional<std::string>("r1"));
    CHECK(sel.config.append_output[1].rule == std::optional<std::string>("r3"));
    CHECK(sel.config.append_output[1].source == std::optional<std::string>("syscall"));
    CHECK(sel.config.append_output[1].extra_output == "e1");
    CHECK(sel.config.rules == std::vector<RuleSelector>{{false, true, "b"}});
    // A bad member value is still an error in the override.
    auto bad =
        load("append_output:\n  - match: {rule: r1}\n", {"append_output[0].match.tags={a: b}"});
    CHECK_FALSE(bad.ok());
}

TEST_CASE("the merged configuration: main file, config_files by strategy, then -o, as Falco "
          "shows it in --support",
          "[config]") {
    char tmpl[] = "/tmp/saker-merged-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    const std::string dir = tmpl;
    std::ofstream(dir + "/main.yaml")
        << "config_files: [" << dir << "/conf.d]\nrules_files: [/a.yaml]\n"
        << "json_output: false\nappend_output:\n  - suggested_output: true\n"
        << "http_output: {enabled: false, url: \"${SAKER_MERGED_TEST}\"}\n";
    std::filesystem::create_directory(dir + "/conf.d");
    std::ofstream(dir + "/conf.d/10-more.yaml") << "rules_files: [/b.yaml]\npriority: error\n";
    setenv("SAKER_MERGED_TEST", "http://127.0.0.1:1/", 1);
    auto r = load_config(
        dir + "/main.yaml",
        {"json_output=true", "append_output[0].match.source=syscall", "rules_files[]=/c.yaml"});
    INFO(r.render());
    REQUIRE(r.ok());
    CHECK(r.config.rules_files == std::vector<std::string>{"/a.yaml", "/b.yaml", "/c.yaml"});
    // Flow YAML with every scalar quoted (as Falco's dump): JSON reads it.
    INFO(r.merged);
    CHECK(r.merged.find("\"rules_files\": [\"/a.yaml\", \"/b.yaml\", \"/c.yaml\"]") !=
          std::string::npos);
    CHECK(r.merged.find("\"priority\": \"error\"") != std::string::npos);
    CHECK(r.merged.find("\"json_output\": \"true\"") != std::string::npos);
    CHECK(r.merged.find("\"url\": \"http://127.0.0.1:1/\"") != std::string::npos); // ${} expanded
    CHECK(r.merged.find("{\"suggested_output\": \"true\", \"match\": {\"source\": \"syscall\"}}") !=
          std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("unknown keys warn with their position, Falco-only keys say so", "[config]") {
    auto r = load("json_output: true\nwebserver:\n  listen_prot: 1\ngrpc:\n  enabled: true\n"
                  "engine:\n  kind: modern_ebpf\n");
    INFO(r.render());
    REQUIRE(r.ok());
    REQUIRE(r.diags.all().size() == 3);
    CHECK(Diagnostics::render(r.sources, r.diags.all()[0]) ==
          "/etc/saker/saker.yaml:3:3: warning: unknown configuration key 'webserver.listen_prot' "
          "ignored\n"
          "    listen_prot: 1\n"
          "    ^\n");
    CHECK(Diagnostics::render(r.sources, r.diags.all()[1])
              .starts_with("/etc/saker/saker.yaml:4:1: warning: 'grpc': Falco key not supported "
                           "by saker; ignored"));
    CHECK(
        Diagnostics::render(r.sources, r.diags.all()[2])
            .starts_with("/etc/saker/saker.yaml:7:3: warning: 'engine' (Falco's driver selection): "
                         "Falco key not supported by saker"));
    CHECK(r.config.json_output);
    auto o = load("", {"no_such.key=1"});
    REQUIRE(o.ok());
    CHECK(first_message(o).starts_with("-o:1:1: warning: unknown configuration key 'no_such.key'"));
}

TEST_CASE("a value of the wrong type is an error naming the key at file:line:col", "[config]") {
    auto r = load("json_output: true\nfile_output:\n  enabled: maybe\n"
                  "capture:\n  ring_buffer_bytes: 5000\nrule_matching: some\n"
                  "rules_files: {a: b}\nmetrics:\n  interval: 10ms\nwebserver: 8765\n"
                  "rules:\n  - disable: {rul: x}\n");
    REQUIRE_FALSE(r.ok());
    std::vector<std::string> got;
    for (const auto& d : r.diags.all()) {
        std::string text = Diagnostics::render(r.sources, d);
        got.push_back(text.substr(0, text.find('\n')));
    }
    CHECK(got ==
          std::vector<std::string>{
              "/etc/saker/saker.yaml:3:12: error: 'file_output.enabled': expected true or "
              "false",
              "/etc/saker/saker.yaml:5:22: error: 'capture.ring_buffer_bytes': expected a "
              "power of two of at least 4096",
              "/etc/saker/saker.yaml:6:16: error: 'rule_matching': expected one of first|all",
              "/etc/saker/saker.yaml:7:14: error: 'rules_files': expected a list of strings",
              "/etc/saker/saker.yaml:9:13: error: 'metrics.interval': the interval must be "
              "at least 100ms",
              "/etc/saker/saker.yaml:10:12: error: 'webserver' must be a mapping",
              "/etc/saker/saker.yaml:12:15: error: 'rules': expected one of rule|tag",
          });
}

TEST_CASE("broken YAML, a non-mapping file and a missing file are clear errors", "[config]") {
    auto broken = load("a: [1, 2\n");
    REQUIRE_FALSE(broken.ok());
    CHECK(first_message(broken).starts_with("/etc/saker/saker.yaml:2:1: error: invalid YAML"));
    auto list = load("- a\n- b\n");
    REQUIRE_FALSE(list.ok());
    CHECK(first_message(list).starts_with(
        "/etc/saker/saker.yaml:1:1: error: a configuration file must be a YAML mapping"));
    auto missing = load_config("/nonexistent/saker.yaml");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.render() == "error: cannot read configuration file '/nonexistent/saker.yaml': "
                              "No such file or directory\n");
    auto dir = load_config("/tmp");
    REQUIRE_FALSE(dir.ok());
    CHECK(dir.render().starts_with("error: cannot read configuration file '/tmp'"));
}

TEST_CASE("environment variables expand in strings", "[config]") {
    setenv("SAKER_TEST_DIR", "/srv/x", 1);
    auto r = load("file_output:\n  filename: ${SAKER_TEST_DIR}/events.txt\n"
                  "http_output:\n  url: \"$${NOT_EXPANDED}\"\n");
    REQUIRE(r.ok());
    CHECK(r.config.file_output.filename == "/srv/x/events.txt");
    CHECK(r.config.http_output.url == "${NOT_EXPANDED}");
}

TEST_CASE("rules selectors apply in order to a loaded ruleset", "[config]") {
    SourceManager sources;
    Diagnostics diags;
    std::vector<RuleSource> in{{"r.yaml", R"(
- rule: Shell in container
  desc: d
  condition: evt.type = execve
  output: o
  priority: WARNING
  tags: [container, shell]
- rule: Shell on host
  desc: d
  condition: evt.type = execve
  output: o
  priority: WARNING
  tags: [shell]
- rule: Network tool
  desc: d
  condition: evt.type = connect
  output: o
  priority: NOTICE
  enabled: false
  tags: [network]
)"}};
    Ruleset rules = load_rules(in, sources, diags);
    REQUIRE_FALSE(diags.has_errors());
    auto r = load("rules:\n  - disable: {rule: \"*\"}\n  - enable: {tag: shell}\n"
                  "  - disable: {rule: \"Shell on h?st\"}\n  - enable: {rule: \"Network*\"}\n"
                  "  - enable: {tag: nothing}\n");
    REQUIRE(r.ok());
    auto matched = apply_rule_selectors(r.config.rules, rules);
    CHECK(matched == std::vector<size_t>{3, 2, 1, 1, 0});
    CHECK(rules.find("Shell in container")->enabled);
    CHECK_FALSE(rules.find("Shell on host")->enabled);
    CHECK(rules.find("Network tool")->enabled);
}

TEST_CASE("append_output entries match by source, rule and all tags", "[config]") {
    Rule rule;
    rule.name = "R";
    rule.source = "syscall";
    rule.tags = {"a", "b", "c"};
    AppendOutput any;
    CHECK(matches(any, rule));
    CHECK(matches(AppendOutput{"syscall", "R", {"a", "c"}, "", {}}, rule));
    CHECK_FALSE(matches(AppendOutput{"k8s_audit", std::nullopt, {}, "", {}}, rule));
    CHECK_FALSE(matches(AppendOutput{std::nullopt, "S", {}, "", {}}, rule));
    CHECK_FALSE(matches(AppendOutput{std::nullopt, std::nullopt, {"a", "d"}, "", {}}, rule));
}

TEST_CASE("a rules_files directory stands for its files in alphabetical order", "[config]") {
    char tmpl[] = "/tmp/saker-config-XXXXXX";
    REQUIRE(mkdtemp(tmpl));
    std::filesystem::path dir = tmpl;
    std::filesystem::create_directory(dir / "rules.d");
    std::filesystem::create_directory(dir / "rules.d" / "sub"); // not a file: skipped
    // Only YAML files count, as in Falco: a backup or a README in the folder is not a rules file.
    for (const char* name : {"b.yaml", "a.yaml", "c.yml", "old.yaml.bak", "README", "x.json"})
        std::ofstream(dir / "rules.d" / name) << "[]\n";
    auto files = expand_rules_files({"/first.yaml", (dir / "rules.d").string(), "/last.yaml"});
    CHECK(files == std::vector<std::string>{"/first.yaml", (dir / "rules.d" / "a.yaml").string(),
                                            (dir / "rules.d" / "b.yaml").string(),
                                            (dir / "rules.d" / "c.yml").string(), "/last.yaml"});
    std::filesystem::remove_all(dir);
}

TEST_CASE("config_files merge after the main file, in order, with Falco's strategies", "[config]") {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("saker-config-files-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "config.d");
    auto put = [](const fs::path& p, const std::string& text) { std::ofstream(p) << text; };
    put(dir / "main.yaml", "config_files:\n  - config.d\n  - path: extra.yaml\n"
                           "    strategy: add-only\n  - path: override.yaml\n"
                           "    strategy: override\n  - /nonexistent/skipped.yaml\n"
                           "rules_files: [/a.yaml]\npriority: warning\njson_output: false\n");
    // config.d, in name order, with the default `append`: lists grow, scalars are replaced.
    put(dir / "config.d" / "20-b.yaml", "rules_files: [/c.yaml]\njson_output: true\n");
    put(dir / "config.d" / "10-a.yaml", "rules_files: [/b.yaml]\npriority: error\n");
    // add-only: only keys nobody set before.
    put(dir / "extra.yaml", "priority: debug\nbuffered_outputs: true\n");
    // override: lists are replaced.
    put(dir / "override.yaml", "base_syscalls:\n  custom_set: [setsid]\n"
                               "config_files: [/ignored.yaml]\n");
    auto r = load_config((dir / "main.yaml").string(), {"json_output=false"});
    INFO(r.render());
    REQUIRE(r.ok());
    CHECK(r.config.rules_files == std::vector<std::string>{"/a.yaml", "/b.yaml", "/c.yaml"});
    CHECK(r.config.priority == Priority::Error); // 10-a replaced it; extra could not
    CHECK(r.config.buffered_outputs);            // a key no one set: added
    CHECK_FALSE(r.config.json_output);           // -o comes after every file
    CHECK(r.config.base_syscalls_custom_set == std::vector<std::string>{"setsid"});
    CHECK(r.files == std::vector<std::string>{
                         (dir / "main.yaml").string(), (dir / "config.d" / "10-a.yaml").string(),
                         (dir / "config.d" / "20-b.yaml").string(), (dir / "extra.yaml").string(),
                         (dir / "override.yaml").string()});
    CHECK(r.render().find("'config_files' in an included file is ignored") != std::string::npos);
    // A file that includes itself is an error; an included file with bad values is one too,
    // at its own file:line:col.
    put(dir / "self.yaml", "config_files: [self.yaml]\n");
    CHECK_FALSE(load_config((dir / "self.yaml").string()).ok());
    put(dir / "config.d" / "30-bad.yaml", "\njson_output: maybe\n");
    auto bad = load_config((dir / "main.yaml").string());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.render().find("30-bad.yaml:2:14: error: 'json_output'") != std::string::npos);
    // `-o config_files=...` adds files too, before they are read.
    auto o = load_config("", {"config_files=" + (dir / "extra.yaml").string()});
    CHECK(o.config.buffered_outputs);
    fs::remove_all(dir);
}
