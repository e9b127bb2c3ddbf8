#include "rule_gen.h"

#include "frontend/fields.h"

#include <algorithm>
#include <functional>
#include <set>
#include <stdexcept>

namespace saker::gen {
namespace {

using Vals = std::vector<std::string>;
using i128 = __int128;

// ---- randomness and string pieces ---------------------------------------------------------------

// A literal of letters from [lo, lo+12] (a-m or A-M), 2..6 long.
std::string literal(Rand& r, char lo = 'a', size_t min = 2) {
    std::string s;
    size_t n = min + r.below(5);
    for (size_t i = 0; i < n; ++i)
        s += static_cast<char>(lo + r.below(13));
    return s;
}

// Filler: digits (and NUL / 0xff for byte buffers), `min`..`min+3` long. No letters, so it
// can never complete or break a literal.
std::string filler(Rand& r, size_t min = 0, bool bytes = false) {
    std::string s;
    size_t n = min + r.below(4);
    for (size_t i = 0; i < n; ++i) {
        if (bytes && r.chance(30))
            s += r.chance(50) ? '\0' : '\xff';
        else
            s += static_cast<char>('0' + r.below(10));
    }
    return s;
}

bool is_lit_letter(char c, char lo) {
    return c >= lo && c < lo + 13;
}

// One literal letter replaced by a letter of the other half of the alphabet (n-z / N-Z).
std::string mutate(Rand& r, std::string s, char lo = 'a') {
    std::vector<size_t> at;
    for (size_t i = 0; i < s.size(); ++i)
        if (is_lit_letter(s[i], lo)) at.push_back(i);
    if (at.empty()) return s + static_cast<char>(lo + 13);
    s[r.pick(at)] = static_cast<char>(lo + 13 + r.below(13));
    return s;
}

// One literal letter's case flipped.
std::string flip_case(Rand& r, std::string s, char lo = 'a') {
    std::vector<size_t> at;
    for (size_t i = 0; i < s.size(); ++i)
        if (is_lit_letter(s[i], lo)) at.push_back(i);
    if (at.empty()) return s;
    char& c = s[r.pick(at)];
    c = static_cast<char>(c ^ 0x20);
    return s;
}

std::string random_case(Rand& r, std::string s) {
    for (char& c : s)
        if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') && r.chance(50))
            c = static_cast<char>(c ^ 0x20);
    return s;
}

std::string upper(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    return s;
}

std::string hex(std::string_view s) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s)
        out += {d[c >> 4], d[c & 15]};
    return out;
}

std::string base64(std::string_view in) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < in.size(); i += 3) {
        uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8 | uint8_t(in[i + 2]);
        out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], t[v & 63]};
    }
    if (in.size() - i == 1) {
        uint32_t v = uint8_t(in[i]) << 16;
        out += {t[v >> 18], t[v >> 12 & 63], '=', '='};
    } else if (in.size() - i == 2) {
        uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8;
        out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], '='};
    }
    return out;
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

std::string list_text(const Vals& items, bool quote = true) {
    std::string out = "(";
    for (size_t i = 0; i < items.size(); ++i)
        out += (i ? ", " : "") + (quote ? quoted(items[i]) : items[i]);
    return out + ")";
}

// Distinct literals (distinct first letters, so none is another's prefix).
Vals distinct_literals(Rand& r, size_t n, char lo = 'a') {
    Vals out;
    std::set<char> firsts;
    while (out.size() < n) {
        std::string l = literal(r, lo);
        if (firsts.count(l[0])) l[0] = static_cast<char>(lo + out.size()); // inputs of zeros
        if (firsts.insert(l[0]).second) out.push_back(l);
    }
    return out;
}

// ---- fields
// --------------------------------------------------------------------------------------

struct FieldUse {
    std::string text;  // as written in the condition
    std::string field; // registry name
    std::string arg;
    bool has_arg = false;
    const char* type = ""; // feature name of the type
};

FieldUse use(const std::string& text) {
    FieldUse u{text, text, "", false, ""};
    size_t b = text.find('[');
    if (b != std::string::npos) {
        u.field = text.substr(0, b);
        u.arg = text.substr(b + 1, text.size() - b - 2);
        u.has_arg = true;
    } else if (text.rfind("evt.arg.", 0) == 0) {
        u.field = "evt.arg";
        u.arg = text.substr(8);
        u.has_arg = true;
    }
    const FieldInfo* fi = FieldRegistry::instance().find(u.field);
    if (!fi) throw std::logic_error("rule_gen: unknown field " + u.field);
    switch (fi->type) {
    case FieldType::String:
        u.type = "type:String";
        break;
    case FieldType::Bytes:
        u.type = "type:Bytes";
        break;
    case FieldType::Bool:
        u.type = "type:Bool";
        break;
    case FieldType::Int16:
        u.type = "type:Int16";
        break;
    case FieldType::Int32:
        u.type = "type:Int32";
        break;
    case FieldType::Int64:
        u.type = "type:Int64";
        break;
    case FieldType::Uint32:
        u.type = "type:Uint32";
        break;
    case FieldType::Uint64:
        u.type = "type:Uint64";
        break;
    case FieldType::Port:
        u.type = "type:Port";
        break;
    case FieldType::RelTime:
        u.type = "type:RelTime";
        break;
    case FieldType::AbsTime:
        u.type = "type:AbsTime";
        break;
    case FieldType::IpAddr:
        u.type = "type:IpAddr";
        break;
    case FieldType::IpNet:
        u.type = "type:IpNet";
        break;
    default:
        u.type = "type:other";
    }
    return u;
}

Setting str_setting(const FieldUse& f, std::string v) {
    Setting s;
    s.kind = Setting::Kind::Str;
    s.field = f.field;
    s.arg = f.arg;
    s.has_arg = f.has_arg;
    s.s = std::move(v);
    return s;
}
Setting int_setting(const FieldUse& f, int64_t v) {
    Setting s = str_setting(f, "");
    s.kind = Setting::Kind::Int;
    s.i = v;
    return s;
}
Setting list_setting(const FieldUse& f, Vals v) {
    Setting s = str_setting(f, "");
    s.kind = Setting::Kind::StrList;
    s.list = std::move(v);
    return s;
}
Setting ip_setting(const FieldUse& f, const uint8_t ip[16]) {
    Setting s = str_setting(f, "");
    s.kind = Setting::Kind::Ip;
    std::copy(ip, ip + 16, s.ip);
    return s;
}

