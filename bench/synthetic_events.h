// Synthetic events for the differential tests and the predicates benchmark.
//
// Contract:
// - `SyntheticEvent` is a FieldSource over one generated event: its event type (dense id into
//   known_event_types()) and one value per (field id, argument as written). Everything it hands
//   out points into storage the event owns, so values stay valid for as long as the event lives
//   (and across moves; a copy re-materializes its own pointers).
//   * A field that was not set is Absent, except `evt.type`, which is always the type's name.
//   * Ancestor fields (`proc.aname`, `proc.apid`, `proc.aexepath`, `proc.aexe`, `proc.acmdline`)
//     hold the list of ancestors, parent first. Without an index they return that List (Str
//     items; Int items for `proc.apid`); `[N]` with N >= 1 returns the Nth ancestor (`[1]` is
//     the parent), `[0]` the process itself (the value of proc.name / proc.pid / proc.exepath /
//     proc.exe / proc.cmdline), an index past the chain is Absent.
//   * Other fields with an argument (`evt.arg[flags]`, `proc.env[HOME]`, `fd.types[0]`) are
//     looked up by the argument text exactly as written.
//   * List fields (kFieldList, e.g. `fd.types`) hold a List of Str.
//   * It publishes the hot fields (eval_context.h) the way the live EventFields does: each
//     wanted one extracted when the engine asks, once per evaluation, so a benchmark pays for
//     the extraction inside its timed loop.
// - `Generator::random(rules, seed)` is for differential testing: events whose types and field
//   values are drawn from what the rules' conditions mention (their event types, their fields,
//   their literals and near misses of them) mixed with adversarial values (empty, 4 KiB, NULs,
//   non-UTF-8, boundary integers, IPv4/IPv6 edge addresses, CIDR edges). Per field: absent ~15%,
//   a literal of the rules or a near miss ~40%, adversarial/random otherwise. In addition ~35% of
//   events are "targeted": a rule of the chosen type is picked and its condition is walked to
//   choose values that satisfy it (then a few are mutated into near misses), so rules match
//   and nearly match often enough to exercise every branch.
// - `Generator::realistic(seed)` is for the benchmark: a fixed mix resembling a busy node:
//     45% open/openat/openat2   paths under /etc, /usr/lib, /proc, /tmp, /home, /var/log,
//                               /dev; ~80% read (O_RDONLY), ~20% write
//                               (O_WRONLY|O_CREAT[|O_TRUNC]); ~5% failing (ENOENT/EACCES, fd.num =
//                               -1)
//     15% execve/execveat       common binaries (ls, cat, grep, python3, curl, ...); ancestors
//                               drawn from bash/sshd/systemd/containerd-shim/cron/kubelet chains
//     10% connect/accept/accept4  loopback, 10.x / 172.16.x / 192.168.x and public addresses,
//                               common ports (53, 80, 443, 5432, 6379, 8080, 22, ...)
//     10% close
//     10% clone/clone3/fork/vfork
//     10% other syscalls the rules name: setns, unshare, ptrace, mmap, chmod, fchmodat, unlink,
//                               unlinkat, rename, renameat2, symlinkat, linkat, dup2, socket,
//                               sendto, init_module, mkdir
//   About 1% of events (kTriggerShare) are built to trigger well-known upstream rules: `cat
//   /etc/shadow` by an untrusted program, a shell spawned by nginx, a shell in a container,
//   `grep BEGIN PRIVATE`, a log truncation under /var/log, ssh to port 443, a ptrace attach,
//   execution from /dev/shm, a memfd exec, `shred`, a symlink over /etc/shadow, a packet socket
//   in a container. About a third of events come from containers (`container.id` a 12-hex id),
//   the rest from the host (`container.id` = "host"). `evt.num` counts from 1.
//   Every event fills the fields the upstream rules read for its type: proc.name, proc.exe,
//   proc.exepath, proc.cmdline, proc.args, proc.pname, proc.pexe, proc.pcmdline, proc.aname[N]
//   (via the ancestor chain), proc.cwd, proc.tty, proc.duration, user.name, user.uid,
//   container.id / image.repository / privileged, thread.cap_effective, evt.num, evt.res,
//   evt.rawres, evt.dir, and per type fd.* (name, directory, filename, nameraw, typechar, type,
//   num, sip, sport, ip, net, snet, l4proto, ...), evt.is_open_read/write, evt.arg[...].
#pragma once

#include "frontend/rules.h"
#include "runtime/eval_context.h"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace saker::synth {

class SyntheticEvent final : public FieldSource {
  public:
    explicit SyntheticEvent(uint32_t evt_type = 0) : type_(evt_type) {}
    SyntheticEvent(const SyntheticEvent& o);
    SyntheticEvent& operator=(const SyntheticEvent& o);
    SyntheticEvent(SyntheticEvent&&) noexcept = default;
    SyntheticEvent& operator=(SyntheticEvent&&) noexcept = default;

    uint32_t type() const { return type_; }
    std::string_view type_name() const;
    void set_type(uint32_t t) { type_ = t; }

    // Setters by field id; `arg` is the argument as written (nullptr: no argument). Setting a
    // field twice keeps the last value.
    void set_int(uint16_t field, int64_t v, const std::string* arg = nullptr);
    void set_str(uint16_t field, std::string_view v, const std::string* arg = nullptr);
    void set_ip(uint16_t field, const uint8_t ip[16], const std::string* arg = nullptr);
    void set_str_list(uint16_t field, const std::vector<std::string>& items,
                      const std::string* arg = nullptr);
    void set_int_list(uint16_t field, const std::vector<int64_t>& items,
                      const std::string* arg = nullptr);
    void unset(uint16_t field, const std::string* arg = nullptr);

