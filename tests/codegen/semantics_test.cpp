// The operator and transformer primitives of codegen/semantics.h, one case per rule of its
// contract, plus whole conditions evaluated by the engines on a synthetic event (both engines
// when the JIT is available: they must agree; the interpreter's answer is the one checked).
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "codegen/helpers.h"
#include "codegen/semantics.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstring>
#include <random>
#include <string_view>

using saker::Value;
using saker::ValueKind;
using saker::ast::CmpOp;
using saker::ast::ListMod;
using saker::ast::Operand;
using saker::ast::Transform;
using saker::synth::SyntheticEvent;
namespace sem = saker::sem;
namespace ast = saker::ast;

namespace {

using Ip = std::array<uint8_t, 16>;

Ip v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}
Ip v6(std::initializer_list<uint16_t> groups) {
    Ip ip{};
    int i = 0;
    for (uint16_t g : groups) {
        ip[i++] = static_cast<uint8_t>(g >> 8);
        ip[i++] = static_cast<uint8_t>(g & 0xff);
    }
    return ip;
}

bool glob(std::string_view p, std::string_view s) {
    return sem::glob_match(p, s, false);
}
bool iglob(std::string_view p, std::string_view s) {
    return sem::glob_match(p, s, true);
}

Operand str_lit(const std::string& text) {
    Operand o;
    o.kind = Operand::Kind::Literal;
    o.text = text;
    o.value.kind = ast::Constant::Kind::String;
    return o;
}

Operand int_lit(int64_t v) {
    Operand o;
    o.kind = Operand::Kind::Literal;
    o.text = std::to_string(v);
    o.value.kind = ast::Constant::Kind::Int;
    o.value.i = v;
    return o;
}

// `<field> op [mod] (items...)` as the checker would leave it.
ast::Expr list_cmp(CmpOp op, ListMod mod, std::vector<Operand> items,
                   saker::FieldType t = saker::FieldType::String, bool lhs_list = false) {
    ast::Expr e(ast::Expr::Kind::Compare);
    e.lhs.kind = Operand::Kind::Field;
    e.op = op;
    e.mod = mod;
    e.rhs.kind = Operand::Kind::List;
    e.rhs.items = std::move(items);
    e.lhs_type = t;
    e.lhs_list = lhs_list;
    return e;
}

ast::Expr lit_cmp(CmpOp op, Operand lit, saker::FieldType t = saker::FieldType::String) {
    ast::Expr e(ast::Expr::Kind::Compare);
    e.lhs.kind = Operand::Kind::Field;
    e.op = op;
    e.rhs = std::move(lit);
    e.lhs_type = t;
    return e;
}

std::vector<Operand> strs(std::initializer_list<const char*> items) {
    std::vector<Operand> out;
    for (const char* s : items)
        out.push_back(str_lit(s));
    return out;
}

Value list_of(std::vector<Value>& storage) {
    return Value::of_list(storage.data(), static_cast<uint32_t>(storage.size()));
}

// One rule `evt.type = open and (<cond>)`, evaluated by the interpreter (and the JIT when it
// exists, which must agree).
struct Cond {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules;
    std::unique_ptr<saker::RuleEngine> interp, jit;

    explicit Cond(const std::string& cond) {
        std::string yaml = "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: >\n"
                           "    evt.type = open and (" +
                           cond + ")\n";
        rules =
            saker::load_rules(std::vector<saker::RuleSource>{{"test.yaml", yaml}}, sources, diags);
        INFO(diags.render_all(sources));
        REQUIRE_FALSE(diags.has_errors());
        interp = saker::make_engine(rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
        jit = saker::make_engine(rules, {saker::EngineKind::Jit, 2, ""}, nullptr);
        REQUIRE(interp);
    }

    bool operator()(SyntheticEvent& e) {
        uint32_t out[2];
        bool a = interp->evaluate(e.type(), e, out, 2) == 1;
        if (jit) {
            bool b = jit->evaluate(e.type(), e, out, 2) == 1;
            INFO("event:\n" << e.describe());
            CHECK(a == b);
        }
        return a;
    }
};

SyntheticEvent open_event() {
    return SyntheticEvent(saker::event_type_id("open"));
}

} // namespace

