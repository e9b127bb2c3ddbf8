#include "frontend/rule_compiler.h"

#include "frontend/checker.h"
#include "frontend/evttypes.h"
#include "frontend/output_format.h"

#include <set>
#include <unordered_map>

namespace saker {
namespace {

bool is_delim(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')' || c == ',' ||
           c == '=';
}
bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Falco's quoting of a list item or exception value spliced into condition text: only a value
// with a blank is quoted, and only when it does not already start with a quote.
std::string quote_item(const std::string& v) {
    if (v.find(' ') != std::string::npos && !v.empty() && v[0] != '"' && v[0] != '\'')
        return '"' + v + '"';
    return v;
}

// A located scalar mapped byte by byte (columns advance along a one-line value).
void append_located(MappedText& out, const std::string& text, SourceLoc loc) {
    for (size_t i = 0; i < text.size(); ++i) {
        SourceLoc l = loc;
        if (l.col && text.find('\n') == std::string::npos) l.col += static_cast<uint32_t>(i);
        out.append(std::string_view(&text[i], 1), l);
    }
}

MappedText slice(const MappedText& t, size_t from, size_t to) {
    MappedText out;
    out.text = t.text.substr(from, to - from);
    out.origin.assign(t.origin.begin() + from, t.origin.begin() + to);
    return out;
}

} // namespace

void substitute_list(MappedText& cnd, const std::string& name,
                     const std::vector<Located<std::string>>& items) {
    size_t start = cnd.text.find(name);
    while (start != std::string::npos) {
        size_t end = start + name.size();
        bool left_ok = start == 0 || is_delim(cnd.text[start - 1]);
        bool right_ok = end >= cnd.text.size() || is_delim(cnd.text[end]);
        if (left_ok && right_ok) {
            SourceLoc use = cnd.loc_at(start);
            while (start > 0 && is_blank(cnd.text[start - 1]))
                --start;
            while (end < cnd.text.size() && is_blank(cnd.text[end]))
                ++end;
            MappedText sub;
            for (const auto& item : items) {
                if (!sub.text.empty()) sub.append(", ", use);
                append_located(sub, quote_item(item.value), item.loc);
            }
            if (sub.text.empty()) {
                if (start > 0 && cnd.text[start - 1] == ',')
                    --start;
                else if (end < cnd.text.size() && cnd.text[end] == ',')
                    ++end;
            }
            MappedText next;
            if (start > 0) {
                next.append(slice(cnd, 0, start));
                next.append(" ", use);
            }
            next.append(sub);
            next.append(" ", use);
            next.append(slice(cnd, end, cnd.text.size()));
            cnd = std::move(next);
            start += sub.text.size() + 1;
        }
        start = cnd.text.find(name, start + 1);
    }
}

namespace {

bool is_list_op(const std::string& comp) {
    return comp == "in" || comp == "intersects" || comp == "pmatch";
}

class Compiler {
  public:
    Compiler(const RuleCollector& col, Diagnostics& diags) : col_(col), diags_(diags) {}

    Ruleset run() {
        compile_lists();
        parse_macros();
        Ruleset out;
        for (const auto& m : col_.macros())
            out.macro_names.push_back(m.raw.name.value);
        for (const auto& l : col_.lists())
            out.list_names.push_back(l.raw.name.value);
        for (const auto& r : col_.rules())
            compile_rule(r, out);
        return out;
    }

  private:
    struct ListItems {
        std::string name;
        std::vector<Located<std::string>> items;
    };
    struct MacroState {
        ast::ExprPtr parsed;   // as parsed, with MacroRefs
        ast::ExprPtr expanded; // resolved, or null
        enum { Todo, Busy, Done, Failed } state = Todo;
    };

    const RuleCollector& col_;
    Diagnostics& diags_;
    std::vector<ListItems> lists_;
    std::vector<MacroState> macros_;
    std::unordered_map<std::string, size_t> macro_at_;

    void compile_lists() {
        std::unordered_map<std::string, size_t> at;
        for (size_t i = 0; i < col_.lists().size(); ++i)
            at[col_.lists()[i].raw.name.value] = i;
        for (const auto& l : col_.lists()) {
            ListItems out{l.raw.name.value, {}};
            for (const auto& item : l.raw.items) {
                auto it = at.find(item.value);
                const CollectedList* ref = it == at.end() ? nullptr : &col_.lists()[it->second];
                if (ref && ref->index < l.visibility)
                    out.items.insert(out.items.end(), ref->raw.items.begin(), ref->raw.items.end());
                else
                    out.items.push_back(item);
            }
            lists_.push_back(std::move(out));
        }
    }

