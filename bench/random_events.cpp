// Generator::random: events drawn from what the rules' conditions mention, for the
// differential tests (synthetic_events.h describes the draws).
#include "bench/synthetic_detail.h"

#include "codegen/semantics.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <map>
#include <stdexcept>
#include <utility>

namespace saker::synth {

using namespace detail;
using ast::CmpOp;
using ast::Operand;
using ast::Transform;

namespace {

bool is_ancestor(uint16_t f) {
    return ancestor_self(f) >= 0;
}

ValueKind kind_for(FieldType t) {
    switch (t) {
    case FieldType::String:
    case FieldType::Bytes:
        return ValueKind::Str;
    case FieldType::IpAddr:
    case FieldType::IpNet:
        return ValueKind::Ip;
    default:
        return ValueKind::Int;
    }
}

} // namespace

// ---- random mode -------------------------------------------------------------------------

// A value being chosen for one field, before it is written into the event.
struct Draft {
    enum class K { Absent, Int, Str, Ip, StrList, IntList } k = K::Absent;
    int64_t i = 0;
    std::string s;
    Ip16 ip{};
    std::vector<std::string> strs;
    std::vector<int64_t> ints;
};

struct RandomImpl {
    explicit RandomImpl(Generator& gen) : g(gen) {}
    Generator& g;
    Rng r{g.rng_};

    static constexpr const char* kJunkChars =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._- ";

    std::string junk(size_t max_len) {
        size_t n = r.below(max_len + 1);
        std::string s;
        for (size_t k = 0; k < n; ++k)
            s += kJunkChars[r.below(std::strlen(kJunkChars))];
        return s;
    }

    std::string case_flip(std::string s) {
        bool all = r.chance(0.5);
        for (char& c : s) {
            if (!all && !r.chance(0.3)) continue;
            if (c >= 'a' && c <= 'z')
                c = static_cast<char>(c - 32);
            else if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c + 32);
        }
        return s;
    }