    // Setters by field name (`proc.name`, `evt.arg` + "flags"); throw on an unknown name.
    void set_int(std::string_view field, int64_t v);
    void set_str(std::string_view field, std::string_view v);
    void set_ip(std::string_view field, const uint8_t ip[16]);
    void set_str_list(std::string_view field, const std::vector<std::string>& items);
    void set_int_list(std::string_view field, const std::vector<int64_t>& items);
    void set_arg_str(std::string_view field, std::string_view arg, std::string_view v);

    bool has(uint16_t field, const std::string* arg = nullptr) const;
    // Builds the lookup structures now (they are otherwise built on the first extract).
    void freeze() {
        if (dirty_) materialize();
    }
    size_t field_count() const { return entries_.size(); }

    void extract(const FieldRequest& request, Value& out) override;
    // The wanted hot fields, each extracted now through extract() (what EventFields does).
    const Value* hot_values(uint64_t wanted) override;

    // A readable dump: the type, then one `field[arg] = value` line per set field (strings
    // quoted with non-printable bytes escaped, long strings abbreviated with their length).
    std::string describe() const;

  private:
    enum : uint8_t { kHasArg = 0x80 };
    struct Entry {
        uint16_t field;
        uint8_t kind;     // ValueKind, | kHasArg
        uint8_t key_len;  // argument length (arguments longer than 255 bytes are truncated)
        uint32_t key_off; // into bytes_
        int64_t i;        // Int: the value; Str/Ip: offset<<32 | len into bytes_; List:
                          // first<<32 | count into items_
    };
    static_assert(sizeof(Entry) == 16);
    struct Item {
        ValueKind kind;
        int64_t i; // Int value, or offset<<32 | len
    };

    uint32_t type_ = 0;
    std::vector<Entry> entries_;
    std::vector<char> bytes_; // strings, IPs, argument texts (vector: moves keep the buffer)
    std::vector<Item> items_; // list items
    std::vector<Value> materialized_; // items_ as Values, built lazily
    std::vector<uint8_t> dense_; // field id -> first entry + 1 (entries sorted by field), 0: none
    std::array<Value, kHotFieldCount> hot_{}; // by HotField, filled by hot_values()
    bool dirty_ = true;                       // materialized_ / dense_ need rebuilding

    Entry* find(uint16_t field, std::string_view key, bool has_arg);
    const Entry* find(uint16_t field, std::string_view key, bool has_arg) const;
    Entry& slot(uint16_t field, const std::string* arg);
    uint32_t store(std::string_view bytes);
    std::string_view key_of(const Entry& e) const { return {bytes_.data() + e.key_off, e.key_len}; }
    Value value_of(const Entry& e);
    void materialize();
};

// One field reference as written in a condition: registry id and argument.
struct FieldRef {
    uint16_t field = 0;
    bool has_arg = false;
    std::string arg;
    auto operator<=>(const FieldRef&) const = default;
};

// A literal a condition compares a field with, and how (the operator, and the transformer
// applied to the field on the left side, if any).
struct LiteralUse {
    ast::CmpOp op = ast::CmpOp::Eq;
    ast::Transform via = ast::Transform::None;
    std::string text;
    ast::Constant value;
};

// Per field reference (ancestor fields: per field, whatever the index): what to draw from.
struct FieldPlan {
    FieldRef ref;
    const FieldInfo* info = nullptr;
    bool ancestor = false; // proc.aname & co: generated as one ancestor chain
    std::vector<LiteralUse> literals;
};

class Generator {
  public:
    // Differential testing: driven by the rules' fields and literals (see the header comment).
    // The Ruleset need not outlive the generator.
    static Generator random(const Ruleset& rules, uint64_t seed);
    // Benchmark: the documented busy-node mix (see the header comment).
    static Generator realistic(uint64_t seed);

    SyntheticEvent next();

    // Event type name -> number of events generated so far.
    const std::map<std::string, uint64_t>& type_counts() const { return type_counts_; }
    // Realistic mode: how many events were built to trigger an upstream rule.
    uint64_t triggers() const { return triggers_; }

    // Random mode: what was collected from the rules (tests print it).
    const std::vector<FieldPlan>& plans() const { return plans_; }
    size_t literal_count() const;

    static constexpr double kTriggerShare = 0.01;
    static constexpr double kTargetedShare = 0.35;

  private:
    enum class Mode { Random, Realistic };
    Generator(Mode m, uint64_t seed) : mode_(m), rng_(seed) {}

    Mode mode_;
    std::mt19937_64 rng_;
    std::vector<FieldPlan> plans_;
    std::map<FieldRef, size_t> plan_index_;
    std::vector<std::string> pool_;                    // every string literal of the rules
    std::vector<uint32_t> rule_types_;                 // event type ids the rules name
    std::vector<std::vector<uint32_t>> rules_by_type_; // type id -> targets
    std::vector<uint32_t> any_type_rules_;             // targets matching every type
    std::vector<ast::ExprPtr> targets_;                // cloned conditions
    std::map<std::string, uint64_t> type_counts_;
    uint64_t triggers_ = 0;
    uint64_t evt_num_ = 0;
    std::shared_ptr<void> world_; // realistic mode: the process table (synthetic_events.cpp)

    SyntheticEvent next_random();
    SyntheticEvent next_realistic();
    friend struct RandomImpl;
    friend struct RealisticImpl;
};

} // namespace saker::synth
