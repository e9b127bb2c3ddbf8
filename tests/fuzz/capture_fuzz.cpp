// libFuzzer target: raw bytes as a capture file, read to the end (or the first error) the way
// `saker replay` reads it. Every delivered record is touched in full so a bad bound anywhere
// shows up under ASan; whatever the bytes, the reader must either deliver valid records or stop
// with a message naming a byte offset.
#include "runtime/record/capture_reader.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

using namespace saker::record;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    CaptureReader reader(in, "fuzz");
    volatile size_t sink = 0;
    if (reader.open()) {
        sink = sink + reader.header().hostname.size() + reader.header().saker_version.size();
        CaptureRecord r;
        while (reader.next(r)) {
            switch (r.type) {
            case RecordType::Event:
                for (uint16_t i = 0; i < r.event.nparams; ++i)
                    sink = sink + r.event.param(i)->data.size();
                break;
            case RecordType::Process:
                sink = sink + r.process->comm.size() + r.process->args.size();
                for (const auto& [n, f] : r.process->fds)
                    sink = sink + f.name.size() + static_cast<size_t>(n);
                break;
            case RecordType::Container:
                sink =
                    sink + r.container_id.size() + (r.container ? r.container->labels.size() : 0);
                break;
            default:
                break;
            }
        }
    }
    // Stopping is either the clean end or an error that says where.
    if (!reader.error().empty() && reader.error().rfind("fuzz: byte ", 0) != 0) std::abort();
    return 0;
}
