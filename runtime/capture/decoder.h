// Decoder: raw ring-buffer bytes -> a typed, bounds-checked Event view.
//
// Contract:
// - decode() never trusts the bytes: every length, count and type is checked
//   against the record size and the wire format in bpf/events.h. A record that
//   fails any check is rejected with a DecodeError and `out` is unusable.
// - A decoded Event is a VIEW: its params point into the raw buffer, which must
//   outlive it (the ring-buffer consumer hands it out only inside the callback).
// - Param accessors return std::nullopt for an absent param or a type mismatch;
//   they never read past the param's own bytes.
#pragma once

#include "bpf/events.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace saker::capture {

enum class EventType : uint16_t {
#define SAKER_X_ENUM(e, name, params) e = SAKER_EVT_##e,
    SAKER_EVENT_TYPES(SAKER_X_ENUM)
#undef SAKER_X_ENUM
};

// The position of param `name` in the layout of `type` (bpf/events.h), found while compiling
// (an unknown name does not compile): ev.u64(param_index(EventType::OPEN, "flags")) costs an
// array access where ev.u64("flags") compares names on every event.
consteval size_t param_index(EventType type, std::string_view name) {
    constexpr std::string_view kLayouts[] = {
#define SAKER_X_PARAMS(e, name, params) params,
        SAKER_EVENT_TYPES(SAKER_X_PARAMS)
#undef SAKER_X_PARAMS
    };
    std::string_view rest = kLayouts[static_cast<size_t>(type)];
    for (size_t i = 0; !rest.empty(); i++) {
        size_t comma = rest.find(',');
        if (rest.substr(0, comma) == name) return i;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    throw "param_index: no such param in this event type's layout";
}

// "open" for EventType::OPEN; "unknown" outside the table.
std::string_view event_type_name(uint16_t type);
// The layout's param names in wire order ({} outside the table).
const std::vector<std::string_view>& event_param_names(uint16_t type);

struct Param {
    uint8_t type = SAKER_PT_NONE;
    uint8_t flags = 0;
    std::span<const uint8_t> data;

    bool present() const { return type != SAKER_PT_NONE; }
    bool truncated() const { return flags & SAKER_PF_TRUNCATED; }
    bool faulted() const { return flags & SAKER_PF_FAULT; }
    std::optional<uint64_t> u64() const;
    std::optional<int64_t> s64() const;
    std::optional<std::string_view> str() const;
    // STRLIST: the NUL-separated strings (a cut last one included).
    std::optional<std::vector<std::string_view>> strlist() const;
    std::optional<saker_sockaddr> sockaddr() const;
    std::optional<saker_tuple> tuple() const;
    // BYTES: the raw bytes (an I/O buffer's first bytes).
    std::optional<std::span<const uint8_t>> bytes() const;
};

struct Event {
    saker_event_hdr hdr{};
    uint16_t nparams = 0;
    std::span<const uint8_t> raw; // the whole record, to copy it out of a callback
    std::array<Param, SAKER_MAX_PARAMS> params{};

    EventType type() const { return static_cast<EventType>(hdr.type); }
    // nullptr when the record carries fewer params than i+1.
    const Param* param(size_t i) const { return i < nparams ? &params[i] : nullptr; }
    std::optional<uint64_t> u64(size_t i) const;
    std::optional<int64_t> s64(size_t i) const;
    std::optional<std::string_view> str(size_t i) const;
    // By layout name (bpf/events.h X-macro), e.g. ev.param("path"): a name compare per param,
    // for code off the per-event path; the hot path uses param_index().
    const Param* param(std::string_view name) const;
    std::optional<uint64_t> u64(std::string_view name) const;
    std::optional<int64_t> s64(std::string_view name) const;
    std::optional<std::string_view> str(std::string_view name) const;
};

enum class DecodeError {
    none,
    short_header,    // fewer bytes than the fixed header
    length_mismatch, // hdr.len disagrees with the record size, or exceeds the limit
    bad_event_type,
    bad_syscall_nr,
    too_many_params, // more than the layout (or SAKER_MAX_PARAMS) allows
    param_overrun,   // a param header or its data crosses the record end
    bad_param,       // unknown param type/flags, or a size its type forbids
    trailing_bytes,  // bytes left after the last param
};

std::string_view decode_error_name(DecodeError e);

DecodeError decode(std::span<const uint8_t> raw, Event& out);

// "127.0.0.1:80", "[::1]:80", "/run/x.sock"; "" for an empty address.
std::string format_sockaddr(const saker_sockaddr& sa);

} // namespace saker::capture
