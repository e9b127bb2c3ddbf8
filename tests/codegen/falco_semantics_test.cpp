// Independent expectations: (condition, event, expected result) written from Falco's documented
// condition semantics (falco.org "Condition Syntax", "Using the pmatch Operator", the field
// reference), not from saker's output. Every row runs against both engines.
//
// Where the documentation gives an example, the row uses it (`(b,c,d) in (a,b,c)` is false,
// `fd.name pmatch (/tmp/hello)` holds for /tmp/hello/world but not /tmp/hello_world,
// `basename()` of "/usr/bin/" is "", ...).
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "frontend/frontend.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstring>
#include <functional>

namespace {

using saker::synth::SyntheticEvent;
using Fill = std::function<void(SyntheticEvent&)>;

struct Row {
    std::string condition;
    Fill fill;
    bool expected;
};

Fill str(std::string field, std::string v) {
    return [=](SyntheticEvent& e) { e.set_str(field, v); };
}
Fill num(std::string field, int64_t v) {
    return [=](SyntheticEvent& e) { e.set_int(field, v); };
}
Fill list(std::string field, std::vector<std::string> v) {
    return [=](SyntheticEvent& e) { e.set_str_list(field, v); };
}
Fill arg(std::string field, std::string a, std::string v) {
    return [=](SyntheticEvent& e) { e.set_arg_str(field, a, v); };
}
Fill ip(std::string field, std::string text) {
    return [=](SyntheticEvent& e) {
        uint8_t b[16] = {};
        in_addr v4;
        if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
            b[10] = b[11] = 0xff;
            std::memcpy(b + 12, &v4, 4);
        } else {
            REQUIRE(inet_pton(AF_INET6, text.c_str(), b) == 1);
        }
        e.set_ip(field, b);
    };
}
Fill both(Fill a, Fill b) {
    return [=](SyntheticEvent& e) {
        a(e);
        b(e);
    };
}
Fill nothing() {
    return [](SyntheticEvent&) {};
}

