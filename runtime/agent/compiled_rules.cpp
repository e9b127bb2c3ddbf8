#include "runtime/agent/compiled_rules.h"

#include "frontend/frontend.h"

#include <spdlog/spdlog.h>

namespace saker::agent {

std::shared_ptr<const CompiledRules> compile_rules(const RulesRequest& request,
                                                   std::string& error) {
    auto out = std::make_shared<CompiledRules>();
    SourceManager sources;
    Diagnostics diags;
    out->rules = load_rules(request.files, sources, diags);
    if (diags.has_errors()) {
        error = diags.render_all(sources);
        return nullptr;
    }
    for (const auto& d : diags.all())
        spdlog::warn("{}", Diagnostics::render(sources, d));
    auto matched = config::apply_rule_selectors(request.selectors, out->rules);
    for (size_t i = 0; i < matched.size(); ++i)
        if (matched[i] == 0)
            spdlog::warn("rules: the {} selector '{}' matches no rule",
                         request.selectors[i].by_tag ? "tag" : "rule",
                         request.selectors[i].pattern);
    for (auto& r : out->rules.rules)
        if (r.priority > request.min_priority) r.enabled = false;
    out->engine = make_engine(out->rules, request.engine, &error);
    if (!out->engine) return nullptr;

    // Appended text is parsed once per distinct suffix; a suffix naming an unknown field is an
    // error, like an unknown field in a rule's own output.
    auto parse_suffix = [&](const std::string& suffix, std::vector<OutputToken>& tokens) {
        if (suffix.empty()) return true;
        tokens = output::parse_appended_output(suffix);
        if (tokens.empty()) error = "append_output: cannot parse '" + suffix + "'";
        return !tokens.empty();
    };
    std::vector<OutputToken> base;
    if (!parse_suffix(request.default_append, base)) return nullptr;
    std::vector<std::vector<OutputToken>> extras(request.append_output.size());
    for (size_t i = 0; i < extras.size(); ++i) {
        // Falco separates the extra text from the output with one space.
        std::string text = request.append_output[i].extra_output;
        if (!text.empty() && text.front() != ' ') text.insert(text.begin(), ' ');
        if (!parse_suffix(text, extras[i])) return nullptr;
    }
    for (const auto& rule : out->rules.rules) {
        std::vector<OutputToken> appended;
        std::vector<const config::AppendOutput*> entries;
        for (size_t i = 0; i < extras.size(); ++i)
            if (config::matches(request.append_output[i], rule))
                entries.push_back(&request.append_output[i]);
        // Entry by entry, its text then (once) the suggested fields, in Falco's order.
        bool suggested = false;
        for (const auto* e : entries) {
            const auto& more = extras[e - request.append_output.data()];
            appended.insert(appended.end(), more.begin(), more.end());
            if (e->suggested_output && !suggested)
                appended.insert(appended.end(), base.begin(), base.end()), suggested = true;
        }
        out->plans.push_back(output::plan_output(rule, appended));
        for (const auto* e : entries)
            if (!output::add_extra_fields(out->plans.back(), e->extra_fields, error))
                return nullptr;
    }
    return out;
}

} // namespace saker::agent
