// CompiledRules: one load of the rules files, compiled and ready for the event path.
//
// Contract:
// - `compile_rules` loads the files in order, applies the enable/disable selectors (Falco's
//   `rules:` config key, in order, last match wins) and the minimum priority, compiles the enabled
//   rules with the chosen engine and plans every rule's output. It never throws: on any error it
//   returns nullptr and `error` holds the diagnostics (file:line:col with the source line and
//   caret); warnings go to spdlog.
// - The result is immutable and self-contained (the engine points into its own Ruleset), so the
//   agent can build a new one off the event path (reload) and swap a shared_ptr between events;
//   the old set lives until the last user drops it.
#pragma once

#include "codegen/engine.h"
#include "frontend/rules.h"
#include "runtime/config/config.h"
#include "runtime/output/alert.h"

#include <memory>
#include <string>
#include <vector>

namespace saker::agent {

struct RulesRequest {
    std::vector<std::string> files;
    std::vector<config::RuleSelector> selectors; // Falco's `rules:` enable/disable, in order
    // Falco's `priority`: rules less severe than this are not loaded at all, so they can
    // neither alert nor hide a more severe rule under `rule_matching: first`.
    Priority min_priority = Priority::Debug;
    EngineOptions engine;
    // Appended to the output of the rules an append_output entry with `suggested_output`
    // matches, as Falco does with its container plugin's suggested fields.
    std::string default_append = output::kDefaultAppendedOutput;
    std::vector<config::AppendOutput> append_output = config::Config{}.append_output;
};

struct CompiledRules {
    Ruleset rules;
    std::unique_ptr<RuleEngine> engine;
    std::vector<output::OutputPlan> plans; // one per rule, by index
};

std::shared_ptr<const CompiledRules> compile_rules(const RulesRequest& request, std::string& error);

} // namespace saker::agent
