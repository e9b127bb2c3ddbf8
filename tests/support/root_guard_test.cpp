// The skip-or-fail policy of root_guard.h: one variable read one way, and a skip that ctest sees.
#include "support/root_guard.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <optional>
#include <string>

namespace {

// Sets SAKER_REQUIRE_BPF for one scope (nullopt: unset) and restores it.
struct RequireBpf {
    std::optional<std::string> saved;
    explicit RequireBpf(const std::optional<std::string>& v) {
        if (const char* old = std::getenv("SAKER_REQUIRE_BPF")) saved = old;
        if (v)
            setenv("SAKER_REQUIRE_BPF", v->c_str(), 1);
        else
            unsetenv("SAKER_REQUIRE_BPF");
    }
    ~RequireBpf() {
        if (saved)
            setenv("SAKER_REQUIRE_BPF", saved->c_str(), 1);
        else
            unsetenv("SAKER_REQUIRE_BPF");
    }
};

} // namespace

TEST_CASE("SAKER_REQUIRE_BPF: only the value 1 turns skips into failures", "[support]") {
    using saker::test::skips_are_failures;
    {
        RequireBpf e(std::string("1"));
        CHECK(skips_are_failures());
    }
    for (const char* v : {"0", "", "yes", "true", "11", " 1"}) {
        RequireBpf e{std::string(v)};
        INFO("SAKER_REQUIRE_BPF='" << v << "'");
        CHECK_FALSE(skips_are_failures());
    }
    RequireBpf e(std::nullopt);
    CHECK_FALSE(skips_are_failures());
}

// Hidden from the normal run: tests/support/CMakeLists.txt runs it with and without
// SAKER_REQUIRE_BPF=1 and checks that it reports a skip, or fails.
TEST_CASE("a test whose prerequisite is missing", "[.][skip-demo]") {
    SAKER_SKIP_UNLESS("the demo", "a prerequisite this machine lacks");
    FAIL("SAKER_SKIP_UNLESS went on although something was missing");
}
