// libFuzzer target: raw bytes as one ring-buffer record, through the same
// decode-count-callback path the consumer runs. The callback touches every
// param through every accessor so a bad bound anywhere shows up under ASan.
#include "runtime/capture/consumer.h"
#include "runtime/capture/decoder.h"

#include <cstddef>
#include <cstdint>

using namespace saker::capture;

namespace {

void touch(const Event& ev) {
    volatile size_t sink = 0;
    for (uint16_t i = 0; i < ev.nparams; i++) {
        const Param* p = ev.param(i);
        if (auto v = p->u64()) sink = sink + *v;
        if (auto s = p->str()) sink = sink + s->size();
        if (auto l = p->strlist())
            for (auto s : *l)
                sink = sink + s.size();
        if (auto sa = p->sockaddr()) sink = sink + format_sockaddr(*sa).size();
        if (auto t = p->tuple())
            sink = sink + format_sockaddr(t->local).size() + format_sockaddr(t->remote).size();
    }
    for (auto name : event_param_names(ev.hdr.type))
        sink = sink + (ev.param(name) != nullptr);
    sink = sink + event_type_name(ev.hdr.type).size();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    RecordHandler handler(touch);
    handler.handle({data, size});
    return 0;
}