// The string fields a rule may compare (hot ones included: the JIT loads those differently).
const std::vector<std::string> kStrFields = {"proc.name",
                                             "fd.name",
                                             "proc.cwd",
                                             "proc.cmdline",
                                             "user.name",
                                             "proc.pname",
                                             "proc.exepath",
                                             "fd.directory",
                                             "proc.env[HOME]",
                                             "evt.arg.flags",
                                             "container.label[app]",
                                             "fd.filename",
                                             "container.image.repository"};
// Integer fields of every width and signedness.
const std::vector<std::string> kIntFields = {
    "evt.cpu", "fd.dev",      "proc.pid", "fd.num",   "evt.rawres",  "proc.tty",    "user.uid",
    "evt.num", "proc.vmsize", "fd.sport", "fd.lport", "evt.latency", "evt.rawtime", "proc.ppid"};
const std::vector<std::string> kBoolFields = {"evt.is_open_read", "evt.failed"};
const std::vector<std::string> kIpFields = {"fd.sip", "fd.cip", "fd.rip"};
const std::vector<std::string> kNetFields = {"fd.snet", "fd.cnet"};

// The fields one rule already reads: atoms never share one.
struct Used {
    std::set<std::string> names;
    bool take(const std::string& f) { return names.insert(use(f).field + "#" + use(f).arg).second; }
};

// Picks an unused field of `pool` (or "" when all are used).
std::string pick_field(Rand& r, const std::vector<std::string>& pool, Used& used) {
    for (int tries = 0; tries < 20; ++tries) {
        const std::string& f = r.pick(pool);
        if (used.take(f)) return f;
    }
    return "";
}

// ---- string operators ---------------------------------------------------------------------------

const std::vector<std::string> kStrOps = {
    "=",     "==",     "!=",    "contains", "icontains", "startswith", "endswith",   "glob",
    "iglob", "pmatch", "regex", "in",       "exists",    "bcontains",  "bstartswith"};

// What an operator does on a string operand: the right side as written and the operand values
// that satisfy it and that nearly do. `lo` is the literal alphabet ('a' or 'A' after toupper);
// `case_matters` is false when the operand folds case itself (tolower/toupper), so a flipped
// case is no near miss; `bytes` allows NUL/0xff fillers; `slashes` allows '/' in values.
struct StrOp {
    std::string rhs;
    Vals yes, no;
    std::vector<std::string> features;
};

// A glob or regex pattern and a function instantiating it: chunks of literal letters between
// wildcards that only ever produce non-letters.
struct Pattern {
    std::string text;
    std::function<std::string(Rand&, bool fold)> make;
};

Pattern glob_pattern(Rand& r, char lo) {
    struct Tok {
        int kind; // 0 chunk, 1 '*', 2 '?', 3 class
        std::string s;
    };
    std::vector<Tok> toks;
    size_t n = 1 + r.below(4);
    bool chunk_last = false, has_chunk = false;
    for (size_t i = 0; i < n || !has_chunk; ++i) {
        int k = chunk_last ? 1 + static_cast<int>(r.below(3)) : static_cast<int>(r.below(4));
        if (k == 0) {
            toks.push_back({0, literal(r, lo, 1)});
            has_chunk = true;
        } else if (k == 1) {
            toks.push_back({1, "*"});
        } else if (k == 2) {
            toks.push_back({2, "?"});
        } else {
            toks.push_back({3, r.chance(50) ? "[.,:]" : "[0-4]"});
        }
        chunk_last = k == 0;
    }
    Pattern p;
    for (auto& t : toks)
        p.text += t.s;
    p.make = [toks](Rand& r, bool fold) {
        std::string out;
        for (auto& t : toks) {
            if (t.kind == 0) out += fold ? random_case(r, t.s) : t.s;
            if (t.kind == 1) out += filler(r, 0);
            if (t.kind == 2) out += filler(r, 1).substr(0, 1);
            if (t.kind == 3)
                out += t.s == "[.,:]" ? std::string(1, ".,:"[r.below(3)])
                                      : std::string(1, static_cast<char>('0' + r.below(5)));
        }
        return out;
    };
    return p;
}

Pattern regex_pattern(Rand& r, char lo) {
    std::vector<std::pair<int, std::string>> toks;
    size_t n = 1 + r.below(4);
    bool has_chunk = false, chunk_last = false;
    for (size_t i = 0; i < n || !has_chunk; ++i) {
        int k = chunk_last ? 1 + static_cast<int>(r.below(4)) : static_cast<int>(r.below(5));
        static const char* forms[] = {"", "[0-9]+", ".*", "[0-9]{2}", "[^a-zA-Z]?"};
        toks.push_back({k, k == 0 ? literal(r, lo, 1) : forms[k]});
        has_chunk |= k == 0;
        chunk_last = k == 0;
    }
    Pattern p;
    for (auto& t : toks)
        p.text += t.second;
    p.make = [toks](Rand& r, bool) {
        std::string out;
        for (auto& [k, s] : toks) {
            if (k == 0) out += s;
            if (k == 1) out += filler(r, 1);
            if (k == 2) out += filler(r, 0);
            if (k == 3) out += filler(r, 2).substr(0, 2);
            if (k == 4) out += filler(r, 0).substr(0, 1);
        }
        return out;
    };
    return p;
}

