// saker-bench predicates: rule evaluation cost, JIT vs interpreter, on a realistic event mix.
//
//   saker-bench predicates -r FILE... [--events N] [--distinct D] [--runs K] [--cache-dir D]
//                          [--seed S] [-O N] [--working-sets W,W,...]
//
// Loads the rules, generates D (default 256) distinct events with Generator::realistic (the mix
// is documented in synthetic_events.h) up front, untimed; checks, untimed, that both engines give
// the same first match for every event; then runs K (default 7) timed passes of each engine,
// each evaluating N (default 1,000,000) events by cycling through the D distinct ones, with
// rule_matching `first` (max = 1), interleaved, and reports the median ns/event. The engine
// reads each event's hot fields through SyntheticEvent::hot_values(), which extracts the wanted
// ones on every evaluation as the live EventFields does, so that work is inside the timed loop.
// Then, JIT only, the same K passes over each working set W (default 256, 4096, 65536 distinct
// events; jit_ns_per_event_by_working_set): the larger sets stand for a node whose events touch
// more processes and files than the caches hold.
// Why a working set of D events and not N distinct ones: the agent's field values come from
// process and fd tables that stay hot in cache; a million distinct synthetic events spread over
// hundreds of megabytes measure cache misses in the generator's storage instead of the rules.
// compile_cold_ms is make_engine(Jit) with a fresh, empty object cache directory;
// compile_cached_ms is make_engine(Jit) again with the same directory. Prints one JSON object.
#include "bench/bench_clock.h"
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "frontend/frontend.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

namespace fs = std::filesystem;
using saker::bench::median;
using Clock = std::chrono::steady_clock;

struct Options {
    std::vector<std::string> rules;
    size_t events = 1'000'000;
    size_t distinct = 256;
    int runs = 7;
    std::string cache_dir;
    uint64_t seed = 1;
    int opt_level = 2;
    std::vector<size_t> working_sets{256, 4096, 65536};
};

int usage(const char* why) {
    std::fprintf(stderr,
                 "saker-bench predicates: %s\n"
                 "usage: saker-bench predicates -r FILE... [--events N] [--distinct D] [--runs K] "
                 "[--cache-dir D] [--seed S] [-O N] [--working-sets W,W,...]\n",
                 why);
    return 2;
}

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// One timed pass: `total` evaluations cycling through the events, first match only.
// Returns ns/event.
double pass(saker::RuleEngine& engine, std::span<saker::synth::SyntheticEvent> events, size_t total,
            uint64_t& sink) {
    uint64_t matched = 0;
    uint32_t out = 0;
    auto t0 = Clock::now();
    for (size_t done = 0; done < total;)
        for (auto& e : events) {
            matched += engine.evaluate(e.type(), e, &out, 1);
            if (++done == total) break;
        }
    double ns = std::chrono::duration<double, std::nano>(Clock::now() - t0).count();
    sink += matched + out;
    return ns / static_cast<double>(total);
}

} // namespace

