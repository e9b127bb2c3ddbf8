#include "test_util.h"

#include <catch2/catch.hpp>

using saker::test::parse_print;

namespace {

// Every accepted condition must also parse, to the same tree, with its blanks turned into
// newlines or tabs: YAML folding and hand-formatted rules produce both.
void check_blank_variants(const std::string& cond) {
    saker::Diagnostics d;
    auto base = saker::parse_condition(saker::test::mapped(cond), d);
    REQUIRE(base);
    for (char blank : {'\n', '\t'}) {
        std::string v = cond;
        bool quoted = false;
        char q = 0;
        for (char& c : v) {
            if (quoted) {
                if (c == q) quoted = false;
                continue;
            }
            if (c == '"' || c == '\'')
                quoted = true, q = c;
            else if (c == ' ')
                c = blank;
        }
        auto other = saker::parse_condition(saker::test::mapped(v), d);
        INFO("variant: " << v);
        REQUIRE(other);
        CHECK(*other == *base);
    }
}

} // namespace

TEST_CASE("every comparison operator parses") {
    struct {
        const char* in;
        const char* out;
    } cases[] = {
        {"proc.name = bash", "proc.name = bash"},
        {"proc.name == bash", "proc.name = bash"},
        {"proc.name != bash", "proc.name != bash"},
        {"proc.pid < 10", "proc.pid < 10"},
        {"proc.pid <= 10", "proc.pid <= 10"},
        {"proc.pid > 10", "proc.pid > 10"},
        {"proc.pid >= 10", "proc.pid >= 10"},
        {"proc.cmdline contains x", "proc.cmdline contains x"},
        {"proc.cmdline icontains X", "proc.cmdline icontains X"},
        {"evt.buffer bcontains 68656c", "evt.buffer bcontains 68656c"},
        {"fd.name startswith /etc/", "fd.name startswith /etc/"},
        {"evt.buffer bstartswith 7f454c46", "evt.buffer bstartswith 7f454c46"},
        {"fd.name endswith .pem", "fd.name endswith .pem"},
        {"fd.name glob /etc/*.conf", "fd.name glob /etc/*.conf"},
        {"fd.name iglob /ETC/*", "fd.name iglob /ETC/*"},
        {"fd.name pmatch (/etc, /usr/bin)", "fd.name pmatch (/etc, /usr/bin)"},
        {"proc.name in (a, b, c)", "proc.name in (a, b, c)"},
        {"proc.name in(a,b)", "proc.name in (a, b)"},
        {"fd.types intersects (ipv4, ipv6)", "fd.types intersects (ipv4, ipv6)"},
        {"proc.pname exists", "proc.pname exists"},
        {"proc.cmdline regex '^a.*b$'", "proc.cmdline regex ^a.*b$"},
        {"proc.name startswith oneof (ba, da)", "proc.name startswith oneof (ba, da)"},
        {"proc.name = anyof (a, b)", "proc.name = anyof (a, b)"},
        {"proc.name contains allof (a, b)", "proc.name contains allof (a, b)"},
    };
    for (auto& c : cases) {
        INFO(c.in);
        CHECK(parse_print(c.in) == c.out);
        check_blank_variants(c.in);
    }
}

TEST_CASE("boolean structure and precedence") {
    CHECK(parse_print("a and b or c") == "((a and b) or c)");
    CHECK(parse_print("a or b and c") == "(a or (b and c))");
    CHECK(parse_print("not a and b") == "(not a and b)");
    CHECK(parse_print("not not a") == "not not a");
    CHECK(parse_print("not(a)") == "not a");
    CHECK(parse_print("(a or b) and c") == "((a or b) and c)");
    CHECK(parse_print("a and(b)") == "(a and b)");
    CHECK(parse_print("a and b and c") == "(a and b and c)");
    CHECK(parse_print("((((a))))") == "a");
    check_blank_variants("not a and (b or c) and not (d)");
}

TEST_CASE("a bare value is never a field") {
    CHECK(parse_print("proc.pname = beam.smp") == "proc.pname = beam.smp");
    CHECK(parse_print("fd.name startswith /etc/") == "fd.name startswith /etc/");
    CHECK(parse_print("proc.name=val(proc.pname)") == "proc.name = val(proc.pname)");
    CHECK(parse_print("fd.num=-1") == "fd.num = -1");
    CHECK(parse_print("proc.duration <= 5000000000") == "proc.duration <= 5000000000");
    CHECK(parse_print("evt.dir = <") == "evt.dir = <");
    CHECK(parse_print("fd.typechar='f'") == "fd.typechar = f");
}

