// The agent: `saker run`, the live pipeline from probe to alert, and its operations.
//
// Contract:
// - `run` loads the configuration (a file and `-o` overrides, Falco's keys), compiles the
//   rules, starts the outputs and the webserver, seeds the process table from /proc, loads the
//   probe with the syscalls the rules and the state need, marks itself healthy, then on one
//   thread polls the ring buffer and, for each event, updates the state, evaluates the rules
//   and queues an alert per match for every output. It runs until `signals.stop` (SIGINT,
//   SIGTERM), the duration, or a drop policy's `exit` action; on the way out it drains the
//   outputs and logs the final counters.
// - `signals.reload` (SIGHUP) or a change to a watched file (watch_config_files) reloads the
//   configuration and the rules on a background thread; the event thread swaps the new set in
//   between events. A reload that fails is logged with file:line:col and changes nothing.
//   `signals.reopen` (SIGUSR1) reopens file outputs (log rotation).
// - Errors that prevent starting (config, rules, probe, outputs) are returned as a message;
//   nothing is thrown out.
#pragma once

#include "runtime/agent/compiled_rules.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace saker::agent {

struct RunRequest {
    std::string config_path;              // -c; empty: the built-in defaults
    std::vector<std::string> overrides;   // -o key=value, applied after the file, in order
    std::vector<std::string> rules_files; // -r; when given, they replace `rules_files`
    std::string default_rules;            // saker's rules, in config::default_rules_files()
    double duration_s = 0;                // 0: until stopped
    bool dry_run = false;         // load and check configuration, rules and outputs, then return 0
    std::string record_path;      // --record: also write a capture file
    FILE* stdout_stream = stdout; // where stdout_output writes
};

struct Signals {
    std::atomic<bool> stop{false};
    std::atomic<bool> reload{false};
    std::atomic<bool> reopen{false};
};

struct AgentStats {
    uint64_t events = 0;
    uint64_t alerts = 0;
    uint64_t malformed = 0;
    uint64_t ringbuf_drops = 0;
    uint64_t reloads = 0, failed_reloads = 0;
};

// Returns 0 on a clean stop, or 1 with `error` set when the agent could not start or a drop
// policy asked it to exit.
int run(const RunRequest& request, Signals& signals, AgentStats& stats, std::string& error);

// The syscalls to capture for a ruleset: those its rules' event types name (every handled one
// if a rule matches all types), those the runtime state needs, and `extra` (base_syscalls).
// An unknown name in `extra` is reported in `unknown`.
std::vector<uint32_t> syscalls_for(const Ruleset& rules, const std::vector<std::string>& extra = {},
                                   std::vector<std::string>* unknown = nullptr);

// The enabled rules none of whose event types the capture can deliver (capture::produces_event):
// they load but can never fire, so the agent warns about each (e.g. `evt.type = sendmmsg`).
std::vector<const Rule*> rules_never_fed(const Ruleset& rules);

// The I/O syscalls whose records must carry the buffer's first bytes: those among an enabled
// rule's event types (every I/O syscall for a rule that matches all types) when its condition
// or output reads the buffer (evt.buffer, evt.arg.data). Empty for the default rules, which
// then pay nothing for payloads.
std::vector<uint32_t> payload_syscalls_for(const Ruleset& rules);

} // namespace saker::agent
