#include "codegen/semantics.h"

#include "runtime/dns/resolver.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace saker::sem {

using ast::CmpOp;
using ast::ListMod;
using ast::Operand;

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = lower(c);
    return out;
}

// Iterative glob with backtracking to the last '*': linear in practice, no recursion.
bool glob_match(std::string_view p, std::string_view s, bool fold) {
    size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
    auto eq = [&](char a, char b) { return fold ? lower(a) == lower(b) : a == b; };
    auto class_match = [&](size_t& i, char c) -> int { // -1: malformed, 0/1 result
        size_t j = i + 1;
        bool neg = j < p.size() && (p[j] == '!' || p[j] == '^');
        if (neg) ++j;
        bool hit = false, first = true;
        for (; j < p.size() && (first || p[j] != ']'); ++j, first = false) {
            if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
                char lo = p[j], hi = p[j + 2];
                if (fold ? (lower(c) >= lower(lo) && lower(c) <= lower(hi)) : (c >= lo && c <= hi))
                    hit = true;
                j += 2;
            } else if (eq(p[j], c)) {
                hit = true;
            }
        }
        if (j >= p.size()) return -1;
        i = j + 1;
        return hit != neg;
    };
    while (si < s.size()) {
        if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            mark = si;
            continue;
        }
        if (pi < p.size()) {
            if (p[pi] == '?') {
                ++pi, ++si;
                continue;
            }
            if (p[pi] == '[') {
                size_t i = pi;
                int r = class_match(i, s[si]);
                if (r == 1) {
                    pi = i, ++si;
                    continue;
                }
                if (r == -1 && eq('[', s[si])) {
                    ++pi, ++si;
                    continue;
                }
            } else if (p[pi] == '\\' && pi + 1 < p.size()) {
                if (eq(p[pi + 1], s[si])) {
                    pi += 2, ++si;
                    continue;
                }
            } else if (eq(p[pi], s[si])) {
                ++pi, ++si;
                continue;
            }
        }
        if (star == std::string_view::npos) return false;
        pi = star + 1;
        si = ++mark;
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

bool pmatch_has_glob(std::string_view prefix) {
    return prefix.find_first_of("*?[") != std::string_view::npos;
}

// A prefix with glob wildcards is compared component by component, each component a glob that
// cannot cross '/' (Falco 0.36+): `/var/*` covers /var/run/x but not /var itself.
static bool glob_prefix_match(std::string_view prefix, std::string_view path) {
    size_t pi = 0, si = 0;
    for (;;) {
        size_t pe = std::min(prefix.find('/', pi), prefix.size());
        size_t se = std::min(path.find('/', si), path.size());
        if (!glob_match(prefix.substr(pi, pe - pi), path.substr(si, se - si), false)) return false;
        if (pe == prefix.size()) return true;
        if (se == path.size()) return false;
        pi = pe + 1;
        si = se + 1;
    }
}

bool path_prefix_match(std::string_view prefix, std::string_view path) {
    while (prefix.size() > 1 && prefix.back() == '/')
        prefix.remove_suffix(1);
    if (pmatch_has_glob(prefix)) return glob_prefix_match(prefix, path);
    if (path.substr(0, prefix.size()) != prefix) return false;
    return path.size() == prefix.size() || prefix == "/" || path[prefix.size()] == '/';
}

bool contains_folded(std::string_view h, std::string_view lower_needle) {
    if (lower_needle.empty()) return true;
    if (lower_needle.size() > h.size()) return false;
    for (size_t i = 0; i + lower_needle.size() <= h.size(); ++i) {
        size_t k = 0;
        while (k < lower_needle.size() && lower(h[i + k]) == lower_needle[k])
            ++k;
        if (k == lower_needle.size()) return true;
    }
    return false;
}

bool ip_in_net(const uint8_t ip[16], const uint8_t net[16], uint8_t prefix) {
    for (unsigned bit = 0; bit < prefix; bit += 8) {
        unsigned left = prefix - bit;
        uint8_t mask = left >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - left));
        if ((ip[bit / 8] & mask) != (net[bit / 8] & mask)) return false;
    }
    return true;
}

bool is_signed(FieldType t) {
    return field_type_is_signed(t);
}

std::string hex_decode(std::string_view hex) {
    std::string out;
    auto nib = [](char c) { return c <= '9' ? c - '0' : (lower(c) - 'a' + 10); };
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(nib(hex[i]) << 4 | nib(hex[i + 1]));
    return out;
}

