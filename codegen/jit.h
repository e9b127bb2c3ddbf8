// The JIT engine: a Ruleset compiled to native code with LLVM ORC (LLJIT).
//
// Contract: `create` plans the ruleset (codegen/plan.h), then either loads the object code for
// that plan from the cache or lowers it to IR (codegen/lowering.h), optimizes it with the new
// pass manager at the requested level, emits an object file, stores it in the cache and links
// it into an LLJIT whose only external symbols are the registered helpers. The cache key is a
// SHA-256 of saker's version, LLVM's version, the host CPU and its features, the optimization
// level and the plan's fingerprint; a cache entry whose header, key or checksum does not match
// is ignored and rebuilt. One engine owns one evaluation context: not thread-safe.
#pragma once

#include "codegen/engine.h"
#include "codegen/plan.h"

#include <array>
#include <memory>
#include <string>

namespace llvm::orc {
class LLJIT;
}

namespace saker {

using EntryFn = uint32_t (*)(EvalContext*, uint32_t*, uint32_t);

class JitEngine final : public RuleEngine {
  public:
    static std::unique_ptr<JitEngine> create(const Ruleset& rules, const EngineOptions& options,
                                             std::string* error);
    ~JitEngine() override;

    // UBSan's -fsanitize=function checks an indirect call by reading a signature stored just
    // before the callee; JIT-compiled code has none (and may start a page), so the check is
    // off for this one call site.
    __attribute__((no_sanitize("function"))) uint32_t
    evaluate(uint32_t evt_type, FieldSource& source, uint32_t* out, uint32_t max) override {
        ctx_.source = &source;
        ctx_.next_event(evt_type);
        scratch_.clear();
        const Entry& entry = evt_type < by_type_.size() ? by_type_[evt_type] : generic_;
        if (entry.hot_wanted) {
            ctx_.hot = source.hot_values(entry.hot_wanted);
            if (!ctx_.hot) ctx_.hot = extract_hot(source, entry.hot_wanted);
        }
        return entry.fn(&ctx_, out, max);
    }

    bool loaded_from_cache() const { return from_cache_; }

  private:
    // An event type's compiled function and the hot fields it may load.
    struct Entry {
        EntryFn fn = nullptr;
        uint64_t hot_wanted = 0;
    };

    JitEngine() = default;
    // For a source that does not publish hot values: the wanted ones, extracted here (out of
    // line: evaluate() stays a short leaf for the sources that do).
    [[gnu::noinline]] const Value* extract_hot(FieldSource& source, uint64_t wanted);

    std::unique_ptr<CompilePlan> plan_;
    std::unique_ptr<llvm::orc::LLJIT> jit_;
    std::vector<Slot> slots_;
    sem::Scratch scratch_;
    EvalContext ctx_;
    std::vector<Entry> by_type_;
    Entry generic_;
    std::array<Value, kHotFieldCount> own_hot_{};
    bool from_cache_ = false;
};

// The optimized IR, or the native assembly, of a ruleset (or of one rule): `saker compile
// --dump-ir / --dump-asm`.
bool dump_ir(const Ruleset& rules, const std::string& only_rule, int opt_level, std::string& out,
             std::string* error);
bool dump_asm(const Ruleset& rules, const std::string& only_rule, int opt_level, std::string& out,
              std::string* error);

} // namespace saker
