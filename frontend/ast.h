// The condition AST.
//
// Contract: the parser builds it, the expander replaces MacroRef nodes by copies of macro
// bodies, the checker resolves fields and types constant values in place; codegen and the
// interpreter then read it and never change it. Every node carries the SourceLoc of its first
// token. Nodes are owned by unique_ptr; `clone()` deep-copies (macro expansion), `==` compares
// structure (not locations) for golden tests and for sharing common subexpressions.
#pragma once

#include "frontend/fields.h"
#include "frontend/source.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace saker::ast {

enum class CmpOp : uint8_t {
    Eq, // `=` and `==`
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Contains,
    IContains,
    BContains,
    StartsWith,
    BStartsWith,
    EndsWith,
    Glob,
    IGlob,
    PMatch,
    In,
    Intersects,
    Exists,
    Regex,
};

// `oneof` / `anyof` / `allof` after a string operator: the right side is a list, and the
// comparison holds for exactly one, at least one, or every element of it.
enum class ListMod : uint8_t { None, OneOf, AnyOf, AllOf };
const char* list_mod_name(ListMod m);

enum class Transform : uint8_t { None, ToLower, ToUpper, B64, Basename, Len, Join, Concat, Getopt };

const char* cmp_op_name(CmpOp op);
const char* transform_name(Transform t);
bool cmp_op_takes_list(CmpOp op); // in, intersects, pmatch

// A constant as typed by the checker against the field it is compared with.
struct Constant {
    enum class Kind : uint8_t { Unchecked, String, Int, Bool, Ip, Net } kind = Kind::Unchecked;
    int64_t i = 0;       // Int (two's complement for unsigned fields), Bool (0/1)
    uint8_t ip[16] = {}; // Ip/Net: IPv4 is stored IPv4-mapped (::ffff:a.b.c.d)
    uint8_t prefix = 0;  // Net: prefix length over the 128-bit form
    bool operator==(const Constant&) const = default;
};

// One side of a comparison. A field, a transformer applied to operands, a literal value, or
// a parenthesized list of values.
struct Operand {
    enum class Kind : uint8_t { Field, Transformed, Literal, List } kind = Kind::Literal;
    SourceLoc loc;

    // Field: the name as written (`proc.aname`), its argument (`2`, `HOME`, `flags`).
    std::string field;
    std::string arg;
    bool has_arg = false;
    const FieldInfo* info = nullptr; // set by the checker

    // Transformed: transform(args...). `val(f)` parses to a plain Field on the right side.
    Transform transform = Transform::None;
    std::vector<Operand> args;

    // Literal: the text after unquoting; List: `items`.
    std::string text;
    bool quoted = false;
    Constant value; // set by the checker
    std::vector<Operand> items;

    bool is_field_like() const { return kind == Kind::Field || kind == Kind::Transformed; }
    bool operator==(const Operand& o) const;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind : uint8_t { And, Or, Not, Compare, MacroRef, BoolConst } kind;
    SourceLoc loc;

    std::vector<ExprPtr> children; // And, Or (>= 2), Not (exactly 1)

    // Compare
    Operand lhs;
    CmpOp op = CmpOp::Eq;
    ListMod mod = ListMod::None;
    Operand rhs; // unused for Exists
    // Set by the checker: the type of the left side, and whether it is a list field (for
    // which `in` means subset and `intersects` means overlap).
    FieldType lhs_type = FieldType::String;
    bool lhs_list = false;

    // MacroRef: the macro's name; BoolConst: `truth`.
    std::string name;
    bool truth = false;

    explicit Expr(Kind k, SourceLoc l = {}) : kind(k), loc(l) {}
    ExprPtr clone() const;
    bool operator==(const Expr& o) const;
};

ExprPtr make_logical(Expr::Kind kind, SourceLoc loc, std::vector<ExprPtr> children);
ExprPtr make_not(SourceLoc loc, ExprPtr child);

// Renders an expression in a readable, re-parseable form (golden tests, --dump-ast).
std::string to_string(const Expr& e);
std::string to_string(const Operand& o);
// Renders an indented tree, one node per line (`saker compile --dump-ast`).
std::string dump_tree(const Expr& e);

// Walks every node, depth first, calling `fn(const Expr&)`.
template <class Fn> void for_each_node(const Expr& e, Fn&& fn) {
    fn(e);
    for (const auto& c : e.children)
        for_each_node(*c, fn);
}
template <class Fn> void for_each_node(Expr& e, Fn&& fn) {
    fn(e);
    for (auto& c : e.children)
        for_each_node(*c, fn);
}

} // namespace saker::ast