Value Scratch::keep(std::string s) {
    strings.push_back(std::move(s));
    return Value::of_str(strings.back());
}

Value Scratch::keep(std::vector<Value> items) {
    lists.push_back(std::move(items));
    return Value::of_list(lists.back().data(), static_cast<uint32_t>(lists.back().size()));
}

// ---- transformers --------------------------------------------------------------------------

static bool b64_decode(std::string_view in, std::string& out) {
    auto val = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    while (!in.empty() && in.back() == '=')
        in.remove_suffix(1);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        int v = val(c);
        if (v < 0) return false;
        acc = acc << 6 | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>(acc >> bits & 0xff);
        }
    }
    return bits < 6;
}

static std::vector<std::string_view> words(const Value& v) {
    std::vector<std::string_view> out;
    if (v.kind == ValueKind::List) {
        auto items = static_cast<const Value*>(v.ptr);
        for (uint32_t i = 0; i < v.len; ++i)
            if (items[i].kind == ValueKind::Str) out.push_back(items[i].str());
        return out;
    }
    std::string_view s = v.str();
    size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && s[i] == ' ')
            ++i;
        size_t j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j;
    }
    return out;
}

// getopt(args, optstring): the options found, each as its character followed by its value
// ("t30", "n"); '?' for an unknown option. With a selector, the value of the last occurrence.
static Value getopt_values(const Operand& op, const Value& args, std::string_view opts,
                           Scratch& scratch) {
    std::vector<std::pair<char, std::string>> found;
    auto ws = words(args);
    for (size_t i = 0; i < ws.size(); ++i) {
        std::string_view w = ws[i];
        if (w == "--") break;
        if (w.size() < 2 || w[0] != '-' || w[1] == '-') continue;
        for (size_t k = 1; k < w.size(); ++k) {
            size_t at = opts.find(w[k]);
            if (at == std::string_view::npos || w[k] == ':') {
                found.push_back({'?', ""});
                continue;
            }
            if (at + 1 < opts.size() && opts[at + 1] == ':') {
                std::string val(w.substr(k + 1));
                if (val.empty() && i + 1 < ws.size()) val = std::string(ws[++i]);
                found.push_back({w[k], val});
                break;
            }
            found.push_back({w[k], ""});
        }
    }
    if (op.has_arg) {
        for (auto it = found.rbegin(); it != found.rend(); ++it)
            if (it->first == op.arg[0]) return scratch.keep(it->second);
        return {};
    }
    std::vector<Value> items;
    for (auto& [c, v] : found)
        items.push_back(scratch.keep(std::string(1, c) + v));
    return scratch.keep(std::move(items));
}

Value apply_transform(ast::Transform t, const Operand& op, const std::vector<Value>& in,
                      Scratch& scratch) {
    for (const auto& v : in)
        if (!v.present()) return {};
    auto map_strings = [&](auto fn) -> Value {
        const Value& v = in[0];
        if (v.kind == ValueKind::List) {
            std::vector<Value> items;
            auto src = static_cast<const Value*>(v.ptr);
            for (uint32_t i = 0; i < v.len; ++i)
                if (src[i].kind == ValueKind::Str) items.push_back(scratch.keep(fn(src[i].str())));
            return scratch.keep(std::move(items));
        }
        if (v.kind != ValueKind::Str) return {};
        return scratch.keep(fn(v.str()));
    };
    switch (t) {
    case ast::Transform::ToLower:
        return map_strings([](std::string_view s) { return to_lower(s); });
    case ast::Transform::ToUpper:
        return map_strings([](std::string_view s) {
            std::string o(s);
            for (char& c : o)
                if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
            return o;
        });
    case ast::Transform::Basename:
        return map_strings([](std::string_view s) {
            size_t slash = s.rfind('/');
            return std::string(slash == std::string_view::npos ? s : s.substr(slash + 1));
        });
    case ast::Transform::B64: {
        if (in[0].kind != ValueKind::Str) return {};
        std::string out;
        if (!b64_decode(in[0].str(), out)) return {};
        return scratch.keep(std::move(out));
    }
    case ast::Transform::Len:
        if (in[0].kind == ValueKind::Str || in[0].kind == ValueKind::List)
            return Value::of_int(in[0].len);
        return {};
    case ast::Transform::Concat: {
        std::string out;
        for (const auto& v : in) {
            if (v.kind != ValueKind::Str) return {};
            out += v.str();
        }
        return scratch.keep(std::move(out));
    }
    case ast::Transform::Join: {
        if (in[0].kind != ValueKind::Str) return {};
        std::string out;
        bool first = true;
        for (auto w : words(in[1].kind == ValueKind::List ? in[1] : Value{})) {
            if (!first) out += in[0].str();
            out += w;
            first = false;
        }
        return scratch.keep(std::move(out));
    }
    case ast::Transform::Getopt:
        if (in[1].kind != ValueKind::Str) return {};
        return getopt_values(op, in[0], in[1].str(), scratch);
    case ast::Transform::None:
        break;
    }
    return {};
}

