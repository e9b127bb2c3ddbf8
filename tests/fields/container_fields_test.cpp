// container.* / k8s.* extractors over a metadata source answering for one container (no
// runtime, no probe): the mount lookups Falco's rules use, with their "N/A" (no such mount) and
// "<NA>" (metadata unknown) answers, the start time from the pid namespace's init, the host.
#include "live_pipeline.h"

#include "runtime/fields/event_fields.h"

#include <catch2/catch.hpp>

using namespace saker;
using saker::test::get;

namespace {

struct OneContainer final : fields::ContainerMetadataSource {
    std::optional<containers::ContainerMetadata> meta;
    const containers::ContainerMetadata* lookup(std::string_view) override {
        return meta ? &*meta : nullptr;
    }
};

// Whether the field has a value (get() renders an absent one as <NA>, as outputs do).
bool present(FieldSource& src, std::string_view field) {
    Value v;
    src.extract(saker::test::request_for(field), v);
    return v.present();
}

} // namespace

TEST_CASE("container fields: mounts, privileged, start time, Falco's N/A and <NA>",
          "[fields][containers]") {
    state::ProcessTableOptions o;
    o.lazy_proc = false;
    state::ProcessTable table(o);
    OneContainer source;
    fields::EventFields f(table, nullptr, &source);
    const std::string id(64, 'a');

    auto& init = table.create(100);
    init.comm = "sleep";
    init.vpid = 1;
    init.start_ns = 5'000'000'000; // boot clock
    init.container = state::ContainerRef{id, id.substr(0, 12), state::ContainerType::Cri};
    auto& child = table.create(101);
    child.ppid = 100;
    child.comm = "sh";
    child.vpid = 7;
    child.start_ns = 9'000'000'000;
    child.container = init.container;
    auto& host = table.create(200);
    host.comm = "bash";
    host.container = state::ContainerRef{};

    state::EventContext ctx;
    ctx.process = table.find(101);
    f.set_origin(1'000'000'000'000'000'000, "h");
    f.set_event(ctx);

    // Metadata not (yet) known: the mount lookups say <NA>, the rest is absent.
    CHECK(present(f, "container.mount.dest[/proc*]")); // the string, for the rules' test
    CHECK(get(f, "container.mount.dest[/proc*]") == "<NA>");
    CHECK_FALSE(present(f, "container.privileged"));
    // ... but the start time is the pid namespace init's, from the process table.
    CHECK(get(f, "container.start_ts") == "1000000005000000000");

    containers::ContainerMetadata m;
    m.id = id;
    m.runtime = "cri-o";
    m.privileged = true;
    m.mounts = {{"/proc", "/host/proc", "", false, "private"},
                {"/var/lib/data", "/data", "z", true, "rslave"}};
    m.image_id = std::string(64, 'c');
    m.host_network = true;
    m.ip = "10.0.0.7";
    source.meta = m;
    f.set_event(ctx);
    CHECK(get(f, "container.privileged") == "1");
    CHECK(get(f, "container.type") == "cri-o");
    CHECK(get(f, "container.mounts") ==
          "/proc:/host/proc::false:private,/var/lib/data:/data:z:true:rslave");
    CHECK(get(f, "container.mount[1]") == "/var/lib/data:/data:z:true:rslave");
    CHECK(get(f, "container.mount[/proc]") == "/proc:/host/proc::false:private");
    CHECK(get(f, "container.mount.dest[/proc*]") == "/host/proc");     // by source glob
    CHECK(get(f, "container.mount.source[/data]") == "/var/lib/data"); // by destination
    CHECK(get(f, "container.mount.mode[/var/lib/*]") == "z");
    CHECK(get(f, "container.mount.rdwr[/proc]") == "false");
    CHECK(get(f, "container.mount.propagation[1]") == "rslave");
    CHECK(get(f, "container.mount.dest[/etc]") == "N/A"); // no such mount
    CHECK(get(f, "container.mount[5]") == "N/A");
    CHECK(get(f, "container.image.id") == std::string(64, 'c'));
    CHECK(get(f, "container.host_network") == "1");
    CHECK(get(f, "container.ip") == "10.0.0.7");
    CHECK(get(f, "k8s.pod.ip") == "10.0.0.7");
    CHECK_FALSE(present(f, "k8s.rc.name")); // Falco's plugin extracts nothing

    // No init known in the table: the runtime's start time.
    table.find(101)->ppid = 0;
    m.start_ns = 1'700'000'000'000'000'000;
    source.meta = m;
    f.set_event(ctx);
    CHECK(get(f, "container.start_ts") == "1700000000000000000");

    // A host process: no mounts at all, and host init's start.
    auto& pid1 = table.create(1);
    pid1.comm = "init";
    pid1.start_ns = 1'000'000'000;
    pid1.container = state::ContainerRef{};
    ctx.process = table.find(200);
    f.set_event(ctx);
    CHECK_FALSE(present(f, "container.mount.dest[/proc*]"));
    CHECK(get(f, "container.start_ts") == "1000000001000000000");
}
