// saker's rule-language frontend: the one header other layers include.
//
// Contract: `load_rules` reads the given rules files in order (later files append to and
// override earlier ones), compiles them into a Ruleset and reports every problem in `diags`
// as file:line:col diagnostics. It never throws and never crashes on bad input; when
// `diags.has_errors()` the returned Ruleset must not be used.
//
// Pipeline: reader (YAML -> RawItems) -> collector (define/append/override) -> compiler
// (lists, exceptions, parse, macros) -> checker (fields, types) -> evttypes.
#pragma once

#include "frontend/ast.h"
#include "frontend/fields.h"
#include "frontend/rules.h"
#include "frontend/source.h"

#include <string>
#include <vector>

namespace saker {

struct RuleSource {
    std::string name; // a path, or a label for in-memory text
    std::string text;
};

// Loads files from disk; an unreadable file is an error naming it.
Ruleset load_rules(const std::vector<std::string>& paths, SourceManager& sources,
                   Diagnostics& diags);
// Loads already-read sources (tests, embedded default rules).
Ruleset load_rules(const std::vector<RuleSource>& inputs, SourceManager& sources,
                   Diagnostics& diags);

} // namespace saker
