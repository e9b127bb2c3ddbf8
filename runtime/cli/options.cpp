#include "runtime/cli/options.h"

#include <iostream>

namespace saker::cli {

std::optional<std::string> Args::last(const std::string& flag) const {
    auto it = values.find(flag);
    if (it == values.end() || it->second.empty()) return std::nullopt;
    return it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& flag) const {
    static const std::vector<std::string> none;
    auto it = values.find(flag);
    return it == values.end() ? none : it->second;
}

std::optional<Args> parse_args(const std::string& command, const std::vector<FlagSpec>& specs,
                               int argc, char** argv, int first) {
    Args args;
    const std::string who = command.empty() ? "saker" : "saker " + command;
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a.empty() || a[0] != '-' || a == "-") {
            args.positional.push_back(a);
            continue;
        }
        std::string value;
        bool inline_value = false;
        if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = a.substr(eq + 1);
            a = a.substr(0, eq);
            inline_value = true;
        }
        const FlagSpec* spec = nullptr;
        for (const auto& s : specs)
            if (s.name == a || (!s.alias.empty() && s.alias == a)) spec = &s;
        if (!spec && a.size() > 2 && a[1] != '-') { // `-M10`: a short flag and its value
            for (const auto& s : specs)
                if (s.takes_value && s.name == a.substr(0, 2)) spec = &s;
            if (spec) value = a.substr(2), a = a.substr(0, 2), inline_value = true;
        }
        if (!spec) {
            std::cerr << who << ": unknown option '" << a << "'\n";
            return std::nullopt;
        }
        if (spec->optional_value) {
            args.values[spec->name].push_back(value);
            continue;
        }
        if (!spec->takes_value) {
            if (inline_value) {
                std::cerr << who << ": option '" << a << "' takes no value\n";
                return std::nullopt;
            }
            args.values[spec->name];
            continue;
        }
        if (!inline_value) {
            if (i + 1 >= argc) {
                std::cerr << who << ": option '" << a << "' needs a value\n";
                return std::nullopt;
            }
            value = argv[++i];
        }
        args.values[spec->name].push_back(value);
    }
    return args;
}

} // namespace saker::cli