    void substitute_lists(MappedText& text) const {
        for (const auto& l : lists_)
            substitute_list(text, l.name, l.items);
    }

    void parse_macros() {
        for (size_t i = 0; i < col_.macros().size(); ++i) {
            const auto& m = col_.macros()[i];
            MappedText text = m.raw.condition;
            substitute_lists(text);
            MacroState st;
            st.parsed = parse_condition(text, diags_);
            if (!st.parsed) st.state = MacroState::Failed;
            macros_.push_back(std::move(st));
            macro_at_[m.raw.name.value] = i;
        }
    }

    // Returns the fully expanded body of macro `i`, or null (error already reported).
    const ast::Expr* expand_macro(size_t i) {
        MacroState& st = macros_[i];
        if (st.state == MacroState::Done) return st.expanded.get();
        if (st.state == MacroState::Failed) return nullptr;
        const auto& m = col_.macros()[i];
        if (st.state == MacroState::Busy) {
            diags_.error(m.raw.name.loc, "macro '" + m.raw.name.value +
                                             "' refers to itself (directly or through other "
                                             "macros)");
            st.state = MacroState::Failed;
            return nullptr;
        }
        st.state = MacroState::Busy;
        ast::ExprPtr body = st.parsed->clone();
        bool ok = resolve_macros(body, m.visibility);
        if (st.state == MacroState::Failed) return nullptr;
        st.state = ok ? MacroState::Done : MacroState::Failed;
        if (ok) st.expanded = std::move(body);
        return st.expanded.get();
    }

    // Replaces every MacroRef in `e` by a copy of the macro's expanded body. Only macros whose
    // index is below `visibility` can be seen. Returns false on an error (reported).
    bool resolve_macros(ast::ExprPtr& e, size_t visibility) {
        if (e->kind == ast::Expr::Kind::MacroRef) {
            auto it = macro_at_.find(e->name);
            if (it == macro_at_.end() || col_.macros()[it->second].index >= visibility) {
                diags_.error(e->loc, "undefined macro '" + e->name + "'" +
                                         (it == macro_at_.end() ? "" : " (it is defined later)"));
                return false;
            }
            const ast::Expr* body = expand_macro(it->second);
            if (!body) return false;
            e = body->clone();
            return true;
        }
        bool ok = true;
        for (auto& c : e->children)
            ok = resolve_macros(c, visibility) && ok;
        return ok;
    }

    MappedText with_exceptions(const CollectedRule& r) {
        MappedText out;
        out.append("(", r.condition_loc);
        out.append(r.condition);
        out.append(")", r.condition.loc_at(r.condition.text.size()));
        for (const auto& ex : r.exceptions)
            append_exception(out, ex);
        return out;
    }

    void append_exception(MappedText& out, const RawException& ex) {
        if (ex.values.empty()) return;
        SourceLoc at = ex.name.loc;
        if (ex.fields.empty()) {
            diags_.error(at, "exception '" + ex.name.value + "' has values but no 'fields'");
            return;
        }
        MappedText cond;
        if (!ex.fields_is_list) {
            std::string comp = ex.comps.empty() ? "in" : ex.comps[0].value;
            SourceLoc comp_loc = ex.comps.empty() ? at : ex.comps[0].loc;
            cond.append("(", at);
            append_located(cond, ex.fields[0].value, ex.fields[0].loc);
            cond.append(" ", at);
            append_located(cond, comp, comp_loc);
            cond.append(" (", at);
            bool first = true;
            for (const auto& row : ex.values) {
                for (const auto& cell : row.cells) {
                    if (row.is_list || cell.is_list) {
                        diags_.error(row.loc, "exception '" + ex.name.value +
                                                  "' has a single field, so each value must be "
                                                  "a string, not a list");
                        return;
                    }
                    if (!first) cond.append(", ", at);
                    first = false;
                    append_located(cond, quote_item(cell.items[0].value), cell.items[0].loc);
                }
            }
            cond.append("))", at);
        } else {
            if (ex.comps_given && ex.comps.size() != ex.fields.size()) {
                diags_.error(ex.comps[0].loc,
                             "exception '" + ex.name.value + "' must have as many comps as fields");
                return;
            }
            cond.append("(", at);
            for (size_t row = 0; row < ex.values.size(); ++row) {
                const auto& cells = ex.values[row].cells;
                if (!ex.values[row].is_list || cells.size() != ex.fields.size()) {
                    SourceLoc l = ex.values[row].loc;
                    diags_.error(l, "exception '" + ex.name.value + "' has " +
                                        std::to_string(ex.fields.size()) +
                                        " fields, so each value must be a list of " +
                                        std::to_string(ex.fields.size()) + " items");
                    return;
                }
                if (row) cond.append(" or ", at);
                cond.append("(", at);
                for (size_t i = 0; i < cells.size(); ++i) {
                    std::string comp = ex.comps_given ? ex.comps[i].value : "=";
                    SourceLoc comp_loc = ex.comps_given ? ex.comps[i].loc : at;
                    if (i) cond.append(" and ", at);
                    append_located(cond, ex.fields[i].value, ex.fields[i].loc);
                    cond.append(" ", at);
                    append_located(cond, comp, comp_loc);
                    cond.append(" ", at);
                    append_cell(cond, cells[i], is_list_op(comp));
                }
                cond.append(")", at);
            }
            cond.append(")", at);
        }
        out.append(" and not ", at);
        out.append(cond);
    }