    static std::string b64_encode(std::string_view in) {
        static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::string out;
        size_t i = 0;
        for (; i + 2 < in.size(); i += 3) {
            uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8 | uint8_t(in[i + 2]);
            out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], t[v & 63]};
        }
        if (i + 1 == in.size()) {
            uint32_t v = uint8_t(in[i]) << 16;
            out += {t[v >> 18], t[v >> 12 & 63], '=', '='};
        } else if (i + 2 == in.size()) {
            uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8;
            out += {t[v >> 18], t[v >> 12 & 63], t[v >> 6 & 63], '='};
        }
        return out;
    }

    // A string the glob pattern matches (mostly; classes pick their first member).
    std::string instantiate_glob(std::string_view p) {
        std::string out;
        for (size_t i = 0; i < p.size(); ++i) {
            char c = p[i];
            if (c == '*') {
                out += junk(r.chance(0.2) ? 12 : 4);
            } else if (c == '?') {
                out += kJunkChars[r.below(62)];
            } else if (c == '[') {
                size_t j = i + 1;
                bool neg = j < p.size() && (p[j] == '!' || p[j] == '^');
                if (neg) ++j;
                size_t close = p.find(']', j + 1);
                if (close == std::string_view::npos) {
                    out += '[';
                    continue;
                }
                out += neg ? '\x01' : p[j];
                i = close;
            } else if (c == '\\' && i + 1 < p.size()) {
                out += p[++i];
            } else {
                out += c;
            }
        }
        return out;
    }

    // A guess at a string an RE2 pattern fully matches: literal text with anchors and `.*`
    // removed; patterns with other metacharacters give their text (a near miss).
    static std::string regex_guess(std::string_view p) {
        std::string out;
        for (size_t i = 0; i < p.size(); ++i) {
            char c = p[i];
            if ((c == '^' && i == 0) || (c == '$' && i + 1 == p.size())) continue;
            if (c == '.' && i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '+')) {
                out += p[i + 1] == '+' ? "x" : "";
                ++i;
                continue;
            }
            if (c == '\\' && i + 1 < p.size()) {
                out += p[++i];
                continue;
            }
            out += c;
        }
        return out;
    }

    // The string a literal stands for, as the field must hold it to match.
    std::string base_of(const LiteralUse& l) {
        std::string s = l.text;
        switch (l.op) {
        case CmpOp::BContains:
        case CmpOp::BStartsWith:
            s = sem::hex_decode(s);
            break;
        case CmpOp::Glob:
        case CmpOp::IGlob:
            s = instantiate_glob(s);
            break;
        case CmpOp::Regex:
            s = regex_guess(s);
            break;
        case CmpOp::Contains:
        case CmpOp::IContains:
            s = (r.chance(0.5) ? junk(6) : "") + s + junk(6);
            break;
        case CmpOp::StartsWith:
            s += junk(8);
            break;
        case CmpOp::EndsWith:
            s = junk(8) + s;
            break;
        case CmpOp::PMatch:
            if (r.chance(0.5)) s += "/" + junk(8);
            break;
        default:
            break;
        }
        if (l.op == CmpOp::IContains || l.op == CmpOp::IGlob) s = case_flip(s);
        switch (l.via) {
        case Transform::ToLower:
        case Transform::ToUpper:
            s = case_flip(s);
            break;
        case Transform::Basename:
            s = "/" + junk(10) + "/" + s;
            break;
        case Transform::B64:
            s = b64_encode(s);
            break;
        case Transform::Len:
            if (l.value.kind == ast::Constant::Kind::Int) {
                int64_t n = std::clamp<int64_t>(l.value.i + int64_t(r.below(3)) - 1, 0, 8192);
                s = std::string(static_cast<size_t>(n), 'a');
            }
            break;
        default:
            break;
        }
        return s;
    }

    // A near miss of `s`: one small edit that often flips a comparison.
    std::string near_miss(std::string s) {
        switch (r.below(9)) {
        case 0:
            return s + (r.chance(0.5) ? "x" : " ");
        case 1:
            return s.substr(0, s.empty() ? 0 : r.below(s.size()));
        case 2:
            return s + "/" + junk(10);
        case 3:
            return case_flip(s);
        case 4:
            return junk(3) + s;
        case 5: {
            size_t at = r.below(s.size() + 1);
            s.insert(at, 1, '\0');
            return s;
        }
        case 6:
            return s + std::string("\0", 1) + junk(4);
        case 7: { // grown to 4 KiB by fair coin flips, 64 from each draw (a draw per flip
                  // was most of the differential test's time)
            std::string big = s;
            for (uint64_t bits = 0, left = 0; big.size() < 4096; bits >>= 1, --left) {
                if (left == 0) {
                    bits = r.u();
                    left = 64;
                }
                if (bits & 1)
                    big.append(s).push_back('/');
                else
                    big.push_back('a');
            }
            return big;
        }
        default:
            if (!s.empty()) s[r.below(s.size())] ^= 0x20;
            return s;
        }
    }

    std::string adversarial_str() {
        switch (r.below(12)) {
        case 0:
            return "";
        case 1:
            return std::string(4096, 'A');
        case 2: {
            std::string s = "/" + junk(6) + std::string("\0", 1) + junk(6);
            return s;
        }
        case 3:
            return "\xff\xfe\xc3\x28 \x80";
        case 4:
            return std::string("\0\0\0", 3);
        case 5:
            return "/";
        case 6: { // 4 KiB of uniform random bytes, eight from each draw
            std::string s(4096, '\0');
            for (size_t k = 0; k < s.size(); k += 8) {
                const uint64_t w = r.u();
                std::memcpy(s.data() + k, &w, 8);
            }
            return s;
        }
        case 7:
            return "<NA>";
        case 8:
            return "/" + junk(10) + "/" + junk(10);
        case 9:
            return std::string(1, static_cast<char>(0x80 + r.below(128)));
        default:
            return junk(20);
        }
    }

    std::string random_str(const FieldPlan* plan, bool allow_literal) {
        if (allow_literal && plan) {
            // A random one of the plan's string literals, counted rather than collected: a
            // vector per call was a sixth of the differential test under ASan.
            auto is_str = [](const LiteralUse& l) {
                return l.value.kind != ast::Constant::Kind::Int || l.via == Transform::Len;
            };
            const size_t n = std::count_if(plan->literals.begin(), plan->literals.end(), is_str);
            if (n != 0 && r.chance(0.47)) {
                size_t k = r.below(n);
                const LiteralUse* pick = nullptr;
                for (const auto& l : plan->literals)
                    if (is_str(l) && k-- == 0) {
                        pick = &l;
                        break;
                    }
                std::string s = base_of(*pick);
                return r.chance(0.6) ? s : near_miss(std::move(s));
            }
        }
        if (!g.pool_.empty() && r.chance(0.3)) {
            std::string s = r.pick(g.pool_);
            return r.chance(0.5) ? s : near_miss(std::move(s));
        }
        return adversarial_str();
    }

    static void width(FieldType t, int64_t& lo_v, int64_t& hi_v) {
        switch (t) {
        case FieldType::Int8:
            lo_v = INT8_MIN, hi_v = INT8_MAX;
            break;
        case FieldType::Int16:
            lo_v = INT16_MIN, hi_v = INT16_MAX;
            break;
        case FieldType::Int32:
            lo_v = INT32_MIN, hi_v = INT32_MAX;
            break;
        case FieldType::Uint8:
            lo_v = 0, hi_v = UINT8_MAX;
            break;
        case FieldType::Uint16:
        case FieldType::Port:
            lo_v = 0, hi_v = UINT16_MAX;
            break;
        case FieldType::Uint32:
            lo_v = 0, hi_v = UINT32_MAX;
            break;
        case FieldType::Uint64:
            lo_v = INT64_MIN, hi_v = INT64_MAX;
            break; // all bit patterns
        default:
            lo_v = INT64_MIN, hi_v = INT64_MAX;
            break;
        }
    }

    int64_t adversarial_int(FieldType t) {
        if (t == FieldType::Bool) return static_cast<int64_t>(r.below(2));
        int64_t lo_v, hi_v;
        width(t, lo_v, hi_v);
        static const int64_t kAny[] = {
            0,          1,         -1,        INT64_MIN,    INT64_MAX,
            UINT32_MAX, 1LL << 32, 1LL << 31, -(1LL << 31), INT32_MAX,
            UINT16_MAX, 65536,     255,       256,          127,
            128,        -128,      32767,     -32768,       INT64_MIN + 1};
        switch (r.below(6)) {
        case 0:
            return lo_v;
        case 1:
            return hi_v;
        case 2:
            return r.chance(0.5) ? lo_v + 1 : hi_v - 1;
        case 3:
            return r.pick(kAny); // may lie outside the field's width on purpose
        case 4:
            return static_cast<int64_t>(r.below(100));
        default: {
            // uniform within the width
            uint64_t span = static_cast<uint64_t>(hi_v) - static_cast<uint64_t>(lo_v);
            uint64_t v = span == UINT64_MAX ? r.u() : r.u() % (span + 1);
            return static_cast<int64_t>(static_cast<uint64_t>(lo_v) + v);
        }
        }
    }

    int64_t random_int(const FieldPlan* plan, FieldType t) {
        if (plan) {
            std::vector<int64_t> ints;
            for (const auto& l : plan->literals)
                if ((l.value.kind == ast::Constant::Kind::Int ||
                     l.value.kind == ast::Constant::Kind::Bool) &&
                    l.via == Transform::None)
                    ints.push_back(l.value.i);
            if (!ints.empty() && r.chance(0.47)) {
                int64_t v = r.pick(ints);
                if (t == FieldType::Bool) return v;
                switch (r.below(6)) {
                case 0:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) + 1);
                case 1:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) - 1);
                case 2:
                    return static_cast<int64_t>(static_cast<uint64_t>(v) ^ (1ULL << 32));
                default:
                    return v;
                }
            }
        }
        return adversarial_int(t);
    }

    Ip16 adversarial_ip() {
        static const std::vector<Ip16> kIps = {
            v4(127, 0, 0, 1),
            v4(0, 0, 0, 0),
            v4(255, 255, 255, 255),
            v4(10, 0, 0, 1),
            v4(10, 255, 255, 255),
            v4(9, 255, 255, 255),
            v4(11, 0, 0, 0),
            v4(172, 16, 0, 0),
            v4(172, 31, 255, 255),
            v4(172, 32, 0, 1),
            v4(192, 168, 1, 1),
            v4(192, 169, 0, 1),
            v4(8, 8, 8, 8),
            v4(127, 255, 255, 254),
            v6({0, 0, 0, 0, 0, 0, 0, 0}),           // ::
            v6({0, 0, 0, 0, 0, 0, 0, 1}),           // ::1
            v6({0, 0, 0, 0, 0, 0, 0x7f00, 1}),      // ::127.0.0.1 (IPv4-compatible)
            v6({0, 0, 0, 0, 0, 0xfffe, 0x7f00, 1}), // not mapped (ffff -> fffe)
            v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}),      // link local
            v6({0xfebf, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
            v6({0xfec0, 0, 0, 0, 0, 0, 0, 0}),
            v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}),
            v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}),
        };
        switch (r.below(4)) {
        case 0:
            return v4u(static_cast<uint32_t>(r.u()));
        case 1: {
            Ip16 ip;
            for (auto& b : ip)
                b = static_cast<uint8_t>(r.below(256));
            return ip;
        }
        default:
            return r.pick(kIps);
        }
    }

    // An address inside (or, `inside` false, just outside) a network.
    Ip16 in_net(const ast::Constant& c, bool inside) {
        Ip16 ip;
        std::memcpy(ip.data(), c.ip, 16);
        unsigned prefix = std::min<unsigned>(c.prefix, 128);
        int edge = static_cast<int>(r.below(3)); // 0: random host bits, 1: first, 2: last
        for (unsigned bit = prefix; bit < 128; ++bit) {
            bool v = edge == 0 ? r.chance(0.5) : edge == 2;
            uint8_t m = static_cast<uint8_t>(0x80 >> (bit % 8));
            ip[bit / 8] = static_cast<uint8_t>(v ? ip[bit / 8] | m : ip[bit / 8] & ~m);
        }
        if (!inside && prefix > 0) {
            unsigned bit = prefix - 1 - static_cast<unsigned>(r.below(std::min(prefix, 3u)));
            ip[bit / 8] ^= static_cast<uint8_t>(0x80 >> (bit % 8));
        }
        return ip;
    }

    Ip16 random_ip(const FieldPlan* plan) {
        if (plan) {
            std::vector<const ast::Constant*> ips;
            for (const auto& l : plan->literals)
                if (l.value.kind == ast::Constant::Kind::Ip ||
                    l.value.kind == ast::Constant::Kind::Net)
                    ips.push_back(&l.value);
            if (!ips.empty() && r.chance(0.47)) {
                const ast::Constant& c = *r.pick(ips);
                if (c.kind == ast::Constant::Kind::Net) return in_net(c, r.chance(0.6));
                Ip16 ip;
                std::memcpy(ip.data(), c.ip, 16);
                if (r.chance(0.3)) ip[15] ^= 1;
                if (r.chance(0.1)) ip[10] = ip[11] = 0; // mapped -> IPv4-compatible form
                return ip;
            }
        }
        return adversarial_ip();
    }

    // One scalar value of the field's kind.
    Draft scalar(const FieldInfo& fi, const FieldPlan* plan) {
        Draft d;
        switch (kind_for(fi.type)) {
        case ValueKind::Str:
            d.k = Draft::K::Str;
            d.s = random_str(plan, true);
            break;
        case ValueKind::Ip:
            d.k = Draft::K::Ip;
            d.ip = random_ip(plan);
            break;
        default:
            d.k = Draft::K::Int;
            d.i = random_int(plan, fi.type);
            break;
        }
        return d;
    }

    // A whole value for a field reference: absent ~15%, else scalar or list.
    Draft draw(const FieldPlan& p) {
        Draft d;
        if (r.chance(0.15)) return d;
        bool list = p.ancestor || (p.info->is_list() && !p.ref.has_arg);
        if (!list) return scalar(*p.info, &p);
        size_t n = r.below(p.ancestor ? 7 : 5);
        if (kind_for(p.info->type) == ValueKind::Int) {
            d.k = Draft::K::IntList;
            for (size_t k = 0; k < n; ++k)
                d.ints.push_back(random_int(&p, p.info->type));
        } else {
            d.k = Draft::K::StrList;
            for (size_t k = 0; k < n; ++k)
                d.strs.push_back(random_str(&p, true));
        }
        return d;
    }

    static void apply(SyntheticEvent& e, const FieldRef& ref, const Draft& d) {
        const std::string* arg = ref.has_arg ? &ref.arg : nullptr;
        switch (d.k) {
        case Draft::K::Absent:
            e.unset(ref.field, arg);
            break;
        case Draft::K::Int:
            e.set_int(ref.field, d.i, arg);
            break;
        case Draft::K::Str:
            e.set_str(ref.field, d.s, arg);
            break;
        case Draft::K::Ip:
            e.set_ip(ref.field, d.ip.data(), arg);
            break;
        case Draft::K::StrList:
            e.set_str_list(ref.field, d.strs, arg);
            break;
        case Draft::K::IntList:
            e.set_int_list(ref.field, d.ints, arg);
            break;
        }
    }

    // ---- targeted generation: choose values that satisfy a rule's condition -----------

    struct Ancestry {
        std::map<int64_t, Draft> at; // index >= 1 -> value
        std::vector<Draft> any;
    };
    std::map<FieldRef, Draft> drafts;
    std::map<uint16_t, Ancestry> ancestry;

    const FieldPlan* plan_of(const FieldRef& ref) {
        FieldRef key = is_ancestor(ref.field) ? FieldRef{ref.field, false, ""} : ref;
        auto it = g.plan_index_.find(key);
        return it == g.plan_index_.end() ? nullptr : &g.plans_[it->second];
    }

    static FieldRef ref_of(const Operand& o) {
        return {o.info->id, o.has_arg, o.has_arg ? o.arg : std::string()};
    }

    // The single field a left side reads, through at most one simple transformer.
    static bool target_of(const Operand& o, FieldRef& ref, Transform& via) {
        if (o.kind == Operand::Kind::Field && o.info) {
            ref = ref_of(o);
            via = Transform::None;
            return true;
        }
        if (o.kind == Operand::Kind::Transformed && o.args.size() == 1 &&
            o.args[0].kind == Operand::Kind::Field && o.args[0].info) {
            switch (o.transform) {
            case Transform::ToLower:
            case Transform::ToUpper:
            case Transform::Basename:
            case Transform::B64:
            case Transform::Len:
                ref = ref_of(o.args[0]);
                via = o.transform;
                return true;
            default:
                return false;
            }
        }
        return false;
    }

    void assign(const FieldRef& ref, Draft d) {
        int self = ancestor_self(ref.field);
        if (self >= 0 && ref.has_arg) {
            int64_t idx = -1;
            try {
                idx = std::stoll(ref.arg);
            } catch (...) {
                return;
            }
            if (idx == 0) {
                assign(FieldRef{static_cast<uint16_t>(self), false, ""}, std::move(d));
                return;
            }
            if (idx < 0 || idx > 16 || d.k == Draft::K::Absent) return;
            ancestry[ref.field].at.emplace(idx, std::move(d));
            return;
        }
        if (self >= 0) {
            if (d.k != Draft::K::Absent) ancestry[ref.field].any.push_back(std::move(d));
            return;
        }
        drafts.emplace(ref, std::move(d)); // the first choice for a field wins
    }

    // A value making `lhs <op> lit` true for a field of type `t`.
    Draft satisfying(const ast::Expr& e, const Operand& lit, FieldType t, Transform via) {
        Draft d;
        const ast::Constant& c = lit.value;
        if (via == Transform::Len) {
            if (c.kind != ast::Constant::Kind::Int) return d;
            int64_t n = c.i;
            switch (e.op) {
            case CmpOp::Lt:
                n -= 1;
                break;
            case CmpOp::Gt:
                n += 1;
                break;
            case CmpOp::Ne:
                n += 1;
                break;
            default:
                break;
            }
            n = std::clamp<int64_t>(n, 0, 8192);
            d.k = Draft::K::Str;
            d.s = std::string(static_cast<size_t>(n), 'b');
            return d;
        }
        switch (kind_for(t)) {
        case ValueKind::Str: {
            d.k = Draft::K::Str;
            LiteralUse l{e.op, via, lit.text, c};
            if (e.op == CmpOp::Ne)
                d.s = near_miss(lit.text);
            else
                d.s = base_of(l);
            return d;
        }
        case ValueKind::Int: {
            if (c.kind != ast::Constant::Kind::Int && c.kind != ast::Constant::Kind::Bool) return d;
            d.k = Draft::K::Int;
            uint64_t v = static_cast<uint64_t>(c.i);
            switch (e.op) {
            case CmpOp::Ne:
            case CmpOp::Gt:
                v += 1;
                break;
            case CmpOp::Lt:
                v -= 1;
                break;
            default:
                break;
            }
            if (t == FieldType::Bool) v = e.op == CmpOp::Ne ? !c.i : c.i;
            d.i = static_cast<int64_t>(v);
            return d;
        }
        case ValueKind::Ip:
            d.k = Draft::K::Ip;
            if (c.kind == ast::Constant::Kind::Net)
                d.ip = in_net(c, e.op != CmpOp::Ne);
            else if (c.kind == ast::Constant::Kind::Ip) {
                std::memcpy(d.ip.data(), c.ip, 16);
                if (e.op == CmpOp::Ne) d.ip[15] ^= 1;
            } else
                d.ip = adversarial_ip();
            return d;
        default:
            return d;
        }
    }

    void want_compare(const ast::Expr& e, bool want) {
        FieldRef ref;
        Transform via;
        if (!target_of(e.lhs, ref, via)) return;
        const FieldInfo& fi = FieldRegistry::instance().at(ref.field);
        if (ref.field == anc_ids().evt_type) return; // fixed by the event type
        const FieldPlan* plan = plan_of(ref);
        if (e.op == CmpOp::Exists) {
            if (want)
                assign(ref, plan ? scalar(fi, plan) : scalar(fi, nullptr));
            else if (!is_ancestor(ref.field) || !ref.has_arg)
                assign(ref, Draft{});
            return;
        }
        if (!want) {
            // Absent makes any comparison false; a random value usually does too.
            if (r.chance(0.5))
                assign(ref, Draft{});
            else
                assign(ref, scalar(fi, nullptr));
            return;
        }
        if (e.rhs.is_field_like()) {
            FieldRef rref;
            Transform rvia;
            if (via != Transform::None || !target_of(e.rhs, rref, rvia) || rvia != Transform::None)
                return;
            if (e.op != CmpOp::Eq && e.op != CmpOp::In) return;
            Draft d = scalar(fi, plan);
            if (kind_for(FieldRegistry::instance().at(rref.field).type) != kind_for(fi.type))
                return;
            assign(ref, d);
            assign(rref, d);
            return;
        }
        std::vector<const Operand*> items;
        if (e.rhs.kind == Operand::Kind::List)
            for (const auto& it : e.rhs.items)
                items.push_back(&it);
        else if (e.rhs.kind == Operand::Kind::Literal)
            items.push_back(&e.rhs);
        if (items.empty()) return;
        if (e.lhs_list) {
            Draft d;
            d.k = Draft::K::StrList;
            size_t n = 1 + r.below(3);
            for (size_t k = 0; k < n; ++k)
                d.strs.push_back((*items[r.below(items.size())]).text);
            if (e.op == CmpOp::Intersects && r.chance(0.5)) d.strs.push_back(junk(5));
            assign(ref, std::move(d));
            return;
        }
        if (e.mod == ast::ListMod::AllOf && (e.op == CmpOp::Contains || e.op == CmpOp::IContains) &&
            kind_for(fi.type) == ValueKind::Str && via == Transform::None) {
            Draft d;
            d.k = Draft::K::Str;
            for (const Operand* it : items)
                d.s += junk(3) + it->text;
            assign(ref, std::move(d));
            return;
        }
        Draft d = satisfying(e, *items[r.below(items.size())], fi.type, via);
        if (d.k != Draft::K::Absent) assign(ref, std::move(d));
    }

    void want(const ast::Expr& e, bool truth) {
        using K = ast::Expr::Kind;
        switch (e.kind) {
        case K::And:
        case K::Or: {
            bool all = (e.kind == K::And) == truth; // every child must have value `truth`
            if (all) {
                for (const auto& c : e.children)
                    want(*c, truth);
            } else {
                want(*e.children[r.below(e.children.size())], truth);
            }
            break;
        }
        case K::Not:
            want(*e.children[0], !truth);
            break;
        case K::Compare:
            want_compare(e, truth);
            break;
        default:
            break;
        }
    }

    void build_ancestors(SyntheticEvent& ev, uint16_t field, Ancestry& a) {
        const FieldPlan* plan = plan_of({field, false, ""});
        const FieldInfo& fi = FieldRegistry::instance().at(field);
        int64_t max_at = a.at.empty() ? 0 : a.at.rbegin()->first;
        size_t len =
            static_cast<size_t>(std::max<int64_t>(max_at, int64_t(r.below(4)))) + a.any.size();
        std::vector<Draft> chain(len);
        std::vector<bool> fixed(len, false);
        for (auto& [idx, d] : a.at) {
            chain[static_cast<size_t>(idx - 1)] = d;
            fixed[static_cast<size_t>(idx - 1)] = true;
        }
        for (auto& d : a.any) {
            std::vector<size_t> free;
            for (size_t k = 0; k < len; ++k)
                if (!fixed[k]) free.push_back(k);
            if (free.empty()) break;
            size_t k = r.pick(free);
            chain[k] = d;
            fixed[k] = true;
        }
        bool ints = kind_for(fi.type) == ValueKind::Int;
        std::vector<std::string> strs;
        std::vector<int64_t> is;
        for (size_t k = 0; k < len; ++k) {
            Draft d = fixed[k] ? chain[k] : scalar(fi, plan);
            if (ints)
                is.push_back(d.k == Draft::K::Int ? d.i : 0);
            else
                strs.push_back(d.k == Draft::K::Str ? d.s : std::string());
        }
        if (ints)
            ev.set_int_list(field, is);
        else
            ev.set_str_list(field, strs);
    }

    SyntheticEvent next() {
        auto types = known_event_types();
        uint32_t type;
        if (g.rule_types_.empty() || r.chance(0.10))
            type = static_cast<uint32_t>(r.below(types.size()));
        else
            type = r.pick(g.rule_types_);
        SyntheticEvent ev(type);
        for (const FieldPlan& p : g.plans_) {
            if (p.ref.field == anc_ids().evt_type) continue;
            Draft d = draw(p);
            if (d.k != Draft::K::Absent) apply(ev, p.ref, d);
        }
        if (!r.chance(Generator::kTargetedShare)) return ev;
        std::vector<uint32_t> cands = g.any_type_rules_;
        if (type < g.rules_by_type_.size())
            cands.insert(cands.end(), g.rules_by_type_[type].begin(), g.rules_by_type_[type].end());
        if (cands.empty()) return ev;
        drafts.clear();
        ancestry.clear();
        want(*g.targets_[r.pick(cands)], true);
        for (auto& [ref, d] : drafts) {
            if (d.k == Draft::K::Str && r.chance(0.1)) d.s = near_miss(d.s);
            apply(ev, ref, d);
        }
        for (auto& [field, a] : ancestry)
            build_ancestors(ev, field, a);
        return ev;
    }
};

