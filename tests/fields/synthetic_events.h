// Test support: EventFields over a process table nothing loads from /proc, with the host's user
// database, fed one synthetic record at a time (built with RecordBuilder).
#pragma once

#include "tests/capture/record_builder.h"
#include "tests/fields/live_pipeline.h"

#include "runtime/capture/decoder.h"

#include <catch2/catch.hpp>

namespace saker::test {

struct SyntheticEvents {
    state::ProcessTableOptions opts = [] {
        state::ProcessTableOptions o;
        o.lazy_proc = false;
        return o;
    }();
    state::ProcessTable table{opts};
    state::UserDb users;
    state::EventContext ctx;
    fields::EventFields fields{table, &users};
    std::vector<uint8_t> raw;
    capture::Event ev;

    // Makes `b`'s record the current event of process `pid` (nullptr process when unknown).
    void use(capture::test::RecordBuilder& b, uint32_t pid) {
        raw = b.build();
        REQUIRE(capture::decode(raw, ev) == capture::DecodeError::none);
        ctx.event = &ev;
        ctx.type_name = state::falco_event_name(ev);
        ctx.process = table.find(pid);
        fields.set_event(ctx);
    }
};

} // namespace saker::test
