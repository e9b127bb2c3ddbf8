// Helpers of the output tests: a scratch directory, a test rule and alert, waiting on counters.
#pragma once

#include "runtime/output/outputs.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdlib.h>
#include <thread>

namespace saker::test {

struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        char tmpl[] = "/tmp/saker-output-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~ScratchDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline std::string slurp(const std::string& file) {
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::vector<std::string> lines_of(const std::string& file) {
    std::vector<std::string> out;
    std::istringstream in(slurp(file));
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

inline Rule test_rule(std::string name = "Test rule", Priority p = Priority::Warning) {
    Rule r;
    r.name = std::move(name);
    r.priority = p;
    r.tags = {"b_tag", "a_tag"};
    r.source = "syscall";
    return r;
}

inline output::Alert test_alert(const Rule& rule, std::string text, uint64_t time_ns = 1) {
    output::Alert a;
    a.rule = &rule;
    a.time_ns = time_ns;
    a.output = std::move(text);
    a.fields["evt.time"] = time_ns;
    return a;
}

// A Config with every output off; each test turns on what it exercises.
inline config::Config quiet_config() {
    config::Config c;
    c.stdout_output.enabled = false;
    c.syslog_output.enabled = false;
    return c;
}

// Waits (up to `timeout`) until `done()` holds; returns whether it did.
template <class F>
bool eventually(F done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

inline output::SinkStats stats_of(const output::Outputs& hub, const std::string& name) {
    for (auto& s : hub.stats())
        if (s.name == name) return s;
    FAIL("no sink " << name);
    return {};
}

// Every alert handed to a sink ends as exactly one of delivered, dropped or failed.
inline void check_accounted(const output::SinkStats& s) {
    INFO(s.name << ": queued " << s.queued << " delivered " << s.delivered << " dropped "
                << s.dropped << " failed " << s.failed << " depth " << s.depth);
    CHECK(s.queued == s.delivered + s.dropped + s.failed + s.depth);
}

} // namespace saker::test