// ---- comparisons ---------------------------------------------------------------------------

static const RE2& cached_regex(const std::string& pattern) {
    // Patterns come from the loaded rules, so this map stays small; a mutex keeps it safe
    // for several evaluating threads.
    static std::mutex mu;
    static std::unordered_map<std::string, std::unique_ptr<RE2>> cache;
    std::lock_guard<std::mutex> lock(mu);
    auto& re = cache[pattern];
    if (!re) re = std::make_unique<RE2>(pattern, RE2::Quiet);
    return *re;
}

static bool int_cmp(CmpOp op, FieldType t, int64_t a, int64_t b) {
    if (op == CmpOp::Eq || op == CmpOp::In || op == CmpOp::Intersects) return a == b;
    if (op == CmpOp::Ne) return a != b;
    if (is_signed(t)) {
        switch (op) {
        case CmpOp::Lt:
            return a < b;
        case CmpOp::Le:
            return a <= b;
        case CmpOp::Gt:
            return a > b;
        case CmpOp::Ge:
            return a >= b;
        default:
            return false;
        }
    }
    uint64_t ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
    switch (op) {
    case CmpOp::Lt:
        return ua < ub;
    case CmpOp::Le:
        return ua <= ub;
    case CmpOp::Gt:
        return ua > ub;
    case CmpOp::Ge:
        return ua >= ub;
    default:
        return false;
    }
}

static bool str_cmp(CmpOp op, std::string_view v, std::string_view lit) {
    switch (op) {
    case CmpOp::Eq:
    case CmpOp::In:
    case CmpOp::Intersects:
        return v == lit;
    case CmpOp::Ne:
        return v != lit;
    case CmpOp::Contains:
        return v.find(lit) != std::string_view::npos;
    case CmpOp::IContains:
        return contains_folded(v, to_lower(lit));
    case CmpOp::StartsWith:
        return v.substr(0, lit.size()) == lit;
    case CmpOp::EndsWith:
        return v.size() >= lit.size() && v.substr(v.size() - lit.size()) == lit;
    case CmpOp::Glob:
        return glob_match(lit, v, false);
    case CmpOp::IGlob:
        return glob_match(lit, v, true);
    case CmpOp::PMatch:
        return path_prefix_match(lit, v);
    case CmpOp::Regex:
        return RE2::FullMatch(re2::StringPiece(v.data(), v.size()), cached_regex(std::string(lit)));
    case CmpOp::BContains:
        return v.find(hex_decode(lit)) != std::string_view::npos;
    case CmpOp::BStartsWith: {
        std::string b = hex_decode(lit);
        return v.substr(0, b.size()) == b;
    }
    default:
        return false;
    }
}

bool compare_literal(CmpOp op, FieldType type, const Value& v, const Operand& lit) {
    const ast::Constant& c = lit.value;
    switch (v.kind) {
    case ValueKind::Str:
        return str_cmp(op, v.str(), lit.text);
    case ValueKind::Int:
        if (c.kind != ast::Constant::Kind::Int && c.kind != ast::Constant::Kind::Bool) return false;
        return int_cmp(op, type, v.i, c.i);
    case ValueKind::Ip: {
        auto ip = static_cast<const uint8_t*>(v.ptr);
        bool hit = c.kind == ast::Constant::Kind::Net  ? ip_in_net(ip, c.ip, c.prefix)
                   : c.kind == ast::Constant::Kind::Ip ? std::memcmp(ip, c.ip, 16) == 0
                                                       : false;
        if (op == CmpOp::Ne) return !hit;
        return op == CmpOp::Eq || op == CmpOp::In || op == CmpOp::Intersects ? hit : false;
    }
    default:
        return false;
    }
}

