// The evaluation context: the one layout shared by the runtime, the interpreter and the code
// the JIT generates.
//
// Contract:
// - `Value` is a plain 24-byte record (kind, length, integer, pointer). Absent is its own
//   kind: a comparison on an absent value is false and `exists` tests presence, as in Falco.
//   Strings and IP addresses point at memory the FieldSource keeps alive for the current event.
//   IP addresses are 16 bytes, IPv4 in IPv4-mapped form (::ffff:a.b.c.d).
// - `EvalContext` is what a compiled predicate receives. Generated code reads `evt_type`,
//   `generation`, `slots` and `consts` with direct loads at the offsets pinned below, and calls
//   `saker_fetch(ctx, slot)` (a C-ABI helper) the first time an event needs a slot's value.
//   A slot is valid for the current event iff `slot.generation == ctx.generation`, so a value
//   extracted once is never extracted again for the next rule, and starting a new event costs
//   one increment.
// - Hot fields (`SAKER_HOT_FIELDS`: the argument-less fields the upstream rules read on most
//   events) skip the slots: generated code loads them straight from `ctx.hot`, an array of
//   `Value` indexed by `HotField`, at offset `HotField * 24`. The engine fills `ctx.hot` once per
//   event from `FieldSource::hot_values(wanted)`, where `wanted` has bit `h` set for every hot
//   field the event type's rules may read; a source that does not publish them returns nullptr
//   and the engine extracts the wanted ones itself.
// - A field's value is a List only for list fields (FieldInfo::is_list), the ancestor fields
//   without an index (`proc.aname`, `proc.apid`, `proc.aexe`, `proc.aexepath`,
//   `proc.acmdline`) and the either-end socket fields `fd.ip`, `fd.net`, `fd.port`
//   (`yields_list`); generated code only checks for lists where one can occur.
// - `FieldSource` is how values enter: the runtime implements it over its thread/fd/container
//   state; tests and benchmarks implement it over generated events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace saker {

enum class ValueKind : uint8_t { Absent = 0, Int = 1, Str = 2, Ip = 3, List = 4 };

struct Value {
    ValueKind kind = ValueKind::Absent;
    uint8_t flags = 0; // reserved
    uint16_t pad = 0;
    uint32_t len = 0;          // Str: bytes; Ip: 16; List: items
    int64_t i = 0;             // Int (booleans are 0/1; unsigned fields are stored as their bits)
    const void* ptr = nullptr; // Str: bytes; Ip: 16 bytes; List: const Value[len]

    bool present() const { return kind != ValueKind::Absent; }
    std::string_view str() const { return {static_cast<const char*>(ptr), len}; }
    static Value of_int(int64_t v) { return {ValueKind::Int, 0, 0, 0, v, nullptr}; }
    static Value of_str(std::string_view s) {
        return {ValueKind::Str, 0, 0, static_cast<uint32_t>(s.size()), 0, s.data()};
    }
    static Value of_ip(const uint8_t* addr16) { return {ValueKind::Ip, 0, 0, 16, 0, addr16}; }
    static Value of_list(const Value* items, uint32_t n) {
        return {ValueKind::List, 0, 0, n, 0, items};
    }
};
static_assert(sizeof(Value) == 24);
static_assert(offsetof(Value, kind) == 0 && offsetof(Value, len) == 4);
static_assert(offsetof(Value, i) == 8 && offsetof(Value, ptr) == 16);

struct Slot {
    uint64_t generation = 0;
    Value value;
};
static_assert(sizeof(Slot) == 32 && offsetof(Slot, value) == 8);

// What one field reference asks for: the registry id and its argument, if any.
struct FieldRequest {
    uint16_t field = 0; // FieldInfo::id
    bool has_arg = false;
    int64_t index = -1;   // numeric argument (`proc.aname[2]`), or -1
    std::string_view key; // the argument as written (`HOME`, `flags`, `2`)
};