int run_predicates_bench(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "-r") {
            while (i + 1 < argc && argv[i + 1][0] != '-')
                o.rules.push_back(argv[++i]);
        } else if (a == "--events") {
            const char* v = value();
            if (!v) return usage("--events needs a number");
            o.events = std::strtoull(v, nullptr, 10);
        } else if (a == "--distinct") {
            const char* v = value();
            if (!v) return usage("--distinct needs a number");
            o.distinct = std::strtoull(v, nullptr, 10);
        } else if (a == "--runs") {
            const char* v = value();
            if (!v) return usage("--runs needs a number");
            o.runs = std::atoi(v);
        } else if (a == "--cache-dir") {
            const char* v = value();
            if (!v) return usage("--cache-dir needs a directory");
            o.cache_dir = v;
        } else if (a == "--seed") {
            const char* v = value();
            if (!v) return usage("--seed needs a number");
            o.seed = std::strtoull(v, nullptr, 10);
        } else if (a == "--working-sets") {
            const char* v = value();
            if (!v) return usage("--working-sets needs a list of numbers");
            o.working_sets.clear();
            for (const char* p = v; *p;) {
                char* end = nullptr;
                o.working_sets.push_back(std::strtoull(p, &end, 10));
                if (end == p || o.working_sets.back() == 0)
                    return usage("--working-sets needs positive numbers");
                p = *end == ',' ? end + 1 : end;
            }
        } else if (a == "-O" || a.starts_with("-O")) {
            const char* v = a.size() > 2 ? argv[i] + 2 : value();
            if (!v) return usage("-O needs 0..3");
            o.opt_level = std::atoi(v);
        } else {
            return usage(("unknown argument '" + a + "'").c_str());
        }
    }
    if (o.rules.empty()) return usage("no rules file given (-r FILE...)");
    if (o.events == 0 || o.runs <= 0 || o.distinct == 0)
        return usage("--events, --distinct and --runs must be positive");

    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules = saker::load_rules(o.rules, sources, diags);
    if (diags.has_errors()) {
        std::fprintf(stderr, "%s", diags.render_all(sources).c_str());
        return 1;
    }

    // Events, generated up front (not timed): enough for the largest working set.
    size_t generated = o.distinct;
    for (size_t w : o.working_sets)
        generated = std::max(generated, w);
    auto gen = saker::synth::Generator::realistic(o.seed);
    std::vector<saker::synth::SyntheticEvent> all;
    all.reserve(generated);
    {
        std::vector<saker::synth::SyntheticEvent> fresh;
        fresh.reserve(generated);
        for (size_t i = 0; i < generated; ++i)
            fresh.push_back(gen.next());
        // Copies allocate each event's storage together, in event order (generation interleaves
        // temporaries): the timed passes then stream through memory like a ring buffer.
        for (const auto& e : fresh)
            all.push_back(e);
    }
    std::span<saker::synth::SyntheticEvent> events(all.data(), o.distinct);

    // Compile times: a fresh, empty cache directory, then the same one again.
    fs::path base = o.cache_dir.empty() ? fs::temp_directory_path() : fs::path(o.cache_dir);
    fs::path cache = base / ("saker-predicates-" + std::to_string(::getpid()) + "-" +
                             std::to_string(Clock::now().time_since_epoch().count()));
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec) {
        std::fprintf(stderr, "saker-bench predicates: cannot create %s: %s\n",
                     cache.string().c_str(), ec.message().c_str());
        return 1;
    }
    saker::EngineOptions jit_opts{saker::EngineKind::Jit, o.opt_level, cache.string()};
    std::string err;
    auto t0 = Clock::now();
    auto cold = saker::make_engine(rules, jit_opts, &err);
    double compile_cold_ms = ms_since(t0);
    if (!cold) {
        std::fprintf(stderr, "saker-bench predicates: JIT engine: %s\n", err.c_str());
        fs::remove_all(cache, ec);
        return 1;
    }
    cold.reset();
    t0 = Clock::now();
    auto jit = saker::make_engine(rules, jit_opts, &err);
    double compile_cached_ms = ms_since(t0);
    fs::remove_all(cache, ec);
    if (!jit) {
        std::fprintf(stderr, "saker-bench predicates: JIT engine (cached): %s\n", err.c_str());
        return 1;
    }
    auto interp = saker::make_engine(rules, {saker::EngineKind::Interp, o.opt_level, ""}, &err);
    if (!interp) {
        std::fprintf(stderr, "saker-bench predicates: interpreter: %s\n", err.c_str());
        return 1;
    }

    // Both engines must give the same first match for every event (also the warm-up pass).
    uint64_t matches = 0;
    for (size_t i = 0; i < all.size(); ++i) {
        const bool counted = i < events.size(); // the match share is the main set's
        uint32_t a = UINT32_MAX, b = UINT32_MAX;
        uint32_t na = interp->evaluate(all[i].type(), all[i], &a, 1);
        uint32_t nb = jit->evaluate(all[i].type(), all[i], &b, 1);
        if (counted) matches += na;
        if (na != nb || (na && a != b)) {
            std::fprintf(stderr,
                         "saker-bench predicates: engines disagree on event %zu: interpreter %s, "
                         "JIT %s\n%s",
                         i, na ? rules.rules[a].name.c_str() : "-",
                         nb ? rules.rules[b].name.c_str() : "-", all[i].describe().c_str());
            return 1;
        }
    }

    std::vector<double> jit_runs, interp_runs;
    uint64_t sink = 0;
    for (int k = 0; k < o.runs; ++k) {
        jit_runs.push_back(pass(*jit, events, o.events, sink));
        // SAKER_BENCH_JIT_ONLY=1 leaves the interpreter out of the timed passes (for profiling
        // the JIT alone with perf); the JSON then reports no interpreter figure.
        if (!std::getenv("SAKER_BENCH_JIT_ONLY"))
            interp_runs.push_back(pass(*interp, events, o.events, sink));
    }
    double jit_ns = median(jit_runs), interp_ns = interp_runs.empty() ? 0 : median(interp_runs);

    nlohmann::json by_set = nlohmann::json::object();
    for (size_t w : o.working_sets) {
        std::vector<double> runs;
        for (int k = 0; k < o.runs; ++k)
            runs.push_back(pass(*jit, {all.data(), w}, o.events, sink));
        by_set[std::to_string(w)] = median(runs);
    }

    nlohmann::json mix = nlohmann::json::object();
    for (const auto& [type, count] : gen.type_counts())
        mix[type] = static_cast<double>(count) / static_cast<double>(all.size());

    nlohmann::json out = {
        {"benchmark", "predicates"},
        {"rules_files", o.rules},
        {"rules", rules.rules.size()},
        {"enabled_rules", rules.enabled_count()},
        {"events", o.events},
        {"distinct_events", events.size()},
        {"runs", o.runs},
        {"opt_level", o.opt_level},
        {"jit_ns_per_event", jit_ns},
        {"jit_ns_per_event_by_working_set", by_set},
        {"interp_ns_per_event", interp_ns},
        {"speedup", jit_ns > 0 ? interp_ns / jit_ns : 0.0},
        {"jit_runs_ns_per_event", jit_runs},
        {"interp_runs_ns_per_event", interp_runs},
        {"matches", matches},
        {"match_share", static_cast<double>(matches) / static_cast<double>(events.size())},
        {"trigger_events", gen.triggers()},
        {"compile_cold_ms", compile_cold_ms},
        {"compile_cached_ms", compile_cached_ms},
        {"mix", mix},
        {"checksum", sink % 1000003}, // keeps the timed loops from being optimized away
    };
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
}
