// Compiler: collected lists, macros and rules -> a Ruleset of expanded, checked conditions.
//
// Contract, following Falco's semantics exactly where the upstream rules depend on them:
// - a list item naming a list defined before it is replaced by that list's items (one level);
// - list names in a condition are substituted as text before parsing, for every list in
//   definition order (so a list may be used before it is defined; an empty list leaves
//   `in ()`; an item with a blank is quoted unless it already starts with a quote);
// - exceptions are appended to the condition text as `and not (...)`;
// - macros are parsed once and expanded on the tree; a macro sees only macros defined
//   before it, a rule sees all of them;
// - then fields are resolved and values typed (checker), and the event types each rule can
//   match are computed (evttypes).
// Errors carry the file:line:col of the text that produced them.
#pragma once

#include "frontend/rule_collector.h"
#include "frontend/rules.h"

namespace saker {

Ruleset compile_rules(const RuleCollector& collected, Diagnostics& diags);

// Falco's list substitution on a condition text (exposed for tests).
void substitute_list(MappedText& condition, const std::string& name,
                     const std::vector<Located<std::string>>& items);

} // namespace saker
