// Differential tests: the JIT must give exactly the interpreter's answers, on the upstream
// ruleset and on every golden ruleset of the frontend tests, for many generated events (random
// and adversarial values, see bench/synthetic_events.h), with rule_matching `all` and `first`.
//
// SAKER_DIFF_EVENTS=N overrides the number of events per ruleset (default 1000000 for the
// corpus, 100000 per golden file); SAKER_DIFF_SEED=S changes the seed.
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using saker::synth::Generator;
using saker::synth::SyntheticEvent;

namespace {

struct Loaded {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules;
};

std::unique_ptr<Loaded> load(const std::string& path) {
    auto l = std::make_unique<Loaded>();
    l->rules = saker::load_rules(std::vector<std::string>{path}, l->sources, l->diags);
    return l;
}

// Sanitizer builds run ten times fewer events: the same code paths, within CI's time.
#ifndef SAKER_DIFF_SCALE
#define SAKER_DIFF_SCALE 1
#endif

size_t events_for(size_t fallback) {
    if (const char* s = std::getenv("SAKER_DIFF_EVENTS")) return std::strtoull(s, nullptr, 10);
    return fallback / SAKER_DIFF_SCALE;
}

uint64_t seed_for(const std::string& label) {
    uint64_t s = 0x5a4e5e11;
    if (const char* env = std::getenv("SAKER_DIFF_SEED")) s = std::strtoull(env, nullptr, 10);
    return s ^ std::hash<std::string>{}(label);
}

std::string rule_list(const saker::Ruleset& rules, const std::vector<uint32_t>& ids) {
    std::string out = "[";
    for (size_t i = 0; i < ids.size(); ++i)
        out += (i ? ", " : "") + std::to_string(ids[i]) + " '" + rules.rules[ids[i]].name + "'";
    return out + "]";
}

struct DiffStats {
    size_t events = 0;
    size_t matched = 0; // events matching at least one rule
    size_t mismatches = 0;
    std::map<std::string, size_t> per_rule;
};

// Runs `n` random events through `a` (the reference, the interpreter) and `b`; returns stats and
// reports up to a few mismatches in full.
DiffStats differential(const std::string& label, const saker::Ruleset& rules, saker::RuleEngine& a,
                       saker::RuleEngine& b, size_t n) {
    DiffStats st;
    auto gen = Generator::random(rules, seed_for(label));
    std::vector<uint32_t> out_a(rules.rules.size() + 1), out_b(rules.rules.size() + 1);
    for (size_t i = 0; i < n; ++i) {
        SyntheticEvent e = gen.next();
        uint32_t na = a.evaluate(e.type(), e, out_a.data(), UINT32_MAX);
        uint32_t nb = b.evaluate(e.type(), e, out_b.data(), UINT32_MAX);
        std::vector<uint32_t> all_a(out_a.begin(), out_a.begin() + na);
        std::vector<uint32_t> all_b(out_b.begin(), out_b.begin() + nb);
        uint32_t f_a = UINT32_MAX, f_b = UINT32_MAX;
        uint32_t fa = a.evaluate(e.type(), e, &f_a, 1);
        uint32_t fb = b.evaluate(e.type(), e, &f_b, 1);
        ++st.events;
        if (na) ++st.matched;
        for (uint32_t id : all_a)
            ++st.per_rule[rules.rules[id].name];
        // The reference agrees with itself: `first` is the head of `all`.
        bool self_ok = fa == (na ? 1u : 0u) && (!na || f_a == all_a[0]);
        bool same = all_a == all_b && fa == fb && (!fa || f_a == f_b);
        if (same && self_ok) continue;
        ++st.mismatches;
        if (st.mismatches <= 3) {
            std::ostringstream msg;
            msg << label << ": event #" << i << " differs\n"
                << e.describe() << "interpreter all: " << rule_list(rules, all_a)
                << "\nJIT all:         " << rule_list(rules, all_b)
                << "\ninterpreter first: " << (fa ? std::to_string(f_a) : "-")
                << "  JIT first: " << (fb ? std::to_string(f_b) : "-") << "\n";
            std::vector<uint32_t> diff;
            std::set_symmetric_difference(all_a.begin(), all_a.end(), all_b.begin(), all_b.end(),
                                          std::back_inserter(diff));
            if (diff.empty() && fa) diff.push_back(f_a);
            for (uint32_t id : diff)
                msg << "rule '" << rules.rules[id].name
                    << "': " << saker::ast::to_string(*rules.rules[id].condition) << "\n";
            FAIL_CHECK(msg.str());
        }
    }
    return st;
}

std::string summary(const std::string& label, const DiffStats& st, size_t rules) {
    std::ostringstream s;
    s << label << ": " << st.events << " events, " << rules << " rules, " << st.matched
      << " events matched >= 1 rule ("
      << (st.events ? 100.0 * double(st.matched) / double(st.events) : 0) << "%), "
      << st.per_rule.size() << " distinct rules matched, " << st.mismatches << " mismatches";
    return s.str();
}

// Builds both engines (the JIT's error, if any, is kept for the failure message).
struct Engines {
    std::unique_ptr<saker::RuleEngine> interp, jit;
    std::string jit_error;
};

Engines engines(const saker::Ruleset& rules) {
    Engines e;
    std::string err;
    e.interp = saker::make_engine(rules, {saker::EngineKind::Interp, 2, ""}, &err);
    e.jit = saker::make_engine(rules, {saker::EngineKind::Jit, 2, ""}, &e.jit_error);
    return e;
}

std::vector<fs::path> golden_files() {
    std::vector<fs::path> out;
    for (const auto& e :
         fs::directory_iterator(fs::path(SAKER_SOURCE_DIR) / "tests/frontend/golden/ok"))
        if (e.path().extension() == ".yaml") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

const std::string kCorpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";

// A FieldSource that only extracts and publishes no hot values: the JIT extracts the hot
// fields itself then (JitEngine::extract_hot).
struct PlainSource final : saker::FieldSource {
    explicit PlainSource(saker::FieldSource& s) : inner(s) {}
    void extract(const saker::FieldRequest& r, saker::Value& out) override {
        inner.extract(r, out);
    }
    saker::FieldSource& inner;
};

} // namespace

TEST_CASE("differential: upstream falco_rules.yaml, JIT vs interpreter") {
    auto l = load(kCorpus);
    INFO(l->diags.render_all(l->sources));
    REQUIRE_FALSE(l->diags.has_errors());
    Engines e = engines(l->rules);
    REQUIRE(e.interp);
    INFO(e.jit_error);
    REQUIRE(e.jit);
    size_t n = events_for(1000000);
    DiffStats st = differential("falco_rules.yaml", l->rules, *e.interp, *e.jit, n);
    WARN(summary("falco_rules.yaml", st, l->rules.rules.size()));
    CHECK(st.mismatches == 0);
    REQUIRE(st.matched > 0);
    CHECK(double(st.matched) >= 0.01 * double(st.events));
}

TEST_CASE("differential: a source without hot values, JIT vs interpreter") {
    auto l = load(kCorpus);
    REQUIRE_FALSE(l->diags.has_errors());
    Engines e = engines(l->rules);
    REQUIRE(e.interp);
    INFO(e.jit_error);
    REQUIRE(e.jit);
    auto gen = Generator::random(l->rules, seed_for("plain source"));
    std::vector<uint32_t> out_a(l->rules.rules.size()), out_b(l->rules.rules.size());
    size_t n = events_for(50000), mismatches = 0, matched = 0;
    for (size_t i = 0; i < n; ++i) {
        SyntheticEvent ev = gen.next();
        PlainSource plain(ev);
        if (i == 0) REQUIRE(plain.hot_values(saker::kAllHotFields) == nullptr);
        uint32_t na = e.interp->evaluate(ev.type(), ev, out_a.data(), UINT32_MAX);
        uint32_t nb = e.jit->evaluate(ev.type(), plain, out_b.data(), UINT32_MAX);
        matched += na > 0;
        if (na != nb || !std::equal(out_a.begin(), out_a.begin() + na, out_b.begin())) {
            if (++mismatches <= 3) FAIL_CHECK("event #" << i << " differs\n" << ev.describe());
        }
    }
    CHECK(mismatches == 0);
    CHECK(matched > 0);
}

TEST_CASE("differential: golden rulesets, JIT vs interpreter") {
    auto files = golden_files();
    REQUIRE_FALSE(files.empty());
    for (const auto& f : files) {
        auto l = load(f.string());
        INFO(f.string() << "\n" << l->diags.render_all(l->sources));
        REQUIRE_FALSE(l->diags.has_errors());
        Engines e = engines(l->rules);
        REQUIRE(e.interp);
        INFO(e.jit_error);
        REQUIRE(e.jit);
        std::string label = f.filename().string();
        DiffStats st = differential(label, l->rules, *e.interp, *e.jit, events_for(100000));
        WARN(summary(label, st, l->rules.rules.size()));
        CHECK(st.mismatches == 0);
    }
}

// Runs without the JIT: the harness and the generator against the interpreter alone (two
// instances must agree, and the generated events must make rules match often enough).
TEST_CASE("differential harness: the generator exercises the rules (interpreter only)") {
    auto l = load(kCorpus);
    REQUIRE_FALSE(l->diags.has_errors());
    auto a = saker::make_engine(l->rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
    auto b = saker::make_engine(l->rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
    REQUIRE(a);
    REQUIRE(b);
    size_t n = std::min<size_t>(events_for(300000), 30000);
    DiffStats st = differential("falco_rules.yaml (interp/interp)", l->rules, *a, *b, n);
    WARN(summary("falco_rules.yaml (interp/interp)", st, l->rules.rules.size()));
    CHECK(st.mismatches == 0);
    CHECK(double(st.matched) >= 0.01 * double(st.events));
    // Most upstream rules are reached.
    CHECK(st.per_rule.size() * 2 >= l->rules.enabled_count());

    for (const auto& f : golden_files()) {
        auto g = load(f.string());
        REQUIRE_FALSE(g->diags.has_errors());
        auto ga = saker::make_engine(g->rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
        auto gb = saker::make_engine(g->rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
        std::string label = f.filename().string() + " (interp/interp)";
        DiffStats gs = differential(label, g->rules, *ga, *gb, std::min<size_t>(n, 5000));
        WARN(summary(label, gs, g->rules.rules.size()));
        CHECK(gs.mismatches == 0);
    }
}

TEST_CASE("random generator: deterministic and typed per field") {
    auto l = load(kCorpus);
    REQUIRE_FALSE(l->diags.has_errors());
    auto g1 = Generator::random(l->rules, 1), g2 = Generator::random(l->rules, 1);
    CHECK(g1.plans().size() > 20);
    CHECK(g1.literal_count() > 100);
    for (int i = 0; i < 2000; ++i) {
        SyntheticEvent a = g1.next(), b = g2.next();
        REQUIRE(a.describe() == b.describe());
        // Every planned field has the kind its type asks for.
        for (const auto& p : g1.plans()) {
            saker::FieldRequest r;
            r.field = p.ref.field;
            r.has_arg = p.ref.has_arg;
            r.key = p.ref.arg;
            saker::Value v;
            a.extract(r, v);
            if (!v.present() || p.info->name == "evt.type") continue;
            bool list = p.ancestor || (p.info->is_list() && !p.ref.has_arg);
            INFO(p.info->name << "\n" << a.describe());
            if (list) {
                REQUIRE(v.kind == saker::ValueKind::List);
                continue;
            }
            switch (p.info->type) {
            case saker::FieldType::String:
            case saker::FieldType::Bytes:
                REQUIRE(v.kind == saker::ValueKind::Str);
                break;
            case saker::FieldType::IpAddr:
            case saker::FieldType::IpNet:
                REQUIRE(v.kind == saker::ValueKind::Ip);
                break;
            case saker::FieldType::Bool:
                REQUIRE(v.kind == saker::ValueKind::Int);
                REQUIRE((v.i == 0 || v.i == 1));
                break;
            default:
                REQUIRE(v.kind == saker::ValueKind::Int);
                break;
            }
        }
    }
}
