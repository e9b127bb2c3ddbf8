// Helpers shared by the frontend tests.
#pragma once

#include "frontend/frontend.h"
#include "frontend/parser.h"

#include <fstream>
#include <sstream>
#include <string>

namespace saker::test {

inline MappedText mapped(const std::string& s, uint32_t file = 1) {
    MappedText t;
    t.anchor = {file, 1, 1};
    for (size_t i = 0; i < s.size(); ++i)
        t.append(std::string_view(&s[i], 1), {file, 1, static_cast<uint32_t>(i + 1)});
    return t;
}

// Parses and prints back (to_string), or returns "error: <col>: <message>".
inline std::string parse_print(const std::string& cond) {
    Diagnostics d;
    auto e = parse_condition(mapped(cond), d);
    if (!e) return "error: " + std::to_string(d.all()[0].loc.col) + ": " + d.all()[0].message;
    return ast::to_string(*e);
}

struct Loaded {
    SourceManager sources;
    Diagnostics diags;
    Ruleset rules;
    std::string rendered() const { return diags.render_all(sources); }
};

inline std::unique_ptr<Loaded> load(std::vector<RuleSource> files) {
    auto l = std::make_unique<Loaded>();
    l->rules = load_rules(files, l->sources, l->diags);
    return l;
}

inline std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::ostringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

} // namespace saker::test