// Builds `op` (with list modifier `mod`, "" for none) over literals of alphabet `lo`.
StrOp string_op(Rand& r, const std::string& op, const std::string& mod, char lo, bool case_matters,
                bool bytes) {
    StrOp o;
    auto D = [&](size_t min = 0) { return filler(r, min, bytes); };
    auto near = [&](const std::string& v) {
        Vals n = {mutate(r, v, lo)};
        if (case_matters) n.push_back(flip_case(r, v, lo));
        return n;
    };
    o.features.push_back("op:" + op);
    if (!mod.empty()) o.features.push_back("mod:" + mod);
    if (op == "=" || op == "==" || op == "in") {
        Vals ls = op == "in" || !mod.empty() ? distinct_literals(r, 1 + r.below(3), lo)
                                             : Vals{literal(r, lo)};
        o.rhs = mod.empty() && op != "in" ? quoted(ls[0])
                                          : mod + (mod.empty() ? "" : " ") + list_text(ls);
        o.yes = {r.pick(ls)};
        for (auto& l : ls)
            for (auto& v : near(l))
                o.no.push_back(v);
        o.no.push_back(ls[0] + D(1));
        if (mod == "allof" && ls.size() > 1) o.yes.clear(); // never all equal: use a single one
        if (mod == "allof" && ls.size() > 1) {
            ls.resize(1);
            o.rhs = "allof " + list_text(ls);
            o.yes = {ls[0]};
        }
        return o;
    }
    if (op == "!=") {
        std::string l = literal(r, lo);
        if (mod == "allof") { // != every listed value: not in
            Vals ls = distinct_literals(r, 2, lo);
            o.rhs = "allof " + list_text(ls);
            o.yes = near(ls[0]);
            o.no = {ls[0], ls[1]};
            return o;
        }
        o.rhs = quoted(l);
        o.yes = near(l);
        o.yes.push_back(l + D(1));
        o.no = {l};
        return o;
    }
    if (op == "contains" || op == "icontains" || op == "bcontains") {
        bool fold = op == "icontains";
        auto lit = [&](const std::string& l) { return op == "bcontains" ? hex(l) : quoted(l); };
        auto render = [&](const std::string& l) { return fold ? random_case(r, l) : l; };
        if (mod.empty()) {
            std::string l = literal(r, lo);
            o.rhs = lit(l);
            o.yes = {D() + render(l) + D()};
            o.no = {D() + render(mutate(r, l, lo)) + D()};
            if (!fold && case_matters) o.no.push_back(D() + flip_case(r, l, lo) + D());
            return o;
        }
        // Letters from two disjoint halves: neither literal can occur inside the other.
        Vals ls = {literal(r, lo), literal(r, lo)};
        for (char& c : ls[0])
            c = static_cast<char>(lo + (c - lo) % 6);
        for (char& c : ls[1])
            c = static_cast<char>(lo + 6 + (c - lo) % 7);
        o.rhs = mod + " (" + lit(ls[0]) + ", " + lit(ls[1]) + ")";
        std::string both = D() + render(ls[0]) + D(1) + render(ls[1]) + D();
        std::string one = D() + render(ls[r.below(2)]) + D();
        std::string none = D() + render(mutate(r, ls[0], lo)) + D(1) + render(mutate(r, ls[1], lo));
        if (mod == "anyof") o.yes = {one, both}, o.no = {none};
        if (mod == "allof") o.yes = {both}, o.no = {one, none};
        if (mod == "oneof") o.yes = {one}, o.no = {both, none};
        return o;
    }
    if (op == "startswith" || op == "bstartswith") {
        Vals ls = mod.empty() ? Vals{literal(r, lo)} : distinct_literals(r, 2, lo);
        auto lit = [&](const std::string& l) { return op == "bstartswith" ? hex(l) : quoted(l); };
        if (mod.empty()) {
            o.rhs = lit(ls[0]);
        } else {
            o.rhs = mod + " (" + lit(ls[0]) + ", " + lit(ls[1]) + ")";
        }
        const std::string& l = r.pick(ls);
        o.yes = {l + D()};
        o.no = {D(1) + l + D()};
        for (auto& v : near(ls[0]))
            o.no.push_back(v + D());
        if (ls[0].size() > 1) o.no.push_back(ls[0].substr(0, ls[0].size() - 1));
        if (mod == "allof") { // starts with both: only when one literal is a prefix of the other
            std::string a = ls[0], b = ls[0] + literal(r, lo, 1);
            o.rhs = "allof (" + lit(a) + ", " + lit(b) + ")";
            o.yes = {b + D()};
            o.no = {a + D(1), mutate(r, b, lo)};
        }
        if (mod == "oneof") { // exactly one: a prefix pair makes "both" a near miss
            std::string a = ls[0], b = ls[0] + literal(r, lo, 1);
            o.rhs = "oneof (" + lit(a) + ", " + lit(b) + ")";
            o.yes = {a + D(1)};
            o.no = {b + D(), D(1) + a};
        }
        return o;
    }
    if (op == "endswith") {
        std::string l = literal(r, lo);
        o.rhs = quoted(l);
        o.yes = {D() + l};
        o.no = {l + D(1)};
        for (auto& v : near(l))
            o.no.push_back(D() + v);
        return o;
    }
    if (op == "glob" || op == "iglob") {
        bool fold = op == "iglob";
        Pattern p = glob_pattern(r, lo);
        // The near miss is made before folding, so that it replaces a pattern letter.
        std::string base = p.make(r, false), v = fold ? random_case(r, base) : base;
        o.rhs = quoted(p.text);
        o.yes = {v};
        o.no = {fold ? random_case(r, mutate(r, base, lo)) : mutate(r, base, lo)};
        if (!fold && case_matters) o.no.push_back(flip_case(r, v, lo));
        if (mod == "allof") { // the same pattern twice: both hold exactly when one does
            o.rhs = "allof (" + quoted(p.text) + ", " + quoted(p.text) + ")";
        } else if (!mod.empty()) { // anyof: either pattern; a near miss of one may match the other
            Pattern q = glob_pattern(r, lo);
            o.rhs = mod + " (" + quoted(p.text) + ", " + quoted(q.text) + ")";
            o.yes.push_back(q.make(r, fold));
            o.no.clear();
        }
        return o;
    }
    if (op == "regex") {
        Pattern p = regex_pattern(r, lo);
        o.rhs = quoted(p.text);
        std::string v = p.make(r, false);
        o.yes = {v};
        o.no = {mutate(r, v, lo)};
        if (case_matters) o.no.push_back(flip_case(r, v, lo));
        return o;
    }
    if (op == "pmatch") {
        Vals firsts = distinct_literals(r, 1 + r.below(3), lo), items;
        for (auto& f : firsts)
            items.push_back("/" + f + (r.chance(60) ? "/" + literal(r, lo) : ""));
        if (r.chance(30)) { // a wildcard component: matched by components (Falco 0.36+)
            std::string tail = r.chance(50) ? "/" + literal(r, lo) : "";
            items[0] = "/" + firsts[0] + "/*" + tail;
            o.rhs = list_text(items, false);
            o.features.push_back("pmatch-glob");
            std::string hit = "/" + firsts[0] + "/" + D(1) + tail;
            o.yes = {hit, hit + "/" + literal(r, lo)};
            o.no = {"/" + firsts[0], "/" + mutate(r, firsts[0], lo) + "/" + D(1) + tail};
            if (!tail.empty()) o.no.push_back("/" + firsts[0] + "/" + D(1) + mutate(r, tail, lo));
            return o;
        }
        o.rhs = list_text(items, false);
        const std::string& p = items[0];
        o.yes = {p, p + "/" + literal(r, lo), p + "/" + D(1)};
        o.no = {p + static_cast<char>(lo + r.below(13)), mutate(r, p, lo)};
        size_t slash = p.rfind('/');
        if (slash > 0) o.no.push_back(p.substr(0, slash));
        return o;
    }
    if (op == "exists") {
        o.rhs = "";
        o.yes = {literal(r, lo), ""};
        return o;
    }
    throw std::logic_error("rule_gen: unknown operator " + op);
}

