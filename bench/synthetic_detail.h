// Internals the three parts of the synthetic event generator share (synthetic_event.cpp,
// random_events.cpp, realistic_events.cpp): field ids by name, the ancestor fields, IP literals
// and the random draws. Not for other users: synthetic_events.h is the interface.
#pragma once

#include "bench/synthetic_events.h"
#include "frontend/fields.h"

#include <array>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace saker::synth::detail {

inline const FieldInfo& info_of(std::string_view name) {
    const FieldInfo* f = FieldRegistry::instance().find(name);
    if (!f) throw std::invalid_argument("synthetic events: unknown field " + std::string(name));
    return *f;
}

inline uint16_t id_of(std::string_view name) {
    return info_of(name).id;
}

struct AncestorIds {
    uint16_t evt_type;
    uint16_t chain[5]; // proc.aname, proc.apid, proc.aexepath, proc.aexe, proc.acmdline
    uint16_t self[5];  // proc.name, proc.pid, proc.exepath, proc.exe, proc.cmdline
};

inline const AncestorIds& anc_ids() {
    static const AncestorIds ids = {
        id_of("evt.type"),
        {id_of("proc.aname"), id_of("proc.apid"), id_of("proc.aexepath"), id_of("proc.aexe"),
         id_of("proc.acmdline")},
        {id_of("proc.name"), id_of("proc.pid"), id_of("proc.exepath"), id_of("proc.exe"),
         id_of("proc.cmdline")},
    };
    return ids;
}

// The field that `[0]` of an ancestor field designates, or -1 when `f` is no ancestor field.
inline int ancestor_self(uint16_t f) {
    const AncestorIds& a = anc_ids();
    for (int i = 0; i < 5; ++i)
        if (a.chain[i] == f) return a.self[i];
    return -1;
}

inline std::string ip_text(const uint8_t* ip) {
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    char buf[64];
    if (std::memcmp(ip, mapped, 12) == 0) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
        return buf;
    }
    std::string out;
    for (int i = 0; i < 16; i += 2) {
        std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", ip[i] << 8 | ip[i + 1]);
        out += buf;
    }
    return out;
}

using Ip16 = std::array<uint8_t, 16>;

inline Ip16 v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d};
}
inline Ip16 v4u(uint32_t x) {
    return v4(x >> 24, x >> 16 & 0xff, x >> 8 & 0xff, x & 0xff);
}

inline Ip16 v6(std::initializer_list<uint16_t> groups) { // fully written out, 8 groups
    Ip16 ip{};
    int i = 0;
    for (uint16_t g : groups) {
        ip[i++] = static_cast<uint8_t>(g >> 8);
        ip[i++] = static_cast<uint8_t>(g & 0xff);
    }
    return ip;
}

// A uniform double in [0, 1) from one draw. Not std::uniform_real_distribution: libstdc++'s
// generate_canonical takes a long-double log on every call, which was 38% of the differential
// test's time (perf); this is the same 53 bits of the same draw.
inline double unit(std::mt19937_64& g) {
    return static_cast<double>(g() >> 11) * 0x1.0p-53;
}

struct Rng {
    std::mt19937_64& g;
    uint64_t u() { return g(); }
    size_t below(size_t n) { return n ? static_cast<size_t>(g() % n) : 0; }
    bool chance(double p) { return unit(g) < p; }
    template <class T> const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
    template <class T, size_t N> const T& pick(const T (&v)[N]) { return v[below(N)]; }
};

} // namespace saker::synth::detail
