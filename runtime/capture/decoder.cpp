#include "runtime/capture/decoder.h"

#include <arpa/inet.h>
#include <cstring>

namespace saker::capture {
namespace {

struct LayoutInfo {
    std::string_view name;
    std::vector<std::string_view> params;
};

std::vector<std::string_view> split_commas(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        size_t comma = s.find(',');
        out.push_back(s.substr(0, comma));
        s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
    }
    return out;
}

const std::vector<LayoutInfo>& layouts() {
    static const std::vector<LayoutInfo> table = [] {
        std::vector<LayoutInfo> t;
#define SAKER_X_LAYOUT(e, name, params) t.push_back({name, split_commas(params)});
        SAKER_EVENT_TYPES(SAKER_X_LAYOUT)
#undef SAKER_X_LAYOUT
        return t;
    }();
    return table;
}

// The fixed size a param type requires, or -1 for variable-size types.
int fixed_size(uint8_t type) {
    switch (type) {
    case SAKER_PT_NONE:
        return 0;
    case SAKER_PT_U64:
        return 8;
    case SAKER_PT_SOCKADDR:
        return sizeof(saker_sockaddr);
    case SAKER_PT_TUPLE:
        return sizeof(saker_tuple);
    default:
        return -1;
    }
}

bool param_ok(const saker_param_hdr& ph) {
    constexpr uint8_t known_flags = SAKER_PF_TRUNCATED | SAKER_PF_FAULT;
    if (ph.type >= SAKER_PT_MAX || (ph.flags & ~known_flags)) return false;
    int fixed = fixed_size(ph.type);
    if (fixed >= 0) return ph.len == fixed;
    return ph.len <= SAKER_MAX_STR;
}

DecodeError check_header(std::span<const uint8_t> raw, const saker_event_hdr& h) {
    if (h.len != raw.size() || h.len > SAKER_MAX_RECORD) return DecodeError::length_mismatch;
    if (h.type >= SAKER_EVT_MAX) return DecodeError::bad_event_type;
    if (h.syscall_nr >= SAKER_SYSCALL_TABLE_SIZE && h.syscall_nr != SAKER_NR_NONE)
        return DecodeError::bad_syscall_nr;
    if (h.nparams > SAKER_MAX_PARAMS || h.nparams > layouts()[h.type].params.size())
        return DecodeError::too_many_params;
    return DecodeError::none;
}

DecodeError decode_params(std::span<const uint8_t> raw, Event& out) {
    size_t off = sizeof(saker_event_hdr);
    for (uint16_t i = 0; i < out.hdr.nparams; i++) {
        saker_param_hdr ph;
        if (raw.size() - off < sizeof(ph)) return DecodeError::param_overrun;
        std::memcpy(&ph, raw.data() + off, sizeof(ph));
        off += sizeof(ph);
        if (raw.size() - off < ph.len) return DecodeError::param_overrun;
        if (!param_ok(ph)) return DecodeError::bad_param;
        out.params[i] = Param{ph.type, ph.flags, raw.subspan(off, ph.len)};
        off += ph.len;
    }
    return off == raw.size() ? DecodeError::none : DecodeError::trailing_bytes;
}

} // namespace

std::string_view event_type_name(uint16_t type) {
    return type < layouts().size() ? layouts()[type].name : "unknown";
}

const std::vector<std::string_view>& event_param_names(uint16_t type) {
    static const std::vector<std::string_view> none;
    return type < layouts().size() ? layouts()[type].params : none;
}

std::string_view decode_error_name(DecodeError e) {
    switch (e) {
    case DecodeError::none:
        return "none";
    case DecodeError::short_header:
        return "short_header";
    case DecodeError::length_mismatch:
        return "length_mismatch";
    case DecodeError::bad_event_type:
        return "bad_event_type";
    case DecodeError::bad_syscall_nr:
        return "bad_syscall_nr";
    case DecodeError::too_many_params:
        return "too_many_params";
    case DecodeError::param_overrun:
        return "param_overrun";
    case DecodeError::bad_param:
        return "bad_param";
    case DecodeError::trailing_bytes:
        return "trailing_bytes";
    }
    return "unknown";
}