namespace {

struct Collector {
    Generator& g;
    std::vector<FieldPlan>& plans;
    std::map<FieldRef, size_t>& index;
    std::vector<std::string>& pool;

    size_t plan_for(const Operand& o) {
        FieldRef ref{o.info->id, o.has_arg, o.has_arg ? o.arg : std::string()};
        bool anc = is_ancestor(ref.field);
        if (anc) ref = {ref.field, false, ""};
        auto [it, fresh] = index.emplace(ref, plans.size());
        if (fresh) plans.push_back({ref, o.info, anc, {}});
        // [0] of an ancestor field reads the process itself: plan that field too.
        if (anc && o.has_arg && o.arg == "0") {
            const FieldInfo& self =
                FieldRegistry::instance().at(static_cast<uint16_t>(ancestor_self(o.info->id)));
            FieldRef sref{self.id, false, ""};
            if (index.emplace(sref, plans.size()).second) plans.push_back({sref, &self, false, {}});
        }
        return index.at(ref);
    }

    // Field references an operand reads, each with the transformer around it (if any).
    void refs(const Operand& o, Transform via, std::vector<std::pair<size_t, Transform>>& out) {
        switch (o.kind) {
        case Operand::Kind::Field:
            if (o.info) out.push_back({plan_for(o), via});
            break;
        case Operand::Kind::Transformed:
            for (const auto& a : o.args)
                refs(a, via == Transform::None ? o.transform : via, out);
            break;
        case Operand::Kind::Literal:
            pool.push_back(o.text);
            break;
        case Operand::Kind::List:
            for (const auto& it : o.items)
                refs(it, via, out);
            break;
        }
    }

