// The meaning of every operator and transformer on runtime values: the single definition
// both evaluators follow.
//
// Contract (Falco's semantics):
// - a comparison on an absent value is false, whatever the operator; `exists` tests presence;
// - strings compare as bytes; `icontains`/`iglob` fold ASCII case; `glob` is fnmatch without
//   FNM_PATHNAME (`*` crosses '/'); `pmatch` is true when the value equals a listed path or
//   lies below it (`/etc` matches `/etc` and `/etc/x`, not `/etcx`), a listed path with glob
//   wildcards matching by components (`/var/*` covers `/var/run/x`; `*` stays within one
//   component); `regex` is an RE2 full
//   match; `bcontains`/`bstartswith` take hex bytes;
// - integers compare signed or unsigned by the field's type;
// - an IP compared with a network (CIDR) tests membership;
// - a list value from a list field: `in` = every element is in the set, `intersects` = some
//   element is; from any other field (`proc.aname` without index): true if some element
//   satisfies the comparison;
// - a name comparison (`fd.sip.name = x`, see name_compare_address) tests whether the address
//   is among the resolved addresses of the name(s); `!=` is its negation on a present address;
// - `oneof`/`anyof`/`allof`: exactly one / at least one / every listed value satisfies the
//   operator; an empty list never matches.
// The interpreter calls these directly; generated code inlines the common cases and calls
// `compare()` for the rest. Differential tests hold the two to the same answers.
#pragma once

#include "frontend/ast.h"
#include "runtime/eval_context.h"

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace saker::sem {

bool glob_match(std::string_view pattern, std::string_view s, bool fold_case);
bool path_prefix_match(std::string_view prefix, std::string_view path);
bool pmatch_has_glob(std::string_view prefix); // '*', '?' or '[': matched by components
bool contains_folded(std::string_view haystack, std::string_view lower_needle);
std::string to_lower(std::string_view s);
bool ip_in_net(const uint8_t ip[16], const uint8_t net[16], uint8_t prefix);
bool is_signed(FieldType t);
std::string hex_decode(std::string_view hex); // validated by the checker

// Storage for values computed during one evaluation (transformer results). Deques keep every
// stored string and list at a stable address while more are added.
struct Scratch {
    std::deque<std::string> strings;
    std::deque<std::vector<Value>> lists;
    // Per event; skipped when nothing was stored (most events use no transformer).
    void clear() {
        if (!strings.empty()) strings.clear();
        if (!lists.empty()) lists.clear();
    }
    Value keep(std::string s);
    Value keep(std::vector<Value> items);
};

// Applies a transformer to already-extracted argument values. `args` are the operands (for
// literal arguments), `in` their values.
Value apply_transform(ast::Transform t, const ast::Operand& op, const std::vector<Value>& in,
                      Scratch& scratch);

// A name comparison, `fd.sip.name = x`, `!=` or `in (...)` with literal names (Falco's
// fd.*ip.name semantics): the address field it tests (`fd.sip`), else nullptr. Both engines read
// that field for the left side, and compare() tests whether the address is among the names'
// resolved addresses (runtime/dns: resolved off the event path; unresolved: no address).
const FieldInfo* name_compare_address(const ast::Expr& cmp);

// Evaluates `lhs <op> rhs` for a Compare node. `lhs` is the left value; `rhs` the value of a
// field-like right side (ignored when the right side is a literal or a list of literals).
bool compare(const ast::Expr& cmp, const Value& lhs, const Value& rhs);

// A present scalar against another runtime value (a `val()` or transformer right side).
bool scalar_vs_value(ast::CmpOp op, FieldType type, const Value& v, const Value& rhs);

// One literal comparison: present scalar `v` against the checker-typed literal `lit`.
bool compare_literal(ast::CmpOp op, FieldType type, const Value& v, const ast::Operand& lit);

} // namespace saker::sem