// ---- atoms
// ----------------------------------------------------------------------------------------

// Settings for each value (and Absent, which falsifies every comparison but `exists`).
std::vector<Settings> each(const Vals& vals,
                           const std::function<Settings(const std::string&)>& enc) {
    std::vector<Settings> out;
    for (auto& v : vals)
        out.push_back(enc(v));
    return out;
}

Atom string_atom(Rand& r, Used& used) {
    Atom a;
    // The operand: a plain field, an ancestor, or a transformer of a field.
    static const std::vector<std::string> shapes = {"plain",  "plain",    "plain",   "ancestor",
                                                    "aindex", "bytes",    "tolower", "toupper",
                                                    "b64",    "basename", "upbase"};
    std::string shape = r.pick(shapes);
    std::string op = r.pick(kStrOps);
    if (shape == "ancestor" || shape == "aindex") {
        if (!used.take("proc.aname")) shape = "plain";
    }
    if (shape == "ancestor" && op == "exists") op = "contains";
    if (shape == "plain" && op == "exists" && r.chance(30)) shape = "bytes";
    // Transformed operands keep to the operators that make sense on their output.
    if (shape == "b64" || shape == "basename" || shape == "upbase" || shape == "toupper" ||
        shape == "tolower") {
        static const std::vector<std::string> ops = {"=",        "!=", "contains", "startswith",
                                                     "endswith", "in", "glob",     "regex"};
        op = r.pick(ops);
    }
    if (shape == "bytes" && !used.take("evt.buffer")) shape = "plain";
    std::string mod;
    static const std::vector<std::string> mods = {"anyof", "allof", "oneof"};
    if ((op == "=" || op == "contains" || op == "icontains" || op == "startswith" ||
         op == "bcontains" || op == "bstartswith" || op == "glob" || op == "iglob") &&
        shape != "ancestor" && r.chance(25))
        mod = r.pick(mods);
    if ((op == "glob" || op == "iglob") && mod == "oneof") mod = "anyof";
    if (op == "!=" && shape == "plain" && r.chance(20)) mod = "allof";

    char lo = shape == "toupper" || shape == "upbase" ? 'A' : 'a';
    bool case_matters = shape != "tolower" && shape != "toupper" && shape != "upbase";
    StrOp o = string_op(r, op, mod, lo, case_matters, shape == "bytes");
    a.features = o.features;

    std::string fname;
    if (shape == "ancestor" || shape == "aindex") {
        fname = shape == "ancestor" ? "proc.aname"
                                    : "proc.aname[" + std::to_string(1 + r.below(3)) + "]";
    } else if (shape == "bytes") {
        fname = "evt.buffer";
    } else {
        fname = pick_field(r, kStrFields, used);
        if (fname.empty()) return {};
    }
    FieldUse f = use(shape == "aindex" ? "proc.aname" : fname);
    if (shape == "aindex") f.text = fname;
    a.features.push_back(f.type);
    std::string lhs = fname;
    std::function<Settings(const std::string&)> enc = [f](const std::string& v) {
        return Settings{str_setting(f, v)};
    };
    if (shape == "tolower" || shape == "toupper") {
        lhs = shape + "(" + fname + ")";
        a.features.push_back("tr:" + shape);
        enc = [f, &r](const std::string& v) { return Settings{str_setting(f, random_case(r, v))}; };
    } else if (shape == "b64") {
        lhs = "b64(" + fname + ")";
        a.features.push_back("tr:b64");
        enc = [f](const std::string& v) { return Settings{str_setting(f, base64(v))}; };
        o.no.push_back("\x01"); // marker: an invalid Base64 text below
    } else if (shape == "basename") {
        lhs = "basename(" + fname + ")";
        a.features.push_back("tr:basename");
        enc = [f, &r](const std::string& v) {
            return Settings{str_setting(f, "/" + filler(r, 1) + "/" + v)};
        };
    } else if (shape == "upbase") {
        lhs = "toupper(basename(" + fname + "))";
        a.features.push_back("tr:toupper");
        a.features.push_back("tr:basename");
        enc = [f, &r](const std::string& v) {
            return Settings{str_setting(f, "/" + filler(r, 1) + "/" + random_case(r, v))};
        };
    } else if (shape == "ancestor") {
        a.features.push_back("ancestor");
    } else if (shape == "aindex") {
        size_t idx = std::stoul(fname.substr(11));
        a.features.push_back("ancestor-index");
        enc = [f, idx, &r](const std::string& v) {
            Vals chain;
            for (size_t i = 1; i < idx; ++i)
                chain.push_back(filler(r, 1));
            chain.push_back(v);
            if (r.chance(50)) chain.push_back(filler(r, 1));
            return Settings{list_setting(f, chain)};
        };
    }
    a.text = lhs + " " + op + (o.rhs.empty() ? "" : " " + o.rhs);
    if (shape == "ancestor") {
        // Some ancestor satisfies the comparison: yes = a chain holding one satisfying value
        // among near misses; no = a chain of near misses only (or no ancestors at all).
        auto chain = [&](const std::string* hit) {
            Vals c;
            size_t n = 1 + r.below(3), at = r.below(n);
            for (size_t i = 0; i < n; ++i) {
                if (hit && i == at)
                    c.push_back(*hit);
                else if (!o.no.empty())
                    c.push_back(r.pick(o.no));
                else if (hit)
                    c.push_back(*hit);
            }
            return c;
        };
        for (auto& y : o.yes)
            a.yes.push_back({list_setting(f, chain(&y))});
        if (!o.no.empty()) a.no.push_back({list_setting(f, chain(nullptr))});
        a.no.push_back({list_setting(f, {})});
        return a;
    }
    if (op == "exists") {
        a.yes = each(o.yes, enc);
        a.no = {Settings{}};
        if (shape == "aindex") a.no.push_back({list_setting(f, {})}); // fewer ancestors
        return a;
    }
    a.yes = each(o.yes, enc);
    for (auto& v : o.no)
        a.no.push_back(v == "\x01" ? Settings{str_setting(f, "@@" + filler(r, 1) + "%")} : enc(v));
    a.no.push_back(Settings{}); // absent
    if (shape == "aindex") a.no.push_back({list_setting(f, {})});
    return a;
}

