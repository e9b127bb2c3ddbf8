// fd.*ip.name in conditions: both engines (JIT and interpreter) test whether the event's
// address is among the resolved addresses of the names, with the process's resolver started on
// a private hosts file (support/private_resolver.h) as the known truth; and, on generated
// events, the JIT gives exactly the interpreter's answers for such rules. Needs root for the
// mount namespace: skips loudly without it, FAILs with SAKER_REQUIRE_BPF=1.
#include "bench/synthetic_events.h"
#include "codegen/engine.h"
#include "dns/dns_test_kit.h"
#include "frontend/frontend.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <map>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using saker::synth::SyntheticEvent;

constexpr const char* kRules = R"(
- rule: sip is api
  desc: d
  condition: evt.type=connect and fd.sip.name = api.saker.test
  output: o
  priority: WARNING
- rule: sip is not api
  desc: d
  condition: evt.type=connect and fd.sip.name != api.saker.test
  output: o
  priority: WARNING
- rule: cip in names
  desc: d
  condition: evt.type=connect and fd.cip.name in (db.saker.test, api.saker.test)
  output: o
  priority: WARNING
- rule: rip name by string operator
  desc: d
  condition: evt.type=connect and fd.rip.name startswith "api."
  output: o
  priority: WARNING
- rule: lip and port
  desc: d
  condition: evt.type=connect and fd.lip.name = db.saker.test and fd.lport = 5432
  output: o
  priority: WARNING
- rule: addresses themselves
  desc: d
  condition: evt.type=connect and (fd.sip in (127.0.0.77, 127.0.0.79) or fd.cip = 127.0.0.20 or fd.rip = 127.0.0.77 or fd.lip = 127.0.0.20)
  output: o
  priority: WARNING
)";

struct Loaded {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    saker::Ruleset rules;
};

// The matching rules' names for one event, from one engine.
std::vector<std::string> matches(saker::RuleEngine& engine, const saker::Ruleset& rules,
                                 SyntheticEvent& e) {
    std::vector<uint32_t> out(rules.rules.size());
    uint32_t n = engine.evaluate(e.type(), e, out.data(), UINT32_MAX);
    std::vector<std::string> names;
    for (uint32_t i = 0; i < n; ++i)
        names.push_back(rules.rules[out[i]].name);
    return names;
}

} // namespace

TEST_CASE("fd.*ip.name: both engines test the address against the names' resolved addresses",
          "[dns][codegen][root]") {
    saker::test::PrivateResolverFiles files("127.0.0.77 api.saker.test\n"
                                            "::1 api.saker.test\n"
                                            "127.0.0.20 db.saker.test\n");
    SAKER_SKIP_UNLESS("the name comparison test", saker::test::enter_private_resolver(files));
    Loaded l;
    l.rules = saker::load_rules(std::vector<saker::RuleSource>{{"names.yaml", kRules}}, l.sources,
                                l.diags);
    REQUIRE_FALSE(l.diags.has_errors());
    std::string error;
    auto jit = saker::make_engine(l.rules, {saker::EngineKind::Jit, 2, ""}, &error);
    INFO(error);
    REQUIRE(jit);
    auto interp = saker::make_engine(l.rules, {saker::EngineKind::Interp, 2, ""}, nullptr);
    // Each engine registered the names its rules compare against, once each.
    CHECK(jit->resolved_names.names() ==
          std::vector<std::string>{"api.saker.test", "db.saker.test"});
    auto& dns = saker::dns::resolver();
    CHECK(dns.stats().names == 2);
    dns.start();
    REQUIRE(dns.wait_resolved(5s));

    const uint32_t connect = saker::event_type_id("connect");
    auto event = [&](const char* client, const char* server, uint16_t lport) {
        SyntheticEvent e(connect);
        // The test's process is the client: local = client, remote = server.
        auto c = saker::test::addr(client), s = saker::test::addr(server);
        e.set_ip("fd.cip", c.data());
        e.set_ip("fd.lip", c.data());
        e.set_ip("fd.sip", s.data());
        e.set_ip("fd.rip", s.data());
        e.set_int("fd.lport", lport);
        // What the runtime's extractor prints for the names (EventFields asks the same).
        for (auto [field, a] : {std::pair{"fd.sip.name", s},
                                {"fd.rip.name", s},
                                {"fd.cip.name", c},
                                {"fd.lip.name", c}})
            if (auto n = dns.name_of(a.data()); !n.empty()) e.set_str(field, n);
        return e;
    };
    using V = std::vector<std::string>;
    struct Case {
        const char *client, *server;
        uint16_t lport;
        V want;
    };
    const std::vector<Case> cases = {
        {"127.0.0.20", "127.0.0.77", 5432,
         V{"sip is api", "cip in names", "rip name by string operator", "lip and port",
           "addresses themselves"}},
        {"127.0.0.20", "127.0.0.79", 5432,
         V{"sip is not api", "cip in names", "lip and port", "addresses themselves"}},
        {"127.0.0.21", "::1", 5432, V{"sip is api", "rip name by string operator"}},
        {"127.0.0.21", "127.0.0.78", 1234, V{"sip is not api"}},
        {"127.0.0.77", "127.0.0.20", 1234, V{"sip is not api", "cip in names"}},
    };
    for (const auto& c : cases) {
        INFO("client " << c.client << ", server " << c.server);
        SyntheticEvent e = event(c.client, c.server, c.lport);
        CHECK(matches(*interp, l.rules, e) == c.want);
        CHECK(matches(*jit, l.rules, e) == c.want);
    }
    // No address (not a socket): neither `=` nor `!=` holds, in either engine.
    SyntheticEvent none(connect);
    CHECK(matches(*interp, l.rules, none).empty());
    CHECK(matches(*jit, l.rules, none).empty());

    // Generated events (addresses drawn from the rules' literals and at random): identical.
    auto gen = saker::synth::Generator::random(l.rules, 0x5a4e);
    std::map<std::string, size_t> fired;
    for (int i = 0; i < 20000; ++i) {
        SyntheticEvent e = gen.next();
        auto a = matches(*interp, l.rules, e), b = matches(*jit, l.rules, e);
        REQUIRE(a == b);
        for (const auto& n : a)
            ++fired[n];
    }
    CHECK(fired["sip is api"] > 0);
    CHECK(fired["sip is not api"] > 0);
    CHECK(fired["cip in names"] > 0);

    // The engines gone, the names are no longer tracked.
    jit.reset();
    interp.reset();
    CHECK(dns.stats().names == 0);
}
