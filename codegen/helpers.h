// The C-ABI helpers generated code may call, and the table that registers them by name.
//
// Contract: generated code calls nothing else; the JIT defines exactly these symbols (plus
// the libc memory functions LLVM itself emits), so a call to anything unregistered fails at
// link time with a clear error instead of crashing later.
#pragma once

#include "runtime/eval_context.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace saker {

struct HelperSymbol {
    std::string_view name;
    void* address;
};
const std::vector<HelperSymbol>& jit_helper_symbols();

} // namespace saker

extern "C" {
void saker_fetch(saker::EvalContext* ctx, uint32_t slot);
bool saker_set_has(const void* set, const char* s, uint64_t len);
bool saker_trie_match(const void* trie, const char* s, uint64_t len);
bool saker_glob(const void* glob, const char* s, uint64_t len);
bool saker_regex(const void* re, const char* s, uint64_t len);
bool saker_contains(const char* s, uint64_t len, const char* needle, uint64_t nlen);
bool saker_icontains(const char* s, uint64_t len, const char* lower_needle, uint64_t nlen);
bool saker_compare_generic(saker::EvalContext* ctx, uint32_t const_index, uint32_t lhs_slot,
                           uint32_t rhs_slot);
}