// ---- integers
// -------------------------------------------------------------------------------------

struct Range {
    i128 lo, hi;
};

Range range_of(const std::string& type) {
    auto s = [](int bits) { return Range{-(i128(1) << (bits - 1)), (i128(1) << (bits - 1)) - 1}; };
    auto u = [](int bits) { return Range{0, (i128(1) << bits) - 1}; };
    if (type == "type:Int16") return s(16);
    if (type == "type:Int32") return s(32);
    if (type == "type:Int64") return s(64);
    if (type == "type:Uint32") return u(32);
    if (type == "type:Port") return u(16);
    return u(64); // Uint64, RelTime, AbsTime: unsigned nanoseconds
}

std::string i128_text(i128 v) {
    if (v == 0) return "0";
    bool neg = v < 0;
    std::string s;
    while (v != 0) {
        int d = static_cast<int>(v % 10);
        s += static_cast<char>('0' + (d < 0 ? -d : d));
        v /= 10;
    }
    if (neg) s += '-';
    std::reverse(s.begin(), s.end());
    return s;
}

bool holds(const std::string& op, i128 v, const std::vector<i128>& lits) {
    if (op == "in") return std::find(lits.begin(), lits.end(), v) != lits.end();
    i128 n = lits[0];
    if (op == "=") return v == n;
    if (op == "!=") return v != n;
    if (op == "<") return v < n;
    if (op == "<=") return v <= n;
    if (op == ">") return v > n;
    return v >= n;
}

// Numeric comparisons on an operand taking values in `rg`: literal(s) near the bounds and the
// values around them, split by what the comparison answers (computed here on exact integers).
struct IntOp {
    std::string text;
    std::vector<i128> yes, no;
};

IntOp int_op(Rand& r, const std::string& lhs, Range rg, bool allow_in = true) {
    static const std::vector<std::string> ops = {"=", "!=", "<", "<=", ">", ">=", "in"};
    for (;;) {
        std::string op = r.pick(ops);
        if (op == "in" && !allow_in) continue;
        auto draw = [&]() -> i128 {
            switch (r.below(6)) {
            case 0:
                return rg.lo;
            case 1:
                return rg.hi;
            case 2:
                return rg.lo + 1;
            case 3:
                return rg.hi - 1;
            case 4: {
                i128 v = rg.lo < 0 ? i128(r.below(2000)) - 1000 : i128(r.below(70000));
                return std::clamp(v, rg.lo, rg.hi);
            }
            default: {
                i128 span = rg.hi - rg.lo;
                uint64_t x = r.below(UINT64_MAX);
                return rg.lo + (span > i128(UINT64_MAX) ? i128(x) * 2 : i128(x) % (span + 1));
            }
            }
        };
        std::vector<i128> lits = {draw()};
        if (op == "in")
            for (size_t k = r.below(3); k > 0; --k)
                lits.push_back(draw());
        std::set<i128> cand = {rg.lo, rg.hi};
        for (i128 l : lits)
            for (int d = -1; d <= 1; ++d)
                if (l + d >= rg.lo && l + d <= rg.hi) cand.insert(l + d);
        IntOp o;
        for (i128 v : cand)
            (holds(op, v, lits) ? o.yes : o.no).push_back(v);
        if (o.yes.empty() || o.no.empty()) continue;
        std::vector<std::string> texts;
        for (i128 l : lits)
            texts.push_back(i128_text(l));
        o.text = lhs + " " + op + " " + (op == "in" ? list_text(texts, false) : texts[0]);
        return o;
    }
}

int64_t bits64(i128 v) {
    return static_cast<int64_t>(static_cast<uint64_t>(static_cast<unsigned __int128>(v)));
}

Atom int_atom(Rand& r, Used& used) {
    Atom a;
    int shape = static_cast<int>(r.below(10));
    if (shape < 6) { // a plain integer field
        std::string fname = pick_field(r, kIntFields, used);
        if (fname.empty()) return {};
        FieldUse f = use(fname);
        IntOp o = int_op(r, fname, range_of(f.type));
        a.text = o.text;
        a.features = {f.type,
                      "op:" + o.text.substr(fname.size() + 1,
                                            o.text.find(' ', fname.size() + 1) - fname.size() - 1)};
        for (i128 v : o.yes)
            a.yes.push_back({int_setting(f, bits64(v))});
        for (i128 v : o.no)
            a.no.push_back({int_setting(f, bits64(v))});
        a.no.push_back({});
        return a;
    }
    if (shape < 8) { // len() of a string, a byte buffer or a list field
        static const std::vector<std::string> srcs = {"proc.cmdline", "evt.buffer", "fd.types",
                                                      "proc.cwd"};
        std::string fname = srcs[r.below(srcs.size())];
        if (!used.take(fname)) return {};
        FieldUse f = use(fname);
        bool list = fname == "fd.types";
        IntOp o = int_op(r, "len(" + fname + ")", {0, list ? 5 : 40});
        a.text = o.text;
        a.features = {"tr:len", list ? "list-field" : f.type};
        std::string op = o.text.substr(o.text.find(") ") + 2);
        a.features.push_back("op:" + op.substr(0, op.find(' ')));
        auto enc = [&](i128 n) {
            if (list) {
                Vals items;
                for (i128 k = 0; k < n; ++k)
                    items.push_back(literal(r));
                return Settings{list_setting(f, items)};
            }
            std::string s;
            for (i128 k = 0; k < n; ++k)
                s += fname == "evt.buffer" && r.chance(20) ? '\0' : 'q';
            return Settings{str_setting(f, s)};
        };
        for (i128 v : o.yes)
            a.yes.push_back(enc(v));
        for (i128 v : o.no)
            a.no.push_back(enc(v));
        a.no.push_back({});
        return a;
    }
    // val(): one integer field against another of the same type.
    static const std::vector<std::pair<std::string, std::string>> pairs = {
        {"proc.pid", "proc.ppid"}, {"fd.sport", "fd.lport"}, {"evt.num", "proc.vmsize"}};
    auto [x, y] = pairs[r.below(pairs.size())];
    if (!used.take(x) || !used.take(y)) return {};
    FieldUse fx = use(x), fy = use(y);
    Range rg = range_of(fx.type);
    IntOp o = int_op(r, x, rg, false);
    i128 n = 0;
    {
        // The literal int_op chose is the other field's value now.
        std::string lit = o.text.substr(o.text.rfind(' ') + 1);
        bool neg = lit[0] == '-';
        for (char c : lit.substr(neg))
            n = n * 10 + (c - '0');
        if (neg) n = -n;
    }
    std::string op = o.text.substr(x.size() + 1, o.text.rfind(' ') - x.size() - 1);
    a.text = x + " " + op + " val(" + y + ")";
    a.features = {fx.type, "val", "op:" + op};
    for (i128 v : o.yes)
        a.yes.push_back({int_setting(fx, bits64(v)), int_setting(fy, bits64(n))});
    for (i128 v : o.no)
        a.no.push_back({int_setting(fx, bits64(v)), int_setting(fy, bits64(n))});
    a.no.push_back({int_setting(fx, bits64(n))}); // the right side absent
    return a;
}

