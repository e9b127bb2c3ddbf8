// The reports Falco's command line prints and exits with (falco_command.cpp decides which):
// --version, --list-events, -V, -L/-l and --support, in Falco's shapes (JSON when the
// configuration sets json_output, as Falco). Each returns false on failure, having printed why.
#pragma once

#include "runtime/config/config.h"

#include <optional>
#include <string>
#include <vector>

namespace saker::cli {

struct FalcoRequest {
    std::string config_path;              // "" : saker's defaults
    std::vector<std::string> overrides;   // -o
    std::vector<std::string> rules_files; // -r; empty: the configuration's, else default_rules
    std::string default_rules;
    std::string cmdline; // the whole command line, for --support
};

void print_version(bool json);
// The event types a rule's `evt.type` may name (syscalls and meta-events).
void print_events(bool json);
// -V: loads the files (folders stand for their YAML files) in order and prints, per file,
// `FILE: Ok`, `FILE: Ok, with warnings` (warnings to stderr) or `FILE: Invalid` and its errors;
// with `describe` (-L: "", -l: a rule's name) then describes the rules. False on any error.
bool validate_rules(const std::vector<std::string>& files, bool json,
                    const std::optional<std::string>& describe);
// -L (`only` empty) or -l RULE: the rules of the configured files, name and description.
bool describe_rules(const FalcoRequest& req, const config::Config& c, const std::string& only);
// --support: one JSON object: version, engine, system (uname), command line, "config" (as
// Falco: the merged configuration, main file + config_files + -o, as YAML flow text) and each
// rules file with its content and SHA-256.
bool print_support(const FalcoRequest& req, const config::LoadResult& loaded);

} // namespace saker::cli