DecodeError decode(std::span<const uint8_t> raw, Event& out) {
    out.nparams = 0;
    out.raw = {};
    if (raw.size() < sizeof(saker_event_hdr)) return DecodeError::short_header;
    std::memcpy(&out.hdr, raw.data(), sizeof(out.hdr)); // records need not be aligned
    if (DecodeError e = check_header(raw, out.hdr); e != DecodeError::none) return e;
    if (DecodeError e = decode_params(raw, out); e != DecodeError::none) return e;
    out.nparams = out.hdr.nparams;
    out.raw = raw;
    return DecodeError::none;
}

// ---- Param ------------------------------------------------------------------

std::optional<uint64_t> Param::u64() const {
    if (type != SAKER_PT_U64 || data.size() != 8) return std::nullopt;
    uint64_t v;
    std::memcpy(&v, data.data(), 8);
    return v;
}

std::optional<int64_t> Param::s64() const {
    auto v = u64();
    return v ? std::optional<int64_t>(static_cast<int64_t>(*v)) : std::nullopt;
}

std::optional<std::string_view> Param::str() const {
    if (type != SAKER_PT_STR) return std::nullopt;
    return std::string_view(reinterpret_cast<const char*>(data.data()), data.size());
}

std::optional<std::vector<std::string_view>> Param::strlist() const {
    if (type != SAKER_PT_STRLIST) return std::nullopt;
    std::vector<std::string_view> out;
    std::string_view all(reinterpret_cast<const char*>(data.data()), data.size());
    while (!all.empty()) {
        size_t nul = all.find('\0');
        out.push_back(all.substr(0, nul));
        all = nul == std::string_view::npos ? std::string_view{} : all.substr(nul + 1);
    }
    return out;
}

std::optional<saker_sockaddr> Param::sockaddr() const {
    if (type != SAKER_PT_SOCKADDR || data.size() != sizeof(saker_sockaddr)) return std::nullopt;
    saker_sockaddr sa;
    std::memcpy(&sa, data.data(), sizeof(sa));
    return sa;
}

std::optional<saker_tuple> Param::tuple() const {
    if (type != SAKER_PT_TUPLE || data.size() != sizeof(saker_tuple)) return std::nullopt;
    saker_tuple t;
    std::memcpy(&t, data.data(), sizeof(t));
    return t;
}

std::optional<std::span<const uint8_t>> Param::bytes() const {
    if (type != SAKER_PT_BYTES) return std::nullopt;
    return data;
}

// ---- Event --------------------------------------------------------------------

const Param* Event::param(std::string_view name) const {
    const auto& names = event_param_names(hdr.type);
    for (size_t i = 0; i < names.size(); i++)
        if (names[i] == name) return param(i);
    return nullptr;
}

std::optional<uint64_t> Event::u64(size_t i) const {
    const Param* p = param(i);
    return p ? p->u64() : std::nullopt;
}

std::optional<int64_t> Event::s64(size_t i) const {
    const Param* p = param(i);
    return p ? p->s64() : std::nullopt;
}

std::optional<std::string_view> Event::str(size_t i) const {
    const Param* p = param(i);
    return p ? p->str() : std::nullopt;
}

std::optional<uint64_t> Event::u64(std::string_view name) const {
    const Param* p = param(name);
    return p ? p->u64() : std::nullopt;
}

std::optional<int64_t> Event::s64(std::string_view name) const {
    const Param* p = param(name);
    return p ? p->s64() : std::nullopt;
}

std::optional<std::string_view> Event::str(std::string_view name) const {
    const Param* p = param(name);
    return p ? p->str() : std::nullopt;
}

std::string format_sockaddr(const saker_sockaddr& sa) {
    char ip[INET6_ADDRSTRLEN] = {};
    uint16_t port = ntohs(sa.port);
    switch (sa.family) {
    case SAKER_AF_INET:
        inet_ntop(AF_INET, sa.u.ip, ip, sizeof(ip));
        return std::string(ip) + ":" + std::to_string(port);
    case SAKER_AF_INET6:
        inet_ntop(AF_INET6, sa.u.ip, ip, sizeof(ip));
        return "[" + std::string(ip) + "]:" + std::to_string(port);
    case SAKER_AF_UNIX:
        // Abstract names start with NUL; show them as '@name' like ss(8).
        if (sa.u.path[0] == '\0' && sa.u.path[1] != '\0')
            return "@" +
                   std::string(sa.u.path + 1, strnlen(sa.u.path + 1, SAKER_UNIX_PATH_MAX - 1));
        return std::string(sa.u.path, strnlen(sa.u.path, SAKER_UNIX_PATH_MAX));
    default:
        return "";
    }
}

} // namespace saker::capture
