// Fuzz target: the rule generator (tests/codegen/rule_gen.h) steered by the input bytes. Each
// input becomes a few generated rules and their cases; the interpreter must give every case the
// generator's expected answer (the JIT is held to the same cases by `make fuzz-rules`; compiling
// per input would leave the fuzzer a few executions a second).
#include "codegen/engine.h"
#include "frontend/frontend.h"
#include "rule_gen.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace saker;
    gen::Rand rng(data, size);
    std::vector<gen::GenRule> rules;
    for (int i = 0; i < 3; ++i)
        rules.push_back(gen::generate_rule(rng));
    SourceManager sources;
    Diagnostics diags;
    Ruleset rs = load_rules(std::vector<RuleSource>{{"gen.yaml", gen::rules_yaml(rules, {})}},
                            sources, diags);
    if (diags.has_errors()) {
        std::fprintf(stderr, "generated rules do not load:\n%s\n%s\n",
                     gen::rules_yaml(rules, {}).c_str(), diags.render_all(sources).c_str());
        std::abort();
    }
    auto interp = make_engine(rs, {EngineKind::Interp, 2, ""}, nullptr);
    const uint32_t type = event_type_id("openat");
    uint32_t out[4];
    for (size_t i = 0; i < rules.size(); ++i) {
        for (const auto& c : rules[i].cases) {
            auto ev = gen::make_event(type, c.settings);
            uint32_t n = interp->evaluate(type, ev, out, 4);
            bool hit = false;
            for (uint32_t k = 0; k < n; ++k)
                hit |= out[k] == i;
            if (hit != c.expected) {
                std::fprintf(stderr, "rule %zu: %s\nexpected %s on\n%s\n", i,
                             rules[i].condition.c_str(), c.expected ? "a match" : "no match",
                             ev.describe().c_str());
                std::abort();
            }
        }
    }
    return 0;
}