const std::vector<Row>& rows() {
    static const std::vector<Row> r = {
        // ---- = and != ----------------------------------------------------------------------
        {"proc.name = cat", str("proc.name", "cat"), true},
        {"proc.name = cat", str("proc.name", "cats"), false},
        {"proc.name = cat", str("proc.name", "Cat"), false},
        {"proc.name == cat", str("proc.name", "cat"), true},
        {"proc.name != bash", str("proc.name", "zsh"), true},
        {"proc.name != bash", str("proc.name", "bash"), false},
        {"evt.type = execve and (proc.name = cat or proc.name = grep)", str("proc.name", "grep"),
         true},
        {"evt.type = execve and (proc.name = cat or proc.name = grep)", str("proc.name", "ls"),
         false},
        // ---- numeric comparisons ------------------------------------------------------------
        {"proc.pid < 100", num("proc.pid", 99), true},
        {"proc.pid < 100", num("proc.pid", 100), false},
        {"proc.pid <= 100", num("proc.pid", 100), true},
        {"proc.pid <= 100", num("proc.pid", 101), false},
        {"proc.pid > 100", num("proc.pid", 101), true},
        {"proc.pid > 100", num("proc.pid", 100), false},
        {"proc.pid >= 100", num("proc.pid", 100), true},
        {"proc.pid >= 100", num("proc.pid", 99), false},
        {"proc.pid > -1", num("proc.pid", 0), true},
        {"fd.sport = 443", num("fd.sport", 443), true},
        {"fd.sport in (80, 443)", num("fd.sport", 8443), false},
        {"fd.sport >= 65535", num("fd.sport", 65535), true},
        {"evt.num > 9223372036854775807", num("evt.num", INT64_MIN), true}, // 2^63, unsigned
        {"user.uid = 0", num("user.uid", 0), true},
        {"user.uid != 0", num("user.uid", 1000), true},
        // ---- contains / icontains / bcontains -----------------------------------------------
        {"proc.cmdline contains \"-jar\"", str("proc.cmdline", "java -jar app.jar"), true},
        {"proc.cmdline contains \"-jar\"", str("proc.cmdline", "java -ja r"), false},
        {"proc.cmdline contains \"-jar\"", str("proc.cmdline", "java -JAR app.jar"), false},
        {"proc.cmdline icontains \"-jar\"", str("proc.cmdline", "java -JaR app.jar"), true},
        {"proc.cmdline icontains \"-JAR\"", str("proc.cmdline", "java -jar app.jar"), true},
        {"proc.cmdline icontains \"-jar\"", str("proc.cmdline", "java -jor app.jar"), false},
        {"evt.arg.flags contains O_TRUNC", arg("evt.arg", "flags", "O_WRONLY|O_CREAT|O_TRUNC"),
         true},
        {"evt.arg.flags contains O_TRUNC", arg("evt.arg", "flags", "O_WRONLY|O_CREAT"), false},
        {"evt.buffer bcontains CAFEBABE",
         str("evt.buffer", std::string("\x00\xca\xfe\xba\xbe\x01", 6)), true},
        {"evt.buffer bcontains cafebabe", str("evt.buffer", std::string("xx\xca\xfe\xba\xbe", 6)),
         true},
        {"evt.buffer bcontains CAFEBABE", str("evt.buffer", std::string("\xca\xfe\xba\xbf", 4)),
         false},
        // ---- startswith / bstartswith / endswith --------------------------------------------
        {"fd.name startswith /etc", str("fd.name", "/etc/shadow"), true},
        {"fd.name startswith /etc", str("fd.name", "/tmp/etc"), false},
        {"evt.buffer bstartswith 012AB3CC",
         str("evt.buffer", std::string("\x01\x2a\xb3\xcc\x00", 5)), true},
        {"evt.buffer bstartswith 012AB3CC",
         str("evt.buffer", std::string("\x00\x01\x2a\xb3\xcc", 5)), false},
        {"fd.name endswith .pem", str("fd.name", "/etc/ssl/key.pem"), true},
        {"fd.name endswith .pem", str("fd.name", "/etc/ssl/key.pem.bak"), false},
        // ---- exists -------------------------------------------------------------------------
        {"k8s.pod.name exists", str("k8s.pod.name", "web-1"), true},
        {"k8s.pod.name exists", nothing(), false},
        {"not k8s.pod.name exists", nothing(), true},
        // ---- glob / iglob -------------------------------------------------------------------
        {"fd.name glob \"/home/*/.ssh/*\"", str("fd.name", "/home/alice/.ssh/id_rsa"), true},
        {"fd.name glob \"/home/*/.ssh/*\"", str("fd.name", "/home/alice/ssh/id_rsa"), false},
        {"fd.name glob \"/etc/passw?\"", str("fd.name", "/etc/passwd"), true},
        {"fd.name glob \"/etc/passw?\"", str("fd.name", "/etc/passwdx"), false},
        {"fd.name glob \"/dev/sd[a-c]\"", str("fd.name", "/dev/sdb"), true},
        {"fd.name glob \"/dev/sd[a-c]\"", str("fd.name", "/dev/sdd"), false},
        {"fd.name glob \"/ETC/*\"", str("fd.name", "/etc/hosts"), false},
        {"fd.name iglob \"/ETC/*\"", str("fd.name", "/etc/hosts"), true},
        {"fd.name iglob \"/ETC/*\"", str("fd.name", "/usr/etc/hosts"), false},
        // ---- in / intersects (the documentation's set examples) ---------------------------
        {"fd.types in (a, b, c)", list("fd.types", {"b", "c", "d"}), false},
        {"fd.types in (a, b, c)", list("fd.types", {"b", "c"}), true},
        {"fd.types intersects (a, b, c)", list("fd.types", {"b", "c", "d"}), true},
        {"fd.types intersects (a, b, c)", list("fd.types", {"d", "e"}), false},
        {"proc.name in (bash, zsh)", str("proc.name", "zsh"), true},
        {"proc.name in (bash, zsh)", str("proc.name", "sh"), false},
        // ---- pmatch -------------------------------------------------------------------------
        {"fd.name pmatch (/tmp/hello)", str("fd.name", "/tmp/hello"), true},
        {"fd.name pmatch (/tmp/hello)", str("fd.name", "/tmp/hello/world"), true},
        {"fd.name pmatch (/tmp/hello)", str("fd.name", "/tmp/hello_world"), false},
        {"fd.name pmatch (/var/run, /var/spool, /etc, /boot)", str("fd.name", "/var/spool/maillog"),
         true},
        {"fd.name pmatch (/var/run, /var/spool, /etc, /boot)", str("fd.name", "/opt/data/file.txt"),
         false},
        // pmatch with glob wildcards (Falco 0.36+): still a prefix match, and a wildcard stays
        // within one path component.
        {"fd.name pmatch (/var/*/*.txt, /etc, /boot)", str("fd.name", "/var/spool/log.txt"), true},
        {"fd.name pmatch (/var/*/*.txt, /etc, /boot)", str("fd.name", "/var/run/file.txt"), true},
        {"fd.name pmatch (/var/*/*.txt, /etc, /boot)", str("fd.name", "/var/run/file.log"), false},
        {"fd.name pmatch (/var/*/*.txt, /etc, /boot)", str("fd.name", "/var/a/b/file.txt"), false},
        {"fd.name pmatch (/var/*)", str("fd.name", "/var/run/file.txt"), true},
        {"fd.name pmatch (/var/*)", str("fd.name", "/var"), false},
        // ---- regex: RE2, anchored at both ends ---------------------------------------------
        {"fd.name regex \"[a-z]*/proc/[0-9]+/cmdline\"", str("fd.name", "abc/proc/123/cmdline"),
         true},
        {"fd.name regex \"[a-z]*/proc/[0-9]+/cmdline\"", str("fd.name", "/proc/1/cmdline"), true},
        {"fd.name regex \"[a-z]*/proc/[0-9]+/cmdline\"", str("fd.name", "/proc/1/cmdline2"), false},
        {"fd.name regex \"[a-z]*/proc/[0-9]+/cmdline\"", str("fd.name", "x/proc/12a/cmdline"),
         false},
        {"fd.name regex \"proc\"", str("fd.name", "/proc/1"), false}, // no partial match
        // ---- logical operators --------------------------------------------------------------
        {"not proc.name = bash", str("proc.name", "zsh"), true},
        {"not proc.name = bash", str("proc.name", "bash"), false},
        {"proc.name = bash or proc.name = zsh", str("proc.name", "zsh"), true},
        {"evt.type = open and fd.typechar = 'f'", str("fd.typechar", "f"), false}, // type differs
        // ---- transformers ------------------------------------------------------------------
        {"tolower(proc.name) = bash", str("proc.name", "BaSh"), true},
        {"tolower(proc.name) = bash", str("proc.name", "BaSH2"), false},
        {"toupper(proc.name) = BASH", str("proc.name", "bAsh"), true},
        {"toupper(proc.name) = bash", str("proc.name", "bash"), false},
        {"b64(proc.cmdline) = hello", str("proc.cmdline", "aGVsbG8="), true},
        {"b64(proc.cmdline) = hello", str("proc.cmdline", "aGVsbA=="), false}, // "hell"
        {"basename(proc.exepath) = cat", str("proc.exepath", "/usr/bin/cat"), true},
        {"basename(proc.exepath) = \"\"", str("proc.exepath", "/usr/bin/"), true},
        {"basename(proc.exepath) = bin", str("proc.exepath", "/usr/bin/"), false},
        {"len(proc.cmdline) = 5", str("proc.cmdline", "ls -l"), true},
        {"len(proc.cmdline) > 5", str("proc.cmdline", "ls -l"), false},
        {"len(fd.types) = 3", list("fd.types", {"a", "b", "c"}), true},
        {"len(fd.types) = 3", list("fd.types", {"a", "b"}), false},
        {"len(evt.buffer) = 4", str("evt.buffer", std::string("\x00\x01\x00\x02", 4)), true},
        // ---- val() and transformers on both sides ----------------------------------------
        {"proc.name = val(proc.pname)", both(str("proc.name", "sh"), str("proc.pname", "sh")),
         true},
        {"proc.name = val(proc.pname)", both(str("proc.name", "sh"), str("proc.pname", "bash")),
         false},
        {"tolower(proc.name) = tolower(proc.pname)",
         both(str("proc.name", "Sh"), str("proc.pname", "sH")), true},
        {"tolower(proc.name) = tolower(proc.pname)",
         both(str("proc.name", "Sh"), str("proc.pname", "Shh")), false},
        // ---- addresses and networks (fd.snet: the server IP's network) ---------------------
        {"fd.sip = 127.0.0.1", ip("fd.sip", "127.0.0.1"), true},
        {"fd.sip = 127.0.0.1", ip("fd.sip", "127.0.0.2"), false},
        {"fd.snet = \"172.22.0.0/24\"", ip("fd.snet", "172.22.0.77"), true},
        {"fd.snet = \"172.22.0.0/24\"", ip("fd.snet", "172.22.1.77"), false},
        {"fd.snet in (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", ip("fd.snet", "172.31.255.1"),
         true},
        {"fd.snet in (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)", ip("fd.snet", "172.32.0.1"),
         false},
        {"fd.snet = \"2001:db8::/32\"", ip("fd.snet", "2001:db8:1::5"), true},
        {"fd.snet = \"2001:db8::/32\"", ip("fd.snet", "2001:db9::5"), false},
    };
    return r;
}

} // namespace

