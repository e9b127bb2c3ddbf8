#include "runtime/record/replay.h"

namespace saker::record {

bool replay_capture(CaptureReader& reader, agent::Pipeline& pipeline,
                    RecordedMetadataSource& metadata) {
    CaptureRecord r;
    while (reader.next(r)) {
        switch (r.type) {
        case RecordType::Process:
            pipeline.table().insert(std::move(r.process));
            break;
        case RecordType::Container:
            metadata.set(r.container_id, std::move(r.container));
            break;
        case RecordType::Event:
            pipeline.on_event(r.event);
            break;
        case RecordType::Header:
        case RecordType::End:
            break;
        }
    }
    return reader.error().empty();
}

} // namespace saker::record
