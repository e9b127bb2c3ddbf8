// Checker: resolves fields against the registry and types every constant, in place.
//
// Contract: after a successful check every Field operand has `info` set (and a dotted name
// such as `evt.arg.flags` split into field `evt.arg` + arg `flags`), every literal on the
// right of a comparison has its Constant parsed for the type of the left side, and every
// (operator, type) pair is one the evaluators implement. Errors name the field and the value
// at their source location. A field the registry marks unsupported (saker has no extractor
// with Falco's meaning) is an error too, "field 'X' is not supported", so no rule loads that
// silently cannot fire. `FieldIssues` lets `skip-if-unknown-filter` tell a missing field apart
// from other mistakes.
#pragma once

#include "frontend/ast.h"
#include "frontend/source.h"

namespace saker {

#include <string>
#include <vector>

// Field references that failed for want of the field: unknown to the registry, or known but
// unsupported (their names). Falco's skip-if-unknown-filter skips a rule for these, and only these.
struct FieldIssues {
    bool unknown = false;
    std::vector<std::string> unsupported;
    bool any() const { return unknown || !unsupported.empty(); }
};

struct CheckResult {
    bool ok = false;
    FieldIssues fields;
};

CheckResult check_condition(ast::Expr& e, Diagnostics& diags);

// Resolves one field reference (also used for output formats). Reports and returns false
// when the field is unknown or unsupported (noted in `issues`) or its argument is malformed.
// A field Falco defines but never gives a value (kFieldNoValue) resolves, with a warning.
bool resolve_field(ast::Operand& field, Diagnostics& diags, FieldIssues* issues = nullptr);

// Parses `text` as a constant of field type `t` (numbers, booleans, addresses, networks).
// Returns an error message, or empty on success.
std::string parse_constant(FieldType t, const std::string& text, ast::Constant& out);

} // namespace saker