    void append_cell(MappedText& cond, const RawExceptionCell& cell, bool list_op) {
        if (cell.is_list) {
            cond.append("(", cell.loc);
            for (size_t i = 0; i < cell.items.size(); ++i) {
                if (i) cond.append(", ", cell.loc);
                append_located(cond, quote_item(cell.items[i].value), cell.items[i].loc);
            }
            cond.append(")", cell.loc);
            return;
        }
        const auto& v = cell.items[0];
        if (list_op && (v.value.empty() || v.value[0] != '(')) {
            cond.append("(", v.loc);
            append_located(cond, v.value, v.loc);
            cond.append(")", v.loc);
        } else {
            append_located(cond, quote_item(v.value), v.loc);
        }
    }

    void compile_rule(const CollectedRule& r, Ruleset& out) {
        if (r.source != "syscall") {
            diags_.warning(r.name.loc, "rule '" + r.name.value + "' is for source '" + r.source +
                                           "', which saker does not provide; skipped");
            return;
        }
        // A rule that may be skipped for unknown fields reports into a scratch list first.
        Diagnostics local;
        Diagnostics& d = r.skip_if_unknown_filter ? local : diags_;
        Rule rule;
        rule.name = r.name.value;
        rule.desc = r.desc.value;
        rule.output = r.output.text;
        rule.priority = r.priority;
        rule.tags = r.tags;
        rule.source = r.source;
        rule.enabled = r.enabled;
        rule.loc = r.name.loc;

        MappedText text = with_exceptions(r);
        substitute_lists(text);
        rule.condition_text = text.text;
        size_t errors_before = diags_.error_count();
        rule.condition = parse_condition(text, d);
        bool ok = rule.condition && resolve_macros(rule.condition, SIZE_MAX);
        CheckResult checked;
        if (ok) checked = check_condition(*rule.condition, d);
        OutputCheck out_check = parse_output_format(r.output, rule.output_tokens, d);
        ok = ok && checked.ok && out_check.ok && diags_.error_count() == errors_before;
        if (!ok) note_rejected(rule, checked.fields, out_check.fields, out);
        if (!ok && r.skip_if_unknown_filter) {
            if ((checked.fields.any() || out_check.fields.any()) && !parse_failed(rule)) {
                diags_.warning(r.name.loc, "rule '" + rule.name +
                                               "' skipped (skip-if-unknown-filter): " +
                                               local.all().front().message);
                return;
            }
            for (const auto& diag : local.all())
                diags_.error(diag.loc, diag.message);
        }
        if (!ok) return;
        rule.evttypes = event_types_of(*rule.condition);
        if (r.warn_evttypes && rule.evttypes.all)
            diags_.warning(r.condition_loc, "rule '" + rule.name +
                                                "' matches every event type: its condition has "
                                                "no evt.type restriction, so it runs on every "
                                                "event (a significant performance penalty)");
        out.rules.push_back(std::move(rule));
    }

    static bool parse_failed(const Rule& r) { return !r.condition; }

    // A rule refused for naming unsupported fields is listed with them (Ruleset::rejected).
    static void note_rejected(const Rule& r, const FieldIssues& cond, const FieldIssues& output,
                              Ruleset& out) {
        std::set<std::string> names(cond.unsupported.begin(), cond.unsupported.end());
        names.insert(output.unsupported.begin(), output.unsupported.end());
        if (names.empty()) return;
        out.rejected.push_back({r.name, {names.begin(), names.end()}, r.loc});
    }
};

} // namespace

Ruleset compile_rules(const RuleCollector& collected, Diagnostics& diags) {
    return Compiler(collected, diags).run();
}

} // namespace saker
