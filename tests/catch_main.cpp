// The main() of every Catch2 test executable.
//
// It refuses a test name with a ';' before running anything: CTest registers each TEST_CASE by
// name through a CMake list, which splits the name there, so such a test would be registered as
// a filter that matches nothing and counted as passed without ever running. Failing here makes
// the discovery step (catch_discover_tests, after the link) fail the build instead.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

int main(int argc, char* argv[]) {
    int bad = 0;
    for (const Catch::TestCase& test : Catch::getRegistryHub().getTestCaseRegistry().getAllTests())
        if (test.getTestCaseInfo().name.find(';') != std::string::npos) {
            std::fprintf(
                stderr, "%s:%zu: test name has a ';' (CTest would split it and never run it): %s\n",
                test.getTestCaseInfo().lineInfo.file, test.getTestCaseInfo().lineInfo.line,
                test.getTestCaseInfo().name.c_str());
            ++bad;
        }
    if (bad) return 2;
    return Catch::Session().run(argc, argv);
}
