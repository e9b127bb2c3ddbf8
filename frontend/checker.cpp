#include "frontend/checker.h"

#include <re2/re2.h>

#include <arpa/inet.h>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

namespace saker {
namespace {

using ast::CmpOp;
using ast::Constant;
using ast::Expr;
using ast::ListMod;
using ast::Operand;
using ast::Transform;

enum class Class : uint8_t { Str, Bytes, Num, Bool, Ip, Net };

Class class_of(FieldType t) {
    switch (t) {
    case FieldType::String:
        return Class::Str;
    case FieldType::Bytes:
        return Class::Bytes;
    case FieldType::Bool:
        return Class::Bool;
    case FieldType::IpAddr:
        return Class::Ip;
    case FieldType::IpNet:
        return Class::Net;
    default:
        return Class::Num;
    }
}

// The type an operand yields: a field's type, or what a transformer makes of its input.
struct OpType {
    FieldType type = FieldType::String;
    bool list = false;
};

bool op_allowed(Class c, bool list, CmpOp op) {
    if (op == CmpOp::Exists) return true;
    if (list) return op == CmpOp::In || op == CmpOp::Intersects;
    switch (c) {
    case Class::Str:
    case Class::Bytes:
        return op != CmpOp::Lt && op != CmpOp::Le && op != CmpOp::Gt && op != CmpOp::Ge;
    case Class::Num:
        return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::Lt || op == CmpOp::Le ||
               op == CmpOp::Gt || op == CmpOp::Ge || op == CmpOp::In || op == CmpOp::Intersects;
    case Class::Bool:
        return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::In;
    case Class::Ip:
        return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::In || op == CmpOp::Intersects;
    case Class::Net:
        return op == CmpOp::Eq || op == CmpOp::Ne || op == CmpOp::In;
    }
    return false;
}

bool mod_allowed(CmpOp op) {
    switch (op) {
    case CmpOp::Eq:
    case CmpOp::Ne:
    case CmpOp::Contains:
    case CmpOp::IContains:
    case CmpOp::BContains:
    case CmpOp::StartsWith:
    case CmpOp::BStartsWith:
    case CmpOp::EndsWith:
    case CmpOp::Glob:
    case CmpOp::IGlob:
    case CmpOp::Regex:
        return true;
    default:
        return false;
    }
}

std::string describe(const Operand& o, OpType t) {
    return "'" + ast::to_string(o) + "' (" + (t.list ? "list of " : "") +
           std::string(field_type_name(t.type)) + ")";
}

bool parse_int(const std::string& s, FieldType t, int64_t& out) {
    std::string_view v = s;
    bool neg = false;
    if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
        neg = v[0] == '-';
        v.remove_prefix(1);
    }
    int base = 10;
    if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        v.remove_prefix(2);
    }
    uint64_t mag = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), mag, base);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return false;
    // Range of the field's width; unsigned fields take no sign.
    unsigned bits = 64;
    switch (t) {
    case FieldType::Int8:
    case FieldType::Uint8:
        bits = 8;
        break;
    case FieldType::Int16:
    case FieldType::Uint16:
    case FieldType::Port:
        bits = 16;
        break;
    case FieldType::Int32:
    case FieldType::Uint32:
        bits = 32;
        break;
    default:
        break;
    }
    if (field_type_is_signed(t)) {
        uint64_t limit = (uint64_t(1) << (bits - 1)) - (neg ? 0 : 1);
        if (mag > limit) return false;
        out = neg ? static_cast<int64_t>(0 - mag) : static_cast<int64_t>(mag);
        return true;
    }
    if (neg && mag != 0) return false;
    if (bits < 64 && mag >= (uint64_t(1) << bits)) return false;
    out = static_cast<int64_t>(mag);
    return true;
}

bool parse_ip(const std::string& s, uint8_t out[16]) {
    in_addr v4;
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        std::memset(out, 0, 10);
        out[10] = out[11] = 0xff;
        std::memcpy(out + 12, &v4, 4);
        return true;
    }
    in6_addr v6;
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::memcpy(out, &v6, 16);
        return true;
    }
    return false;
}

bool parse_net(const std::string& s, Constant& c) {
    size_t slash = s.find('/');
    std::string addr = s.substr(0, slash);
    if (!parse_ip(addr, c.ip)) return false;
    bool v4 = addr.find(':') == std::string::npos;
    int max = v4 ? 32 : 128, prefix = max;
    if (slash != std::string::npos) {
        std::string p = s.substr(slash + 1);
        auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
        if (p.empty() || ec != std::errc() || ptr != p.data() + p.size() || prefix < 0 ||
            prefix > max)
            return false;
    }
    c.prefix = static_cast<uint8_t>(v4 ? prefix + 96 : prefix);
    c.kind = Constant::Kind::Net;
    return true;
}

