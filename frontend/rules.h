// The compiled rule set: what the frontend hands to codegen, the runtime and the CLI.
//
// Contract: a Ruleset is self-contained and immutable once built. Rules are in load order (a
// redefined rule keeps its first position); each condition is fully expanded (no macro or
// list references remain), field-resolved and typed. `evttypes` says which event types a rule
// can match, so dispatch can index rules by type.
#pragma once

#include "frontend/ast.h"
#include "frontend/source.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saker {

// Falco's eight levels, most severe first (numeric order is severity order).
enum class Priority : uint8_t {
    Emergency,
    Alert,
    Critical,
    Error,
    Warning,
    Notice,
    Informational,
    Debug
};

std::optional<Priority> parse_priority(std::string_view text); // case-insensitive; "info" too
const char* priority_name(Priority p);                         // "Warning", "Informational", ...

// The set of event types a condition can match: `all` or an explicit set of names.
struct EventTypes {
    bool all = true;
    std::vector<std::string> names; // sorted, when !all
};

// One piece of an output format: literal text or a field reference (`%proc.aname[2]`).
struct OutputToken {
    bool is_field = false;
    std::string text;  // literal text, or the field as written (`proc.aname[2]`)
    std::string field; // field name without argument
    std::string arg;
    bool has_arg = false;
    const FieldInfo* info = nullptr;
};

struct Rule {
    std::string name;
    std::string desc;
    std::string output;
    std::vector<OutputToken> output_tokens;
    Priority priority = Priority::Debug;
    std::vector<std::string> tags;
    std::string source = "syscall";
    bool enabled = true;
    std::string condition_text; // after exceptions and list substitution, before macros
    ast::ExprPtr condition;     // expanded, checked
    EventTypes evttypes;
    SourceLoc loc;
};

// A rule the loader refused because it names fields saker cannot extract (the error is in the
// diagnostics too); kept so tools can say which rules do not run and why.
struct RejectedRule {
    std::string name;
    std::vector<std::string> unsupported_fields;
    SourceLoc loc;
};

struct Ruleset {
    std::vector<Rule> rules;
    std::vector<RejectedRule> rejected;
    std::vector<std::string> macro_names; // in definition order
    std::vector<std::string> list_names;
    size_t enabled_count() const;
    const Rule* find(std::string_view name) const;
};

} // namespace saker
