// The resolver (runtime/dns) against independently known truth: names from a hosts file this
// test writes and bind-mounts over /etc/hosts in its own mount namespace, with a resolv.conf
// naming only 127.0.0.1 (support/private_resolver.h; the host's files are untouched and no
// query leaves the host). Cases that need the mount namespace need root: they skip loudly
// without it and FAIL with SAKER_REQUIRE_BPF=1.
#include "dns/dns_test_kit.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
using saker::dns::Address;
using saker::dns::Resolver;
using saker::test::addr;
using saker::test::PrivateResolverFiles;

#define ENTER_OR_SKIP(files)                                                                       \
    SAKER_SKIP_UNLESS("the resolver test", saker::test::enter_private_resolver(files))

template <class Pred> bool eventually(Pred p, std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!p()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(10ms);
    }
    return true;
}

} // namespace

TEST_CASE("names from /etc/hosts resolve to exactly their addresses", "[dns][root]") {
    PrivateResolverFiles files("127.0.0.77 api.saker.test\n"
                               "127.0.0.78 api.saker.test\n"
                               "::1 v6.saker.test\n"
                               "127.0.0.9 untracked.saker.test\n");
    ENTER_OR_SKIP(files);
    Resolver r({.base_refresh = 100ms, .max_refresh = 400ms});
    auto tracking = r.track({"api.saker.test", "v6.saker.test", "missing.saker.test"});
    CHECK(tracking.names().size() == 3);
    // Before start() nothing is asked and nothing matches. The idle period is what is tested
    // (no thread may resolve on its own); start() below is its positive control.
    std::this_thread::sleep_for(50ms);
    CHECK(r.stats().resolutions == 0);
    CHECK_FALSE(r.resolves_to("api.saker.test", addr("127.0.0.77").data()));

    r.start();
    REQUIRE(r.wait_resolved(5s));
    CHECK(r.resolves_to("api.saker.test", addr("127.0.0.77").data()));
    CHECK(r.resolves_to("api.saker.test", addr("127.0.0.78").data()));
    CHECK_FALSE(r.resolves_to("api.saker.test", addr("127.0.0.79").data()));
    CHECK_FALSE(r.resolves_to("api.saker.test", addr("::ffff:127.0.0.1").data()));
    CHECK(r.resolves_to("v6.saker.test", addr("::1").data()));
    CHECK_FALSE(r.resolves_to("v6.saker.test", addr("127.0.0.1").data()));
    CHECK_FALSE(r.resolves_to("missing.saker.test", addr("127.0.0.77").data()));
    // A name no rule asked for is never resolved, even though the hosts file has it.
    CHECK_FALSE(r.resolves_to("untracked.saker.test", addr("127.0.0.9").data()));
    CHECK(r.name_of(addr("127.0.0.78").data()) == "api.saker.test");
    CHECK(r.name_of(addr("::1").data()) == "v6.saker.test");
    CHECK(r.name_of(addr("127.0.0.9").data()).empty());

    const auto s = r.stats();
    CHECK(s.names == 3);
    CHECK(s.addresses == 3);
    CHECK(s.resolutions >= 3);
    CHECK(s.failures >= 1); // missing.saker.test
}

TEST_CASE("a changed hosts file is seen at the next refresh and released names are forgotten",
          "[dns][root]") {
    PrivateResolverFiles files("127.0.0.77 api.saker.test\n127.0.0.5 second.saker.test\n");
    ENTER_OR_SKIP(files);
    Resolver r({.base_refresh = 100ms, .max_refresh = 400ms});
    r.start();
    auto first = r.track({"api.saker.test"});
    REQUIRE(r.wait_resolved(5s));
    CHECK(r.resolves_to("api.saker.test", addr("127.0.0.77").data()));

    files.write_hosts("127.0.0.88 api.saker.test\n127.0.0.5 second.saker.test\n");
    CHECK(eventually(
        [&] {
            return r.resolves_to("api.saker.test", addr("127.0.0.88").data()) &&
                   !r.resolves_to("api.saker.test", addr("127.0.0.77").data());
        },
        3s));
    CHECK(r.name_of(addr("127.0.0.88").data()) == "api.saker.test");

    {
        // A reload: the new rules hold the same name and a new one, then the old ones go.
        auto reloaded = r.track({"api.saker.test", "second.saker.test"});
        REQUIRE(r.wait_resolved(5s));
        first = {};
        CHECK(r.resolves_to("api.saker.test", addr("127.0.0.88").data()));
        CHECK(r.resolves_to("second.saker.test", addr("127.0.0.5").data()));
        CHECK(r.stats().names == 2);
    }
    // The last holder gone: nothing is tracked, nothing matches, nothing is kept.
    CHECK(r.stats().names == 0);
    CHECK(r.stats().addresses == 0);
    CHECK_FALSE(r.resolves_to("api.saker.test", addr("127.0.0.88").data()));
    CHECK(r.name_of(addr("127.0.0.5").data()).empty());
}

TEST_CASE("lookups never wait for a resolution in progress", "[dns][root]") {
    PrivateResolverFiles files("127.0.0.77 api.saker.test\n", saker::test::DnsQueries::to_loopback);
    ENTER_OR_SKIP(files);
    // A DNS server on loopback that never answers: a name missing from the hosts file keeps
    // the resolving thread inside getaddrinfo for its timeout (resolv.conf: 1 s, 1 attempt).
    int silent = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(53);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(silent, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);

    Resolver r({.base_refresh = 60'000ms, .max_refresh = 60'000ms});
    r.start();
    auto known = r.track({"api.saker.test"});
    REQUIRE(r.wait_resolved(5s));
    auto slow = r.track({"slow.saker.test"});
    CHECK_FALSE(r.wait_resolved(200ms)); // still inside getaddrinfo
    std::chrono::nanoseconds worst{0};
    for (int i = 0; i < 1000; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        const bool hit = r.resolves_to("api.saker.test", addr("127.0.0.77").data());
        const bool miss = r.resolves_to("slow.saker.test", addr("127.0.0.77").data());
        worst = std::max(worst, std::chrono::steady_clock::now() - t0);
        REQUIRE(hit);
        REQUIRE_FALSE(miss);
    }
    INFO("slowest pair of lookups: " << worst.count() << " ns");
    CHECK(worst < 50ms); // far below the server's silence: no lookup waited for it
    CHECK(r.stats().resolutions == 1);
    CHECK(r.wait_resolved(10s)); // the query times out; the name resolved to nothing
    CHECK(r.stats().failures == 1);
    close(silent);
}

TEST_CASE("memory is bounded: names beyond max_names are refused", "[dns]") {
    Resolver r({.max_names = 2});
    auto t = r.track({"a.saker.test", "b.saker.test", "c.saker.test", "a.saker.test"});
    CHECK(t.names() == std::vector<std::string>{"a.saker.test", "b.saker.test"});
    CHECK(r.stats().names == 2);
    CHECK(r.stats().refused == 1);
    auto again = r.track({"b.saker.test"}); // already tracked: no new room needed
    CHECK(again.names().size() == 1);
    CHECK(r.stats().refused == 1);
}
