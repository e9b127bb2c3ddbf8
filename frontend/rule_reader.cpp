#include "frontend/rule_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace saker {
namespace {

// Thrown inside the reader for a problem that makes the current item unusable; the item is
// skipped and reading goes on with the next one.
struct ItemError {
    SourceLoc loc;
    std::string message;
};

class Reader {
  public:
    Reader(const SourceManager& sources, uint32_t file, Diagnostics& diags)
        : sources_(sources), file_(file), diags_(diags), text_(sources.text(file)) {}

    std::vector<RawItem> read() {
        YAML::Node root;
        try {
            root = YAML::Load(text_);
        } catch (const YAML::Exception& e) {
            diags_.error(loc(e.mark), "invalid YAML: " + e.msg);
            return {};
        }
        if (!root.IsDefined() || root.IsNull()) return {};
        if (!root.IsSequence()) {
            diags_.error(loc(root.Mark()), "a rules file must be a YAML sequence of items "
                                           "(- rule:, - macro:, - list:, ...)");
            return {};
        }
        std::vector<RawItem> items;
        for (const auto& node : root) {
            try {
                if (auto item = read_item(node)) items.push_back(std::move(*item));
            } catch (const ItemError& e) {
                diags_.error(e.loc, e.message);
            } catch (const YAML::Exception& e) {
                diags_.error(loc(e.mark), "invalid YAML: " + e.msg);
            }
        }
        return items;
    }

  private:
    const SourceManager& sources_;
    uint32_t file_;
    Diagnostics& diags_;
    const std::string& text_;

    SourceLoc loc(const YAML::Mark& m) const {
        if (m.is_null()) return {file_, 0, 0};
        return {file_, static_cast<uint32_t>(m.line + 1), static_cast<uint32_t>(m.column + 1)};
    }
    SourceLoc loc(const YAML::Node& n) const { return loc(n.Mark()); }

    [[noreturn]] void fail(const YAML::Node& n, std::string msg) {
        throw ItemError{loc(n), std::move(msg)};
    }

    std::optional<RawItem> read_item(const YAML::Node& node) {
        if (!node.IsMap() || node.size() == 0)
            fail(node, "each item must be a mapping such as '- rule: name'");
        static constexpr std::string_view kinds[] = {
            "rule", "macro", "list", "required_engine_version", "required_plugin_versions"};
        for (const auto& kv : node) {
            std::string key = kv.first.as<std::string>();
            if (std::find(std::begin(kinds), std::end(kinds), key) == std::end(kinds)) continue;
            RawItem item{};
            if (key == "rule") item.kind = RawItem::Kind::Rule, item.rule = read_rule(node);
            if (key == "macro") item.kind = RawItem::Kind::Macro, item.macro = read_macro(node);
            if (key == "list") item.kind = RawItem::Kind::List, item.list = read_list(node);
            if (key == "required_engine_version")
                item.kind = RawItem::Kind::EngineVersion, item.engine = read_engine(kv.second);
            if (key == "required_plugin_versions")
                item.kind = RawItem::Kind::PluginVersions, item.plugins = read_plugins(kv.second);
            return item;
        }
        diags_.warning(loc(node), "unknown item '" + node.begin()->first.as<std::string>() +
                                      "' ignored; expected rule, macro, list, "
                                      "required_engine_version or required_plugin_versions");
        return std::nullopt;
    }

    std::string scalar(const YAML::Node& n, std::string_view what) {
        if (!n.IsScalar()) fail(n, std::string(what) + " must be a string");
        return n.Scalar();
    }

    Located<std::string> located_scalar(const YAML::Node& n, std::string_view what) {
        return {scalar(n, what), loc(n)};
    }

