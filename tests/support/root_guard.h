// Contract: the one place that decides whether a test that cannot run here (not root, no BPF, a
// tool missing) is skipped or failed.
//
// The one variable: SAKER_REQUIRE_BPF. Exactly "1" (CI sets it) means the machine promises the
// full set-up, so a test that cannot run FAILs. Anything else, or unset, means it is skipped.
//
// A skip is visible: the test prints a line starting with kSkipMarker and returns; every test
// added by saker_add_test (tests/CMakeLists.txt) has SKIP_REGULAR_EXPRESSION set to that marker,
// so ctest reports it as "Skipped", never as "Passed", and `make test` prints the skip count.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <unistd.h>

namespace saker::test {

// The line prefix ctest's SKIP_REGULAR_EXPRESSION matches (keep in sync with tests/CMakeLists.txt).
inline constexpr const char* kSkipMarker = "saker-test-skipped:";

// True when SAKER_REQUIRE_BPF is exactly "1": a test that cannot run must fail.
inline bool skips_are_failures() {
    const char* v = std::getenv("SAKER_REQUIRE_BPF");
    return v && std::strcmp(v, "1") == 0;
}

// Root and kernel BTF, what attaching the probe needs; `why` says what is missing.
inline bool can_run_probe(std::string& why) {
    if (geteuid() != 0) {
        why = "not root";
        return false;
    }
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        why = "no kernel BTF";
        return false;
    }
    return true;
}

// "" when the probe can run, else why not.
inline std::string probe_missing() {
    std::string why;
    can_run_probe(why);
    return why;
}

// Prints the skip line (stdout, flushed: ctest reads the output after the process ends).
inline void announce_skip(const std::string& what, const std::string& missing) {
    std::cout << kSkipMarker << ' ' << what << " needs " << missing
              << " (SAKER_REQUIRE_BPF=1 makes this a failure)" << std::endl;
}

} // namespace saker::test

// In a TEST_CASE body: when `missing` (a string expression) is non-empty, the test cannot run:
// it FAILs under SAKER_REQUIRE_BPF=1, else it is reported skipped and returns. `what` names the
// test in the message.
#define SAKER_SKIP_UNLESS(what, missing)                                                           \
    do {                                                                                           \
        const std::string saker_missing_ = (missing);                                              \
        if (!saker_missing_.empty()) {                                                             \
            if (::saker::test::skips_are_failures())                                               \
                FAIL("SAKER_REQUIRE_BPF=1 but " << (what) << " cannot run: " << saker_missing_);   \
            ::saker::test::announce_skip(what, saker_missing_);                                    \
            return;                                                                                \
        }                                                                                          \
    } while (0)

// In a TEST_CASE body: skip (or fail) unless this process can load and attach the probe.
#define SAKER_REQUIRE_ROOT_BPF(what)                                                               \
    SAKER_SKIP_UNLESS(std::string(what) + " test", ::saker::test::probe_missing())
