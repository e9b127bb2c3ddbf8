#include "codegen/helpers.h"

#include "codegen/plan.h"

#include <cstring>

using namespace saker;

namespace {

sem::Scratch& scratch_of(EvalContext* ctx) {
    return *static_cast<sem::Scratch*>(ctx->scratch);
}

const Value& fetched(EvalContext* ctx, uint32_t slot) {
    Slot& s = ctx->slots[slot];
    if (s.generation != ctx->generation) saker_fetch(ctx, slot);
    return s.value;
}

} // namespace

// Transformer results and list arguments: the rare, heavier kinds of slot.
[[gnu::noinline]] static void fetch_computed(EvalContext* ctx, const SlotDesc& d, Slot& s) {
    switch (d.kind) {
    case SlotDesc::Kind::Literal: s.value = Value::of_str(d.text); break;
    case SlotDesc::Kind::ListOf: {
        std::vector<Value> items;
        for (uint32_t c : d.children)
            if (const Value& cv = fetched(ctx, c); cv.present()) items.push_back(cv);
        s.value = scratch_of(ctx).keep(std::move(items));
        break;
    }
    case SlotDesc::Kind::Transform: {
        std::vector<Value> in;
        for (uint32_t c : d.children) in.push_back(fetched(ctx, c));
        Value v = sem::apply_transform(d.op->transform, *d.op, in, scratch_of(ctx));
        s.value = v;
        break;
    }
    case SlotDesc::Kind::Field: break;
    }
}

extern "C" void saker_fetch(EvalContext* ctx, uint32_t slot) {
    const SlotDesc& d = ctx->table->at(slot);
    Slot& s = ctx->slots[slot];
    s.value = Value{};
    // Plain fields are nearly every fetch: extracted straight into the slot, with the heavier
    // kinds kept out of line so this path stays a short leaf around one virtual call.
    if (d.kind == SlotDesc::Kind::Field) [[likely]]
        ctx->source->extract(d.request, s.value);
    else
        fetch_computed(ctx, d, s);
    s.generation = ctx->generation;
}

extern "C" bool saker_set_has(const void* set, const char* s, uint64_t len) {
    return static_cast<const StringSet*>(set)->contains({s, len});
}

extern "C" bool saker_trie_match(const void* trie, const char* s, uint64_t len) {
    return static_cast<const PrefixTrie*>(trie)->match({s, len});
}

extern "C" bool saker_glob(const void* glob, const char* s, uint64_t len) {
    return static_cast<const GlobMatcher*>(glob)->match({s, len});
}

extern "C" bool saker_regex(const void* re, const char* s, uint64_t len) {
    return re2::RE2::FullMatch(re2::StringPiece(s, len), *static_cast<const re2::RE2*>(re));
}

// Haystacks here are short (command lines, paths): finding the first byte with memchr and
// comparing the rest beats memmem's per-call setup, which profiles showed at ~10% of
// evaluation time on the upstream rules.
extern "C" bool saker_contains(const char* s, uint64_t len, const char* needle, uint64_t nlen) {
    if (nlen == 0) return true;
    const char* end = s + len;
    for (const char* p = s; static_cast<uint64_t>(end - p) >= nlen; ++p) {
        p = static_cast<const char*>(
            std::memchr(p, needle[0], static_cast<size_t>(end - p) - nlen + 1));
        if (!p) return false;
        if (std::memcmp(p + 1, needle + 1, nlen - 1) == 0) return true;
    }
    return false;
}

extern "C" bool saker_icontains(const char* s, uint64_t len, const char* needle, uint64_t nlen) {
    return sem::contains_folded({s, len}, {needle, nlen});
}

extern "C" bool saker_compare_generic(EvalContext* ctx, uint32_t const_index, uint32_t lhs_slot,
                                      uint32_t rhs_slot) {
    auto e = static_cast<const ast::Expr*>(ctx->consts[const_index]);
    const Value& lhs = fetched(ctx, lhs_slot);
    Value rhs = rhs_slot == UINT32_MAX ? Value{} : fetched(ctx, rhs_slot);
    return sem::compare(*e, lhs, rhs);
}

const std::vector<HelperSymbol>& saker::jit_helper_symbols() {
    static const std::vector<HelperSymbol> table = {
        {"saker_fetch", reinterpret_cast<void*>(&saker_fetch)},
        {"saker_set_has", reinterpret_cast<void*>(&saker_set_has)},
        {"saker_trie_match", reinterpret_cast<void*>(&saker_trie_match)},
        {"saker_glob", reinterpret_cast<void*>(&saker_glob)},
        {"saker_regex", reinterpret_cast<void*>(&saker_regex)},
        {"saker_contains", reinterpret_cast<void*>(&saker_contains)},
        {"saker_icontains", reinterpret_cast<void*>(&saker_icontains)},
        {"saker_compare_generic", reinterpret_cast<void*>(&saker_compare_generic)},
        // LLVM lowers some IR (memcmp of constants, struct copies) to these libc calls.
        {"memcmp", reinterpret_cast<void*>(&::memcmp)},
        {"bcmp", reinterpret_cast<void*>(&::bcmp)},
        {"memcpy", reinterpret_cast<void*>(&::memcpy)},
        {"memset", reinterpret_cast<void*>(&::memset)},
        {"memmove", reinterpret_cast<void*>(&::memmove)},
    };
    return table;
}
