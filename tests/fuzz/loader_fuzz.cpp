// Fuzz target: the whole rules loader (YAML reader, collector, compiler, checker) on one
// file's text. Every input must end in a Ruleset or diagnostics, never a crash.
#include "frontend/frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    saker::SourceManager sources;
    saker::Diagnostics diags;
    std::vector<saker::RuleSource> in{
        {"fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size)}};
    auto rules = saker::load_rules(in, sources, diags);
    (void)diags.render_all(sources);
    return 0;
}
