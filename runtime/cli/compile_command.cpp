// saker compile: load, check and (with the codegen layer) compile rules files.
#include "runtime/cli/commands.h"

#include "codegen/engine.h"
#include "codegen/jit.h"
#include "runtime/cli/options.h"
#include "runtime/config/config.h"

#include <chrono>
#include <iostream>

namespace saker::cli {

bool load_for_command(const std::vector<std::string>& files, SourceManager& sources,
                      Diagnostics& diags, Ruleset& out) {
    // A directory stands for its *.yaml/*.yml files, in name order, as in `run` and Falco.
    std::vector<std::string> paths = config::expand_rules_files(files);
    if (files.empty()) paths.push_back(SAKER_DEFAULT_RULES);
    if (paths.empty()) { // only empty folders: checking nothing must not look like success
        std::cerr << "error: no rules files: ";
        for (size_t i = 0; i < files.size(); ++i)
            std::cerr << (i ? ", " : "") << "'" << files[i] << "'";
        std::cerr << " hold(s) no *.yaml or *.yml file\n";
        return false;
    }
    out = load_rules(paths, sources, diags);
    std::cerr << diags.render_all(sources);
    if (diags.has_errors()) {
        std::cerr << diags.error_count() << " error(s), " << diags.warning_count()
                  << " warning(s)\n";
        return false;
    }
    return true;
}

static void dump_ast(const Ruleset& rules, const std::optional<std::string>& only) {
    for (const auto& r : rules.rules) {
        if (only && r.name != *only) continue;
        std::cout << "rule: " << r.name << (r.enabled ? "" : " (disabled)") << "\n";
        std::cout << "evttypes: ";
        if (r.evttypes.all) std::cout << "<all>";
        for (size_t i = 0; i < r.evttypes.names.size(); ++i)
            std::cout << (i ? " " : "") << r.evttypes.names[i];
        std::cout << "\n" << ast::dump_tree(*r.condition) << "\n";
    }
}

int compile_command(int argc, char** argv) {
    auto args = parse_args("compile",
                           {{"-r", "--rules-file", true},
                            {"--validate", "", false},
                            {"--dump-ast", "", false},
                            {"--rule", "", true},
                            {"--dump-ir", "", false},
                            {"--dump-asm", "", false},
                            {"-O", "", true},
                            {"--engine", "", true},
                            {"--cache-dir", "", true}},
                           argc, argv, 2);
    if (!args) return 2;
    if (!args->positional.empty()) {
        std::cerr << "saker compile: unexpected argument '" << args->positional[0]
                  << "' (rules files are given with -r)\n";
        return 2;
    }
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules;
    if (!load_for_command(args->all("-r"), sources, diags, rules)) return 1;
    auto only = args->last("--rule");
    if (only && !rules.find(*only)) {
        std::cerr << "saker compile: no rule named '" << *only << "'\n";
        return 1;
    }
    int opt = 2;
    if (auto o = args->last("-O")) {
        if (o->size() != 1 || (*o)[0] < '0' || (*o)[0] > '3') {
            std::cerr << "saker compile: -O takes 0, 1, 2 or 3\n";
            return 2;
        }
        opt = (*o)[0] - '0';
    }
    if (args->has("--dump-ast")) dump_ast(rules, only);
    if (args->has("--dump-ir") || args->has("--dump-asm")) {
        std::string text, error;
        bool ok = args->has("--dump-ir") ? dump_ir(rules, only.value_or(""), opt, text, &error)
                                         : dump_asm(rules, only.value_or(""), opt, text, &error);
        if (!ok) {
            std::cerr << "saker compile: " << error << "\n";
            return 1;
        }
        std::cout << text;
    }
    bool dumped = args->has("--dump-ast") || args->has("--dump-ir") || args->has("--dump-asm");
    if (!args->has("--validate") && !dumped) {
        // Plain `compile`: build the engine, as `run` would, and say how long it took.
        EngineOptions options;
        options.opt_level = opt;
        options.cache_dir = args->last("--cache-dir").value_or("");
        std::string engine = args->last("--engine").value_or("jit");
        if (engine != "jit" && engine != "interp") {
            std::cerr << "saker compile: --engine takes jit or interp\n";
            return 2;
        }
        options.kind = engine == "jit" ? EngineKind::Jit : EngineKind::Interp;
        auto start = std::chrono::steady_clock::now();
        std::string error;
        auto built = make_engine(rules, options, &error);
        if (!built) {
            std::cerr << "saker compile: " << error << "\n";
            return 1;
        }
        auto ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start);
        std::cerr << "compiled with " << engine << " -O" << opt << " in " << ms.count() << " ms\n";
    }
    if (args->has("--validate") || !dumped)
        std::cout << rules.rules.size() << " rules (" << rules.enabled_count() << " enabled), "
                  << rules.macro_names.size() << " macros, " << rules.list_names.size()
                  << " lists\n";
    return 0;
}

} // namespace saker::cli
