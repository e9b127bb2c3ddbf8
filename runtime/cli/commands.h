// The saker subcommands. Each returns the process exit code: 0 success, 1 the input was
// rejected (rule errors), 2 usage error.
#pragma once

#include "frontend/frontend.h"

#include <string>
#include <vector>

namespace saker::cli {

int compile_command(int argc, char** argv);     // saker compile -r FILE... [--validate|--dump-ast]
int list_fields_command(int argc, char** argv); // saker list-fields [--json]
int list_rules_command(int argc, char** argv);  // saker list-rules [-r FILE...] [--json]
int run_command(int argc, char** argv);         // saker run [-r FILE...] [-o key=value]...
int record_command(int argc, char** argv);      // saker record -w FILE [--duration S]
int replay_command(int argc, char** argv);      // saker replay FILE [-r FILE...] [-o key=value]

// Loads `-r` files or directories (saker's default rules when there are none) and prints the
// diagnostics to stderr. Returns false when there were errors, or when folders hold no rules.
bool load_for_command(const std::vector<std::string>& files, SourceManager& sources,
                      Diagnostics& diags, Ruleset& out);

} // namespace saker::cli