// ---- booleans, addresses, lists
// -------------------------------------------------------------------

Atom bool_atom(Rand& r, Used& used) {
    Atom a;
    std::string fname = pick_field(r, kBoolFields, used);
    if (fname.empty()) return {};
    FieldUse f = use(fname);
    bool want = r.chance(50);
    int form = static_cast<int>(r.below(3));
    std::string op = form == 0 ? "=" : form == 1 ? "!=" : "in";
    bool lit = form == 1 ? !want : want;
    a.text = fname + " " + op + " " +
             (form == 2 ? "(" + std::string(lit ? "true" : "false") + ")"
                        : std::string(lit ? "true" : "false"));
    a.features = {f.type, "op:" + op};
    a.yes = {{int_setting(f, want)}};
    a.no = {{int_setting(f, !want)}, {}};
    return a;
}

struct Ip {
    uint8_t b[16] = {};
    bool v4 = true;
};

Ip random_ip(Rand& r, bool v4) {
    Ip ip;
    ip.v4 = v4;
    if (v4) {
        ip.b[10] = ip.b[11] = 0xff;
        for (int i = 12; i < 16; ++i)
            ip.b[i] = static_cast<uint8_t>(r.below(256));
    } else {
        for (int i = 0; i < 16; ++i)
            ip.b[i] = static_cast<uint8_t>(r.below(256));
        ip.b[0] = static_cast<uint8_t>(0x20 | (ip.b[0] & 0x0f)); // no mapped/zero prefixes
    }
    return ip;
}

std::string ip_text(const Ip& ip) {
    std::string s;
    if (ip.v4) {
        for (int i = 12; i < 16; ++i)
            s += (i > 12 ? "." : "") + std::to_string(ip.b[i]);
        return s;
    }
    static const char* d = "0123456789abcdef";
    for (int g = 0; g < 8; ++g) {
        if (g) s += ':';
        unsigned v = ip.b[2 * g] << 8 | ip.b[2 * g + 1];
        s += {d[v >> 12], d[v >> 8 & 15], d[v >> 4 & 15], d[v & 15]};
    }
    return s;
}