TEST_CASE("Falco's documented condition semantics, on both engines", "[codegen]") {
    const auto& rs = rows();
    auto types = saker::known_event_types();
    REQUIRE(rs.size() + 1 < types.size());
    // Row i is rule r<i>, restricted to its own event type (unless it names evt.type itself,
    // then it gets that type), so an event evaluates exactly one rule.
    std::string yaml;
    std::vector<uint32_t> type_of;
    for (size_t i = 0; i < rs.size(); ++i) {
        std::string cond = rs[i].condition;
        uint32_t t = static_cast<uint32_t>(i + 1);
        if (cond.rfind("evt.type = ", 0) == 0) {
            t = saker::event_type_id("execve"); // both rows naming a type expect execve events
        } else {
            cond = "evt.type = " + std::string(types[t]) + " and (" + cond + ")";
        }
        type_of.push_back(t);
        yaml += "- rule: r" + std::to_string(i) + "\n  desc: d\n  condition: >-\n    " + cond +
                "\n  output: o\n  priority: WARNING\n\n";
    }
    saker::SourceManager sources;
    saker::Diagnostics diags;
    auto ruleset = saker::load_rules(std::vector<saker::RuleSource>{{"falco_semantics.yaml", yaml}},
                                     sources, diags);
    INFO(diags.render_all(sources));
    REQUIRE_FALSE(diags.has_errors());
    std::string err;
    auto interp = saker::make_engine(ruleset, {saker::EngineKind::Interp, 2, ""}, &err);
    auto jit = saker::make_engine(ruleset, {saker::EngineKind::Jit, 2, ""}, &err);
    INFO(err);
    REQUIRE(interp);
    REQUIRE(jit);
    std::vector<uint32_t> out(rs.size());
    for (size_t i = 0; i < rs.size(); ++i) {
        SyntheticEvent ev(type_of[i]);
        rs[i].fill(ev);
        ev.freeze();
        auto matched = [&](saker::RuleEngine& e) {
            uint32_t n = e.evaluate(type_of[i], ev, out.data(), UINT32_MAX);
            return std::find(out.begin(), out.begin() + n, i) != out.begin() + n;
        };
        INFO("condition: " << rs[i].condition << "\n" << ev.describe());
        CHECK(matched(*interp) == rs[i].expected);
        CHECK(matched(*jit) == rs[i].expected);
    }
}
