// The field registry: every field a condition or an output may name.
//
// Contract: a process-wide, immutable table built at compile time. Every field is either
// supported (the runtime has an extractor with Falco's meaning) or marked unsupported: then the
// checker rejects any rule naming it ("field 'X' is not supported"), so no rule loads that
// silently cannot fire. `find()` resolves a field
// name exactly as written before any argument: `proc.aname` for `proc.aname[2]`, `evt.arg` for
// `evt.arg.flags` and `evt.arg[1]`, `proc.env` for `proc.env[HOME]`. The frontend uses the type
// and argument kind to check conditions; codegen and the runtime use the same entries (by index,
// `FieldInfo::id`) to lay out and extract values. Adding a field is adding one table row.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace saker {

enum class FieldType : uint8_t {
    String, // text (Falco CHARBUF / FSPATH)
    Bytes,  // raw byte buffer (Falco BYTEBUF)
    Bool,   // true / false
    Int8,
    Int16,
    Int32,
    Int64,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    IpAddr,  // IPv4 or IPv6 address
    IpNet,   // the network an address belongs to; compared against a CIDR
    Port,    // 16-bit port number
    RelTime, // duration in nanoseconds
    AbsTime, // nanoseconds since the epoch
};

// How a field takes an argument.
enum class FieldArg : uint8_t {
    None,          // no argument allowed
    Index,         // required numeric index: `fd.types[0]`
    OptionalIndex, // `proc.aname` (any ancestor) or `proc.aname[2]`
    Key,           // required name: `proc.env[HOME]`, `evt.arg.flags` / `evt.arg[flags]`
    OptionalKey,   // may be given or not: `proc.env` or `proc.env[HOME]`
    IndexOrKey,    // `evt.arg[1]` or `evt.arg.flags`
};

enum FieldFlags : uint8_t {
    kFieldNone = 0,
    kFieldList = 1 << 0,      // yields a list of values (operators: in, intersects, exists)
    kFieldDottedArg = 1 << 1, // the argument may also be written after a dot: `evt.arg.flags`
    // The domain name of the address field this name extends (`fd.sip.name` of `fd.sip`):
    // `=`, `!=` and `in` against names test the address against the names' resolved addresses.
    kFieldAddressName = 1 << 2,
    kFieldUnsupported = 1 << 3, // Falco defines it, saker cannot extract it: a rule naming it is
                                // rejected at load (set from one list in fields.cpp)
    kFieldNoValue = 1 << 4,     // Falco defines it but never sets it (deprecated): supported, with
                                // no value, as in Falco; the checker warns (one list in fields.cpp)
};

struct FieldInfo {
    std::string_view name;
    FieldType type;
    FieldArg arg;
    uint8_t flags;
    std::string_view description;
    uint16_t id = 0; // index in the registry, filled in by the registry itself

    bool is_list() const { return flags & kFieldList; }
    // An extractor gives it Falco's meaning (tests/fields holds this equal to the runtime's
    // extractor table, field by field).
    bool supported() const { return !(flags & kFieldUnsupported); }
    bool takes_arg() const { return arg != FieldArg::None; }
    bool arg_required() const {
        return arg == FieldArg::Index || arg == FieldArg::Key || arg == FieldArg::IndexOrKey;
    }
};

class FieldRegistry {
  public:
    static const FieldRegistry& instance();

    // Exact lookup of a field name (without argument); nullptr when unknown.
    const FieldInfo* find(std::string_view name) const;
    // Splits `evt.arg.flags` into the longest registered field that accepts a dotted argument
    // and the rest; returns nullptr when no such field is a prefix.
    const FieldInfo* find_dotted(std::string_view name, std::string_view* arg) const;
    std::span<const FieldInfo> all() const { return fields_; }
    const FieldInfo& at(uint16_t id) const { return fields_[id]; }

  private:
    FieldRegistry();
    std::span<const FieldInfo> fields_;
};

std::string_view field_type_name(FieldType t);
bool field_type_is_integer(FieldType t);
bool field_type_is_signed(FieldType t);

// Event types (syscall and meta-event names) a condition's `evt.type` may name.
std::span<const std::string_view> known_event_types();
bool is_known_event_type(std::string_view name);

} // namespace saker