// Bit `k` (0 = most significant) of the address as written (IPv4: of its 32 bits).
void flip_bit(Ip& ip, unsigned k) {
    unsigned bit = ip.v4 ? 96 + k : k;
    ip.b[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
}

bool in_net(const Ip& ip, const Ip& net, unsigned prefix) {
    if (ip.v4 != net.v4) return false;
    unsigned base = ip.v4 ? 96 : 0;
    for (unsigned k = 0; k < prefix; ++k) {
        unsigned bit = base + k;
        uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
        if ((ip.b[bit / 8] & m) != (net.b[bit / 8] & m)) return false;
    }
    return true;
}

Atom ip_atom(Rand& r, Used& used) {
    Atom a;
    bool net_field = r.chance(35);
    std::string fname = pick_field(r, net_field ? kNetFields : kIpFields, used);
    if (fname.empty()) return {};
    FieldUse f = use(fname);
    bool v4 = r.chance(60);
    unsigned width = v4 ? 32 : 128;
    // Each listed item: an address (prefix = width) or a network.
    struct Item {
        Ip ip;
        unsigned prefix;
    };
    std::vector<Item> items;
    size_t n = 1 + (r.chance(30) ? r.below(3) : 0);
    for (size_t k = 0; k < n; ++k) {
        Item it{random_ip(r, r.chance(80) ? v4 : !v4), 0};
        unsigned w = it.ip.v4 ? 32 : 128;
        static const std::vector<unsigned> p4 = {8, 16, 24, 31, 32, 1, 20};
        static const std::vector<unsigned> p6 = {
            8, 48, 64, 127, 128, 3, 100}; // not ::/1, ::/2: they hold the IPv4-mapped range
        it.prefix = r.chance(40) ? w : r.pick(it.ip.v4 ? p4 : p6);
        items.push_back(it);
    }
    std::string op = n > 1 ? "in" : r.pick(std::vector<std::string>{"=", "!=", "in"});
    auto item_text = [](const Item& it) {
        unsigned w = it.ip.v4 ? 32 : 128;
        return ip_text(it.ip) + (it.prefix == w ? "" : "/" + std::to_string(it.prefix));
    };
    Vals texts;
    for (auto& it : items)
        texts.push_back(item_text(it));
    a.text = fname + " " + op + " " + (op == "in" ? list_text(texts, false) : texts[0]);
    a.features = {f.type, "op:" + op};
    if (items[0].prefix != width) a.features.push_back("cidr");
    auto hit = [&](const Ip& ip) {
        for (auto& it : items)
            if (in_net(ip, it.ip, it.prefix)) return true;
        return false;
    };
    // Candidates: inside item 0 (host bits random), one bit outside its prefix, another family.
    std::vector<Ip> cand;
    const Item& first = items[0];
    unsigned w0 = first.ip.v4 ? 32 : 128;
    for (int k = 0; k < 3; ++k) {
        Ip in = first.ip;
        for (unsigned b = first.prefix; b < w0; ++b)
            if (r.chance(50)) flip_bit(in, b);
        cand.push_back(in);
    }
    Ip out = first.ip;
    flip_bit(out, first.prefix - 1);
    cand.push_back(out);
    Ip edge = first.ip;
    if (first.prefix < w0) flip_bit(edge, w0 - 1);
    cand.push_back(edge);
    cand.push_back(random_ip(r, !first.ip.v4));
    for (auto& c : cand) {
        bool h = hit(c);
        bool yes = op == "!=" ? !h : h;
        (yes ? a.yes : a.no).push_back({ip_setting(f, c.b)});
    }
    a.no.push_back({});
    if (a.yes.empty()) return {};
    return a;
}

Atom list_atom(Rand& r, Used& used) {
    Atom a;
    if (!used.take("fd.types")) return {};
    FieldUse f = use("fd.types");
    a.features = {"list-field"};
    int form = static_cast<int>(r.below(4));
    Vals set = distinct_literals(r, 2 + r.below(3));
    auto outside = [&]() { return mutate(r, r.pick(set)); };
    if (form == 0) { // in: every element listed
        a.text = "fd.types in " + list_text(set);
        a.features.push_back("op:in");
        a.yes = {{list_setting(f, {set[0]})}, {list_setting(f, {set[1], set[0]})}};
        a.no = {{list_setting(f, {set[0], outside()})}, {list_setting(f, {outside()})}, {}};
    } else if (form == 1) { // intersects: some element listed
        a.text = "fd.types intersects " + list_text(set);
        a.features.push_back("op:intersects");
        a.yes = {{list_setting(f, {outside(), set[1]})}, {list_setting(f, {set[0]})}};
        a.no = {{list_setting(f, {outside(), outside()})}, {list_setting(f, {})}, {}};
    } else if (form == 2) { // join
        a.text = "join(\",\", fd.types) = " + quoted(set[0] + "," + set[1]);
        a.features.push_back("tr:join");
        a.features.push_back("op:=");
        a.yes = {{list_setting(f, {set[0], set[1]})}};
        a.no = {{list_setting(f, {set[1], set[0]})},
                {list_setting(f, {set[0]})},
                {list_setting(f, {set[0], mutate(r, set[1])})},
                {}};
    } else { // exists
        a.text = "fd.types exists";
        a.features.push_back("op:exists");
        a.yes = {{list_setting(f, {set[0]})}};
        a.no = {{}};
    }
    return a;
}

// Comparisons of values computed on both sides: val(), transformers on the right, concat,
// getopt.
Atom pair_atom(Rand& r, Used& used) {
    Atom a;
    int form = static_cast<int>(r.below(4));
    if (form == 3) { // getopt
        if (!used.take("proc.args")) return {};
        FieldUse f = use("proc.args");
        std::string v = literal(r);
        a.text = "getopt(proc.args, \"nt:\")[t] = " + quoted(v);
        a.features = {"tr:getopt", "op:="};
        auto s = [&](const std::string& args) { return Settings{str_setting(f, args)}; };
        a.yes = {s("-n -t " + v), s("-t" + v), s("-nt " + v)};
        a.no = {s("-t " + mutate(r, v)), s("-n"), s("-- -t " + v), s("-n " + v), {}};
        return a;
    }
    std::string x = pick_field(r, kStrFields, used), y = pick_field(r, kStrFields, used);
    if (x.empty() || y.empty()) return {};
    FieldUse fx = use(x), fy = use(y);
    std::string l = literal(r);
    if (form == 0) { // x <op> val(y)
        static const std::vector<std::string> ops = {"=",          "!=",       "contains",
                                                     "startswith", "endswith", "icontains"};
        std::string op = r.pick(ops);
        StrOp o = string_op(r, op, "", 'a', true, false);
        // string_op drew its own literal: use it as y's value.
        std::string lit =
            o.rhs.size() >= 2 && o.rhs[0] == '"' ? o.rhs.substr(1, o.rhs.size() - 2) : o.rhs;
        a.text = x + " " + op + " val(" + y + ")";
        a.features = {"val", "op:" + op};
        for (auto& v : o.yes)
            a.yes.push_back({str_setting(fx, v), str_setting(fy, lit)});
        for (auto& v : o.no)
            a.no.push_back({str_setting(fx, v), str_setting(fy, lit)});
        a.no.push_back({str_setting(fx, lit)});
        return a;
    }
    if (form == 1) { // tolower(x) = tolower(y), or x = toupper(y)
        if (r.chance(50)) {
            a.text = "tolower(" + x + ") = tolower(" + y + ")";
            a.features = {"tr:tolower", "rhs-transform", "op:="};
            a.yes = {{str_setting(fx, random_case(r, l)), str_setting(fy, random_case(r, l))}};
            a.no = {
                {str_setting(fx, random_case(r, l)), str_setting(fy, random_case(r, mutate(r, l)))},
                {str_setting(fx, l)}};
        } else {
            a.text = x + " = toupper(" + y + ")";
            a.features = {"tr:toupper", "rhs-transform", "op:="};
            a.yes = {{str_setting(fx, upper(l)), str_setting(fy, random_case(r, l))}};
            a.no = {{str_setting(fx, flip_case(r, upper(l), 'A')), str_setting(fy, l)},
                    {str_setting(fx, upper(l))}};
        }
        return a;
    }
    // concat(x, "-", y) = "l-m"
    std::string m = literal(r);
    a.text = "concat(" + x + ", \"-\", " + y + ") = " + quoted(l + "-" + m);
    a.features = {"tr:concat", "op:="};
    a.yes = {{str_setting(fx, l), str_setting(fy, m)}};
    a.no = {{str_setting(fx, mutate(r, l)), str_setting(fy, m)},
            {str_setting(fx, l + "-"), str_setting(fy, m)},
            {str_setting(fx, l)}};
    return a;
}

Atom any_atom(Rand& r, Used& used) {
    for (;;) {
        Atom a;
        switch (r.below(10)) {
        case 0:
        case 1:
        case 2:
        case 3:
            a = string_atom(r, used);
            break;
        case 4:
        case 5:
            a = int_atom(r, used);
            break;
        case 6:
            a = bool_atom(r, used);
            break;
        case 7:
            a = ip_atom(r, used);
            break;
        case 8:
            a = list_atom(r, used);
            break;
        default:
            a = pair_atom(r, used);
            break;
        }
        if (!a.text.empty() && !a.yes.empty() && !a.no.empty()) return a;
    }
}

// The rule's shape over its atoms: a small boolean formula.
struct Shape {
    std::string text;
    std::function<bool(const std::vector<bool>&)> eval;
};

Shape shape_for(Rand& r, const std::vector<Atom>& atoms, std::vector<bool>& neg) {
    neg.assign(atoms.size(), false);
    std::vector<std::string> t;
    for (size_t i = 0; i < atoms.size(); ++i) {
        neg[i] = r.chance(25);
        t.push_back((neg[i] ? "not (" : "(") + atoms[i].text + ")");
    }
    auto lit = [neg](const std::vector<bool>& v, size_t i) { return v[i] != neg[i]; };
    if (atoms.size() == 1) return {t[0], [lit](auto& v) { return lit(v, 0); }};
    if (atoms.size() == 2) {
        if (r.chance(50))
            return {t[0] + " and " + t[1], [lit](auto& v) { return lit(v, 0) && lit(v, 1); }};
        return {t[0] + " or " + t[1], [lit](auto& v) { return lit(v, 0) || lit(v, 1); }};
    }
    switch (r.below(4)) {
    case 0:
        return {t[0] + " and (" + t[1] + " or " + t[2] + ")",
                [lit](auto& v) { return lit(v, 0) && (lit(v, 1) || lit(v, 2)); }};
    case 1:
        return {t[0] + " or " + t[1] + " and " + t[2], // `and` binds tighter
                [lit](auto& v) { return lit(v, 0) || (lit(v, 1) && lit(v, 2)); }};
    case 2:
        return {"not (" + t[0] + " or " + t[1] + ") or " + t[2],
                [lit](auto& v) { return !(lit(v, 0) || lit(v, 1)) || lit(v, 2); }};
    default:
        return {t[0] + " and " + t[1] + " and " + t[2],
                [lit](auto& v) { return lit(v, 0) && lit(v, 1) && lit(v, 2); }};
    }
}

} // namespace