TEST_CASE("field arguments") {
    CHECK(parse_print("proc.aname[2] = bash") == "proc.aname[2] = bash");
    CHECK(parse_print("evt.arg[1] = x") == "evt.arg[1] = x");
    CHECK(parse_print("proc.env[HOME] = /root") == "proc.env[HOME] = /root");
    CHECK(parse_print("evt.arg.flags contains O_TRUNC") == "evt.arg.flags contains O_TRUNC");
    CHECK(parse_print("proc.env['MY VAR'] = x") == "proc.env[MY VAR] = x");
}

TEST_CASE("transformers, nested and on both sides") {
    CHECK(parse_print("tolower(proc.name) = bash") == "tolower(proc.name) = bash");
    CHECK(parse_print("toupper(basename(fd.name)) = X") == "toupper(basename(fd.name)) = X");
    CHECK(parse_print("len(proc.args) > 5") == "len(proc.args) > 5");
    CHECK(parse_print("b64(evt.buffer) contains x") == "b64(evt.buffer) contains x");
    CHECK(parse_print("proc.name = tolower(proc.pname)") == "proc.name = tolower(proc.pname)");
    CHECK(parse_print("concat(proc.name, \"-\", proc.pname) = a-b") ==
          "concat(proc.name, \"-\", proc.pname) = a-b");
    CHECK(parse_print("join(\",\", (proc.name, proc.pname)) = 'a,b'") ==
          "join(\",\", (proc.name, proc.pname)) = \"a,b\"");
    CHECK(parse_print("getopt(proc.args, \"nt:\")[t] = x") == "getopt(proc.args, \"nt:\")[t] = x");
    CHECK(parse_print("basename(fd.name) = val(proc.name)") ==
          "basename(fd.name) = val(proc.name)");
}

TEST_CASE("quoted strings and escapes") {
    CHECK(parse_print(R"(proc.cmdline = "a b")") == R"(proc.cmdline = "a b")");
    CHECK(parse_print(R"(proc.cmdline = "say \"hi\"")") == R"(proc.cmdline = "say \"hi\"")");
    CHECK(parse_print(R"(proc.cmdline = 'say \'hi\'')") == R"(proc.cmdline = "say 'hi'")");
    CHECK(parse_print(R"(proc.cmdline = "a\tb\\c")") == R"(proc.cmdline = "a\tb\\c")");
    CHECK(parse_print(R"(proc.name in ("a b", 'c', d))") == R"(proc.name in ("a b", c, d))");
    CHECK(parse_print(R"(proc.name = "")") == R"(proc.name = "")");
    CHECK(parse_print("proc.name in ()") == "proc.name in ()");
}

TEST_CASE("syntax errors point at the offending token") {
    CHECK(parse_print("") ==
          "error: 1: unexpected end of condition; expected a field, a macro or '('");
    CHECK(parse_print("proc.name =") == "error: 12: unexpected end of condition; expected a value");
    CHECK(parse_print("proc.name bash") ==
          "error: 11: expected an operator after 'proc.name' but found 'bash'");
    CHECK(parse_print("(a and b") == "error: 9: missing ')' at the end of the condition");
    CHECK(parse_print("a and b)") ==
          "error: 8: unexpected ')' after a complete condition; expected 'and', 'or' or the end");
    CHECK(
        parse_print("a andb") ==
        "error: 3: unexpected 'andb' after a complete condition; expected 'and', 'or' or the end");
    CHECK(parse_print("proc.name in (a, b") == "error: 19: missing ')' at the end of the list");
    CHECK(parse_print("proc.name in (a,)") == "error: 17: expected a list item");
    CHECK(parse_print("proc.name in ((a))") == "error: 15: a list item cannot be a list");
    CHECK(parse_print("proc.name = 'abc") == "error: 13: unterminated quoted string");
    CHECK(parse_print(R"(proc.name = "a\qb")") ==
          R"(error: 15: unsupported escape sequence '\q' in a quoted string)");
    CHECK(parse_print("proc.name = (a, b)") ==
          "error: 11: operator '=' takes a single value, not a list");
    CHECK(parse_print("proc.aname[2 = x") == "error: 11: unterminated field argument: missing ']'");
    CHECK(parse_print("proc.name containsx y") ==
          "error: 11: expected an operator after 'proc.name' but found 'containsx'");
    CHECK(parse_print("a and") ==
          "error: 6: unexpected end of condition; expected a field, a macro or '('");
    CHECK(parse_print("len() > 1") == "error: 5: transformer 'len' needs an argument");
}

TEST_CASE("nesting is capped, not a stack overflow") {
    std::string deep(100000, '(');
    std::string r = parse_print(deep + "a");
    CHECK(r.find("condition nests deeper than") != std::string::npos);
    std::string nots;
    for (int i = 0; i < 50000; ++i)
        nots += "not ";
    CHECK(parse_print(nots + "a").find("condition nests deeper than") != std::string::npos);
}
