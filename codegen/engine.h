// The rule engines: how saker evaluates a loaded Ruleset against events.
//
// Contract: an engine is built once per Ruleset (which must outlive it) and evaluates one
// event at a time: the enabled rules that can match the event's type, in rule order, writing
// the indexes (into Ruleset::rules) of matching rules to `out`, at most `max` of them:
// `max = 1` is Falco's `rule_matching: first`, a larger `max` is `all`. Rules whose condition
// restricts no event type are evaluated for every event. An engine instance is not
// thread-safe; make one per evaluating thread.
//
// Two implementations give the same answers: `Jit` (LLVM ORC native code, the default) and
// `Interp` (a tree-walking interpreter, the reference oracle and the benchmark baseline).
// Comparisons of fd.*ip.name with names read resolved addresses (codegen/semantics.h), never
// DNS: make_engine registers the names with dns::resolver(), which resolves them beside.
#pragma once

#include "frontend/rules.h"
#include "runtime/dns/resolver.h"
#include "runtime/eval_context.h"

#include <memory>
#include <string>

namespace saker {

enum class EngineKind { Jit, Interp };

struct EngineOptions {
    EngineKind kind = EngineKind::Jit;
    int opt_level = 2;     // 0..3
    std::string cache_dir; // JIT object cache; empty = no cache
};

class RuleEngine {
  public:
    virtual ~RuleEngine() = default;
    virtual uint32_t evaluate(uint32_t evt_type, FieldSource& source, uint32_t* out,
                              uint32_t max) = 0;

    // The names its conditions compare addresses against (`fd.sip.name = x`), kept resolved
    // by the process's resolver as long as the engine lives: a load or reload registers them.
    dns::Resolver::Tracking resolved_names;
};

// Builds an engine, or returns null with `error` set.
std::unique_ptr<RuleEngine> make_engine(const Ruleset& rules, const EngineOptions& options,
                                        std::string* error);

// The dense id of an event type name (its index in known_event_types()), or kNoEventType.
constexpr uint32_t kNoEventType = UINT32_MAX;
uint32_t event_type_id(std::string_view name);

} // namespace saker
