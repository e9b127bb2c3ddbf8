// Replay: a capture file through a Pipeline, as the live agent fed it.
//
// Contract: the caller opens the CaptureReader (its header gives PipelineOptions'
// boot_to_epoch_ns and the hostname for alerts) and builds the Pipeline with `metadata` as its
// container source and an empty table. replay_capture() then applies every record in file
// order: PROCESS into the table (insert, replacing a same-pid entry), CONTAINER into
// `metadata`, EVENT through Pipeline::on_event. It returns false with the reader's error when
// the file is damaged, after everything before the damage went through the pipeline.
#pragma once

#include "runtime/agent/pipeline.h"
#include "runtime/record/capture_reader.h"
#include "runtime/record/recorder.h"

namespace saker::record {

bool replay_capture(CaptureReader& reader, agent::Pipeline& pipeline,
                    RecordedMetadataSource& metadata);

} // namespace saker::record
