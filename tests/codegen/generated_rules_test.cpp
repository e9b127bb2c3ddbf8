// Generated rules (rule_gen.h) against both engines: every case's expected result is computed
// by the generator, independently of saker, and both the interpreter and the JIT must give it.
// Per rule both branches are taken (it matched an event and did not match another), and over
// the run every operator, list modifier, transformer, val() and field type matched at least once.
//
// SAKER_GEN_RULES=N changes the number of rules (default 2000; `make fuzz-rules` runs many
// more), SAKER_GEN_SEED=S the seed.
#include "codegen/engine.h"
#include "frontend/frontend.h"
#include "rule_gen.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>
#include <sstream>

#ifndef SAKER_DIFF_SCALE
#define SAKER_DIFF_SCALE 1
#endif

namespace {

using namespace saker;

size_t env_or(const char* name, size_t fallback) {
    const char* s = std::getenv(name);
    return s ? std::strtoull(s, nullptr, 10) : fallback;
}

std::string describe(const gen::GenRule& g, const gen::Case& c) {
    std::ostringstream s;
    s << "condition: " << g.condition << "\n";
    for (size_t i = 0; i < g.atoms.size(); ++i)
        s << "  atom " << i << " (" << g.atoms[i].text << ") is "
          << (c.atom_truth[i] ? "true" : "false") << "\n";
    s << "expected: " << (c.expected ? "match" : "no match") << "\n";
    s << gen::make_event(0, c.settings).describe();
    return s.str();
}

} // namespace

TEST_CASE("generated rules: the interpreter and the JIT give the generator's answers",
          "[codegen]") {
    const size_t total = env_or("SAKER_GEN_RULES", 2000 / SAKER_DIFF_SCALE);
    gen::Rand rng(env_or("SAKER_GEN_SEED", 20261203));
    // Each rule of a batch gets its own event type, so an event evaluates only its rule.
    auto types = known_event_types();
    const size_t batch = std::min<size_t>(200, types.size() - 1);

    std::map<std::string, size_t> matched; // feature -> true atoms in matching cases
    size_t rules_done = 0, cases = 0, wrong = 0, one_sided = 0;
    while (rules_done < total) {
        size_t n = std::min(batch, total - rules_done);
        std::vector<gen::GenRule> rules;
        std::vector<uint32_t> type_of;
        std::vector<std::string> type_names;
        for (size_t i = 0; i < n; ++i) {
            rules.push_back(gen::generate_rule(rng));
            type_of.push_back(static_cast<uint32_t>(i + 1));
            type_names.emplace_back(types[i + 1]);
        }
        const std::string yaml = gen::rules_yaml(rules, type_names);
        SourceManager sources;
        Diagnostics diags;
        Ruleset rs = load_rules(std::vector<RuleSource>{{"generated.yaml", yaml}}, sources, diags);
        INFO(diags.render_all(sources));
        REQUIRE_FALSE(diags.has_errors());
        REQUIRE(rs.rules.size() == n);
        std::string err;
        auto interp = make_engine(rs, {EngineKind::Interp, 2, ""}, &err);
        auto jit = make_engine(rs, {EngineKind::Jit, 2, ""}, &err);
        INFO(err);
        REQUIRE(interp);
        REQUIRE(jit);
        std::vector<uint32_t> out(n + 1);
        for (size_t i = 0; i < n; ++i) {
            const gen::GenRule& g = rules[i];
            bool saw[2] = {false, false};
            for (const gen::Case& c : g.cases) {
                auto ev = gen::make_event(type_of[i], c.settings);
                uint32_t ni = interp->evaluate(type_of[i], ev, out.data(), UINT32_MAX);
                bool mi = ni == 1 && out[0] == i;
                uint32_t nj = jit->evaluate(type_of[i], ev, out.data(), UINT32_MAX);
                bool mj = nj == 1 && out[0] == i;
                ++cases;
                saw[c.expected] = true;
                if (mi != c.expected || mj != c.expected) {
                    if (++wrong <= 40)
                        FAIL_CHECK("interpreter " << (mi ? "matched" : "did not match") << ", JIT "
                                                  << (mj ? "matched" : "did not match") << "\n"
                                                  << describe(g, c));
                    continue;
                }
                if (!c.expected) continue;
                for (size_t a = 0; a < g.atoms.size(); ++a)
                    if (c.atom_truth[a])
                        for (const auto& f : g.atoms[a].features)
                            ++matched[f];
            }
            if (!saw[0] || !saw[1]) {
                if (++one_sided <= 3) FAIL_CHECK("rule never went both ways: " << g.condition);
            }
        }
        rules_done += n;
    }
    WARN(rules_done << " generated rules, " << cases << " cases, " << wrong << " wrong answers, "
                    << matched.size() << " features matched");
    CHECK(wrong == 0);
    CHECK(one_sided == 0);
    if (total >= 1000) {
        for (const auto& f : gen::all_features()) {
            INFO("feature never matched: " << f);
            CHECK(matched[f] > 0);
        }
    }
}

TEST_CASE("rule generator: deterministic per seed, and bytes drive it too", "[codegen]") {
    gen::Rand a(7), b(7);
    for (int i = 0; i < 200; ++i)
        REQUIRE(gen::generate_rule(a).condition == gen::generate_rule(b).condition);
    const uint8_t bytes[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
    gen::Rand c(bytes, sizeof bytes), d(bytes, sizeof bytes);
    CHECK(gen::generate_rule(c).condition == gen::generate_rule(d).condition);
    gen::Rand empty(nullptr, 0); // exhausted input: zeros, still a valid rule
    CHECK_FALSE(gen::generate_rule(empty).condition.empty());
}
