#include "frontend/ast.h"

#include <cctype>
#include <string_view>

namespace saker::ast {

const char* cmp_op_name(CmpOp op) {
    switch (op) {
    case CmpOp::Eq:
        return "=";
    case CmpOp::Ne:
        return "!=";
    case CmpOp::Lt:
        return "<";
    case CmpOp::Le:
        return "<=";
    case CmpOp::Gt:
        return ">";
    case CmpOp::Ge:
        return ">=";
    case CmpOp::Contains:
        return "contains";
    case CmpOp::IContains:
        return "icontains";
    case CmpOp::BContains:
        return "bcontains";
    case CmpOp::StartsWith:
        return "startswith";
    case CmpOp::BStartsWith:
        return "bstartswith";
    case CmpOp::EndsWith:
        return "endswith";
    case CmpOp::Glob:
        return "glob";
    case CmpOp::IGlob:
        return "iglob";
    case CmpOp::PMatch:
        return "pmatch";
    case CmpOp::In:
        return "in";
    case CmpOp::Intersects:
        return "intersects";
    case CmpOp::Exists:
        return "exists";
    case CmpOp::Regex:
        return "regex";
    }
    return "?";
}

const char* list_mod_name(ListMod m) {
    switch (m) {
    case ListMod::None:
        return "";
    case ListMod::OneOf:
        return "oneof";
    case ListMod::AnyOf:
        return "anyof";
    case ListMod::AllOf:
        return "allof";
    }
    return "?";
}

const char* transform_name(Transform t) {
    switch (t) {
    case Transform::None:
        return "";
    case Transform::ToLower:
        return "tolower";
    case Transform::ToUpper:
        return "toupper";
    case Transform::B64:
        return "b64";
    case Transform::Basename:
        return "basename";
    case Transform::Len:
        return "len";
    case Transform::Join:
        return "join";
    case Transform::Concat:
        return "concat";
    case Transform::Getopt:
        return "getopt";
    }
    return "?";
}

bool cmp_op_takes_list(CmpOp op) {
    return op == CmpOp::In || op == CmpOp::Intersects || op == CmpOp::PMatch;
}

bool Operand::operator==(const Operand& o) const {
    return kind == o.kind && field == o.field && arg == o.arg && has_arg == o.has_arg &&
           transform == o.transform && args == o.args && text == o.text && items == o.items;
}

ExprPtr Expr::clone() const {
    auto e = std::make_unique<Expr>(kind, loc);
    for (const auto& c : children)
        e->children.push_back(c->clone());
    e->lhs = lhs;
    e->op = op;
    e->mod = mod;
    e->rhs = rhs;
    e->lhs_type = lhs_type;
    e->lhs_list = lhs_list;
    e->name = name;
    e->truth = truth;
    return e;
}

bool Expr::operator==(const Expr& o) const {
    if (kind != o.kind || children.size() != o.children.size()) return false;
    for (size_t i = 0; i < children.size(); ++i)
        if (!(*children[i] == *o.children[i])) return false;
    switch (kind) {
    case Kind::Compare:
        return lhs == o.lhs && op == o.op && mod == o.mod && rhs == o.rhs;
    case Kind::MacroRef:
        return name == o.name;
    case Kind::BoolConst:
        return truth == o.truth;
    default:
        return true;
    }
}

ExprPtr make_logical(Expr::Kind kind, SourceLoc loc, std::vector<ExprPtr> children) {
    if (children.size() == 1) return std::move(children[0]);
    auto e = std::make_unique<Expr>(kind, loc);
    e->children = std::move(children);
    return e;
}

ExprPtr make_not(SourceLoc loc, ExprPtr child) {
    auto e = std::make_unique<Expr>(Expr::Kind::Not, loc);
    e->children.push_back(std::move(child));
    return e;
}

// Quotes a value when the bare form would not read back as the same string.
static std::string quote_if_needed(const std::string& s, bool force) {
    bool bare = !s.empty() && !force;
    for (char c : s)
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '(' || c == ')' ||
            c == '"' || c == '\'' || c == '=' || c == ',' || c == '\\')
            bare = false;
    // A bare value right after an operator that starts with a list modifier word would read
    // back as the modifier (`= anyof` is `= anyof <value>`).
    for (std::string_view mod : {"oneof", "anyof", "allof"})
        if (s.starts_with(mod) &&
            (s.size() == mod.size() ||
             !(std::isalnum(static_cast<unsigned char>(s[mod.size()])) || s[mod.size()] == '_')))
            bare = false;
    if (bare) return s;
    std::string out = "\"";
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            out += c;
        }
    }
    return out + "\"";
}

std::string to_string(const Operand& o) {
    switch (o.kind) {
    case Operand::Kind::Field:
        return o.field + (o.has_arg ? "[" + o.arg + "]" : "");
    case Operand::Kind::Transformed: {
        // Bare strings are not transformer arguments, so a quoted literal stays quoted.
        std::string s = std::string(transform_name(o.transform)) + "(";
        for (size_t i = 0; i < o.args.size(); ++i) {
            const Operand& a = o.args[i];
            bool literal = a.kind == Operand::Kind::Literal && a.quoted;
            s += (i ? ", " : "") + (literal ? quote_if_needed(a.text, true) : to_string(a));
        }
        return s + ")" + (o.has_arg ? "[" + o.arg + "]" : "");
    }
    case Operand::Kind::Literal:
        return quote_if_needed(o.text, o.quoted && o.text.empty());
    case Operand::Kind::List: {
        std::string s = "(";
        for (size_t i = 0; i < o.items.size(); ++i)
            s += (i ? ", " : "") + to_string(o.items[i]);
        return s + ")";
    }
    }
    return "?";
}

static std::string rhs_string(const Expr& e) {
    const Operand& r = e.rhs;
    // A field on the right was written `val(field)`; print it back that way.
    if (r.kind == Operand::Kind::Field) return "val(" + to_string(r) + ")";
    return to_string(r);
}

std::string to_string(const Expr& e) {
    switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or: {
        std::string s = "(";
        const char* sep = e.kind == Expr::Kind::And ? " and " : " or ";
        for (size_t i = 0; i < e.children.size(); ++i)
            s += (i ? sep : "") + to_string(*e.children[i]);
        return s + ")";
    }
    case Expr::Kind::Not:
        return "not " + to_string(*e.children[0]);
    case Expr::Kind::MacroRef:
        return e.name;
    case Expr::Kind::BoolConst:
        return e.truth ? "<true>" : "<false>";
    case Expr::Kind::Compare: {
        std::string s = to_string(e.lhs) + " " + cmp_op_name(e.op);
        if (e.op == CmpOp::Exists) return s;
        if (e.mod != ListMod::None) s += std::string(" ") + list_mod_name(e.mod);
        return s + " " + rhs_string(e);
    }
    }
    return "?";
}

static void dump(const Expr& e, int depth, std::string& out) {
    out.append(depth * 2, ' ');
    switch (e.kind) {
    case Expr::Kind::And:
        out += "and\n";
        break;
    case Expr::Kind::Or:
        out += "or\n";
        break;
    case Expr::Kind::Not:
        out += "not\n";
        break;
    default:
        out += to_string(e) + "\n";
    }
    for (const auto& c : e.children)
        dump(*c, depth + 1, out);
}

std::string dump_tree(const Expr& e) {
    std::string out;
    dump(e, 0, out);
    return out;
}

} // namespace saker::ast
