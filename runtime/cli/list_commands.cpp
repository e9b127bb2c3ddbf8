// saker list-fields and saker list-rules.
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace saker::cli {

static const char* arg_kind_name(FieldArg a) {
    switch (a) {
    case FieldArg::None:
        return "none";
    case FieldArg::Index:
        return "index";
    case FieldArg::OptionalIndex:
        return "optional index";
    case FieldArg::Key:
        return "key";
    case FieldArg::OptionalKey:
        return "optional key";
    case FieldArg::IndexOrKey:
        return "index or key";
    }
    return "?";
}

void print_fields(bool json, bool names_only) {
    const auto fields = FieldRegistry::instance().all();
    if (json) {
        auto out = nlohmann::json::array();
        for (const auto& f : fields)
            out.push_back({{"name", f.name},
                           {"type", field_type_name(f.type)},
                           {"arg", arg_kind_name(f.arg)},
                           {"list", f.is_list()},
                           {"description", f.description}});
        std::cout << out.dump(2) << "\n";
        return;
    }
    for (const auto& f : fields) {
        if (names_only) {
            std::cout << f.name << "\n";
            continue;
        }
        std::string name(f.name);
        if (f.arg == FieldArg::Index || f.arg == FieldArg::OptionalIndex) name += "[N]";
        if (f.arg == FieldArg::Key || f.arg == FieldArg::OptionalKey) name += "[KEY]";
        if (f.arg == FieldArg::IndexOrKey) name += "[N|KEY]";
        std::string type(field_type_name(f.type));
        if (f.is_list()) type = "list<" + type + ">";
        std::cout << std::left << std::setw(40) << name << std::setw(16) << type << f.description
                  << "\n";
    }
}

int list_fields_command(int argc, char** argv) {
    auto args = parse_args("list-fields", {{"--json", "", false}}, argc, argv, 2);
    if (!args) return 2;
    print_fields(args->has("--json"), false);
    return 0;
}

int list_rules_command(int argc, char** argv) {
    auto args = parse_args("list-rules", {{"-r", "--rules-file", true}, {"--json", "", false}},
                           argc, argv, 2);
    if (!args) return 2;
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules;
    if (!load_for_command(args->all("-r"), sources, diags, rules)) return 1;
    if (args->has("--json")) {
        auto out = nlohmann::json::array();
        for (const auto& r : rules.rules)
            out.push_back({{"name", r.name},
                           {"priority", priority_name(r.priority)},
                           {"enabled", r.enabled},
                           {"tags", r.tags},
                           {"desc", r.desc}});
        std::cout << out.dump(2) << "\n";
        return 0;
    }
    for (const auto& r : rules.rules) {
        std::string tags;
        for (const auto& t : r.tags)
            tags += (tags.empty() ? "" : ",") + t;
        std::cout << std::left << std::setw(56) << r.name << std::setw(15)
                  << priority_name(r.priority) << std::setw(9)
                  << (r.enabled ? "enabled" : "disabled") << tags << "\n";
    }
    return 0;
}

} // namespace saker::cli
