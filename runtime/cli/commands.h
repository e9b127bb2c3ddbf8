// The saker subcommands. Each returns the process exit code: 0 success, 1 the input was
// rejected (rule errors), 2 usage error.
#pragma once

#include "frontend/frontend.h"
#ifdef SAKER_HAVE_AGENT
#include "runtime/agent/agent.h"
#endif

#include <string>
#include <vector>

namespace saker::cli {

extern const char* const kUsage; // every command and Falco's options (main.cpp)

int compile_command(int argc, char** argv);     // saker compile -r FILE... [--validate|--dump-ast]
int list_fields_command(int argc, char** argv); // saker list-fields [--json]
int list_rules_command(int argc, char** argv);  // saker list-rules [-r FILE...] [--json]
int run_command(int argc, char** argv);         // saker run [-r FILE...] [-o key=value]...
int record_command(int argc, char** argv);      // saker record -w FILE [--duration S]
int replay_command(int argc, char** argv);      // saker replay FILE [-r FILE...] [-o key=value]
// Falco's command line (`saker -c falco.yaml -r rules.yaml -M 10`, or the binary named falco):
// arguments from argv[first]. Exit codes as Falco: 0 success, 1 any failure.
int falco_command(int argc, char** argv, int first);
#ifdef SAKER_HAVE_AGENT
// Runs the agent until stopped, with signals wired (SIGINT/SIGTERM stop, SIGHUP reloads,
// SIGUSR1 reopens); `who` prefixes a start-up error. Returns agent::run's code.
int run_agent(agent::RunRequest request, const std::string& who);
#endif

// Every field a condition or output may use: name, type and description, or (names_only) the
// names, or (json) a JSON array. Shared by list-fields and Falco's --list.
void print_fields(bool json, bool names_only);

// Loads `-r` files or directories (saker's default rules when there are none) and prints the
// diagnostics to stderr. Returns false when there were errors, or when folders hold no rules.
bool load_for_command(const std::vector<std::string>& files, SourceManager& sources,
                      Diagnostics& diags, Ruleset& out);

} // namespace saker::cli
