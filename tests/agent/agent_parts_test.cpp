// The agent's own parts without the probe: rule selection, drop policy, config-file watching.
#include "runtime/agent/agent.h"
#include "runtime/agent/compiled_rules.h"
#include "runtime/agent/drop_actions.h"
#include "runtime/agent/file_watch.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>
#include <unistd.h>

using namespace saker;
using namespace std::chrono_literals;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/saker-agent-parts-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

const char* kRules = R"(
- rule: Alpha open
  desc: a
  condition: evt.type = openat and fd.name = /etc/alpha
  output: alpha %fd.name
  priority: WARNING
  tags: [files, alpha]
- rule: Beta open
  desc: b
  condition: evt.type = openat and fd.name = /etc/beta
  output: beta %fd.name
  priority: NOTICE
  tags: [files]
- rule: Gamma exec
  desc: c
  condition: evt.type = execve and proc.name = gamma
  output: gamma %proc.name
  priority: CRITICAL
  tags: [process]
)";

bool enabled(const agent::CompiledRules& c, const std::string& name) {
    return c.rules.find(name)->enabled;
}

} // namespace

TEST_CASE("rule selectors apply in order, by name glob and by tag") {
    TempDir dir;
    agent::RulesRequest req;
    req.files = {dir.write("r.yaml", kRules)};
    req.engine.kind = EngineKind::Interp;
    req.selectors = {{false, true, "files"}, {true, false, "Beta*"}};
    std::string error;
    auto c = agent::compile_rules(req, error);
    REQUIRE(c);
    CHECK_FALSE(enabled(*c, "Alpha open"));
    CHECK(enabled(*c, "Beta open"));
    CHECK(enabled(*c, "Gamma exec"));
}