bool is_hex(const std::string& s) {
    if (s.empty() || s.size() % 2) return false;
    for (char c : s)
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

class Checker {
  public:
    explicit Checker(Diagnostics& diags) : diags_(diags) {}
    CheckResult result;

    bool check(Expr& e) {
        switch (e.kind) {
        case Expr::Kind::And:
        case Expr::Kind::Or:
        case Expr::Kind::Not: {
            bool ok = true;
            for (auto& c : e.children)
                ok = check(*c) && ok;
            return ok;
        }
        case Expr::Kind::Compare:
            return check_compare(e);
        case Expr::Kind::BoolConst:
            return true;
        case Expr::Kind::MacroRef:
            diags_.error(e.loc, "undefined macro '" + e.name + "'");
            return false;
        }
        return false;
    }

  private:
    Diagnostics& diags_;

    bool fail(SourceLoc loc, std::string msg) {
        diags_.error(loc, std::move(msg));
        return false;
    }

    bool operand_type(Operand& o, OpType& t) {
        if (o.kind == Operand::Kind::Field) {
            if (!resolve_field(o, diags_, &result.fields)) return false;
            t = {o.info->type, o.info->is_list() && !o.has_arg};
            return true;
        }
        if (o.kind == Operand::Kind::Literal) {
            t = {FieldType::String, false};
            return true;
        }
        if (o.kind == Operand::Kind::List) {
            for (auto& item : o.items) {
                OpType it;
                if (!operand_type(item, it)) return false;
                if (it.list) return fail(item.loc, "a list argument cannot contain a list");
            }
            t = {FieldType::String, true};
            return true;
        }
        return transformed_type(o, t);
    }

    bool transformed_type(Operand& o, OpType& t) {
        std::vector<OpType> in(o.args.size());
        for (size_t i = 0; i < o.args.size(); ++i)
            if (!operand_type(o.args[i], in[i])) return false;
        const char* name = ast::transform_name(o.transform);
        auto arity = [&](size_t min, size_t max) {
            if (o.args.size() >= min && o.args.size() <= max) return true;
            return fail(o.loc,
                        std::string("'") + name + "' takes " +
                            (min == max ? std::to_string(min) : "at least " + std::to_string(min)) +
                            " argument" + (min == 1 && max == 1 ? "" : "s"));
        };
        auto stringy = [&](size_t i) {
            Class c = class_of(in[i].type);
            if (c == Class::Str || c == Class::Bytes) return true;
            return fail(o.args[i].loc, std::string("'") + name + "' needs a string, but " +
                                           describe(o.args[i], in[i]) + " is not one");
        };
        if (o.has_arg && o.transform != Transform::Getopt)
            return fail(o.loc, std::string("'") + name + "(...)' does not take an argument");
        switch (o.transform) {
        case Transform::ToLower:
        case Transform::ToUpper:
        case Transform::Basename:
            if (!arity(1, 1) || !stringy(0)) return false;
            t = {FieldType::String, in[0].list};
            return true;
        case Transform::B64:
            if (!arity(1, 1) || !stringy(0)) return false;
            t = in[0];
            return true;
        case Transform::Len:
            if (!arity(1, 1)) return false;
            if (!in[0].list && !stringy(0)) return false;
            t = {FieldType::Uint64, false};
            return true;
        case Transform::Join:
            if (!arity(2, 2)) return false;
            if (in[0].list)
                return fail(o.args[0].loc, "the separator of 'join' must be a single string");
            if (!in[1].list)
                return fail(o.args[1].loc, "the second argument of 'join' must be a list");
            t = {FieldType::String, false};
            return true;
        case Transform::Concat:
            if (!arity(2, 64)) return false;
            for (size_t i = 0; i < in.size(); ++i) {
                if (in[i].list)
                    return fail(o.args[i].loc, "'concat' takes single values, not lists");
                if (!stringy(i)) return false;
            }
            t = {FieldType::String, false};
            return true;
        case Transform::Getopt:
            if (!arity(2, 2)) return false;
            if (in[1].list || o.args[1].kind != Operand::Kind::Literal)
                return fail(o.args[1].loc, "the option string of 'getopt' must be a quoted string");
            if (o.has_arg && o.arg.size() != 1)
                return fail(o.loc, "'getopt(...)[x]' selects one option character");
            t = {FieldType::String, !o.has_arg};
            return true;
        case Transform::None:
            break;
        }
        return fail(o.loc, "unknown transformer");
    }

    bool check_value(Operand& v, const Operand& lhs, OpType lt, CmpOp op) {
        if (op == CmpOp::BContains || op == CmpOp::BStartsWith) {
            if (!is_hex(v.text))
                return fail(v.loc, std::string("'") + ast::cmp_op_name(op) +
                                       "' expects hexadecimal bytes (e.g. 68656c6c6f), not '" +
                                       v.text + "'");
            v.value.kind = Constant::Kind::String;
            return true;
        }
        if (op == CmpOp::Regex) {
            RE2 re(v.text, RE2::Quiet);
            if (!re.ok())
                return fail(v.loc, "invalid regular expression '" + v.text + "': " + re.error());
        }
        std::string err = parse_constant(lt.type, v.text, v.value);
        if (!err.empty()) return fail(v.loc, err + " for " + describe(lhs, lt));
        if (lhs.kind == Operand::Kind::Field && lhs.field == "evt.type" &&
            !is_known_event_type(v.text))
            return fail(v.loc, "unknown event type '" + v.text + "'");
        return true;
    }

    bool check_compare(Expr& e) {
        OpType lt;
        if (!operand_type(e.lhs, lt)) return false;
        e.lhs_type = lt.type;
        e.lhs_list = lt.list;
        Class c = class_of(lt.type);
        if (!op_allowed(c, lt.list, e.op))
            return fail(e.loc, std::string("operator '") + ast::cmp_op_name(e.op) +
                                   "' cannot be used with " + describe(e.lhs, lt));
        if (e.op == CmpOp::Exists) return true;
        if (e.mod != ListMod::None) {
            if (!mod_allowed(e.op))
                return fail(e.loc, std::string("'") + ast::list_mod_name(e.mod) +
                                       "' cannot follow operator '" + ast::cmp_op_name(e.op) + "'");
            if (lt.list)
                return fail(e.loc, std::string("'") + ast::list_mod_name(e.mod) +
                                       "' needs a single-valued left side, not " +
                                       describe(e.lhs, lt));
        }
        Operand& r = e.rhs;
        if (r.is_field_like()) {
            OpType rt;
            if (!operand_type(r, rt)) return false;
            if (class_of(rt.type) != c && !(c == Class::Ip && class_of(rt.type) == Class::Net))
                return fail(r.loc,
                            "cannot compare " + describe(e.lhs, lt) + " with " + describe(r, rt));
            if (rt.list && !ast::cmp_op_takes_list(e.op))
                return fail(r.loc, std::string("operator '") + ast::cmp_op_name(e.op) +
                                       "' needs a single value on the right, not " +
                                       describe(r, rt));
            return true;
        }
        if (r.kind == Operand::Kind::List) {
            bool ok = true;
            for (auto& item : r.items)
                ok = check_value(item, e.lhs, {lt.type, false}, e.op) && ok;
            return ok;
        }
        return check_value(r, e.lhs, {lt.type, false}, e.op);
    }
};

} // namespace