// A present scalar against the right side: its literal(s), or a field-like value.
static bool scalar_vs_rhs(const ast::Expr& e, const Value& v, const Value& rhs) {
    const Operand& r = e.rhs;
    if (r.kind == Operand::Kind::List) {
        auto test = [&](const Operand& item) { return compare_literal(e.op, e.lhs_type, v, item); };
        if (e.mod == ListMod::None) return std::any_of(r.items.begin(), r.items.end(), test);
        size_t hits = static_cast<size_t>(std::count_if(r.items.begin(), r.items.end(), test));
        if (e.mod == ListMod::AnyOf) return hits > 0;
        if (e.mod == ListMod::AllOf) return !r.items.empty() && hits == r.items.size();
        return hits == 1;
    }
    if (r.kind == Operand::Kind::Literal) return compare_literal(e.op, e.lhs_type, v, r);
    // A field-like right side: compare value with value.
    if (!rhs.present()) return false;
    if (rhs.kind == ValueKind::List) {
        auto items = static_cast<const Value*>(rhs.ptr);
        for (uint32_t i = 0; i < rhs.len; ++i)
            if (scalar_vs_value(e.op, e.lhs_type, v, items[i])) return true;
        return false;
    }
    return scalar_vs_value(e.op, e.lhs_type, v, rhs);
}

bool scalar_vs_value(CmpOp op, FieldType type, const Value& v, const Value& r) {
    if (v.kind == ValueKind::Str && r.kind == ValueKind::Str) return str_cmp(op, v.str(), r.str());
    if (v.kind == ValueKind::Int && r.kind == ValueKind::Int) return int_cmp(op, type, v.i, r.i);
    if (v.kind == ValueKind::Ip && r.kind == ValueKind::Ip) {
        bool eq = std::memcmp(v.ptr, r.ptr, 16) == 0;
        return op == CmpOp::Ne ? !eq : (op == CmpOp::Eq || op == CmpOp::In) && eq;
    }
    return false;
}

const FieldInfo* name_compare_address(const ast::Expr& e) {
    const FieldInfo* f = e.lhs.info;
    if (!f || !(f->flags & kFieldAddressName) || e.lhs.kind != Operand::Kind::Field ||
        e.lhs.has_arg || e.mod != ListMod::None)
        return nullptr;
    const bool names = e.op == CmpOp::In ? e.rhs.kind == Operand::Kind::List
                                         : (e.op == CmpOp::Eq || e.op == CmpOp::Ne) &&
                                               e.rhs.kind == Operand::Kind::Literal;
    if (!names) return nullptr;
    static constexpr std::string_view kSuffix = ".name";
    return FieldRegistry::instance().find(f->name.substr(0, f->name.size() - kSuffix.size()));
}

// The left side is the address (name_compare_address): is it one the name(s) resolve to?
static bool name_match(const ast::Expr& e, const Value& addr) {
    if (addr.kind != ValueKind::Ip) return false;
    auto ip = static_cast<const uint8_t*>(addr.ptr);
    const auto& dns = dns::resolver();
    if (e.rhs.kind == Operand::Kind::Literal)
        return dns.resolves_to(e.rhs.text, ip) != (e.op == CmpOp::Ne);
    return std::any_of(e.rhs.items.begin(), e.rhs.items.end(),
                       [&](const Operand& n) { return dns.resolves_to(n.text, ip); });
}

bool compare(const ast::Expr& e, const Value& lhs, const Value& rhs) {
    if (e.op == CmpOp::Exists) return lhs.present();
    if (!lhs.present()) return false;
    if (e.lhs.info && (e.lhs.info->flags & kFieldAddressName) && name_compare_address(e))
        return name_match(e, lhs);
    if (lhs.kind != ValueKind::List) return scalar_vs_rhs(e, lhs, rhs);
    auto items = static_cast<const Value*>(lhs.ptr);
    if (e.lhs_list && (e.op == CmpOp::In || e.op == CmpOp::Intersects)) {
        // A list field: `in` asks for a subset, `intersects` for an overlap.
        bool all = true, any = false;
        for (uint32_t i = 0; i < lhs.len; ++i) {
            bool hit = items[i].present() && scalar_vs_rhs(e, items[i], rhs);
            all = all && hit;
            any = any || hit;
        }
        return e.op == CmpOp::In ? all : any;
    }
    // Any other list (`proc.aname` without an index): some element satisfies the comparison.
    for (uint32_t i = 0; i < lhs.len; ++i)
        if (items[i].present() && scalar_vs_rhs(e, items[i], rhs)) return true;
    return false;
}

} // namespace saker::sem
