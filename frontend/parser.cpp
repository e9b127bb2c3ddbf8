#include "frontend/parser.h"

#include <cctype>
#include <optional>
#include <string_view>

namespace saker {

void MappedText::append(std::string_view s, SourceLoc loc) {
    text.append(s);
    origin.insert(origin.end(), s.size(), loc);
}

void MappedText::append(const MappedText& other) {
    if (text.empty() && !anchor.known()) anchor = other.anchor;
    text += other.text;
    origin.insert(origin.end(), other.origin.begin(), other.origin.end());
}

SourceLoc MappedText::loc_at(size_t offset) const {
    if (origin.empty()) return anchor;
    if (offset < origin.size()) return origin[offset];
    // Just past the end: one column after the last character.
    SourceLoc end = origin.back();
    if (end.col) ++end.col;
    return end;
}

namespace {

using ast::CmpOp;
using ast::Expr;
using ast::ExprPtr;
using ast::ListMod;
using ast::Operand;
using ast::Transform;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n';
}
bool is_alpha(char c) {
    return std::isalpha(static_cast<unsigned char>(c));
}
bool is_word(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool is_bare(char c) {
    return !is_blank(c) && c != '(' && c != ')' && c != '"' && c != '\'' && c != '=' && c != ',';
}

struct OpSpelling {
    std::string_view text;
    CmpOp op;
    enum Kind { Unary, Num, Str, List } kind;
};

// Longest spellings first, so `<=` wins over `<` and `==` over `=`.
constexpr OpSpelling kOperators[] = {
    {"==", CmpOp::Eq, OpSpelling::Str},
    {"!=", CmpOp::Ne, OpSpelling::Str},
    {"<=", CmpOp::Le, OpSpelling::Num},
    {">=", CmpOp::Ge, OpSpelling::Num},
    {"=", CmpOp::Eq, OpSpelling::Str},
    {"<", CmpOp::Lt, OpSpelling::Num},
    {">", CmpOp::Gt, OpSpelling::Num},
    {"bstartswith", CmpOp::BStartsWith, OpSpelling::Str},
    {"startswith", CmpOp::StartsWith, OpSpelling::Str},
    {"intersects", CmpOp::Intersects, OpSpelling::List},
    {"icontains", CmpOp::IContains, OpSpelling::Str},
    {"bcontains", CmpOp::BContains, OpSpelling::Str},
    {"contains", CmpOp::Contains, OpSpelling::Str},
    {"endswith", CmpOp::EndsWith, OpSpelling::Str},
    {"exists", CmpOp::Exists, OpSpelling::Unary},
    {"pmatch", CmpOp::PMatch, OpSpelling::List},
    {"iglob", CmpOp::IGlob, OpSpelling::Str},
    {"regex", CmpOp::Regex, OpSpelling::Str},
    {"glob", CmpOp::Glob, OpSpelling::Str},
    {"in", CmpOp::In, OpSpelling::List},
};

struct TransformSpelling {
    std::string_view name;
    Transform t;
};
constexpr TransformSpelling kTransforms[] = {
    {"tolower", Transform::ToLower},   {"toupper", Transform::ToUpper}, {"b64", Transform::B64},
    {"basename", Transform::Basename}, {"len", Transform::Len},         {"join", Transform::Join},
    {"concat", Transform::Concat},     {"getopt", Transform::Getopt},
};

struct ParseError {
    size_t offset;
    std::string message;
};

class Parser {
  public:
    explicit Parser(const MappedText& in) : in_(in), s_(in.text) {}

    ExprPtr parse() {
        ExprPtr e = parse_or(0);
        skip_blanks();
        if (pos_ < s_.size())
            fail("unexpected '" + token_preview() +
                 "' after a complete condition; expected "
                 "'and', 'or' or the end");
        return e;
    }

  private:
    const MappedText& in_;
    std::string_view s_;
    size_t pos_ = 0;

    [[noreturn]] void fail(std::string msg) { throw ParseError{pos_, std::move(msg)}; }
    [[noreturn]] void fail_at(size_t at, std::string msg) {
        pos_ = at;
        fail(std::move(msg));
    }
    SourceLoc here() const { return in_.loc_at(pos_); }
    bool at_end() const { return pos_ >= s_.size(); }
    char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
    void skip_blanks() {
        while (!at_end() && is_blank(s_[pos_]))
            ++pos_;
    }

    std::string token_preview() const {
        size_t end = pos_;
        while (end < s_.size() && !is_blank(s_[end]) && s_[end] != '(' && s_[end] != ')' &&
               s_[end] != ',' && end - pos_ < 24)
            ++end;
        return std::string(s_.substr(pos_, std::max<size_t>(end - pos_, 1)));
    }

    // A keyword (`and`, `or`, `not`) at the cursor, followed by a blank or '(' (or, for the
    // caller's sake, reporting that it is not).
    bool keyword(std::string_view kw) {
        if (s_.substr(pos_, kw.size()) != kw) return false;
        char next = pos_ + kw.size() < s_.size() ? s_[pos_ + kw.size()] : '\0';
        if (is_word(next) || next == '.') return false; // `order`, `notice.x`: not a keyword
        if (!is_blank(next) && next != '(' && next != '\0')
            fail_at(pos_ + kw.size(), "expected a blank or '(' after '" + std::string(kw) + "'");
        pos_ += kw.size();
        return true;
    }

    void check_depth(int depth) {
        if (depth > kMaxConditionDepth)
            fail("condition nests deeper than " + std::to_string(kMaxConditionDepth) + " levels");
    }

    ExprPtr parse_or(int depth) {
        check_depth(depth);
        skip_blanks();
        SourceLoc loc = here();
        std::vector<ExprPtr> items;
        items.push_back(parse_and(depth + 1));
        for (;;) {
            skip_blanks();
            if (!keyword("or")) break;
            items.push_back(parse_and(depth + 1));
        }
        return ast::make_logical(Expr::Kind::Or, loc, std::move(items));
    }

    ExprPtr parse_and(int depth) {
        check_depth(depth);
        skip_blanks();
        SourceLoc loc = here();
        std::vector<ExprPtr> items;
        items.push_back(parse_not(depth + 1));
        for (;;) {
            skip_blanks();
            if (!keyword("and")) break;
            items.push_back(parse_not(depth + 1));
        }
        return ast::make_logical(Expr::Kind::And, loc, std::move(items));
    }

    ExprPtr parse_not(int depth) {
        check_depth(depth);
        skip_blanks();
        SourceLoc loc = here();
        if (keyword("not")) return ast::make_not(loc, parse_not(depth + 1));
        return parse_primary(depth + 1);
    }

    ExprPtr parse_primary(int depth) {
        skip_blanks();
        if (at_end()) fail("unexpected end of condition; expected a field, a macro or '('");
        if (peek() == '(') {
            ++pos_;
            ExprPtr e = parse_or(depth + 1);
            skip_blanks();
            if (peek() != ')') {
                if (at_end()) fail("missing ')' at the end of the condition");
                fail("expected ')' but found '" + token_preview() + "'");
            }
            ++pos_;
            return e;
        }
        if (!is_alpha(peek()))
            fail("expected a field, a macro or '(' but found '" + token_preview() + "'");
        size_t start = pos_;
        SourceLoc loc = here();
        std::string_view word = scan_dotted_name();
        if (transform_of(word) && peek() == '(') {
            pos_ = start;
            return parse_check(loc, parse_transformed());
        }
        if (word.find('.') == std::string_view::npos) {
            auto e = std::make_unique<Expr>(Expr::Kind::MacroRef, loc);
            e->name = std::string(word);
            return e;
        }
        pos_ = start;
        return parse_check(loc, parse_field());
    }

    // Name ('.' Name)*, each Name starting with a letter.
    std::string_view scan_dotted_name() {
        size_t start = pos_;
        for (;;) {
            if (!is_alpha(peek())) fail("expected a name but found '" + token_preview() + "'");
            while (is_word(peek()))
                ++pos_;
            if (peek() != '.') break;
            ++pos_;
        }
        return s_.substr(start, pos_ - start);
    }

    static std::optional<Transform> transform_of(std::string_view w) {
        for (const auto& t : kTransforms)
            if (t.name == w) return t.t;
        return std::nullopt;
    }

    Operand parse_field() {
        Operand o;
        o.kind = Operand::Kind::Field;
        o.loc = here();
        std::string_view name = scan_dotted_name();
        if (name.find('.') == std::string_view::npos)
            fail_at(pos_ - name.size(),
                    "expected a field name (class.name) but found '" + std::string(name) + "'");
        o.field = std::string(name);
        if (peek() == '[') parse_selector(o);
        return o;
    }

    // `[arg]` right after a field or a transformer: a quoted string or a run of characters
    // other than brackets, quotes and blanks.
    void parse_selector(Operand& o) {
        size_t open = pos_++;
        if (peek() == '"' || peek() == '\'') {
            o.arg = parse_quoted();
        } else {
            size_t start = pos_;
            while (!at_end() && peek() != ']' && peek() != '[' && peek() != '"' && peek() != '\'' &&
                   !is_blank(peek()))
                ++pos_;
            if (pos_ == start) fail("empty field argument '[]'");
            o.arg = std::string(s_.substr(start, pos_ - start));
        }
        if (peek() != ']') fail_at(open, "unterminated field argument: missing ']'");
        ++pos_;
        o.has_arg = true;
    }

    Operand parse_transformed() {
        Operand o;
        o.kind = Operand::Kind::Transformed;
        o.loc = here();
        std::string_view name = scan_dotted_name();
        o.transform = *transform_of(name);
        ++pos_; // '('
        skip_blanks();
        if (peek() == ')') fail("transformer '" + std::string(name) + "' needs an argument");
        for (;;) {
            o.args.push_back(parse_transform_arg());
            skip_blanks();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() != ')')
                fail("expected ',' or ')' in the arguments of '" + std::string(name) + "'");
            ++pos_;
            break;
        }
        if (peek() == '[') parse_selector(o);
        return o;
    }

    Operand parse_transform_arg() {
        skip_blanks();
        SourceLoc loc = here();
        if (peek() == '"' || peek() == '\'') {
            Operand lit;
            lit.loc = loc;
            lit.quoted = true;
            lit.text = parse_quoted();
            return lit;
        }
        if (peek() == '(') {
            Operand list;
            list.kind = Operand::Kind::List;
            list.loc = loc;
            ++pos_;
            skip_blanks();
            while (peek() != ')') {
                list.items.push_back(parse_transform_arg());
                skip_blanks();
                if (peek() == ',') {
                    ++pos_;
                    skip_blanks();
                } else if (peek() != ')') {
                    fail("expected ',' or ')' in a list argument");
                }
            }
            ++pos_;
            return list;
        }
        if (std::isdigit(static_cast<unsigned char>(peek())) || peek() == '-' || peek() == '+') {
            Operand lit;
            lit.loc = loc;
            lit.text = scan_bare();
            return lit;
        }
        if (!is_alpha(peek()))
            fail("expected a field, a transformer or a quoted string but found '" +
                 token_preview() + "'");
        size_t start = pos_;
        std::string_view word = scan_dotted_name();
        pos_ = start;
        if (transform_of(word) && s_.substr(start + word.size(), 1) == "(")
            return parse_transformed();
        return parse_field();
    }

    std::string scan_bare() {
        size_t start = pos_;
        while (!at_end() && is_bare(peek()))
            ++pos_;
        if (pos_ == start) fail("expected a value but found '" + token_preview() + "'");
        return std::string(s_.substr(start, pos_ - start));
    }

    std::string parse_quoted() {
        char quote = s_[pos_];
        size_t open = pos_++;
        std::string out;
        for (;;) {
            if (at_end()) fail_at(open, "unterminated quoted string");
            char c = s_[pos_++];
            if (c == quote) return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (at_end()) fail_at(open, "unterminated quoted string");
            char e = s_[pos_++];
            switch (e) {
            case 'b':
                out += '\b';
                break;
            case 'f':
                out += '\f';
                break;
            case 'n':
                out += '\n';
                break;
            case 'r':
                out += '\r';
                break;
            case 't':
                out += '\t';
                break;
            case '\\':
                out += '\\';
                break;
            case '/':
                out += '/';
                break;
            case ' ':
                out += "\\ ";
                break;
            default:
                if (e == quote) {
                    out += e;
                    break;
                }
                fail_at(pos_ - 2, std::string("unsupported escape sequence '\\") + e +
                                      "' in a quoted string");
            }
        }
    }

    Operand parse_value() {
        Operand v;
        v.loc = here();
        if (peek() == '"' || peek() == '\'') {
            v.quoted = true;
            v.text = parse_quoted();
        } else {
            if (at_end()) fail("unexpected end of condition; expected a value");
            v.text = scan_bare();
        }
        return v;
    }

    Operand parse_list() {
        Operand list;
        list.kind = Operand::Kind::List;
        list.loc = here();
        if (peek() != '(') fail("expected a list '(...)' but found '" + token_preview() + "'");
        ++pos_;
        skip_blanks();
        if (peek() == ')') {
            ++pos_;
            return list;
        }
        for (;;) {
            skip_blanks();
            if (peek() == ')' || peek() == ',') fail("expected a list item");
            if (peek() == '(') fail("a list item cannot be a list");
            list.items.push_back(parse_value());
            skip_blanks();
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            if (peek() == ')') break;
            if (at_end()) fail("missing ')' at the end of the list");
            fail("expected ',' or ')' in a list but found '" + token_preview() + "'");
        }
        ++pos_;
        return list;
    }

    // `val(field)`, a transformer, or nothing (the caller then reads a plain value).
    std::optional<Operand> try_rhs_field() {
        size_t start = pos_;
        if (!is_alpha(peek())) return std::nullopt;
        while (is_word(peek()))
            ++pos_;
        std::string_view word = s_.substr(start, pos_ - start);
        bool call = peek() == '(';
        pos_ = start;
        if (!call) return std::nullopt;
        if (word == "val") {
            pos_ += 4;
            skip_blanks();
            Operand f = parse_field();
            skip_blanks();
            if (peek() != ')') fail("expected ')' to close 'val('");
            ++pos_;
            return f;
        }
        if (transform_of(word)) return parse_transformed();
        return std::nullopt;
    }

    const OpSpelling* scan_operator() {
        for (const auto& sp : kOperators) {
            if (s_.substr(pos_, sp.text.size()) != sp.text) continue;
            if (is_alpha(sp.text[0]) && is_word(peek(sp.text.size()))) continue;
            return &sp;
        }
        return nullptr;
    }

    ExprPtr parse_check(SourceLoc loc, Operand lhs) {
        skip_blanks();
        size_t op_at = pos_;
        const OpSpelling* sp = scan_operator();
        if (!sp) {
            if (at_end()) fail("expected an operator after '" + to_string(lhs) + "'");
            fail("expected an operator after '" + to_string(lhs) + "' but found '" +
                 token_preview() + "'");
        }
        pos_ += sp->text.size();
        auto e = std::make_unique<Expr>(Expr::Kind::Compare, loc);
        e->lhs = std::move(lhs);
        e->op = sp->op;
        if (sp->kind == OpSpelling::Unary) return e;
        if (is_alpha(sp->text[0]) && sp->kind != OpSpelling::List && !is_blank(peek()))
            fail("expected a blank after '" + std::string(sp->text) + "'");
        skip_blanks();
        if (sp->kind == OpSpelling::Str && (e->mod = scan_list_mod()) != ListMod::None) {
            skip_blanks();
            e->rhs = parse_list();
            return e;
        }
        if (auto f = try_rhs_field()) {
            e->rhs = std::move(*f);
            return e;
        }
        if (sp->kind == OpSpelling::List) {
            e->rhs = parse_list();
            return e;
        }
        if (peek() == '(')
            fail_at(op_at,
                    "operator '" + std::string(sp->text) + "' takes a single value, not a list");
        e->rhs = parse_value();
        return e;
    }

    ListMod scan_list_mod() {
        static constexpr std::pair<std::string_view, ListMod> mods[] = {
            {"oneof", ListMod::OneOf}, {"anyof", ListMod::AnyOf}, {"allof", ListMod::AllOf}};
        for (auto [word, mod] : mods) {
            if (s_.substr(pos_, word.size()) != word) continue;
            char next = peek(word.size());
            if (is_word(next)) continue;
            pos_ += word.size();
            return mod;
        }
        return ListMod::None;
    }
};

} // namespace

ast::ExprPtr parse_condition(const MappedText& text, Diagnostics& diags) {
    try {
        Parser p(text);
        return p.parse();
    } catch (const ParseError& e) {
        diags.error(text.loc_at(e.offset), e.message);
        return nullptr;
    }
}

} // namespace saker
