// saker run: the live agent.
#include "runtime/agent/agent.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <iostream>

namespace saker::cli {

namespace {

agent::Signals* g_signals = nullptr;

// Async-signal-safe: stores to lock-free atomics only.
void on_signal(int sig) {
    if (!g_signals) return;
    if (sig == SIGHUP)
        g_signals->reload.store(true);
    else if (sig == SIGUSR1)
        g_signals->reopen.store(true);
    else
        g_signals->stop.store(true);
}

} // namespace

int run_command(int argc, char** argv) {
    auto args = parse_args("run",
                           {{"-c", "--config", true},
                            {"-r", "--rules-file", true},
                            {"-o", "--option", true},
                            {"--engine", "", true},
                            {"--cache-dir", "", true},
                            {"--duration", "", true},
                            {"--record", "", true}},
                           argc, argv, 2);
    if (!args) return 2;
    agent::RunRequest req;
    req.config_path = args->last("-c").value_or("");
    req.rules_files = args->all("-r");
    req.overrides = args->all("-o");
    // The older flags are shorthands for their configuration keys.
    if (auto e = args->last("--engine")) req.overrides.push_back("engine=" + *e);
    if (auto d = args->last("--cache-dir")) req.overrides.push_back("jit.cache_dir=" + *d);
    if (auto d = args->last("--duration")) req.duration_s = std::atof(d->c_str());
    req.record_path = args->last("--record").value_or("");
    return run_agent(std::move(req), "saker run");
}

int run_agent(agent::RunRequest req, const std::string& who) {
    req.default_rules = SAKER_DEFAULT_RULES;
    // Until the configuration says otherwise, logs go to stderr: stdout carries only alerts.
    spdlog::set_default_logger(spdlog::stderr_color_mt("saker"));
    agent::Signals signals;
    g_signals = &signals;
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
        std::signal(sig, on_signal);
    agent::AgentStats stats;
    std::string error;
    int rc = agent::run(req, signals, stats, error);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGUSR1})
        std::signal(sig, SIG_DFL);
    g_signals = nullptr;
    if (rc != 0) std::cerr << who << ": " << error << (error.ends_with('\n') ? "" : "\n");
    return rc;
}

} // namespace saker::cli