// The hot fields, in `HotField` order. Each must be cheap for every source to answer (a load or
// a view into state the event already has: no lookup, no copy), and take no argument.
#define SAKER_HOT_FIELDS(X)                                                                        \
    X(EvtIsOpenRead, "evt.is_open_read")                                                           \
    X(EvtIsOpenWrite, "evt.is_open_write")                                                         \
    X(EvtRawres, "evt.rawres")                                                                     \
    X(EvtNum, "evt.num")                                                                           \
    X(FdNum, "fd.num")                                                                             \
    X(FdTypechar, "fd.typechar")                                                                   \
    X(FdName, "fd.name")                                                                           \
    X(FdNameraw, "fd.nameraw")                                                                     \
    X(FdDirectory, "fd.directory")                                                                 \
    X(FdFilename, "fd.filename")                                                                   \
    X(ProcName, "proc.name")                                                                       \
    X(ProcExe, "proc.exe")                                                                         \
    X(ProcCwd, "proc.cwd")                                                                         \
    X(ProcIsExeFromMemfd, "proc.is_exe_from_memfd")                                                \
    X(ContainerId, "container.id")                                                                 \
    X(UserUid, "user.uid")

enum class HotField : uint8_t {
#define SAKER_HOT_ENUM(id, name) id,
    SAKER_HOT_FIELDS(SAKER_HOT_ENUM)
#undef SAKER_HOT_ENUM
        Count
};
constexpr size_t kHotFieldCount = static_cast<size_t>(HotField::Count);
static_assert(kHotFieldCount < 64, "hot fields are selected by a 64-bit mask");
constexpr uint64_t kAllHotFields = (uint64_t{1} << kHotFieldCount) - 1;

inline constexpr std::string_view kHotFieldNames[kHotFieldCount] = {
#define SAKER_HOT_NAME(id, name) name,
    SAKER_HOT_FIELDS(SAKER_HOT_NAME)
#undef SAKER_HOT_NAME
};

// Whether a field may yield a List (see the contract above); `is_list` is FieldInfo::is_list().
inline bool yields_list(std::string_view field, bool is_list, bool has_arg) {
    if (is_list) return true;
    if (has_arg) return false;
    return field == "proc.aname" || field == "proc.apid" || field == "proc.aexe" ||
           field == "proc.aexepath" || field == "proc.acmdline" || field == "fd.ip" ||
           field == "fd.net" || field == "fd.port";
}

class FieldSource {
  public:
    virtual ~FieldSource() = default;
    // Fills `out` with the field's value for the current event, or leaves it Absent.
    virtual void extract(const FieldRequest& request, Value& out) = 0;
    // The current event's hot values, indexed by HotField: every entry whose bit is set in
    // `wanted` holds exactly what extract() answers for that field (no argument), valid as long
    // as extracted values are. Others may hold anything. nullptr: the source does not publish
    // them (the engine then extracts the wanted ones).
    virtual const Value* hot_values(uint64_t wanted) {
        (void)wanted;
        return nullptr;
    }
};

class SlotTable; // codegen: what each slot holds (a field, or a transformer of other slots)

struct EvalContext {
    uint32_t evt_type = 0; // dense index into known_event_types()
    uint32_t pad = 0;
    uint64_t generation = 1;             // bumped once per event
    Slot* slots = nullptr;               // one per distinct operand of the loaded rules
    const void* const* consts = nullptr; // constant objects (sets, tries, matchers) by index
    FieldSource* source = nullptr;
    const SlotTable* table = nullptr;
    void* scratch = nullptr;    // per-context storage for transformer results
    const Value* hot = nullptr; // the event's hot values, indexed by HotField

    void next_event(uint32_t type) {
        evt_type = type;
        ++generation;
    }
};
static_assert(offsetof(EvalContext, evt_type) == 0);
static_assert(offsetof(EvalContext, generation) == 8);
static_assert(offsetof(EvalContext, slots) == 16);
static_assert(offsetof(EvalContext, consts) == 24);
static_assert(offsetof(EvalContext, hot) == 56);

} // namespace saker