TEST_CASE("glob: fnmatch without FNM_PATHNAME") {
    CHECK(glob("", ""));
    CHECK_FALSE(glob("", "a"));
    CHECK(glob("*", ""));
    CHECK(glob("*", ".hidden"));
    CHECK(glob("*.conf", "/etc/nginx/nginx.conf")); // '*' crosses '/'
    CHECK(glob("/etc/*", "/etc/a/b/c"));
    CHECK_FALSE(glob("/etc/*", "/etc"));
    CHECK(glob("/home/*/.ssh/*", "/home/alice/.ssh/id_rsa"));
    CHECK(glob("*../*../*", "/a/../b/../c"));
    CHECK_FALSE(glob("*../*../*", "/a/../b/c"));
    CHECK(glob("a?c", "abc"));
    CHECK(glob("a?c", "a/c"));
    CHECK_FALSE(glob("a?c", "ac"));
    CHECK(glob("*a*b", "xaxb"));
    CHECK(glob("*ab", "aab"));
    CHECK(glob("a*b*c", "abxbxc"));
    CHECK_FALSE(glob("a*b*c", "abxbx"));
    CHECK(glob("a*", std::string_view("a\0b", 3)));
    CHECK_FALSE(glob("a", std::string_view("a\0", 2)));
    CHECK(glob("abc", "abc"));
    CHECK_FALSE(glob("abc", "abd"));
    CHECK_FALSE(glob("abc", "ABC"));
}

TEST_CASE("glob: classes and escapes") {
    CHECK(glob("[abc]x", "bx"));
    CHECK_FALSE(glob("[abc]x", "dx"));
    CHECK(glob("[!abc]x", "dx"));
    CHECK_FALSE(glob("[!abc]x", "ax"));
    CHECK(glob("[^abc]x", "dx"));
    CHECK(glob("[a-c]", "b"));
    CHECK_FALSE(glob("[a-c]", "d"));
    CHECK(glob("[a-]", "-")); // '-' last is literal
    CHECK(glob("[]]", "]"));  // ']' first is literal
    CHECK(glob("[!]]", "a"));
    CHECK_FALSE(glob("[!]]", "]"));
    CHECK(glob("[/]", "/"));
    CHECK(glob("x[0-9][0-9]", "x42"));
    CHECK(glob("\\*", "*"));
    CHECK_FALSE(glob("\\*", "a"));
    CHECK(glob("\\?", "?"));
    CHECK_FALSE(glob("\\?", "x"));
    CHECK(glob("a\\[b", "a[b"));
    CHECK(glob("[abc", "[abc")); // unterminated class: '[' is literal
    CHECK_FALSE(glob("[abc", "a"));
    CHECK(glob("*[abc", "xx[abc"));
}

TEST_CASE("iglob: ASCII case folding") {
    CHECK(iglob("/ETC/*", "/etc/passwd"));
    CHECK(iglob("*.CONF", "a.conf"));
    CHECK(iglob("[A-C]x", "bX"));
    CHECK(iglob("[a-c]", "B"));
    CHECK_FALSE(iglob("[!a]", "A"));
    CHECK_FALSE(iglob("\xc3\x89", "\xc3\xa9")); // no Unicode folding
}

TEST_CASE("pmatch: equal or below, component boundaries") {
    CHECK(sem::path_prefix_match("/etc", "/etc"));
    CHECK(sem::path_prefix_match("/etc", "/etc/x"));
    CHECK(sem::path_prefix_match("/etc", "/etc/x/y"));
    CHECK_FALSE(sem::path_prefix_match("/etc", "/etcx"));
    CHECK_FALSE(sem::path_prefix_match("/etc", "/et"));
    CHECK_FALSE(sem::path_prefix_match("/etc", ""));
    CHECK(sem::path_prefix_match("/etc/", "/etc/x"));
    CHECK(sem::path_prefix_match("/etc/", "/etc"));
    CHECK(sem::path_prefix_match("/", "/anything"));
    CHECK(sem::path_prefix_match("/usr/lib", "/usr/lib/"));
    CHECK_FALSE(sem::path_prefix_match("/usr/lib", "/usr/lib64"));
    CHECK_FALSE(sem::path_prefix_match("/usr/lib", "/usr"));
}

