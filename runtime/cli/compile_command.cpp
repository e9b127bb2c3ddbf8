// saker compile: load, check and (with the codegen layer) compile rules files.
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

#include <iostream>

namespace saker::cli {

bool load_for_command(const std::vector<std::string>& files, SourceManager& sources,
                      Diagnostics& diags, Ruleset& out) {
    std::vector<std::string> paths = files;
    if (paths.empty()) paths.push_back(SAKER_DEFAULT_RULES);
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
                            {"--rule", "", true}},
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
    if (args->has("--dump-ast")) dump_ast(rules, only);
    if (args->has("--validate") || !args->has("--dump-ast"))
        std::cout << rules.rules.size() << " rules (" << rules.enabled_count() << " enabled), "
                  << rules.macro_names.size() << " macros, " << rules.list_names.size()
                  << " lists\n";
    return 0;
}

} // namespace saker::cli
