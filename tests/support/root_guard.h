// Contract: the "skip loudly unless required" rule of the tests that need root, BPF or outside
// tools. When something is missing the test WARNs "SKIPPED..." and returns (passes), unless the
// environment demands the full setup via SAKER_REQUIRE_BPF, in which case it FAILs. Two spellings
// of "demands" exist and are kept as they were: bpf_required_is_1() (SAKER_REQUIRE_BPF == "1")
// and bpf_required_set() (SAKER_REQUIRE_BPF set to anything).
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace saker::test {

inline bool bpf_required_is_1() {
    const char* v = std::getenv("SAKER_REQUIRE_BPF");
    return v && std::strcmp(v, "1") == 0;
}

inline bool bpf_required_set() {
    return std::getenv("SAKER_REQUIRE_BPF") != nullptr;
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

} // namespace saker::test

// In a TEST_CASE body: if `missing` (a std::string) is non-empty, FAIL with `fail_msg << missing`
// when `required` is true, else WARN `warn_msg << missing` and return from the test.
#define SAKER_SKIP_OR_FAIL(missing, required, fail_msg, warn_msg)                                  \
    do {                                                                                           \
        if (!(missing).empty()) {                                                                  \
            if (required) FAIL(fail_msg << (missing));                                             \
            WARN(warn_msg << (missing));                                                           \
            return;                                                                                \
        }                                                                                          \
    } while (0)

// In a TEST_CASE body: skips loudly (or FAILs when SAKER_REQUIRE_BPF=1) unless this process
// can load and attach the probe; `what` (a string literal) names the suite in the message.
#define SAKER_REQUIRE_ROOT_BPF(what)                                                               \
    do {                                                                                           \
        std::string why_;                                                                          \
        ::saker::test::can_run_probe(why_);                                                        \
        SAKER_SKIP_OR_FAIL(why_, ::saker::test::bpf_required_set(), what " test cannot run: ",     \
                           "SKIPPED: " what " test needs root and BPF: ");                         \
    } while (0)
