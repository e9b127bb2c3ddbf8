// The compile plan: everything about a compiled ruleset that does not involve LLVM.
//
// Contract: built deterministically from a Ruleset, on every start (also when the object
// code comes from the cache), it decides
// - the slots: one per distinct operand (field, transformer, literal argument) of the enabled
//   rules, with what fetching it means (SlotTable, read by the `saker_fetch` helper), whether
//   it is a hot field (loaded from ctx->hot instead) and whether its value may be a List;
// - for each event type, the rules that can match it and their conditions specialized for
//   that type (`evt.type` tests folded to constants, and/or/not simplified, children ordered
//   cheapest first); types whose specialized rules are identical (open/openat/openat2) share
//   one TypePlan, so one compiled function;
// - the constant objects generated code reaches through `ctx->consts` (string sets, prefix
//   tries, glob matchers, regexes, comparisons left to the generic helper), by index.
// Generated code holds no process addresses, so its object code can be cached.
#pragma once

#include "codegen/semantics.h"
#include "frontend/rules.h"
#include "runtime/eval_context.h"

#include <re2/re2.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace saker {

struct SlotDesc {
    enum class Kind : uint8_t { Field, Literal, ListOf, Transform } kind = Kind::Field;
    FieldRequest request;             // Field (its `key` points into `arg`)
    std::string arg;                  // owned argument text
    std::string text;                 // Literal
    const ast::Operand* op = nullptr; // Transform: the operand (transform kind, selector)
    std::vector<uint32_t> children;   // ListOf items, Transform arguments
    int hot = -1;                     // Field: its HotField, read from ctx->hot, or -1
    bool may_list = false;            // its value may be a List (eval_context.h: yields_list)
};

class SlotTable {
  public:
    // The slot of an operand, shared by every structurally equal operand.
    uint32_t intern(const ast::Operand& op);
    const SlotDesc& at(uint32_t i) const { return *slots_[i]; }
    size_t size() const { return slots_.size(); }

  private:
    std::vector<std::unique_ptr<SlotDesc>> slots_;
    std::unordered_map<std::string, uint32_t> by_key_;
};

// Constant objects referenced by generated code.

// A set of strings for `in` with a long list: open addressing over a hash of the length and
// the first and last eight bytes (most values are names and paths that differ there), so a
// lookup is a few loads, one multiply and usually one memcmp. std::unordered_map's hash of
// every byte made each lookup ~140 instructions (callgrind, saker-bench predicates).
class StringSet {
  public:
    explicit StringSet(const std::vector<std::string>& items);
    bool contains(std::string_view s) const;

  private:
    static uint64_t hash(std::string_view s);
    struct Bucket {
        uint64_t hash = 0;
        uint32_t item = UINT32_MAX; // index into items_, UINT32_MAX: empty
    };
    std::vector<std::string> items_;
    std::vector<Bucket> buckets_; // a power of two, at most half full
};

// A byte trie over prefixes: "does the value start with any of them" in one walk. In path
// mode a prefix only counts at a path boundary (pmatch).
class PrefixTrie {
  public:
    PrefixTrie(const std::vector<std::string>& prefixes, bool path_mode);
    bool match(std::string_view s) const;

  private:
    struct Node {
        bool terminal = false;
        std::vector<std::pair<uint8_t, uint32_t>> next; // sorted by byte
    };
    std::vector<Node> nodes_;
    bool path_mode_;
    bool root_slash_ = false;        // pmatch of "/" matches every absolute path
    std::vector<std::string> globs_; // pmatch prefixes with wildcards (sem::path_prefix_match)
};

// A glob compiled once: patterns made only of literal text and '*' are matched piece by
// piece; anything else (?, classes, escapes, case folding) uses the general matcher.
class GlobMatcher {
  public:
    GlobMatcher(std::string pattern, bool fold_case);
    bool match(std::string_view s) const;

  private:
    std::string pattern_;
    bool fold_;
    bool simple_;
    std::vector<std::string> pieces_; // simple: the literal parts between '*'s
    bool leading_star_ = false, trailing_star_ = false;
};

struct ConstObject {
    std::unique_ptr<StringSet> set;
    std::unique_ptr<PrefixTrie> trie;
    std::unique_ptr<GlobMatcher> glob;
    std::unique_ptr<re2::RE2> regex;
    const ast::Expr* compare = nullptr; // generic comparison node
    const void* address() const;
};

// How generated code evaluates one comparison. Decided here, once, so that the object code
// from the cache and the constant objects rebuilt at start agree.
enum class Strategy : uint8_t {
    Exists,      // lhs present
    IntCmp,      // integer compare with one constant
    IntIn,       // integer in a list of constants (a switch)
    StrEq,       // length check + memcmp (also `!=`)
    StrInSmall,  // length switch + memcmp chains (short lists)
    StrSet,      // hash-set helper (long lists)
    StrPrefix,   // startswith: length check + memcmp
    StrSuffix,   // endswith
    StrContains, // memmem helper
    StrIContains,
    Glob,       // compiled glob helper
    Regex,      // RE2 helper
    PrefixTrie, // pmatch, or several startswith on one operand
    IpCmp,      // IP against addresses / networks, inline 128-bit arithmetic
    Generic,    // the shared semantics, through a helper
};

struct CompareInfo {
    Strategy strategy = Strategy::Generic;
    uint32_t lhs_slot = 0;
    uint32_t rhs_slot = UINT32_MAX; // field-like right side
    uint32_t const_index = UINT32_MAX;
};

// Children of one `or` that test the same string operand with startswith (or =) against
// literals: evaluated as one trie (or set) lookup.
struct OrGroup {
    uint32_t lhs_slot = 0;
    std::vector<size_t> children; // indexes into the Or node's children
    uint32_t const_index = 0;
};

struct TypePlan {
    uint32_t type = 0;                                    // event type id
    std::vector<uint32_t> same_as;                        // other types with identical rules
    std::vector<std::pair<uint32_t, ast::ExprPtr>> rules; // rule index, specialized condition
    // Subtrees that occur more than once among this type's rules: computed once per event.
    std::unordered_map<const ast::Expr*, uint32_t> memo_of;
    uint32_t memo_count = 0;
    uint64_t hot_wanted = 0; // bit h: generated code may load HotField h
};

struct CompilePlan {
    SlotTable slots;
    std::vector<TypePlan> types; // only types with at least one possibly-matching rule
    TypePlan generic;            // for every other type: the rules that match all types
    std::vector<ConstObject> consts;
    std::vector<const void*> const_table; // addresses, as generated code sees them
    std::unordered_map<const ast::Expr*, CompareInfo> compares;
    std::unordered_map<const ast::Expr*, std::vector<OrGroup>> or_groups;
    std::vector<FieldRequest> hot_requests; // by HotField: what extracting each one means

    const CompareInfo& compare(const ast::Expr* e) const { return compares.at(e); }
    std::string fingerprint; // text that identifies the generated code (cache key)
};

// `only_rule`: restrict the plan to one rule (IR/asm dumps).
std::unique_ptr<CompilePlan> make_plan(const Ruleset& rules, const std::string& only_rule = {});

// Bumped whenever lowering changes what the same plan compiles to (part of the cache key).
constexpr int kCodeRevision = 3;
// Strings at or below this many items are matched inline (length switch), above with a set.
constexpr size_t kInlineStringList = 8;
// An `or` with at least this many same-operand startswith tests becomes one trie lookup.
constexpr size_t kMinPrefixGroup = 3;

} // namespace saker
