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
#include "runtime/output/alert.h"

#include <memory>
#include <string>
#include <vector>

namespace saker::agent {

// `- disable: {rule: GLOB}` / `- enable: {tag: TAG}`: a rule-name glob (`*` and `?`) or a tag.
struct RuleSelector {
    bool enable = false;
    std::string rule_glob; // empty: not by name
    std::string tag;       // empty: not by tag
};

// Falco's `append_output`: extra output text and fields for the rules an entry matches
// (by source, tag and rule name; an empty criterion matches everything).
struct AppendOutput {
    std::string match_source, match_tag, match_rule;
    std::string extra_output;              // appended to the output text, e.g. " pod=%k8s.pod.name"
    std::vector<std::string> extra_fields; // added to output_fields only
};

struct RulesRequest {
    std::vector<std::string> files;
    std::vector<RuleSelector> selectors;
    // Falco's `priority`: rules less severe than this are not loaded at all, so they can
    // neither alert nor hide a more severe rule under `rule_matching: first`.
    Priority min_priority = Priority::Debug;
    EngineOptions engine;
    // Appended to every rule's output, as Falco with its container plugin does.
    std::string default_append = output::kDefaultAppendedOutput;
    std::vector<AppendOutput> append_output;
};

struct CompiledRules {
    Ruleset rules;
    std::unique_ptr<RuleEngine> engine;
    std::vector<output::OutputPlan> plans; // one per rule, by index
};

std::shared_ptr<const CompiledRules> compile_rules(const RulesRequest& request, std::string& error);

// The selectors applied to `rules` (exposed for tests and `list-rules`).
void apply_selectors(Ruleset& rules, const std::vector<RuleSelector>& selectors);

} // namespace saker::agent
