// No silent fields: every field the registry accepts either has an extractor (the runtime
// gives it Falco's meaning) or is marked unsupported (a rule naming it is rejected at load).
// The walk names every field that breaks this, in both directions, with no exceptions.
#include "frontend/fields.h"
#include "runtime/fields/event_fields.h"
#include "runtime/state/process_table.h"

#include <catch2/catch.hpp>
#include <string>

using namespace saker;

TEST_CASE("registry walk: every field is supported with an extractor, or rejected") {
    state::ProcessTable table;
    fields::EventFields f(table, nullptr);
    const FieldRegistry& reg = FieldRegistry::instance();
    std::string silent, dead, listed;
    std::size_t supported = 0;
    for (const FieldInfo& info : reg.all()) {
        bool has = f.covers(info.id);
        if (info.supported() && !has) silent += " " + std::string(info.name);
        if (!info.supported() && has) dead += " " + std::string(info.name);
        if (!info.supported()) listed += " " + std::string(info.name);
        supported += info.supported();
    }
    INFO("registered as supported but without extractor (a rule would load and never match):"
         << silent);
    CHECK(silent.empty());
    INFO("extractor present but marked unsupported (flip it to supported):" << dead);
    CHECK(dead.empty());
    CHECK(supported == f.covered_count());
    WARN("unsupported (rejected at load):" << listed);
}
