// EventFields: the runtime's FieldSource. Answers every registry field the rules use from the
// current event, its StateUpdater context, the process table, the user database and (when
// given) a container metadata source.
//
// Contract:
// - set_event() starts a new event; extract() may then be called any number of times. Strings,
//   IPs and lists handed out stay valid until the next set_event(): they live in per-event
//   scratch storage owned by this object (computed values), or are views of the event's own
//   bytes and of table entries (names, paths), which nothing changes or frees before the next
//   event (ProcessTable retires what a lazy load evicts until then).
// - Extractors are built once, as a table indexed by FieldInfo::id; a row naming a field the
//   registry does not know is a startup error (std::logic_error from the constructor). Every
//   field the registry marks supported has a row, and no unsupported one does
//   (tests/fields/field_support_test.cpp). The hot fields are published through hot_values(),
//   computed by the same extractors, only those the engine asks for.
// - Unknown is absent, never zero or a stale value: a process or fd the table does not know, an
//   ancestor past the root or whose pid was reused, a container field before the metadata
//   source has answered.
// - Values follow Falco's rendering (docs/FIELDS.md): evt.res is "SUCCESS" or an errno name,
//   event arguments render by their Falco type (uid -> user name, flags -> names, fd ->
//   `<4t>name`), socket fd names as `cip:cport->sip:sport`, user.loginuid is -1 when unset;
//   and Falco's literal "<NA>" where Falco has it (user.name of an unknown uid, proc.name of a
//   process that cannot be found), "host" / "" / false for the container fields of host
//   processes, as Falco's container plugin answers.
#pragma once

#include "runtime/containers/container_metadata.h"
#include "runtime/eval_context.h"
#include "runtime/state/state_updater.h"
#include "runtime/state/users.h"

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace saker::fields {

// What the container runtime knows about a container (a colleague's containerd client
// implements it). Must never block: answer nullptr until the metadata has arrived.
class ContainerMetadataSource {
  public:
    virtual ~ContainerMetadataSource() = default;
    // `full_id` is the 64-hex id; the result must stay valid until the next call.
    virtual const containers::ContainerMetadata* lookup(std::string_view full_id) = 0;
    // Called for every event of a container process: a source that fetches metadata
    // asynchronously starts asking here, so the answer is there when an output needs it.
    virtual void observe(std::string_view /*full_id*/) {}
};

class EventFields final : public FieldSource {
  public:
    EventFields(state::ProcessTable& table, state::UserDb* users,
                ContainerMetadataSource* containers = nullptr);

    void set_event(const state::EventContext& ctx);
    // The clock offset and host name evt.time / evt.hostname use; by default this host's, now.
    // A replay sets the recording's so its alerts equal the live ones.
    void set_origin(uint64_t boot_to_epoch_ns, std::string hostname) {
        boot_to_epoch_ns_ = boot_to_epoch_ns;
        hostname_ = std::move(hostname);
    }
    void extract(const FieldRequest& request, Value& out) override;
    // The wanted hot fields (eval_context.h), each through its extractor: what extract() answers.
    const Value* hot_values(uint64_t wanted) override;

    // Registry ids that have an extractor.
    bool covers(uint16_t field_id) const;
    std::size_t covered_count() const;

    struct Impl; // extractor helpers (event_fields.cpp)
    using Extractor = void (*)(EventFields&, const FieldRequest&, Value&);

  private:
    friend struct Impl;

    Value keep(std::string s);
    Value keep_ip(const std::array<uint8_t, 16>& ip);
    Value keep_list(std::vector<Value> items);

    state::ProcessTable& table_;
    state::UserDb* users_;
    ContainerMetadataSource* containers_;
    const state::EventContext* ctx_ = nullptr;
    std::vector<Extractor> extractors_;
    std::array<Extractor, kHotFieldCount> hot_extractors_{}; // by HotField
    std::array<Value, kHotFieldCount> hot_{};
    uint64_t boot_to_epoch_ns_ = 0;     // CLOCK_REALTIME - CLOCK_BOOTTIME, taken once
    uint64_t first_ts_ = 0;             // for evt.reltime
    uint64_t prev_ts_ = 0, cur_ts_ = 0; // for evt.deltatime (previous event's time)
    std::string hostname_;
    // Per-event scratch: deques keep addresses stable while more values are added.
    std::deque<std::string> strings_;
    std::deque<std::array<uint8_t, 16>> ips_;
    std::deque<std::vector<Value>> lists_;
    bool scratch_used_ = false; // something was kept since the last set_event()
};

// Renderers shared with tests and output formatting.
std::string errno_name(int64_t err);           // 2 -> "ENOENT"; a code Falco does not name -> ""
std::string signal_name(uint64_t sig);         // 9 -> "SIGKILL"; unknown -> ""
std::string open_flags_string(uint64_t flags); // "O_RDONLY|O_CLOEXEC"
std::string caps_string(uint64_t caps);        // "CAP_CHOWN CAP_DAC_OVERRIDE ..."

// The flag sets event parameters carry, each rendered as libsinsp renders it (bit flags in
// table order, exact enum values with their aliases, or mode bits).
enum class FlagSet : uint8_t {
    Open,
    Clone,
    Mount,
    Umount,
    Prot,
    Mmap,
    Memfd,
    Prctl,
    Bpf,
    Fchownat,
    Linkat,
    Unlinkat,
    Renameat2,
    FinitModule,
    IoUringSetup,
    Exe,
    Chmod,
    SockFamily,
    Ptrace,
};
std::string render_flags(FlagSet set, uint64_t value); // "" when no name matches

} // namespace saker::fields