    void literal(const ast::Expr& e, const Operand& lit,
                 const std::vector<std::pair<size_t, Transform>>& lhs) {
        if (lit.kind == Operand::Kind::List) {
            for (const auto& it : lit.items)
                literal(e, it, lhs);
            return;
        }
        if (lit.kind != Operand::Kind::Literal) return;
        pool.push_back(lit.text);
        for (auto [p, via] : lhs)
            plans[p].literals.push_back({e.op, via, lit.text, lit.value});
    }

    void expr(const ast::Expr& root) {
        ast::for_each_node(root, [&](const ast::Expr& e) {
            if (e.kind != ast::Expr::Kind::Compare) return;
            std::vector<std::pair<size_t, Transform>> lhs;
            refs(e.lhs, Transform::None, lhs);
            if (e.op == CmpOp::Exists) return;
            if (e.rhs.is_field_like()) {
                std::vector<std::pair<size_t, Transform>> rhs;
                refs(e.rhs, Transform::None, rhs);
                return;
            }
            literal(e, e.rhs, lhs);
        });
    }
};

} // namespace

Generator Generator::random(const Ruleset& rules, uint64_t seed) {
    Generator g(Mode::Random, seed);
    Collector c{g, g.plans_, g.plan_index_, g.pool_};
    g.rules_by_type_.resize(known_event_types().size());
    std::vector<bool> named(known_event_types().size(), false);
    for (const Rule& rule : rules.rules) {
        if (!rule.condition) continue;
        c.expr(*rule.condition);
        if (!rule.enabled) continue;
        uint32_t t = static_cast<uint32_t>(g.targets_.size());
        g.targets_.push_back(rule.condition->clone());
        if (rule.evttypes.all) {
            g.any_type_rules_.push_back(t);
            continue;
        }
        for (const auto& name : rule.evttypes.names) {
            auto types = known_event_types();
            auto it = std::lower_bound(types.begin(), types.end(), name);
            if (it == types.end() || *it != name) continue;
            uint32_t id = static_cast<uint32_t>(it - types.begin());
            g.rules_by_type_[id].push_back(t);
            if (!named[id]) g.rule_types_.push_back(id);
            named[id] = true;
        }
    }
    std::sort(g.pool_.begin(), g.pool_.end());
    g.pool_.erase(std::unique(g.pool_.begin(), g.pool_.end()), g.pool_.end());
    return g;
}

SyntheticEvent Generator::next_random() {
    return RandomImpl(*this).next();
}

} // namespace saker::synth
