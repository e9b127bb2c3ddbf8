// Each specialization the JIT uses (prefix trie, string sets, inline string lists, compiled
// globs, CIDR arithmetic, regexes, shared subexpressions) checked against the interpreter on
// hand-picked values around its edges.
#include "codegen/engine.h"
#include "codegen/plan.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstring>
#include <deque>
#include <map>

namespace {

using saker::Value;

// A source with one value per field name; everything else absent.
struct MapSource : saker::FieldSource {
    std::map<uint16_t, Value> values;
    std::deque<std::string> strings; // deques: stored values keep their addresses
    std::deque<std::array<uint8_t, 16>> ips;

    void set_str(const char* field, std::string s) {
        strings.push_back(std::move(s));
        values[id(field)] = Value::of_str(strings.back());
    }
    void set_int(const char* field, int64_t v) { values[id(field)] = Value::of_int(v); }
    void set_ip(const char* field, const char* text) {
        std::array<uint8_t, 16> a{};
        in_addr v4;
        if (inet_pton(AF_INET, text, &v4) == 1) {
            a[10] = a[11] = 0xff;
            std::memcpy(a.data() + 12, &v4, 4);
        } else {
            REQUIRE(inet_pton(AF_INET6, text, a.data()) == 1);
        }
        ips.push_back(a);
        values[id(field)] = Value::of_ip(ips.back().data());
    }
    static uint16_t id(const char* field) {
        auto f = saker::FieldRegistry::instance().find(field);
        REQUIRE(f);
        return f->id;
    }
    void extract(const saker::FieldRequest& r, Value& out) override {
        auto it = values.find(r.field);
        if (it != values.end()) out = it->second;
    }
};

struct Engines {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules;
    std::unique_ptr<saker::RuleEngine> jit, interp;

    explicit Engines(const std::string& condition) {
        std::string text =
            "- rule: r\n  desc: d\n  output: o\n  priority: INFO\n  condition: " + condition + "\n";
        rules = saker::load_rules(std::vector<saker::RuleSource>{{"t.yaml", text}}, sources, diags);
        INFO(diags.render_all(sources));
        REQUIRE_FALSE(diags.has_errors());
        std::string err;
        jit = saker::make_engine(rules, {saker::EngineKind::Jit, 2, ""}, &err);
        INFO(err);
        REQUIRE(jit);
        interp = saker::make_engine(rules, {saker::EngineKind::Interp, 2, ""}, &err);
    }

    // Both engines on one event; they must agree, and the answer is returned.
    bool match(MapSource& src, const char* type = "open") {
        uint32_t t = saker::event_type_id(type);
        src.set_str("evt.type", type);
        uint32_t a[4], b[4];
        uint32_t na = jit->evaluate(t, src, a, 4);
        uint32_t nb = interp->evaluate(t, src, b, 4);
        REQUIRE(na == nb);
        return na > 0;
    }
};

} // namespace

TEST_CASE("prefix trie: many startswith on one operand, and pmatch") {
    Engines e("evt.type = open and (fd.name startswith /etc/ or fd.name startswith /usr/lib "
              "or fd.name startswith /var/log/ or fd.name startswith /e)");
    auto plan = saker::make_plan(e.rules);
    CHECK_FALSE(plan->or_groups.empty()); // the four startswith became one trie
    for (auto [path, want] : std::vector<std::pair<const char*, bool>>{{"/etc/passwd", true},
                                                                       {"/etc", true},
                                                                       {"/usr/lib64/x", true},
                                                                       {"/usr/li", false},
                                                                       {"/var/log/", true},
                                                                       {"/var/lo", false},
                                                                       {"", false},
                                                                       {"/", false},
                                                                       {"/ex", true}}) {
        MapSource s;
        s.set_str("fd.name", path);
        INFO(path);
        CHECK(e.match(s) == want);
    }
    Engines p("evt.type = open and fd.name pmatch (/etc, /usr/lib/, /)");
    Engines q("evt.type = open and fd.name pmatch (/etc, /usr/lib/)");
    for (auto [path, want] : std::vector<std::pair<const char*, bool>>{{"/etc", true},
                                                                       {"/etc/x", true},
                                                                       {"/etcx", false},
                                                                       {"/usr/lib", true},
                                                                       {"/usr/lib/a/b", true},
                                                                       {"/usr/libx", false},
                                                                       {"relative", false}}) {
        MapSource s;
        s.set_str("fd.name", path);
        INFO(path);
        CHECK(q.match(s) == want);
        CHECK(p.match(s) == (want || path[0] == '/'));
    }
}

