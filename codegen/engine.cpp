#include "codegen/engine.h"

#include "codegen/interpreter.h"
#include "codegen/jit.h"

namespace saker {

std::unique_ptr<RuleEngine> make_engine(const Ruleset& rules, const EngineOptions& options,
                                        std::string* error) {
    if (options.kind == EngineKind::Interp) return std::make_unique<Interpreter>(rules);
    return JitEngine::create(rules, options, error);
}

} // namespace saker
