// saker run: the live agent.
#include "runtime/agent/agent.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <csignal>
#include <iostream>

namespace saker::cli {

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
    g_stop.store(true);
}

bool parse_bool(const std::string& v, bool& out) {
    if (v == "true") return out = true, true;
    if (v == "false") return out = false, true;
    return false;
}

// `-o key=value`: the Falco configuration keys `saker run` understands so far.
bool apply_option(const std::string& kv, agent::AgentOptions& o) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) {
        std::cerr << "saker run: -o takes key=value, not '" << kv << "'\n";
        return false;
    }
    std::string key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (key == "json_output" && parse_bool(value, o.json_output)) return true;
    if (key == "rule_matching" && (value == "first" || value == "all")) {
        o.rule_matching_all = value == "all";
        return true;
    }
    if (key == "base_syscalls.custom_set") {
        // Comma-separated, as on Falco's command line: -o base_syscalls.custom_set=setsid,ioctl
        for (size_t at = 0; at <= value.size();) {
            size_t comma = std::min(value.find(',', at), value.size());
            if (comma > at) o.base_syscalls.push_back(value.substr(at, comma - at));
            at = comma + 1;
        }
        return true;
    }
    if (key == "capture.ring_buffer_bytes") {
        size_t n = std::strtoull(value.c_str(), nullptr, 10);
        // The kernel wants a power of two and a whole number of pages.
        if (n >= 4096 && (n & (n - 1)) == 0) {
            o.ring_buffer_bytes = n;
            return true;
        }
    }
    if (key == "container_engines.containerd.sockets" ||
        key == "container_engines.containerd.sockets[]") {
        // Falco's key takes a list; one socket is enough here: the first of [a,b] or a,b ("" or
        // [] disables).
        std::string v = value;
        if (v.starts_with('[') && v.ends_with(']')) v = v.substr(1, v.size() - 2);
        v = v.substr(0, v.find(','));
        while (!v.empty() && (v.front() == ' ' || v.front() == '"' || v.front() == '\''))
            v.erase(0, 1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '"' || v.back() == '\''))
            v.pop_back();
        o.containerd_socket = v;
        return true;
    }
    if (key == "priority") {
        if (auto p = parse_priority(value)) {
            o.rules.min_priority = *p;
            return true;
        }
    }
    std::cerr << "saker run: unsupported or invalid option '" << kv
              << "' (known: json_output=true|false, rule_matching=first|all, priority=LEVEL, "
                 "base_syscalls.custom_set=a,b, capture.ring_buffer_bytes=POWER_OF_TWO, "
                 "container_engines.containerd.sockets=PATH)\n";
    return false;
}

} // namespace

int run_command(int argc, char** argv) {
    auto args = parse_args("run",
                           {{"-r", "--rules-file", true},
                            {"-o", "--option", true},
                            {"--engine", "", true},
                            {"--cache-dir", "", true},
                            {"--duration", "", true}},
                           argc, argv, 2);
    if (!args) return 2;
    agent::AgentOptions o;
    o.rules.files = args->all("-r");
    if (o.rules.files.empty()) o.rules.files.push_back(SAKER_DEFAULT_RULES);
    for (const auto& kv : args->all("-o"))
        if (!apply_option(kv, o)) return 2;
    std::string engine = args->last("--engine").value_or("jit");
    if (engine != "jit" && engine != "interp") {
        std::cerr << "saker run: --engine takes jit or interp\n";
        return 2;
    }
    o.rules.engine.kind = engine == "jit" ? EngineKind::Jit : EngineKind::Interp;
    o.rules.engine.cache_dir = args->last("--cache-dir").value_or("");
    if (auto d = args->last("--duration")) o.duration_s = std::atof(d->c_str());

    // Logs go to stderr: stdout carries only alerts.
    spdlog::set_default_logger(spdlog::stderr_color_mt("saker"));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    agent::AgentStats stats;
    std::string error;
    int rc = agent::run(o, g_stop, stats, error);
    if (rc != 0) std::cerr << "saker run: " << error << (error.ends_with('\n') ? "" : "\n");
    return rc;
}

} // namespace saker::cli