    bool boolean(const YAML::Node& n, std::string_view what) {
        bool v = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v))
            fail(n, std::string(what) + " must be true or false");
        return v;
    }

    Located<std::string> name_of(const YAML::Node& item, const char* kind) {
        const YAML::Node n = item[kind];
        if (!n.IsScalar() || n.Scalar().empty())
            fail(n.IsDefined() ? n : item, std::string(kind) + " name must be a non-empty string");
        return {n.Scalar(), loc(n)};
    }

    // Maps every byte of a scalar's value back to the file: plain and block scalars fold
    // newlines and drop indentation, quoted ones drop quotes and escapes, so the value is
    // aligned with the source text that follows the node's mark.
    MappedText mapped_scalar(const YAML::Node& n) {
        MappedText out;
        out.anchor = loc(n);
        const std::string& value = n.Scalar();
        size_t j = std::min(n.Mark().pos < 0 ? 0 : static_cast<size_t>(n.Mark().pos), text_.size());
        auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
        auto skippable = [&](char c) {
            return is_space(c) || c == '"' || c == '\'' || c == '\\' || c == '>' || c == '|' ||
                   c == '-' || c == '+';
        };
        for (char c : value) {
            size_t k = j;
            while (k < text_.size() && k - j < 256 && text_[k] != c &&
                   !(is_space(c) && is_space(text_[k])) && skippable(text_[k]))
                ++k;
            bool matched =
                k < text_.size() && (text_[k] == c || (is_space(c) && is_space(text_[k])));
            size_t at = matched ? k : j;
            out.append(std::string_view(&c, 1), sources_.loc_at(file_, std::min(at, text_.size())));
            if (matched) j = k + 1;
        }
        return out;
    }

    OverrideMode override_mode(const YAML::Node& n) {
        std::string v = scalar(n, "an override");
        if (v == "append") return OverrideMode::Append;
        if (v == "replace") return OverrideMode::Replace;
        fail(n, "override mode must be 'append' or 'replace', not '" + v + "'");
    }

    std::map<std::string, Located<OverrideMode>> overrides(const YAML::Node& item) {
        std::map<std::string, Located<OverrideMode>> out;
        const YAML::Node o = item["override"];
        if (!o.IsDefined()) return out;
        if (!o.IsMap()) fail(o, "'override' must be a mapping of key: append|replace");
        for (const auto& kv : o)
            out[kv.first.as<std::string>()] = {override_mode(kv.second), loc(kv.first)};
        return out;
    }

    void warn_unknown_keys(const YAML::Node& item, std::initializer_list<std::string_view> known,
                           const char* kind) {
        for (const auto& kv : item) {
            std::string key = kv.first.as<std::string>();
            if (std::find(known.begin(), known.end(), key) == known.end())
                diags_.warning(loc(kv.first), "unknown key '" + key + "' in " + kind + " ignored");
        }
    }

    RawList read_list(const YAML::Node& item) {
        RawList l;
        l.name = name_of(item, "list");
        warn_unknown_keys(item, {"list", "items", "append", "override"}, "list");
        const YAML::Node items = item["items"];
        if (!items.IsDefined()) fail(item, "list '" + l.name.value + "' has no 'items'");
        if (!items.IsSequence() && !items.IsNull())
            fail(items, "'items' of list '" + l.name.value + "' must be a sequence");
        for (const auto& it : items)
            l.items.push_back(located_scalar(it, "a list item"));
        if (item["append"].IsDefined()) l.append = boolean(item["append"], "'append'");
        for (auto& [key, mode] : overrides(item)) {
            if (key != "items")
                throw ItemError{mode.loc, "lists can only override 'items', not '" + key + "'"};
            l.items_override = mode.value;
        }
        return l;
    }

    RawMacro read_macro(const YAML::Node& item) {
        RawMacro m;
        m.name = name_of(item, "macro");
        warn_unknown_keys(item, {"macro", "condition", "append", "override"}, "macro");
        const YAML::Node cond = item["condition"];
        if (!cond.IsDefined()) fail(item, "macro '" + m.name.value + "' has no 'condition'");
        scalar(cond, "'condition'");
        m.condition = mapped_scalar(cond);
        m.condition_loc = loc(cond);
        if (item["append"].IsDefined()) m.append = boolean(item["append"], "'append'");
        for (auto& [key, mode] : overrides(item)) {
            if (key != "condition")
                throw ItemError{mode.loc,
                                "macros can only override 'condition', not '" + key + "'"};
            m.condition_override = mode.value;
        }
        return m;
    }

    RawEngineVersion read_engine(const YAML::Node& n) {
        return {located_scalar(n, "required_engine_version")};
    }

    std::vector<RawPluginRequirement> read_plugins(const YAML::Node& n) {
        if (!n.IsSequence()) fail(n, "required_plugin_versions must be a sequence");
        std::vector<RawPluginRequirement> out;
        for (const auto& p : n) {
            if (!p.IsMap() || !p["name"].IsDefined())
                fail(p, "each required plugin needs a 'name' and a 'version'");
            RawPluginRequirement r;
            r.name = located_scalar(p["name"], "plugin name");
            if (p["version"].IsDefined())
                r.version = located_scalar(p["version"], "plugin version");
            out.push_back(std::move(r));
        }
        return out;
    }

    std::vector<Located<std::string>> string_or_list(const YAML::Node& n, std::string_view what,
                                                     bool* is_list) {
        std::vector<Located<std::string>> out;
        *is_list = n.IsSequence();
        if (n.IsSequence())
            for (const auto& it : n)
                out.push_back(located_scalar(it, what));
        else
            out.push_back(located_scalar(n, what));
        return out;
    }

    RawExceptionCell cell(const YAML::Node& n) {
        RawExceptionCell c;
        c.loc = loc(n);
        bool is_list = false;
        c.items = string_or_list(n, "an exception value", &is_list);
        c.is_list = is_list;
        return c;
    }

    RawException read_exception(const YAML::Node& n) {
        if (!n.IsMap() || !n["name"].IsDefined()) fail(n, "each exception needs a 'name'");
        RawException ex;
        ex.loc = loc(n);
        ex.name = located_scalar(n["name"], "exception name");
        warn_unknown_keys(n, {"name", "fields", "comps", "values"}, "exception");
        if (n["fields"].IsDefined())
            ex.fields = string_or_list(n["fields"], "an exception field", &ex.fields_is_list);
        if (n["comps"].IsDefined()) {
            bool comps_is_list = false;
            ex.comps = string_or_list(n["comps"], "an exception comparison", &comps_is_list);
            ex.comps_given = true;
        }
        const YAML::Node values = n["values"];
        if (values.IsDefined() && !values.IsNull()) {
            if (!values.IsSequence()) fail(values, "exception 'values' must be a sequence");
            for (const auto& row : values) {
                RawException::Row r{row.IsSequence(), loc(row), {}};
                if (row.IsSequence())
                    for (const auto& v : row)
                        r.cells.push_back(cell(v));
                else
                    r.cells.push_back(cell(row));
                ex.values.push_back(std::move(r));
            }
        }
        return ex;
    }

    RawRule read_rule(const YAML::Node& item) {
        RawRule r;
        r.name = name_of(item, "rule");
        static constexpr std::string_view known[] = {"rule",
                                                     "desc",
                                                     "condition",
                                                     "output",
                                                     "priority",
                                                     "tags",
                                                     "enabled",
                                                     "source",
                                                     "exceptions",
                                                     "warn_evttypes",
                                                     "skip-if-unknown-filter",
                                                     "append",
                                                     "override",
                                                     "capture",
                                                     "capture_duration"};
        for (const auto& kv : item) {
            std::string key = kv.first.as<std::string>();
            const YAML::Node v = kv.second;
            r.keys.push_back({key, loc(kv.first)});
            if (std::find(std::begin(known), std::end(known), key) == std::end(known))
                diags_.warning(loc(kv.first),
                               "unknown key '" + key + "' in rule '" + r.name.value + "' ignored");
            else if (key == "desc")
                r.desc = located_scalar(v, "'desc'");
            else if (key == "output") {
                scalar(v, "'output'");
                r.output = mapped_scalar(v);
            } else if (key == "source")
                r.source = located_scalar(v, "'source'");
            else if (key == "condition") {
                scalar(v, "'condition'");
                r.condition = mapped_scalar(v);
                r.condition_loc = loc(v);
            } else if (key == "priority")
                r.priority = read_priority(v);
            else if (key == "tags")
                r.tags = read_tags(v);
            else if (key == "enabled")
                r.enabled = Located<bool>{boolean(v, "'enabled'"), loc(v)};
            else if (key == "warn_evttypes")
                r.warn_evttypes = Located<bool>{boolean(v, "'warn_evttypes'"), loc(v)};
            else if (key == "skip-if-unknown-filter")
                r.skip_if_unknown_filter =
                    Located<bool>{boolean(v, "'skip-if-unknown-filter'"), loc(v)};
            else if (key == "append")
                r.append = boolean(v, "'append'");
            else if (key == "exceptions")
                r.exceptions = read_exceptions(v);
        }
        r.overrides = overrides(item);
        return r;
    }

    Located<Priority> read_priority(const YAML::Node& v) {
        std::string text = scalar(v, "'priority'");
        auto p = parse_priority(text);
        if (!p)
            fail(v, "unknown priority '" + text +
                        "'; expected one of emergency, alert, critical, "
                        "error, warning, notice, informational, debug");
        return {*p, loc(v)};
    }

    Located<std::vector<std::string>> read_tags(const YAML::Node& v) {
        Located<std::vector<std::string>> tags{{}, loc(v)};
        if (v.IsNull()) return tags;
        if (!v.IsSequence()) fail(v, "'tags' must be a sequence of strings");
        for (const auto& t : v)
            tags.value.push_back(scalar(t, "a tag"));
        return tags;
    }

    Located<std::vector<RawException>> read_exceptions(const YAML::Node& v) {
        Located<std::vector<RawException>> out{{}, loc(v)};
        if (v.IsNull()) return out;
        if (!v.IsSequence()) fail(v, "'exceptions' must be a sequence");
        for (const auto& e : v)
            out.value.push_back(read_exception(e));
        return out;
    }
};

} // namespace

std::vector<RawItem> read_rules_file(const SourceManager& sources, uint32_t file,
                                     Diagnostics& diags) {
    return Reader(sources, file, diags).read();
}

} // namespace saker
