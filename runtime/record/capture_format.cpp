#include "runtime/record/capture_format.h"

#include "bpf/events.h"

#include <string>

namespace saker::record {

// A field added to these structs must be added to its codec below (and the version bumped).
// The sizes are libstdc++ x86_64's, the only target saker builds for.
static_assert(sizeof(state::Process) == 600, "state::Process changed: update encode_process");
static_assert(sizeof(state::FdInfo) == 152, "state::FdInfo changed: update encode_fd");
static_assert(sizeof(containers::ContainerMetadata) == 632,
              "ContainerMetadata changed: update encode_container");

std::string_view record_type_name(uint32_t type) {
    switch (static_cast<RecordType>(type)) {
    case RecordType::Header:
        return "HEADER";
    case RecordType::Process:
        return "PROCESS";
    case RecordType::Container:
        return "CONTAINER";
    case RecordType::Event:
        return "EVENT";
    case RecordType::End:
        return "END";
    }
    return "unknown";
}

uint64_t wire_identity() {
    // Everything a decoder relies on: each layout's name and params in order, the limits and
    // the struct sizes. FNV-1a, 64 bits.
    std::string text;
#define SAKER_X_IDENT(e, name, params) text += std::string(name) + ":" + params + ";";
    SAKER_EVENT_TYPES(SAKER_X_IDENT)
#undef SAKER_X_IDENT
    for (uint64_t v :
         {uint64_t{SAKER_MAX_PARAMS}, uint64_t{SAKER_MAX_STR}, uint64_t{SAKER_MAX_ARGV},
          uint64_t{SAKER_MAX_ARGS}, uint64_t{SAKER_MAX_RECORD}, uint64_t{SAKER_PT_MAX},
          uint64_t{SAKER_SYSCALL_TABLE_SIZE}, uint64_t{sizeof(saker_event_hdr)},
          uint64_t{sizeof(saker_param_hdr)}, uint64_t{sizeof(saker_sockaddr)},
          uint64_t{sizeof(saker_tuple)}})
        text += std::to_string(v) + ",";
    uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

// ---- Encoder / Decoder -----------------------------------------------------------------------

void Encoder::str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

void Encoder::strs(const std::vector<std::string>& v) {
    u32(static_cast<uint32_t>(v.size()));
    for (const auto& s : v)
        str(s);
}

void Encoder::opt_u64(const std::optional<uint64_t>& v) {
    u8(v.has_value());
    if (v) u64(*v);
}

bool Decoder::take(size_t n, const char* what, const uint8_t*& p) {
    if (!error_.empty()) return false;
    if (in_.size() - at_ < n) {
        error_ = "payload byte " + std::to_string(at_) + ": " + what + " needs " +
                 std::to_string(n) + " bytes, " + std::to_string(in_.size() - at_) + " left";
        return false;
    }
    p = in_.data() + at_;
    at_ += n;
    return true;
}

bool Decoder::check(bool ok, const char* what) {
    if (!error_.empty()) return false;
    if (!ok) error_ = "payload byte " + std::to_string(at_) + ": " + what;
    return ok;
}

namespace {
uint64_t load_le(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i)
        v |= uint64_t{p[i]} << (8 * i);
    return v;
}
} // namespace

template <typename T> bool Decoder::number(T& v) {
    const uint8_t* p;
    if (!take(sizeof(T), "a number", p)) return false;
    v = static_cast<T>(load_le(p, sizeof(T)));
    return true;
}
bool Decoder::u8(uint8_t& v) {
    return number(v);
}
bool Decoder::u16(uint16_t& v) {
    return number(v);
}
bool Decoder::u32(uint32_t& v) {
    return number(v);
}
bool Decoder::u64(uint64_t& v) {
    return number(v);
}
bool Decoder::boolean(bool& v) {
    uint8_t b = 0;
    if (!u8(b) || !check(b <= 1, "a flag is neither 0 nor 1")) return false;
    v = b;
    return true;
}
bool Decoder::str(std::string& s) {
    uint32_t n = 0;
    const uint8_t* p;
    if (!u32(n) || !check(n <= kMaxStringBytes, "a string is longer than the limit") ||
        !take(n, "a string", p))
        return false;
    s.assign(reinterpret_cast<const char*>(p), n);
    return true;
}
bool Decoder::strs(std::vector<std::string>& v) {
    uint32_t n = 0;
    // Each string costs at least its 4-byte length: a count beyond that is a lie.
    if (!u32(n) || !check(n <= (in_.size() - at_) / 4, "a list count exceeds the payload"))
        return false;
    v.resize(n);
    for (auto& s : v)
        if (!str(s)) return false;
    return true;
}
bool Decoder::opt_u32(std::optional<uint32_t>& v) {
    bool present = false;
    uint32_t x = 0;
    if (!boolean(present) || (present && !u32(x))) return false;
    v = present ? std::optional<uint32_t>(x) : std::nullopt;
    return true;
}
bool Decoder::opt_u64(std::optional<uint64_t>& v) {
    bool present = false;
    uint64_t x = 0;
    if (!boolean(present) || (present && !u64(x))) return false;
    v = present ? std::optional<uint64_t>(x) : std::nullopt;
    return true;
}

// ---- HEADER / END ----------------------------------------------------------------------------

void encode_header(Encoder& e, const CaptureHeader& h) {
    e.u64(h.wire_identity);
    e.u64(h.boot_to_epoch_ns);
    e.u64(h.start_epoch_ns);
    e.str(h.saker_version);
    e.str(h.hostname);
}

bool decode_header(Decoder& d, CaptureHeader& h) {
    return d.u64(h.wire_identity) && d.u64(h.boot_to_epoch_ns) && d.u64(h.start_epoch_ns) &&
           d.str(h.saker_version) && d.str(h.hostname);
}

void encode_counts(Encoder& e, const CaptureCounts& c) {
    e.u64(c.events);
    e.u64(c.processes);
    e.u64(c.containers);
}

bool decode_counts(Decoder& d, CaptureCounts& c) {
    return d.u64(c.events) && d.u64(c.processes) && d.u64(c.containers);
}

// ---- PROCESS ---------------------------------------------------------------------------------

namespace {

template <typename T> bool enum_u8(Decoder& d, T& out, T last, const char* what) {
    uint8_t v = 0;
    if (!d.u8(v) || !d.check(v <= static_cast<uint8_t>(last), what)) return false;
    out = static_cast<T>(v);
    return true;
}

void encode_end(Encoder& e, const state::SockEnd& s) {
    e.bytes(s.ip);
    e.u16(s.port);
}

bool decode_end(Decoder& d, state::SockEnd& s) {
    for (auto& b : s.ip)
        if (!d.u8(b)) return false;
    return d.u16(s.port);
}

void encode_fd(Encoder& e, int32_t n, const state::FdInfo& f) {
    e.u32(static_cast<uint32_t>(n));
    e.u8(static_cast<uint8_t>(f.type));
    e.str(f.name);
    e.str(f.nameraw);
    e.opt_u32(f.open_flags);
    e.u8(f.cloexec);
    e.u64(f.dev);
    e.u64(f.ino);
    e.u16(f.family);
    e.u8(static_cast<uint8_t>(f.l4proto));
    e.u8(f.has_tuple);
    encode_end(e, f.local);
    encode_end(e, f.remote);
    e.u8(f.is_server.has_value() ? 1 + *f.is_server : 0);
    e.u8(f.connected);
    e.u8(f.name_changed);
}

bool decode_fd(Decoder& d, int32_t& n, state::FdInfo& f) {
    uint32_t raw_n = 0;
    uint8_t server = 0;
    if (!d.u32(raw_n) || !enum_u8(d, f.type, state::FdType::IoUring, "unknown fd type") ||
        !d.str(f.name) || !d.str(f.nameraw) || !d.opt_u32(f.open_flags) || !d.boolean(f.cloexec) ||
        !d.u64(f.dev) || !d.u64(f.ino) || !d.u16(f.family) ||
        !enum_u8(d, f.l4proto, state::L4Proto::Raw, "unknown l4 protocol") ||
        !d.boolean(f.has_tuple) || !decode_end(d, f.local) || !decode_end(d, f.remote) ||
        !d.u8(server) || !d.check(server <= 2, "bad is_server value") || !d.boolean(f.connected) ||
        !d.boolean(f.name_changed))
        return false;
    n = static_cast<int32_t>(raw_n);
    if (!d.check(n >= 0, "negative fd number")) return false;
    f.is_server = server ? std::optional<bool>(server == 2) : std::nullopt;
    return true;
}

} // namespace

void encode_process(Encoder& e, const state::Process& p) {
    e.u32(p.pid);
    e.u32(p.ppid);
    e.u32(p.tid);
    e.opt_u32(p.vpid);
    e.opt_u32(p.vtid);
    e.u64(p.start_ns);
    e.u8(p.image_known);
    e.str(p.comm);
    e.str(p.exe);
    e.str(p.exepath);
    e.str(p.cwd);
    e.strs(p.args);
    e.u8(p.env.has_value());
    if (p.env) e.strs(*p.env);
    for (const auto* id : {&p.tty, &p.sid, &p.pgid, &p.loginuid, &p.uid, &p.gid, &p.euid, &p.egid})
        e.opt_u32(*id);
    e.opt_u64(p.cap_effective);
    e.opt_u64(p.cap_permitted);
    e.opt_u64(p.cap_inheritable);
    e.u8(p.ids_stale);
    e.u64(p.exe_ino);
    e.u64(p.exe_dev);
    e.opt_u32(p.exe_flags);
    e.opt_u32(p.vpgid);
    e.u64(p.exe_ctime_ns);
    e.u64(p.exe_mtime_ns);
    e.u32(static_cast<uint32_t>(p.thread_vtids.size()));
    for (const auto& [tid, vtid] : p.thread_vtids)
        e.u32(tid), e.u32(vtid);
    e.u8(p.container.has_value());
    if (p.container) {
        e.str(p.container->id);
        e.str(p.container->short_id);
        e.u8(static_cast<uint8_t>(p.container->type));
    }
    e.u32(static_cast<uint32_t>(p.fds.size()));
    for (const auto& [n, f] : p.fds)
        encode_fd(e, n, f);
}

std::unique_ptr<state::Process> decode_process(Decoder& d) {
    auto p = std::make_unique<state::Process>();
    bool has_env = false, has_container = false;
    if (!d.u32(p->pid) || !d.check(p->pid != 0, "process with pid 0") || !d.u32(p->ppid) ||
        !d.u32(p->tid) || !d.opt_u32(p->vpid) || !d.opt_u32(p->vtid) || !d.u64(p->start_ns) ||
        !d.boolean(p->image_known) || !d.str(p->comm) || !d.str(p->exe) || !d.str(p->exepath) ||
        !d.str(p->cwd) || !d.strs(p->args) || !d.boolean(has_env))
        return nullptr;
    if (has_env && !d.strs(p->env.emplace())) return nullptr;
    for (auto* id :
         {&p->tty, &p->sid, &p->pgid, &p->loginuid, &p->uid, &p->gid, &p->euid, &p->egid})
        if (!d.opt_u32(*id)) return nullptr;
    if (!d.opt_u64(p->cap_effective) || !d.opt_u64(p->cap_permitted) ||
        !d.opt_u64(p->cap_inheritable) || !d.boolean(p->ids_stale) || !d.u64(p->exe_ino) ||
        !d.u64(p->exe_dev) || !d.opt_u32(p->exe_flags) || !d.opt_u32(p->vpgid) ||
        !d.u64(p->exe_ctime_ns) || !d.u64(p->exe_mtime_ns))
        return nullptr;
    uint32_t nthreads = 0;
    if (!d.u32(nthreads) || !d.check(nthreads <= 1u << 20, "thread count beyond the limit"))
        return nullptr;
    for (uint32_t i = 0; i < nthreads; ++i) {
        uint32_t tid = 0, vtid = 0;
        if (!d.u32(tid) || !d.u32(vtid)) return nullptr;
        p->thread_vtids[tid] = vtid;
    }
    if (!d.boolean(has_container)) return nullptr;
    if (has_container) {
        auto& c = p->container.emplace();
        if (!d.str(c.id) || !d.str(c.short_id) ||
            !enum_u8(d, c.type, state::ContainerType::Unknown, "unknown container type"))
            return nullptr;
    }
    uint32_t nfds = 0;
    // An fd record is at least 60 bytes: a larger count than the payload holds is a lie.
    if (!d.u32(nfds) || !d.check(nfds <= 1u << 20, "fd count beyond the limit")) return nullptr;
    for (uint32_t i = 0; i < nfds; ++i) {
        int32_t n = 0;
        state::FdInfo f;
        if (!decode_fd(d, n, f)) return nullptr;
        if (!d.check(p->fds.emplace(n, std::move(f)).second, "fd listed twice")) return nullptr;
    }
    return p;
}

// ---- CONTAINER -------------------------------------------------------------------------------

namespace {

void encode_map(Encoder& e, const std::map<std::string, std::string>& m) {
    e.u32(static_cast<uint32_t>(m.size()));
    for (const auto& [k, v] : m) {
        e.str(k);
        e.str(v);
    }
}

bool decode_map(Decoder& d, std::map<std::string, std::string>& m) {
    uint32_t n = 0;
    if (!d.u32(n) || !d.check(n <= 1u << 20, "label count beyond the limit")) return false;
    for (uint32_t i = 0; i < n; ++i) {
        std::string k, v;
        if (!d.str(k) || !d.str(v)) return false;
        m[std::move(k)] = std::move(v);
    }
    return true;
}

} // namespace

void encode_container(Encoder& e, std::string_view id, const containers::ContainerMetadata* m) {
    e.str(id);
    e.u8(m != nullptr);
    if (!m) return;
    for (const auto* s : {&m->id, &m->ns, &m->name, &m->image, &m->image_repository, &m->image_tag,
                          &m->image_digest})
        e.str(*s);
    e.u8(m->privileged.has_value() ? 1 + *m->privileged : 0);
    encode_map(e, m->labels);
    for (const auto* s : {&m->k8s_pod_name, &m->k8s_ns_name, &m->k8s_pod_uid,
                          &m->k8s_container_name, &m->k8s_sandbox_id})
        e.str(*s);
    e.u8(m->k8s_pod_labels.has_value());
    if (m->k8s_pod_labels) encode_map(e, *m->k8s_pod_labels);
    for (const auto* s : {&m->runtime, &m->image_id, &m->ip})
        e.str(*s);
    e.u64(m->start_ns);
    for (const auto* b : {&m->host_pid, &m->host_network, &m->host_ipc})
        e.u8(b->has_value() ? 1 + **b : 0);
    e.u32(static_cast<uint32_t>(m->mounts.size()));
    for (const auto& mt : m->mounts) {
        for (const auto* s : {&mt.source, &mt.dest, &mt.mode, &mt.propagation})
            e.str(*s);
        e.u8(mt.rdwr);
    }
}

bool decode_container(Decoder& d, std::string& id,
                      std::optional<containers::ContainerMetadata>& meta) {
    bool present = false;
    meta.reset();
    if (!d.str(id) || !d.boolean(present)) return false;
    if (!present) return true;
    auto& m = meta.emplace();
    for (auto* s :
         {&m.id, &m.ns, &m.name, &m.image, &m.image_repository, &m.image_tag, &m.image_digest})
        if (!d.str(*s)) return false;
    uint8_t privileged = 0;
    bool has_pod_labels = false;
    if (!d.u8(privileged) || !d.check(privileged <= 2, "bad privileged value") ||
        !decode_map(d, m.labels))
        return false;
    m.privileged = privileged ? std::optional<bool>(privileged == 2) : std::nullopt;
    for (auto* s : {&m.k8s_pod_name, &m.k8s_ns_name, &m.k8s_pod_uid, &m.k8s_container_name,
                    &m.k8s_sandbox_id})
        if (!d.str(*s)) return false;
    if (!d.boolean(has_pod_labels)) return false;
    if (has_pod_labels && !decode_map(d, m.k8s_pod_labels.emplace())) return false;
    for (auto* s : {&m.runtime, &m.image_id, &m.ip})
        if (!d.str(*s)) return false;
    if (!d.u64(m.start_ns)) return false;
    for (auto* b : {&m.host_pid, &m.host_network, &m.host_ipc}) {
        uint8_t v = 0;
        if (!d.u8(v) || !d.check(v <= 2, "bad host namespace value")) return false;
        *b = v ? std::optional<bool>(v == 2) : std::nullopt;
    }
    uint32_t n = 0;
    if (!d.u32(n) || !d.check(n <= 1u << 16, "mount count beyond the limit")) return false;
    for (uint32_t i = 0; i < n; ++i) {
        auto& mt = m.mounts.emplace_back();
        bool rdwr = false;
        for (auto* s : {&mt.source, &mt.dest, &mt.mode, &mt.propagation})
            if (!d.str(*s)) return false;
        if (!d.boolean(rdwr)) return false;
        mt.rdwr = rdwr;
    }
    return true;
}

} // namespace saker::record
