#include "frontend/frontend.h"

#include "frontend/rule_collector.h"
#include "frontend/rule_compiler.h"
#include "frontend/rule_reader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace saker {

Ruleset load_rules(const std::vector<RuleSource>& inputs, SourceManager& sources,
                   Diagnostics& diags) {
    RuleCollector collector(diags);
    for (const auto& in : inputs) {
        uint32_t id = sources.add(in.name, in.text);
        collector.add(read_rules_file(sources, id, diags));
    }
    if (diags.has_errors()) return {};
    return compile_rules(collector, diags);
}

Ruleset load_rules(const std::vector<std::string>& paths, SourceManager& sources,
                   Diagnostics& diags) {
    std::vector<RuleSource> inputs;
    for (const auto& p : paths) {
        std::ifstream f(p, std::ios::binary);
        std::ostringstream ss;
        if (f) ss << f.rdbuf();
        if (!f || f.bad()) {
            uint32_t id = sources.add(p, "");
            diags.error({id, 0, 0}, "cannot read rules file");
            continue;
        }
        inputs.push_back({p, ss.str()});
    }
    if (diags.has_errors()) return {};
    return load_rules(inputs, sources, diags);
}

std::optional<Priority> parse_priority(std::string_view text) {
    std::string t(text);
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    static constexpr std::pair<std::string_view, Priority> names[] = {
        {"emergency", Priority::Emergency},
        {"alert", Priority::Alert},
        {"critical", Priority::Critical},
        {"error", Priority::Error},
        {"warning", Priority::Warning},
        {"notice", Priority::Notice},
        {"informational", Priority::Informational},
        {"info", Priority::Informational},
        {"debug", Priority::Debug}};
    for (auto [n, p] : names)
        if (n == t) return p;
    return std::nullopt;
}

const char* priority_name(Priority p) {
    static constexpr const char* names[] = {"Emergency", "Alert",  "Critical",      "Error",
                                            "Warning",   "Notice", "Informational", "Debug"};
    return names[static_cast<int>(p)];
}

size_t Ruleset::enabled_count() const {
    return static_cast<size_t>(
        std::count_if(rules.begin(), rules.end(), [](const Rule& r) { return r.enabled; }));
}

const Rule* Ruleset::find(std::string_view name) const {
    for (const auto& r : rules)
        if (r.name == name) return &r;
    return nullptr;
}

} // namespace saker