TEST_CASE("string sets and inline string lists") {
    std::string many = "evt.type = open and proc.name in (";
    for (int i = 0; i < 40; ++i)
        many += (i ? ", n" : "n") + std::to_string(i);
    many += ", \"with space\", '')";
    Engines big(many);
    Engines small("evt.type = open and proc.name in (ab, abc, b, '')");
    for (auto [name, in_big, in_small] :
         std::vector<std::tuple<std::string, bool, bool>>{{"n0", true, false},
                                                          {"n39", true, false},
                                                          {"n40", false, false},
                                                          {"with space", true, false},
                                                          {"", true, true},
                                                          {"ab", false, true},
                                                          {"abc", false, true},
                                                          {"abcd", false, false},
                                                          {std::string("a\0b", 3), false, false}}) {
        MapSource s;
        s.set_str("proc.name", name);
        INFO(name);
        CHECK(big.match(s) == in_big);
        CHECK(small.match(s) == in_small);
    }
    MapSource absent;
    CHECK_FALSE(big.match(absent));
    CHECK_FALSE(small.match(absent));
}

TEST_CASE("compiled globs") {
    for (const char* pattern : {"/etc/*.conf", "*", "*a*b*", "/usr/bin/?ash", "/[a-c]*/x",
                                "\\\\*lit", "a*", "*a", "", "**"}) {
        Engines g(std::string("evt.type = open and fd.name glob '") + pattern + "'");
        Engines ig(std::string("evt.type = open and fd.name iglob '") + pattern + "'");
        for (const char* v : {"/etc/x.conf", "/etc/a/b.conf", "/etc/.conf", "", "ab", "xaxbx",
                              "/usr/bin/bash", "/usr/bin/dash", "/b/x", "*lit", "AB", "a", "ba"}) {
            MapSource s;
            s.set_str("fd.name", v);
            INFO(pattern << " vs " << v);
            g.match(s); // agreement is asserted inside
            ig.match(s);
        }
    }
}

TEST_CASE("CIDR and address arithmetic") {
    Engines e("evt.type = connect and (fd.sip = 10.0.0.0/8 or fd.sip in (192.168.1.1, ::1) "
              "or fd.sip = 2001:db8::/33 or fd.sip = 172.16.0.0/12)");
    Engines ne("evt.type = connect and fd.sip != 127.0.0.0/8");
    for (auto [ip, want] : std::vector<std::pair<const char*, bool>>{{"10.1.2.3", true},
                                                                     {"11.0.0.1", false},
                                                                     {"192.168.1.1", true},
                                                                     {"192.168.1.2", false},
                                                                     {"::1", true},
                                                                     {"2001:db8:7fff::1", true},
                                                                     {"2001:db8:8000::1", false},
                                                                     {"172.31.255.255", true},
                                                                     {"172.32.0.0", false},
                                                                     {"::ffff:10.0.0.1", true},
                                                                     {"127.0.0.1", false}}) {
        MapSource s;
        s.set_ip("fd.sip", ip);
        INFO(ip);
        CHECK(e.match(s, "connect") == want);
        CHECK(ne.match(s, "connect") == (std::string(ip).rfind("127.", 0) != 0));
    }
}

TEST_CASE("regex is a full match, compiled once") {
    Engines e("evt.type = execve and proc.cmdline regex '[a-z]+ -[cx] .*'");
    for (auto [cmd, want] : std::vector<std::pair<const char*, bool>>{
             {"sh -c id", true},
             {"sh -c", false},
             {"xsh -x y", true},
             {"SH -c id", false},
             {"sh -c id\n", false} /* . does not match a newline */,
             {"", false}}) {
        MapSource s;
        s.set_str("proc.cmdline", cmd);
        INFO(cmd);
        CHECK(e.match(s, "execve") == want);
    }
}

TEST_CASE("integers: signed and unsigned, lists, boundaries") {
    Engines e("evt.type = open and fd.num < 0 and user.uid > 4294967294 and proc.pid in (1, -1)");
    MapSource s;
    s.set_int("fd.num", -1);
    s.set_int("user.uid", 4294967295);
    s.set_int("proc.pid", -1);
    CHECK(e.match(s));
    s.set_int("fd.num", 0);
    CHECK_FALSE(e.match(s));
    Engines u("evt.type = open and proc.duration > 5000000000");
    MapSource d;
    d.set_int("proc.duration", -1); // all bits set: the largest unsigned duration
    CHECK(u.match(d));
}

TEST_CASE("a subexpression shared by rules of one type is planned once per event") {
    std::string text =
        "- macro: common\n  condition: (proc.name in (a, b) and fd.name startswith /x)\n";
    for (int i = 0; i < 3; ++i)
        text += "- rule: r" + std::to_string(i) +
                "\n  desc: d\n  output: o\n  priority: INFO\n"
                "  condition: evt.type = open and common and fd.num = " +
                std::to_string(i) + "\n";
    saker::SourceManager sm;
    saker::Diagnostics d;
    auto rules = saker::load_rules(std::vector<saker::RuleSource>{{"t.yaml", text}}, sm, d);
    REQUIRE_FALSE(d.has_errors());
    auto plan = saker::make_plan(rules);
    REQUIRE(plan->types.size() == 1);
    CHECK(plan->types[0].memo_count == 1);
    CHECK(plan->types[0].memo_of.size() == 3);
}