TEST_CASE("contains_folded: ASCII folding of the haystack") {
    CHECK(sem::contains_folded("Hello World", "world"));
    CHECK(sem::contains_folded("BEGIN RSA PRIVATE KEY", "rsa private"));
    CHECK(sem::contains_folded("abc", ""));
    CHECK(sem::contains_folded("", ""));
    CHECK_FALSE(sem::contains_folded("ab", "abc"));
    CHECK_FALSE(sem::contains_folded("abd", "abc"));
    CHECK(sem::contains_folded(std::string_view("x\0Ab", 4), std::string_view("\0ab", 3)));
    CHECK_FALSE(sem::contains_folded("\xc3\x89", "\xc3\xa9"));
    CHECK(sem::to_lower("AbC-\xc3\x89") == "abc-\xc3\x89");
}

TEST_CASE("ip_in_net: IPv4 (mapped) and IPv6, prefix 0 and odd prefixes") {
    Ip net10 = v4(10, 0, 0, 0);
    CHECK(sem::ip_in_net(v4(10, 1, 2, 3).data(), net10.data(), 96 + 8));
    CHECK(sem::ip_in_net(v4(10, 255, 255, 255).data(), net10.data(), 96 + 8));
    CHECK_FALSE(sem::ip_in_net(v4(11, 0, 0, 0).data(), net10.data(), 96 + 8));
    CHECK_FALSE(sem::ip_in_net(v4(9, 255, 255, 255).data(), net10.data(), 96 + 8));
    // 172.16.0.0/12: a prefix that ends inside a byte.
    Ip net172 = v4(172, 16, 0, 0);
    CHECK(sem::ip_in_net(v4(172, 31, 255, 255).data(), net172.data(), 96 + 12));
    CHECK(sem::ip_in_net(v4(172, 16, 0, 0).data(), net172.data(), 96 + 12));
    CHECK_FALSE(sem::ip_in_net(v4(172, 32, 0, 0).data(), net172.data(), 96 + 12));
    CHECK_FALSE(sem::ip_in_net(v4(172, 15, 255, 255).data(), net172.data(), 96 + 12));
    // /32 and /0 of an IPv4 network.
    CHECK(sem::ip_in_net(v4(1, 2, 3, 4).data(), v4(1, 2, 3, 4).data(), 128));
    CHECK_FALSE(sem::ip_in_net(v4(1, 2, 3, 5).data(), v4(1, 2, 3, 4).data(), 128));
    CHECK(sem::ip_in_net(v4(8, 8, 8, 8).data(), v4(0, 0, 0, 0).data(), 96));
    // An IPv4 network does not hold IPv6 addresses, nor the IPv4-compatible form.
    CHECK_FALSE(sem::ip_in_net(v6({0, 0, 0, 0, 0, 0, 0x0a00, 1}).data(), net10.data(), 104));
    CHECK_FALSE(sem::ip_in_net(v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}).data(), net10.data(), 104));
    // Prefix 0 holds everything.
    CHECK(sem::ip_in_net(v6({0xffff, 0, 0, 0, 0, 0, 0, 0}).data(),
                         v6({0, 0, 0, 0, 0, 0, 0, 0}).data(), 0));
    CHECK(sem::ip_in_net(v4(1, 1, 1, 1).data(), v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 0}).data(), 0));
    // fe80::/10
    Ip ll = v6({0xfe80, 0, 0, 0, 0, 0, 0, 0});
    CHECK(sem::ip_in_net(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}).data(), ll.data(), 10));
    CHECK(
        sem::ip_in_net(v6({0xfebf, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}).data(),
                       ll.data(), 10));
    CHECK_FALSE(sem::ip_in_net(v6({0xfec0, 0, 0, 0, 0, 0, 0, 0}).data(), ll.data(), 10));
    // Odd prefixes: /1, /127, /65.
    Ip zero = v6({0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(sem::ip_in_net(v6({0x7fff, 0, 0, 0, 0, 0, 0, 0}).data(), zero.data(), 1));
    CHECK_FALSE(sem::ip_in_net(v6({0x8000, 0, 0, 0, 0, 0, 0, 0}).data(), zero.data(), 1));
    CHECK(sem::ip_in_net(v6({0, 0, 0, 0, 0, 0, 0, 1}).data(), zero.data(), 127));
    CHECK_FALSE(sem::ip_in_net(v6({0, 0, 0, 0, 0, 0, 0, 2}).data(), zero.data(), 127));
    CHECK(sem::ip_in_net(v6({0, 0, 0, 0, 0x7fff, 0, 0, 0}).data(), zero.data(), 65));
    CHECK_FALSE(sem::ip_in_net(v6({0, 0, 0, 0, 0x8000, 0, 0, 0}).data(), zero.data(), 65));
}

TEST_CASE("hex_decode and the byte operators") {
    CHECK(sem::hex_decode("68656c6c6f") == "hello");
    CHECK(sem::hex_decode("7F454C46") == "\x7f"
                                         "ELF");
    CHECK(sem::hex_decode("00ff") == std::string("\0\xff", 2));
    auto e = lit_cmp(CmpOp::BContains, str_lit("00ff"), saker::FieldType::Bytes);
    std::string buf("ab\0\xff", 4);
    CHECK(sem::compare(e, Value::of_str(buf), {}));
    auto s = lit_cmp(CmpOp::BStartsWith, str_lit("7f454c46"), saker::FieldType::Bytes);
    CHECK(sem::compare(s,
                       Value::of_str("\x7f"
                                     "ELF\x02"),
                       {}));
    CHECK_FALSE(sem::compare(s,
                             Value::of_str("\x7f"
                                           "EL"),
                             {}));
}

TEST_CASE("compare: an absent value is false for every operator but exists") {
    for (CmpOp op : {CmpOp::Eq, CmpOp::Ne, CmpOp::Contains, CmpOp::StartsWith, CmpOp::Glob,
                     CmpOp::PMatch, CmpOp::In, CmpOp::Regex}) {
        auto e = lit_cmp(op, str_lit("x"));
        INFO(ast::cmp_op_name(op));
        CHECK_FALSE(sem::compare(e, Value{}, {}));
    }
    auto n = lit_cmp(CmpOp::Ne, int_lit(0), saker::FieldType::Int64);
    CHECK_FALSE(sem::compare(n, Value{}, {}));
    auto ex = lit_cmp(CmpOp::Exists, Operand{});
    CHECK_FALSE(sem::compare(ex, Value{}, {}));
    CHECK(sem::compare(ex, Value::of_str(""), {}));
    CHECK(sem::compare(ex, Value::of_int(0), {}));
}

TEST_CASE("compare: integers signed or unsigned by field type") {
    auto lt_s = lit_cmp(CmpOp::Lt, int_lit(0), saker::FieldType::Int64);
    CHECK(sem::compare(lt_s, Value::of_int(-1), {}));
    auto lt_u = lit_cmp(CmpOp::Lt, int_lit(0), saker::FieldType::Uint64);
    CHECK_FALSE(sem::compare(lt_u, Value::of_int(-1), {})); // UINT64_MAX
    auto gt_u = lit_cmp(CmpOp::Gt, int_lit(INT64_MAX), saker::FieldType::Uint64);
    CHECK(sem::compare(gt_u, Value::of_int(INT64_MIN), {}));
    auto ge_s = lit_cmp(CmpOp::Ge, int_lit(INT64_MIN), saker::FieldType::Int64);
    CHECK(sem::compare(ge_s, Value::of_int(INT64_MIN), {}));
    auto eq = lit_cmp(CmpOp::Eq, int_lit(4294967295LL), saker::FieldType::Uint32);
    CHECK(sem::compare(eq, Value::of_int(4294967295LL), {}));
    CHECK_FALSE(sem::compare(eq, Value::of_int(-1), {}));
}

TEST_CASE("compare: IPs against addresses and networks") {
    Operand net;
    net.kind = Operand::Kind::Literal;
    net.text = "10.0.0.0/8";
    net.value.kind = ast::Constant::Kind::Net;
    Ip n = v4(10, 0, 0, 0);
    std::memcpy(net.value.ip, n.data(), 16);
    net.value.prefix = 104;
    Ip in = v4(10, 9, 8, 7), out = v4(11, 0, 0, 1);
    auto eq = lit_cmp(CmpOp::Eq, net, saker::FieldType::IpNet);
    CHECK(sem::compare(eq, Value::of_ip(in.data()), {}));
    CHECK_FALSE(sem::compare(eq, Value::of_ip(out.data()), {}));
    auto ne = lit_cmp(CmpOp::Ne, net, saker::FieldType::IpNet);
    CHECK_FALSE(sem::compare(ne, Value::of_ip(in.data()), {}));
    CHECK(sem::compare(ne, Value::of_ip(out.data()), {}));
    auto inl = list_cmp(CmpOp::In, ListMod::None, {net}, saker::FieldType::IpAddr);
    CHECK(sem::compare(inl, Value::of_ip(in.data()), {}));
}

TEST_CASE("compare: list values from ancestors and from list fields") {
    std::vector<Value> anc = {Value::of_str("bash"), Value::of_str("sshd")};
    Value chain = list_of(anc);
    // Not a list field: some element satisfies the comparison.
    CHECK(sem::compare(lit_cmp(CmpOp::Eq, str_lit("sshd")), chain, {}));
    CHECK_FALSE(sem::compare(lit_cmp(CmpOp::Eq, str_lit("init")), chain, {}));
    CHECK(sem::compare(lit_cmp(CmpOp::Ne, str_lit("sshd")), chain, {})); // bash != sshd
    std::vector<Value> only = {Value::of_str("sshd")};
    CHECK_FALSE(sem::compare(lit_cmp(CmpOp::Ne, str_lit("sshd")), list_of(only), {}));
    CHECK(sem::compare(list_cmp(CmpOp::In, ListMod::None, strs({"x", "sshd"})), chain, {}));
    std::vector<Value> none;
    CHECK_FALSE(sem::compare(lit_cmp(CmpOp::Eq, str_lit("sshd")), list_of(none), {}));
    CHECK_FALSE(sem::compare(lit_cmp(CmpOp::Ne, str_lit("sshd")), list_of(none), {}));

    // A list field: `in` is a subset test, `intersects` an overlap test.
    std::vector<Value> types = {Value::of_str("file"), Value::of_str("ipv4")};
    Value t = list_of(types);
    auto in = list_cmp(CmpOp::In, ListMod::None, strs({"file", "ipv4", "ipv6"}),
                       saker::FieldType::String, true);
    CHECK(sem::compare(in, t, {}));
    auto in_small =
        list_cmp(CmpOp::In, ListMod::None, strs({"file"}), saker::FieldType::String, true);
    CHECK_FALSE(sem::compare(in_small, t, {}));
    auto inter = list_cmp(CmpOp::Intersects, ListMod::None, strs({"ipv6", "ipv4"}),
                          saker::FieldType::String, true);
    CHECK(sem::compare(inter, t, {}));
    auto inter_no =
        list_cmp(CmpOp::Intersects, ListMod::None, strs({"pipe"}), saker::FieldType::String, true);
    CHECK_FALSE(sem::compare(inter_no, t, {}));
    // An empty list value: vacuously a subset, never an overlap.
    CHECK(sem::compare(in_small, list_of(none), {}));
    CHECK_FALSE(sem::compare(inter, list_of(none), {}));
    // An empty set on the right: nothing is in it.
    auto in_empty = list_cmp(CmpOp::In, ListMod::None, {});
    CHECK_FALSE(sem::compare(in_empty, Value::of_str("x"), {}));
}

TEST_CASE("oneof / anyof / allof, and the empty list") {
    Value bash = Value::of_str("bash");
    auto sw = [&](ListMod m, std::vector<Operand> items) {
        return sem::compare(list_cmp(CmpOp::StartsWith, m, std::move(items)), bash, {});
    };
    CHECK_FALSE(sw(ListMod::OneOf, strs({"ba", "bas"}))); // two hold
    CHECK(sw(ListMod::OneOf, strs({"ba", "x"})));
    CHECK_FALSE(sw(ListMod::OneOf, strs({"x", "y"})));
    CHECK(sw(ListMod::AnyOf, strs({"x", "bas"})));
    CHECK_FALSE(sw(ListMod::AnyOf, strs({"x", "y"})));
    CHECK(sw(ListMod::AllOf, strs({"b", "ba", "bash"})));
    CHECK_FALSE(sw(ListMod::AllOf, strs({"b", "x"})));
    for (ListMod m : {ListMod::OneOf, ListMod::AnyOf, ListMod::AllOf}) {
        INFO(ast::list_mod_name(m));
        CHECK_FALSE(sw(m, {}));
    }
    auto c = list_cmp(CmpOp::Contains, ListMod::AllOf, strs({"curl", "http"}));
    CHECK(sem::compare(c, Value::of_str("curl http://x"), {}));
    CHECK_FALSE(sem::compare(c, Value::of_str("curl ftp://x"), {}));
}

TEST_CASE("transformers on values") {
    sem::Scratch sc;
    Operand op;
    auto one = [&](Transform t, Value v) { return sem::apply_transform(t, op, {v}, sc); };
    CHECK(one(Transform::ToLower, Value::of_str("AbC")).str() == "abc");
    CHECK(one(Transform::ToUpper, Value::of_str("AbC-\xc3\xa9")).str() == "ABC-\xc3\xa9");
    CHECK(one(Transform::Basename, Value::of_str("/usr/bin/bash")).str() == "bash");
    CHECK(one(Transform::Basename, Value::of_str("bash")).str() == "bash");
    CHECK(one(Transform::Basename, Value::of_str("/usr/bin/")).str() == "");
    CHECK(one(Transform::B64, Value::of_str("aGVsbG8=")).str() == "hello");
    CHECK(one(Transform::B64, Value::of_str("aGVsbG8")).str() == "hello");
    CHECK(one(Transform::B64, Value::of_str("")).str() == "");
    CHECK_FALSE(one(Transform::B64, Value::of_str("a$b=")).present()); // invalid character
    CHECK_FALSE(one(Transform::B64, Value::of_str("a")).present());    // dangling 6 bits
    CHECK_FALSE(one(Transform::B64, Value{}).present());
    CHECK(one(Transform::Len, Value::of_str("abc")).i == 3);
    CHECK(one(Transform::Len, Value::of_str("")).i == 0);
    std::vector<Value> items = {Value::of_str("a"), Value::of_str("b")};
    CHECK(one(Transform::Len, list_of(items)).i == 2);
    CHECK_FALSE(one(Transform::Len, Value{}).present());
    Value lowered = one(Transform::ToLower, [&] {
        static std::vector<Value> up = {Value::of_str("A"), Value::of_str("B")};
        return list_of(up);
    }());
    REQUIRE(lowered.kind == ValueKind::List);
    CHECK(static_cast<const Value*>(lowered.ptr)[1].str() == "b");

    CHECK(sem::apply_transform(Transform::Concat, op,
                               {Value::of_str("a"), Value::of_str("-"), Value::of_str("b")}, sc)
              .str() == "a-b");
    CHECK_FALSE(
        sem::apply_transform(Transform::Concat, op, {Value::of_str("a"), Value{}}, sc).present());
    CHECK(
        sem::apply_transform(Transform::Join, op, {Value::of_str(","), list_of(items)}, sc).str() ==
        "a,b");
}

TEST_CASE("conditions: absent fields, not, exists") {
    SyntheticEvent e = open_event();
    CHECK_FALSE(Cond("proc.name = bash")(e));
    CHECK_FALSE(Cond("proc.name != bash")(e));
    CHECK(Cond("not proc.name = bash")(e));
    CHECK(Cond("not proc.name exists")(e));
    CHECK_FALSE(Cond("fd.num < 0")(e));
    e.set_str("proc.name", "bash");
    CHECK(Cond("proc.name = bash")(e));
    CHECK(Cond("proc.name exists")(e));
    CHECK(Cond("proc.name in (sh, bash)")(e));
    CHECK_FALSE(Cond("proc.name in ()")(e));
    CHECK(Cond("not proc.name in ()")(e));
    e.set_str("proc.name", std::string_view("bash\0x", 6));
    CHECK_FALSE(Cond("proc.name = bash")(e));
    CHECK(Cond("proc.name startswith bash")(e));
}

TEST_CASE("conditions: ancestors with and without index") {
    SyntheticEvent e(saker::event_type_id("open"));
    e.set_str("proc.name", "sh");
    e.set_str_list("proc.aname", {"nginx", "bash", "sshd"});
    CHECK(Cond("proc.aname = sshd")(e));
    CHECK(Cond("proc.aname[1] = nginx")(e));
    CHECK(Cond("proc.aname[3] = sshd")(e));
    CHECK_FALSE(Cond("proc.aname[2] = sshd")(e));
    CHECK_FALSE(Cond("proc.aname[4] exists")(e));
    CHECK(Cond("proc.aname[0] = sh")(e));
    CHECK(Cond("proc.aname in (httpd, nginx)")(e));
    CHECK(Cond("proc.aname startswith ssh")(e));
}

TEST_CASE("conditions: transformers and field-to-field comparisons") {
    SyntheticEvent e = open_event();
    e.set_str("proc.name", "Bash");
    e.set_str("proc.pname", "bash");
    e.set_str("proc.exepath", "/usr/bin/bash");
    e.set_str("proc.cmdline", "aGVsbG8=");
    CHECK(Cond("tolower(proc.name) = bash")(e));
    CHECK(Cond("basename(proc.exepath) = val(proc.pname)")(e));
    CHECK_FALSE(Cond("basename(proc.exepath) = val(proc.name)")(e));
    CHECK(Cond("b64(proc.cmdline) = hello")(e));
    CHECK(Cond("len(proc.exepath) = 13")(e));
    CHECK(Cond("concat(proc.pname, \"-\", proc.pname) = bash-bash")(e));
    CHECK_FALSE(Cond("concat(proc.pname, proc.args) exists")(e)); // proc.args is absent
    CHECK(Cond("proc.pname = tolower(proc.name)")(e));
    e.set_str("proc.cmdline", "not base64!");
    CHECK_FALSE(Cond("b64(proc.cmdline) exists")(e));
    CHECK_FALSE(Cond("b64(proc.cmdline) != x")(e));
}

TEST_CASE("conditions: string operators") {
    SyntheticEvent e = open_event();
    e.set_str("fd.name", "/etc/nginx/nginx.conf");
    e.set_str("proc.cmdline", "grep BEGIN rsa PRIVATE");
    CHECK(Cond("fd.name pmatch (/usr, /etc/nginx)")(e));
    CHECK_FALSE(Cond("fd.name pmatch (/etc/ngin)")(e));
    CHECK(Cond("fd.name glob '/etc/*.conf'")(e));
    CHECK(Cond("fd.name iglob '/ETC/*'")(e));
    CHECK(Cond("fd.name startswith /etc/ and fd.name endswith .conf")(e));
    CHECK(Cond("proc.cmdline icontains 'rsa private'")(e));
    CHECK_FALSE(Cond("proc.cmdline contains 'rsa private'")(e));
    CHECK(Cond("proc.cmdline regex 'grep .*PRIVATE'")(e));
    CHECK_FALSE(Cond("proc.cmdline regex 'grep'")(e)); // full match
    CHECK(Cond("fd.name startswith oneof (/etc, /usr)")(e));
    CHECK_FALSE(Cond("fd.name startswith oneof (/etc, /etc/nginx)")(e));
    CHECK(Cond("fd.name contains allof (nginx, conf)")(e));
}

TEST_CASE("conditions: numbers and networks") {
    SyntheticEvent e(saker::event_type_id("open"));
    uint8_t ip[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 172, 20, 1, 2};
    e.set_ip("fd.sip", ip);
    e.set_ip("fd.snet", ip);
    e.set_int("fd.sport", 443);
    e.set_int("user.uid", 4294967295LL);
    CHECK(Cond("fd.snet in (10.0.0.0/8, 172.16.0.0/12)")(e));
    CHECK_FALSE(Cond("fd.snet in (10.0.0.0/8, 192.168.0.0/16)")(e));
    CHECK(Cond("fd.sip = 172.20.1.2")(e));
    CHECK(Cond("fd.sip != 172.20.1.3")(e));
    CHECK(Cond("fd.sport in (80, 443)")(e));
    CHECK(Cond("fd.sport > 442 and fd.sport <= 443")(e));
    CHECK(Cond("user.uid > 0")(e));
    CHECK(Cond("user.uid = 4294967295")(e));
}

TEST_CASE("saker_contains agrees with string_view::find on every length and position") {
    // A two-letter alphabet makes partial matches (first and last byte equal) frequent; lengths
    // cover the whole-block loop, the tail copy and needles past the vector limit.
    std::mt19937_64 rng(7);
    auto text = [&](size_t n) {
        std::string s(n, 'a');
        for (auto& c : s)
            c = "ab./"[rng() % (rng() % 4 ? 2 : 4)];
        return s;
    };
    size_t checked = 0;
    for (size_t len = 0; len <= 80; ++len)
        for (int k = 0; k < 40; ++k) {
            std::string hay = text(len);
            size_t nlen = rng() % 40;
            // Half the needles are taken from the haystack, so they are found.
            std::string needle =
                k % 2 && nlen <= len ? hay.substr(rng() % (len - nlen + 1), nlen) : text(nlen);
            bool want = std::string_view(hay).find(needle) != std::string_view::npos;
            INFO("haystack '" << hay << "' needle '" << needle << "'");
            REQUIRE(saker_contains(hay.data(), hay.size(), needle.data(), needle.size()) == want);
            ++checked;
        }
    CHECK(checked == 81 * 40);
}
