#include "frontend/rule_collector.h"

#include <algorithm>
#include <array>
#include <cstdio>

#ifndef SAKER_ENGINE_VERSION
#define SAKER_ENGINE_VERSION "0.57.0"
#endif

namespace saker {

const char* engine_version() {
    return SAKER_ENGINE_VERSION;
}

void RuleCollector::add(std::vector<RawItem> items) {
    for (auto& item : items) {
        ++seq_;
        switch (item.kind) {
        case RawItem::Kind::List:
            add_list(std::move(item.list));
            break;
        case RawItem::Kind::Macro:
            add_macro(std::move(item.macro));
            break;
        case RawItem::Kind::Rule:
            add_rule(std::move(item.rule));
            break;
        case RawItem::Kind::EngineVersion:
            check_engine_version(item.engine);
            break;
        case RawItem::Kind::PluginVersions:
            check_plugins(item.plugins);
            break;
        }
    }
}

void RuleCollector::add_list(RawList l) {
    auto it = list_at_.find(l.name.value);
    bool append = l.append || l.items_override == OverrideMode::Append;
    if (append || l.items_override == OverrideMode::Replace) {
        if (it == list_at_.end()) {
            diags_.error(l.name.loc, append ? "list '" + l.name.value +
                                                  "' is appended to, but no list by that name "
                                                  "is defined before"
                                            : "list '" + l.name.value +
                                                  "' overrides 'items', but no list by that "
                                                  "name is defined before");
            return;
        }
        CollectedList& into = lists_[it->second];
        if (!append) into.raw.items.clear();
        for (auto& item : l.items)
            into.raw.items.push_back(std::move(item));
        into.visibility = seq_;
        return;
    }
    if (it != list_at_.end()) {
        lists_[it->second].raw = std::move(l);
        lists_[it->second].visibility = seq_;
        return;
    }
    list_at_[l.name.value] = lists_.size();
    lists_.push_back({std::move(l), seq_, seq_});
}

void RuleCollector::add_macro(RawMacro m) {
    auto it = macro_at_.find(m.name.value);
    bool append = m.append || m.condition_override == OverrideMode::Append;
    if (append || m.condition_override == OverrideMode::Replace) {
        if (it == macro_at_.end()) {
            diags_.error(m.name.loc, "macro '" + m.name.value + "' is " +
                                         (append ? "appended to" : "overridden") +
                                         ", but no macro by that name is defined before");
            return;
        }
        CollectedMacro& into = macros_[it->second];
        if (append) {
            into.raw.condition.append(" ", m.condition_loc);
            into.raw.condition.append(m.condition);
        } else {
            into.raw.condition = std::move(m.condition);
            into.raw.condition_loc = m.condition_loc;
        }
        into.visibility = seq_;
        return;
    }
    if (it != macro_at_.end()) {
        macros_[it->second].raw = std::move(m);
        macros_[it->second].visibility = seq_;
        return;
    }
    macro_at_[m.name.value] = macros_.size();
    macros_.push_back({std::move(m), seq_, seq_});
}

void RuleCollector::add_rule(RawRule r) {
    auto it = rule_at_.find(r.name.value);
    CollectedRule* existing = it == rule_at_.end() ? nullptr : &rules_[it->second];
    if (r.append && !r.overrides.empty()) {
        diags_.error(r.name.loc, "rule '" + r.name.value +
                                     "' uses both 'append' and 'override'; use only 'override'");
        return;
    }
    if (r.append || !r.overrides.empty()) {
        if (!existing) {
            diags_.error(r.name.loc, "rule '" + r.name.value + "' uses " +
                                         (r.append ? "'append'" : "'override'") +
                                         ", but no rule by that name is defined before");
            return;
        }
        if (r.append)
            append_rule_legacy(*existing, r);
        else
            override_rule(*existing, r);
        return;
    }
    // A rule item with only `enabled` switches an existing rule on or off.
    bool only_enabled = r.enabled && r.keys.size() == 2;
    if (only_enabled) {
        if (existing)
            existing->enabled = r.enabled->value;
        else
            diags_.error(r.name.loc, "rule '" + r.name.value +
                                         "' only sets 'enabled', but no "
                                         "rule by that name is defined before");
        return;
    }
    define_rule(r);
}

void RuleCollector::define_rule(RawRule& r) {
    const char* missing = !r.condition  ? "condition"
                          : !r.output   ? "output"
                          : !r.desc     ? "desc"
                          : !r.priority ? "priority"
                                        : nullptr;
    if (missing) {
        diags_.error(r.name.loc, "rule '" + r.name.value + "' has no '" + missing + "'");
        return;
    }
    CollectedRule c;
    c.name = r.name;
    c.desc = *r.desc;
    c.condition = std::move(*r.condition);
    c.condition_loc = r.condition_loc;
    c.output = std::move(*r.output);
    c.priority = r.priority->value;
    if (r.tags) c.tags = r.tags->value;
    if (r.enabled) c.enabled = r.enabled->value;
    if (r.source) c.source = r.source->value;
    if (r.warn_evttypes) c.warn_evttypes = r.warn_evttypes->value;
    if (r.skip_if_unknown_filter) c.skip_if_unknown_filter = r.skip_if_unknown_filter->value;
    if (r.exceptions) c.exceptions = std::move(r.exceptions->value);
    auto it = rule_at_.find(c.name.value);
    if (it != rule_at_.end()) {
        rules_[it->second] = std::move(c);
        return;
    }
    rule_at_[c.name.value] = rules_.size();
    rules_.push_back(std::move(c));
}

void RuleCollector::append_rule_legacy(CollectedRule& into, RawRule& r) {
    diags_.warning(r.name.loc, "'append: true' is deprecated; use 'override: {condition: "
                               "append}' and friends instead");
    for (const auto& key : r.keys) {
        if (key.value == "rule" || key.value == "append" || key.value == "condition" ||
            key.value == "exceptions")
            continue;
        diags_.warning(key.loc, "key '" + key.value +
                                    "' is ignored in a rule with 'append: true'"
                                    " (only 'condition' and 'exceptions' are appended)");
    }
    if (r.condition) {
        into.condition.append(" ", r.condition_loc);
        into.condition.append(*r.condition);
    }
    if (r.exceptions) merge_exceptions(into, std::move(r.exceptions->value));
}

void RuleCollector::override_rule(CollectedRule& into, RawRule& r) {
    static constexpr std::array<std::string_view, 5> appendable = {"condition", "output", "desc",
                                                                   "tags", "exceptions"};
    static constexpr std::array<std::string_view, 12> replaceable = {
        "condition", "output",        "desc",
        "tags",      "exceptions",    "priority",
        "enabled",   "warn_evttypes", "skip-if-unknown-filter",
        "source",    "capture",       "capture_duration"};
    auto contains = [](auto& arr, const std::string& k) {
        return std::find(arr.begin(), arr.end(), k) != arr.end();
    };
    bool ok = true;
    for (const auto& [key, mode] : r.overrides) {
        bool append = mode.value == OverrideMode::Append;
        if (append && !contains(appendable, key)) {
            diags_.error(mode.loc, "key '" + key + "' cannot be appended to; use 'replace'");
            ok = false;
        } else if (!append && !contains(replaceable, key)) {
            diags_.error(mode.loc, "key '" + key + "' cannot be replaced");
            ok = false;
        } else if (std::none_of(r.keys.begin(), r.keys.end(),
                                [&](const auto& k) { return k.value == key; })) {
            diags_.error(mode.loc, "'override' names key '" + key +
                                       "', but the rule item does not define it");
            ok = false;
        }
    }
    for (const auto& key : r.keys) {
        if (key.value == "rule" || key.value == "override" || r.overrides.count(key.value))
            continue;
        diags_.error(key.loc, "unexpected key '" + key.value +
                                  "': no corresponding entry under 'override' is defined");
        ok = false;
    }
    if (!ok) return;
    auto mode = [&](const char* key) { return r.overrides.find(key)->second.value; };
    auto join = [](std::string& a, const std::string& b) { a += " " + b; };
    if (r.condition) {
        if (mode("condition") == OverrideMode::Append) {
            into.condition.append(" ", r.condition_loc);
            into.condition.append(*r.condition);
        } else {
            into.condition = std::move(*r.condition);
            into.condition_loc = r.condition_loc;
        }
    }
    if (r.output) {
        if (mode("output") == OverrideMode::Append) {
            into.output.append(" ", r.output->anchor);
            into.output.append(*r.output);
        } else {
            into.output = std::move(*r.output);
        }
    }
    if (r.desc) {
        if (mode("desc") == OverrideMode::Append)
            join(into.desc.value, r.desc->value);
        else
            into.desc = *r.desc;
    }
    if (r.tags) {
        if (mode("tags") == OverrideMode::Replace) into.tags.clear();
        for (const auto& t : r.tags->value)
            if (std::find(into.tags.begin(), into.tags.end(), t) == into.tags.end())
                into.tags.push_back(t);
    }
    if (r.exceptions) {
        if (mode("exceptions") == OverrideMode::Replace) into.exceptions.clear();
        merge_exceptions(into, std::move(r.exceptions->value));
    }
    if (r.priority) into.priority = r.priority->value;
    if (r.enabled) into.enabled = r.enabled->value;
    if (r.source) into.source = r.source->value;
    if (r.warn_evttypes) into.warn_evttypes = r.warn_evttypes->value;
    if (r.skip_if_unknown_filter) into.skip_if_unknown_filter = r.skip_if_unknown_filter->value;
}

void RuleCollector::merge_exceptions(CollectedRule& into, std::vector<RawException> more) {
    for (auto& ex : more) {
        auto it =
            std::find_if(into.exceptions.begin(), into.exceptions.end(),
                         [&](const RawException& e) { return e.name.value == ex.name.value; });
        if (it == into.exceptions.end()) {
            into.exceptions.push_back(std::move(ex));
            continue;
        }
        if (!ex.fields.empty() || ex.comps_given) {
            diags_.error(ex.name.loc, "exception '" + ex.name.value +
                                          "' already exists; an append may only add 'values'");
            continue;
        }
        for (auto& row : ex.values)
            it->values.push_back(std::move(row));
    }
}

// "0.57.0" -> {0, 57, 0}; a bare integer N means 0.N.0 (the pre-semver engine versions).
static bool parse_version(const std::string& s, std::array<unsigned, 3>& v) {
    unsigned a = 0, b = 0, c = 0;
    int n = 0;
    if (std::sscanf(s.c_str(), "%u.%u.%u%n", &a, &b, &c, &n) == 3 && n == (int)s.size()) {
        v = {a, b, c};
        return true;
    }
    if (std::sscanf(s.c_str(), "%u%n", &b, &n) == 1 && n == (int)s.size()) {
        v = {0, b, 0};
        return true;
    }
    return false;
}

void RuleCollector::check_engine_version(const RawEngineVersion& req) {
    std::array<unsigned, 3> want{}, have{};
    parse_version(engine_version(), have);
    if (!parse_version(req.version.value, want)) {
        diags_.error(req.version.loc, "cannot parse engine version '" + req.version.value +
                                          "'; expected an integer or \"x.y.z\"");
        return;
    }
    if (want[0] != have[0] || want > have)
        diags_.error(req.version.loc, "rules require engine version " + req.version.value +
                                          ", but saker implements engine version " +
                                          engine_version());
}

void RuleCollector::check_plugins(const std::vector<RawPluginRequirement>& plugins) {
    for (const auto& p : plugins) {
        // Container metadata is built into saker's runtime, so the `container` plugin that
        // Falco's rules ask for is always satisfied.
        if (p.name.value == "container") continue;
        diags_.error(p.name.loc,
                     "rules require plugin '" + p.name.value + "'" +
                         (p.version.value.empty() ? "" : " version " + p.version.value) +
                         ", which saker does not provide");
    }
}

} // namespace saker