uint64_t Rand::below(uint64_t n) {
    if (n == 0) return 0;
    uint64_t x;
    if (bytes_ && pos_ >= size_) { // input used up: a generator seeded by it takes over
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i < size_; ++i)
            h = (h ^ data_[i]) * 1099511628211ull;
        rng_.seed(h);
        bytes_ = false;
    }
    if (!bytes_) {
        x = rng_();
    } else {
        x = 0;
        for (int i = 0; i < 4; ++i)
            x = x << 8 | (pos_ < size_ ? data_[pos_++] : 0);
    }
    return x % n;
}

GenRule generate_rule(Rand& r) {
    GenRule g;
    Used used;
    size_t k = 1 + r.below(3);
    for (size_t i = 0; i < k; ++i)
        g.atoms.push_back(any_atom(r, used));
    std::vector<bool> neg;
    Shape s = shape_for(r, g.atoms, neg);
    g.condition = s.text;
    for (int round = 0; round < 2; ++round) {
        for (uint32_t bits = 0; bits < (1u << k); ++bits) {
            Case c;
            for (size_t i = 0; i < k; ++i) {
                bool t = bits >> i & 1;
                c.atom_truth.push_back(t);
                const auto& pool = t ? g.atoms[i].yes : g.atoms[i].no;
                for (const auto& st : r.pick(pool))
                    c.settings.push_back(st);
            }
            c.expected = s.eval(c.atom_truth);
            g.cases.push_back(std::move(c));
        }
    }
    return g;
}

synth::SyntheticEvent make_event(uint32_t evt_type, const Settings& settings) {
    synth::SyntheticEvent ev(evt_type);
    const auto& reg = FieldRegistry::instance();
    for (const auto& s : settings) {
        if (s.kind == Setting::Kind::Absent) continue;
        uint16_t id = reg.find(s.field)->id;
        const std::string* arg = s.has_arg ? &s.arg : nullptr;
        switch (s.kind) {
        case Setting::Kind::Str:
            ev.set_str(id, s.s, arg);
            break;
        case Setting::Kind::Int:
            ev.set_int(id, s.i, arg);
            break;
        case Setting::Kind::Ip:
            ev.set_ip(id, s.ip, arg);
            break;
        case Setting::Kind::StrList:
            ev.set_str_list(id, s.list, arg);
            break;
        case Setting::Kind::Absent:
            break;
        }
    }
    ev.freeze();
    return ev;
}

const std::vector<std::string>& all_features() {
    static const std::vector<std::string> f = [] {
        std::vector<std::string> v;
        for (const char* op :
             {"=",        "==",        "!=",        "<",          "<=",          ">",        ">=",
              "contains", "icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob",
              "iglob",    "pmatch",    "regex",     "in",         "intersects",  "exists"})
            v.push_back(std::string("op:") + op);
        for (const char* m : {"anyof", "allof", "oneof"})
            v.push_back(std::string("mod:") + m);
        for (const char* t :
             {"tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"})
            v.push_back(std::string("tr:") + t);
        for (const char* t : {"String", "Bytes", "Bool", "Int16", "Int32", "Int64", "Uint32",
                              "Uint64", "Port", "RelTime", "AbsTime", "IpAddr", "IpNet"})
            v.push_back(std::string("type:") + t);
        for (const char* x : {"val", "rhs-transform", "cidr", "list-field", "ancestor",
                              "ancestor-index", "pmatch-glob"})
            v.push_back(x);
        return v;
    }();
    return f;
}

std::string rules_yaml(const std::vector<GenRule>& rules, const std::vector<std::string>& types) {
    std::string y;
    for (size_t i = 0; i < rules.size(); ++i) {
        std::string cond = rules[i].condition;
        if (i < types.size()) cond = "evt.type = " + types[i] + " and (" + cond + ")";
        y += "- rule: r" + std::to_string(i) + "\n  desc: generated\n  condition: >-\n    " + cond +
             "\n  output: r" + std::to_string(i) + "\n  priority: WARNING\n\n";
    }
    return y;
}

} // namespace saker::gen