bool resolve_field(ast::Operand& o, Diagnostics& diags, FieldIssues* issues) {
    const FieldRegistry& reg = FieldRegistry::instance();
    const FieldInfo* info = reg.find(o.field);
    if (!info && !o.has_arg) {
        std::string_view arg;
        info = reg.find_dotted(o.field, &arg);
        if (info) {
            o.arg = std::string(arg);
            o.field = std::string(info->name);
            o.has_arg = true;
        }
    }
    if (!info) {
        if (issues) issues->unknown = true;
        diags.error(o.loc, "unknown field '" + o.field + "'");
        return false;
    }
    if (!info->supported()) {
        if (issues) issues->unsupported.emplace_back(info->name);
        diags.error(o.loc, "field '" + o.field + "' is not supported");
        return false;
    }
    if (info->flags & kFieldNoValue)
        diags.warning(o.loc, "field '" + o.field +
                                 "' never has a value: Falco deprecated it and does not set it "
                                 "either (docs/FIELDS.md)");
    if (o.has_arg && !info->takes_arg()) {
        diags.error(o.loc, "field '" + o.field + "' does not take an argument");
        return false;
    }
    if (!o.has_arg && info->arg_required()) {
        diags.error(o.loc, "field '" + o.field + "' needs an argument, e.g. '" + o.field +
                               (info->arg == FieldArg::Index ? "[0]'" : "[name]'"));
        return false;
    }
    bool numeric = !o.arg.empty() && o.arg.find_first_not_of("0123456789") == std::string::npos;
    if (o.has_arg && (info->arg == FieldArg::Index || info->arg == FieldArg::OptionalIndex) &&
        !numeric) {
        diags.error(o.loc,
                    "the argument of '" + o.field + "' must be a number, not '" + o.arg + "'");
        return false;
    }
    o.info = info;
    return true;
}

std::string parse_constant(FieldType t, const std::string& text, Constant& out) {
    switch (class_of(t)) {
    case Class::Str:
    case Class::Bytes:
        out.kind = Constant::Kind::String;
        return {};
    case Class::Num:
        if (!parse_int(text, t, out.i))
            return "'" + text + "' is not a valid " + std::string(field_type_name(t)) + " value";
        out.kind = Constant::Kind::Int;
        return {};
    case Class::Bool:
        if (text != "true" && text != "false") return "'" + text + "' is not true or false";
        out.kind = Constant::Kind::Bool;
        out.i = text == "true";
        return {};
    case Class::Ip:
        if (text.find('/') != std::string::npos) {
            if (!parse_net(text, out)) return "'" + text + "' is not a valid network (CIDR)";
            return {};
        }
        if (!parse_ip(text, out.ip)) return "'" + text + "' is not a valid IP address";
        out.kind = Constant::Kind::Ip;
        return {};
    case Class::Net:
        if (!parse_net(text, out)) return "'" + text + "' is not a valid network (CIDR)";
        return {};
    }
    return "unsupported type";
}

CheckResult check_condition(ast::Expr& e, Diagnostics& diags) {
    Checker c(diags);
    c.result.ok = c.check(e);
    return c.result;
}

} // namespace saker
