#include "codegen/engine.h"

#include "codegen/interpreter.h"
#include "codegen/jit.h"
#include "codegen/semantics.h"

namespace saker {

// The names the enabled rules' name comparisons test addresses against.
static std::vector<std::string> compared_names(const Ruleset& rules) {
    std::vector<std::string> names;
    for (const Rule& r : rules.rules) {
        if (!r.enabled || !r.condition) continue;
        ast::for_each_node(*r.condition, [&](const ast::Expr& e) {
            if (e.kind != ast::Expr::Kind::Compare || !sem::name_compare_address(e)) return;
            if (e.rhs.kind == ast::Operand::Kind::Literal) names.push_back(e.rhs.text);
            for (const auto& item : e.rhs.items)
                names.push_back(item.text);
        });
    }
    return names;
}

std::unique_ptr<RuleEngine> make_engine(const Ruleset& rules, const EngineOptions& options,
                                        std::string* error) {
    std::unique_ptr<RuleEngine> engine;
    if (options.kind == EngineKind::Interp)
        engine = std::make_unique<Interpreter>(rules);
    else
        engine = JitEngine::create(rules, options, error);
    if (engine) engine->resolved_names = dns::resolver().track(compared_names(rules));
    return engine;
}

} // namespace saker
