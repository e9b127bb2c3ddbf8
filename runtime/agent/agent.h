// The agent: the live pipeline from probe to alert.
//
// Contract: `run` loads and compiles the rules, seeds the process table from /proc, loads the
// probe with the syscalls the rules and the state need, then on one thread polls the ring
// buffer and, for each event, updates the state, evaluates the rules for the event's type and
// writes an alert line per match (text or Falco JSON) to stdout, until `stop` is set (SIGINT,
// SIGTERM) or the duration runs out. On the way out it logs the final counters. Errors that
// prevent starting (rules, probe) are returned as a message; nothing is thrown out.
#pragma once

#include "runtime/agent/compiled_rules.h"

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace saker::agent {

struct AgentOptions {
    RulesRequest rules; // files, selectors, minimum priority, engine, appended output
    bool json_output = false;
    bool rule_matching_all = false; // Falco's rule_matching: all (default: first)
    double duration_s = 0;          // 0: until stopped
    size_t ring_buffer_bytes = 8u << 20;
    std::vector<std::string> base_syscalls; // Falco's base_syscalls.custom_set: captured too
    // containerd's API socket for container.name/image and k8s.* (Falco's
    // container_engines.containerd.sockets); "" disables, a missing socket is skipped.
    std::string containerd_socket = "/run/containerd/containerd.sock";
    FILE* out = stdout;
};

struct AgentStats {
    uint64_t events = 0;
    uint64_t alerts = 0;
    uint64_t malformed = 0;
    uint64_t ringbuf_drops = 0;
};

// Returns 0 on a clean stop, or 1 with `error` set when the agent could not start.
int run(const AgentOptions& options, const std::atomic<bool>& stop, AgentStats& stats,
        std::string& error);

// The syscalls to capture for a ruleset: those its rules' event types name (every handled one
// if a rule matches all types), those the runtime state needs, and `extra` (base_syscalls).
// An unknown name in `extra` is reported in `unknown`.
std::vector<uint32_t> syscalls_for(const Ruleset& rules, const std::vector<std::string>& extra = {},
                                   std::vector<std::string>* unknown = nullptr);

} // namespace saker::agent
