// Fuzz target: the condition parser. Beyond "no crash, no sanitizer report", it checks a
// property: whatever parses must print (ast::to_string) to text that parses back to the same
// tree.
#include "frontend/parser.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    saker::MappedText text;
    text.append(std::string_view(reinterpret_cast<const char*>(data), size), {1, 1, 1});
    saker::Diagnostics diags;
    auto expr = saker::parse_condition(text, diags);
    if (!expr) return 0;
    saker::MappedText again;
    again.append(saker::ast::to_string(*expr), {1, 1, 1});
    saker::Diagnostics diags2;
    auto reparsed = saker::parse_condition(again, diags2);
    if (!reparsed || !(*reparsed == *expr)) {
        std::fprintf(stderr, "round trip failed:\n  printed: %s\n", again.text.c_str());
        std::abort();
    }
    return 0;
}
