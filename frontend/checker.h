// Checker: resolves fields against the registry and types every constant, in place.
//
// Contract: after a successful check every Field operand has `info` set (and a dotted name
// such as `evt.arg.flags` split into field `evt.arg` + arg `flags`), every literal on the
// right of a comparison has its Constant parsed for the type of the left side, and every
// (operator, type) pair is one the evaluators implement. Errors name the field and the value
// at their source location. `unknown_field` lets `skip-if-unknown-filter` tell a missing field
// apart from other mistakes.
#pragma once

#include "frontend/ast.h"
#include "frontend/source.h"

namespace saker {

struct CheckResult {
    bool ok = false;
    bool unknown_field = false;
};

CheckResult check_condition(ast::Expr& e, Diagnostics& diags);

// Resolves one field reference (also used for output formats). Reports and returns false
// when the field is unknown or its argument is malformed.
bool resolve_field(ast::Operand& field, Diagnostics& diags, bool* unknown = nullptr);

// Parses `text` as a constant of field type `t` (numbers, booleans, addresses, networks).
// Returns an error message, or empty on success.
std::string parse_constant(FieldType t, const std::string& text, ast::Constant& out);

} // namespace saker