TEST_CASE("a rule none of whose event types is captured is named: it could never fire") {
    TempDir dir;
    agent::RulesRequest req;
    req.files = {dir.write("r.yaml", std::string(kRules) + R"(
- rule: Batched sends
  desc: d
  condition: evt.type in (sendmmsg, recvmmsg) and fd.sport = 53
  output: mmsg %fd.name
  priority: WARNING
- rule: Exits or batches
  desc: e
  condition: evt.type in (procexit, sendmmsg)
  output: exit %proc.name
  priority: WARNING
- rule: Any event
  desc: f
  condition: proc.name = delta
  output: any %proc.name
  priority: WARNING
)")};
    req.engine.kind = EngineKind::Interp;
    std::string error;
    auto c = agent::compile_rules(req, error);
    REQUIRE(c);
    auto never = agent::rules_never_fed(c->rules);
    REQUIRE(never.size() == 1);
    CHECK(never[0]->name == "Batched sends");
    req.selectors = {{false, false, "Batched sends"}}; // a disabled rule is not reported
    c = agent::compile_rules(req, error);
    REQUIRE(c);
    CHECK(agent::rules_never_fed(c->rules).empty());
}

TEST_CASE("the minimum priority unloads less severe rules") {
    TempDir dir;
    agent::RulesRequest req;
    req.files = {dir.write("r.yaml", kRules)};
    req.engine.kind = EngineKind::Interp;
    req.min_priority = Priority::Warning;
    std::string error;
    auto c = agent::compile_rules(req, error);
    REQUIRE(c);
    CHECK(enabled(*c, "Alpha open"));
    CHECK_FALSE(enabled(*c, "Beta open")); // Notice is less severe than Warning
    CHECK(enabled(*c, "Gamma exec"));
}

TEST_CASE("a broken rules file is an error with its position, never a half-built set") {
    TempDir dir;
    agent::RulesRequest req;
    req.files = {dir.write("bad.yaml", "- rule: X\n  desc: x\n  condition: evt.type = \n  "
                                       "output: x\n  priority: INFO\n")};
    std::string error;
    CHECK_FALSE(agent::compile_rules(req, error));
    CHECK(error.find("bad.yaml:3:") != std::string::npos);
}

TEST_CASE("append_output adds text to the rules an entry matches") {
    TempDir dir;
    agent::RulesRequest req;
    req.files = {dir.write("r.yaml", kRules)};
    req.engine.kind = EngineKind::Interp;
    req.default_append = "";
    config::AppendOutput by_tag;
    by_tag.tags = {"process"};
    by_tag.extra_output = "uid=%user.uid";
    req.append_output = {by_tag};
    std::string error;
    auto c = agent::compile_rules(req, error);
    REQUIRE(c);
    auto text_of = [](const output::OutputPlan& p) {
        std::string s;
        for (const auto& t : p.tokens)
            s += t.text;
        return s;
    };
    CHECK(text_of(c->plans[2]) == "gamma proc.name uid=user.uid");
    CHECK(text_of(c->plans[0]) == "alpha fd.name");

    // `suggested_output: true` adds the suggested fields to the rules its entry matches only.
    req.default_append = " cid=%container.id";
    by_tag.suggested_output = true;
    req.append_output = {by_tag};
    c = agent::compile_rules(req, error);
    REQUIRE(c);
    CHECK(text_of(c->plans[2]) == "gamma proc.name uid=user.uid cid=container.id");
    CHECK(text_of(c->plans[0]) == "alpha fd.name");
}

TEST_CASE("drop policy: acts above the threshold, at most as often as the token bucket allows") {
    config::SyscallEventDrops policy; // threshold 0.1, log+alert, 1 per 30 s, burst 1
    auto t0 = std::chrono::steady_clock::now();
    agent::DropActions actions(policy, t0);
    CHECK_FALSE(actions.tick(1000, 0, t0 + 1s));  // nothing lost
    CHECK_FALSE(actions.tick(2000, 50, t0 + 2s)); // 50 of 1050: under 10%
    auto v = actions.tick(2100, 250, t0 + 3s);    // 200 of 300 lost
    REQUIRE(v);
    CHECK(v->log);
    CHECK(v->alert);
    CHECK_FALSE(v->exit);
    CHECK(v->n_drops == 200);
    CHECK(v->n_evts == 300);
    CHECK_FALSE(actions.tick(2200, 450, t0 + 4s)); // bucket empty
    CHECK(actions.tick(2300, 650, t0 + 40s));      // refilled after 30 s
}

TEST_CASE("file watch: an edit and a replace-by-rename each count once, after settling") {
    TempDir dir;
    std::string rules = dir.write("rules.yaml", "# v1\n");
    dir.write("other.txt", "x");
    agent::FileWatch watch({rules}, 50ms);
    // inotify queues a write's notification before write() returns, and changed() takes the
    // time it judges settling by: each step is decided here, without waiting for a clock.
    const auto t0 = std::chrono::steady_clock::now();
    const auto later = t0 + 1h; // long after any settling
    CHECK_FALSE(watch.changed(t0));
    dir.write("other.txt", "y"); // not watched
    CHECK_FALSE(watch.changed(t0));
    CHECK_FALSE(watch.changed(later));

    // The positive control: the same steps on the watched file report one change, settled.
    dir.write("rules.yaml", "# v2\n");
    CHECK_FALSE(watch.changed(t0));        // seen, not settled
    CHECK_FALSE(watch.changed(t0 + 49ms)); // still inside the settle time
    CHECK(watch.changed(t0 + 50ms));
    CHECK_FALSE(watch.changed(later)); // counted once

    dir.write("rules.yaml.tmp", "# v3\n");
    CHECK_FALSE(watch.changed(later)); // another file of the directory
    std::filesystem::rename(dir.path / "rules.yaml.tmp", rules);
    CHECK_FALSE(watch.changed(later));
    CHECK(watch.changed(later + 50ms));
    CHECK_FALSE(watch.changed(later + 1h));
}
