// The extractor table: one function per registry field, grouped by field class. Each answers
// from the event context (EventContext), the process table and the user/container sources, and
// leaves the value absent whenever the fact is unknown.
#include "runtime/fields/event_fields.h"

#include "bpf/events.h"
#include "bpf/syscalls_x86_64.h"
#include "frontend/fields.h"
#include "runtime/dns/resolver.h"
#include "runtime/fields/event_args.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fnmatch.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace saker::fields {

using state::FdInfo;
using state::FdType;
using state::Process;

// Parameter positions the per-event extractors read (an array access, not a name lookup).
constexpr size_t kOpenFlags = capture::param_index(capture::EventType::OPEN, "flags");
constexpr size_t kOpenMode = capture::param_index(capture::EventType::OPEN, "mode");
constexpr size_t kOldPath = capture::param_index(capture::EventType::PATH2, "oldpath");
constexpr size_t kNewPath = capture::param_index(capture::EventType::PATH2, "newpath");

struct EventFields::Impl {
    using Ex = EventFields::Extractor;
    struct Row {
        std::string_view name;
        Ex fn;
    };
    static const std::vector<Row>& rows();

    // ---- helpers -----------------------------------------------------------------------------
    static const capture::Event* ev(EventFields& f) { return f.ctx_ ? f.ctx_->event : nullptr; }
    static Process* proc(EventFields& f) { return f.ctx_ ? f.ctx_->process : nullptr; }
    static FdInfo* fd(EventFields& f) { return f.ctx_ ? f.ctx_->fd : nullptr; }
    static Value str(EventFields& f, std::string s) { return f.keep(std::move(s)); }
    static Value opt_str(EventFields& f, const std::string& s) {
        return s.empty() ? Value{} : f.keep(s);
    }
    // A string that a table entry or the event itself holds: handed out in place, without a
    // copy, since neither changes before the next event (process_table.h, state_updater.h).
    static Value view(std::string_view s) { return Value::of_str(s); }
    static Value opt_view(std::string_view s) { return s.empty() ? Value{} : view(s); }
    // A one-character string in static storage (no per-event copy).
    static Value char_view(char c) {
        static const auto chars = [] {
            std::array<char, 256> a{};
            for (std::size_t i = 0; i < a.size(); ++i)
                a[i] = static_cast<char>(i);
            return a;
        }();
        return Value::of_str({&chars[static_cast<uint8_t>(c)], 1});
    }
    template <typename T> static Value opt_int(const std::optional<T>& v) {
        return v ? Value::of_int(static_cast<int64_t>(*v)) : Value{};
    }

    // The process `n` generations up (0 = the process itself); nullptr past the known root.
    static Process* ancestor(EventFields& f, Process* p, int64_t n) {
        for (int64_t i = 0; p && i < n; ++i) {
            if (i > 256) return nullptr; // a ppid cycle from stale data: give up, not loop
            p = f.table_.parent(*p);
        }
        return p;
    }

    // proc.aX[N] (one ancestor) or proc.aX (every ancestor, as a list).
    template <typename Get>
    static void ancestors(EventFields& f, const FieldRequest& r, Value& out, Get get) {
        Process* p = proc(f);
        if (!p) return;
        if (r.has_arg) {
            if (r.index < 0) return;
            if (Process* a = ancestor(f, p, r.index)) out = get(f, *a);
            return;
        }
        std::vector<Value> items;
        for (Process* a = f.table_.parent(*p); a && items.size() < 256; a = f.table_.parent(*a)) {
            Value v = get(f, *a);
            if (v.present()) items.push_back(v);
        }
        out = f.keep_list(std::move(items));
    }

    static Value name_of(EventFields&, const Process& p) {
        return p.image_known ? opt_view(p.comm) : Value{};
    }
    static Value exe_of(EventFields&, const Process& p) {
        return p.image_known ? view(p.exe) : Value{};
    }
    static Value exepath_of(EventFields&, const Process& p) {
        return p.image_known ? opt_view(p.exepath) : Value{};
    }
    static Value pid_of(EventFields&, const Process& p) { return Value::of_int(p.pid); }
    static std::string join_args(const Process& p) {
        std::string s;
        for (const auto& a : p.args)
            s.append(s.empty() ? "" : " ").append(a);
        return s;
    }
    // Falco's proc.cmdline: the comm, then the arguments.
    static Value cmdline_of(EventFields& f, const Process& p) {
        if (!p.image_known) return {};
        std::string s = p.comm;
        if (!p.args.empty()) s += " " + join_args(p);
        return f.keep(std::move(s));
    }
    static uint64_t epoch_ns(EventFields& f, uint64_t boot_ns) {
        return boot_ns + f.boot_to_epoch_ns_;
    }
    static void refresh_ids(EventFields& f, Process& p) {
        if (p.ids_stale && !f.ctx_->exited) f.table_.refresh_ids(p);
    }
    // The process whose pid equals `leader` among `p` and its ancestors, or the eldest ancestor
    // that still shares the id (how Falco finds session and group leaders).
    template <typename Id> static Process* leader(EventFields& f, Process* p, Id id) {
        refresh_ids(f, *p);
        auto want = id(*p);
        if (!want) return nullptr;
        Process* best = p;
        for (Process* a = p; a; a = f.table_.parent(*a)) {
            if (a != p) refresh_ids(f, *a);
            if (id(*a) != want) break;
            best = a;
            if (a->pid == *want) break;
        }
        return best;
    }
    // The host's user files: under $HOST_ROOT when set (Falco's convention: in a pod "/" is
    // the agent's image and the host's / or /etc is mounted at e.g. /host), else "/".
    static std::string user_root(const Process& p) {
        static const std::string host = [] {
            const char* r = std::getenv("HOST_ROOT");
            return std::string(r && *r ? r : "/");
        }();
        if (!p.container || p.container->is_host()) return host;
        return "/proc/" + std::to_string(p.pid) + "/root";
    }
    static bool is_host(EventFields& f) {
        Process* p = proc(f);
        return p && p->container && p->container->is_host();
    }
    template <typename Pick>
    static Value user_text(EventFields& f, const Process& p, std::optional<uint32_t> id, Pick pick,
                           const char* for_root) {
        auto u =
            f.users_ && id && *id != UINT32_MAX ? f.users_->user(user_root(p), *id) : std::nullopt;
        if (u) return f.keep(pick(*u));
        if (for_root && id == 0u) return Value::of_str(for_root);
        return Value::of_str("<NA>");
    }
    static const containers::ContainerMetadata* meta(EventFields& f) {
        Process* p = proc(f);
        if (!p || !p->container || p->container->is_host() || !f.containers_) return nullptr;
        return f.containers_->lookup(p->container->id);
    }
    static bool is_ip(const FdInfo& d) {
        return (d.type == FdType::Ipv4 || d.type == FdType::Ipv6) && d.has_tuple;
    }
    static const state::SockEnd& server(const FdInfo& d) {
        return d.is_server.value_or(false) ? d.local : d.remote;
    }
    static const state::SockEnd& client(const FdInfo& d) {
        return d.is_server.value_or(false) ? d.remote : d.local;
    }
    template <typename Pick> static void ip_field(EventFields& f, Value& out, Pick pick) {
        FdInfo* d = fd(f);
        if (d && is_ip(*d)) out = f.keep_ip(pick(*d).ip);
    }
    // fd.*ip.name: a tracked name the address resolves to (runtime/dns), never a DNS query.
    template <typename Pick> static void ip_name_field(EventFields& f, Value& out, Pick pick) {
        FdInfo* d = fd(f);
        if (!d || !is_ip(*d)) return;
        if (std::string name = dns::resolver().name_of(pick(*d).ip.data()); !name.empty())
            out = f.keep(std::move(name));
    }
    template <typename Pick> static void port_field(EventFields& f, Value& out, Pick pick) {
        FdInfo* d = fd(f);
        if (d && is_ip(*d)) out = Value::of_int(pick(*d).port);
    }
    static std::string fd_display(EventFields& f, int64_t n);
    static ArgResolver resolver(EventFields& f);
    static std::string arg_path(EventFields& f, const ArgDesc& d, const std::string& raw);
    static std::optional<std::string> resolved_path(EventFields& f, std::string_view dirfd_param,
                                                    std::string_view path_param);
    static void evt_arg(EventFields& f, const FieldRequest& r, Value& out);
    static void evt_args(EventFields& f, const FieldRequest& r, Value& out);
    static void time_string(EventFields& f, Value& out, const char* fmt, bool ns, bool iso);
    static std::optional<struct stat> exe_stat(EventFields& f);
    static void fd_types(EventFields& f, const FieldRequest& r, Value& out);
    static void proc_env(EventFields& f, const FieldRequest& r, Value& out);
    static std::optional<std::pair<int64_t, int64_t>> exe_times(EventFields& f);
    static void thread_vtid(EventFields& f, Value& out);
    static void std_fd(EventFields& f, int32_t n, bool name, Value& out);
    static std::string labels_string(const std::map<std::string, std::string>& m);
    // /proc/<pid>/<name> of a live process (nothing for an exited one or an unreadable file).
    static std::optional<std::string> proc_file(EventFields& f, uint32_t pid,
                                                const std::string& name);
    // A "Key:  value" line of /proc/<pid>/status as a number (kB values stay in kB).
    static std::optional<int64_t> status_value(EventFields& f, std::string_view key);
    static std::optional<uint64_t> stat_field(EventFields& f, int index); // task stat, 1-based
    static void cgroups(EventFields& f, const FieldRequest& r, Value& out);
    static void aenv(EventFields& f, const FieldRequest& r, Value& out);
    static void aargs(EventFields& f, const FieldRequest& r, Value& out);
    static void category(EventFields& f, Value& out);
    static void error_count(EventFields& f, int group, Value& out);
    static void rawarg(EventFields& f, const FieldRequest& r, Value& out);
    static Value proto_of(EventFields& f, const state::SockEnd& end);
    static void mount_field(EventFields& f, const FieldRequest& r, Value& out, int part);
    static std::optional<uint64_t> container_start_ns(EventFields& f);
};

namespace {
using I = EventFields::Impl;
using R = FieldRequest;
using V = Value;
using F = EventFields;
} // namespace

// ---- evt.arg / evt.args ----------------------------------------------------------------------

std::string I::fd_display(F& f, int64_t n) {
    Process* p = proc(f);
    FdInfo* d = nullptr;
    if (f.ctx_->fd && f.ctx_->fd_num == n)
        d = f.ctx_->fd;
    else if (p && n >= 0)
        d = f.table_.fd(*p, static_cast<int32_t>(n));
    if (!d) return {};
    // IP sockets carry their transport too: <4t>, <6u> (libsinsp's render_fd).
    std::string type(1, state::fd_type_char(d->type));
    if (d->type == FdType::Ipv4 || d->type == FdType::Ipv6) {
        switch (d->l4proto) {
        case state::L4Proto::Tcp:
            type += 't';
            break;
        case state::L4Proto::Udp:
            type += 'u';
            break;
        case state::L4Proto::Icmp:
            type += 'i';
            break;
        case state::L4Proto::Raw:
            type += 'r';
            break;
        default:
            break;
        }
    }
    return "<" + type + ">" + d->name;
}

ArgResolver I::resolver(F& f) {
    ArgResolver res;
    res.fd = [&f](int64_t n) { return fd_display(f, n); };
    res.path = [&f](const ArgDesc& a, const std::string& raw) { return arg_path(f, a, raw); };
    // Names from the event's process's own root (its container's /etc/passwd), as Falco
    // resolves them with the thread's container id: setuid(65534) prints "nobody".
    res.user = [&f](uint32_t uid) -> std::optional<std::string> {
        Process* p = proc(f);
        auto u = f.users_ && p ? f.users_->user(user_root(*p), uid) : std::nullopt;
        return u ? std::optional<std::string>(u->name) : std::nullopt;
    };
    res.group = [&f](uint32_t gid) -> std::optional<std::string> {
        Process* p = proc(f);
        auto g = f.users_ && p ? f.users_->group(user_root(*p), gid) : std::nullopt;
        return g ? std::optional<std::string>(g->name) : std::nullopt;
    };
    res.comm = [&f](int64_t tid) -> std::string {
        Process* p = tid > 0 ? f.table_.find(static_cast<uint32_t>(tid)) : nullptr;
        return p && p->image_known ? p->comm : std::string();
    };
    return res;
}

std::optional<std::string> I::resolved_path(F& f, std::string_view dirfd_param,
                                            std::string_view path_param) {
    const capture::Event* e = ev(f);
    Process* p = proc(f);
    auto path = e ? e->str(path_param) : std::nullopt;
    if (!path || !p) return std::nullopt;
    if (path->starts_with('/')) return state::resolve_path("", *path);
    int64_t dirfd = e->s64(dirfd_param).value_or(-100);
    std::string base = p->cwd;
    if (dirfd != -100) {
        FdInfo* d = f.table_.fd(*p, static_cast<int32_t>(dirfd));
        base = d && d->type == FdType::Directory ? d->name : std::string();
    }
    if (base.empty()) return std::nullopt;
    return state::resolve_path(base, *path);
}

std::string I::arg_path(F& f, const ArgDesc& d, const std::string& raw) {
    if (raw.starts_with('/')) return {};
    std::string_view dirfd = d.kind == ArgKind::Path2Old   ? "olddirfd"
                             : d.kind == ArgKind::Path2New ? "newdirfd"
                             : ev(f)->param("dirfd")       ? "dirfd"
                                                           : "fd";
    return resolved_path(f, dirfd, d.src).value_or("");
}

void I::evt_arg(F& f, const R& r, V& out) {
    const auto* descs = ev(f) ? event_args(f.ctx_->type_name) : nullptr;
    if (!descs || !r.has_arg) return;
    const ArgDesc* d = nullptr;
    if (r.index >= 0 && static_cast<std::size_t>(r.index) < descs->size()) d = &(*descs)[r.index];
    for (const ArgDesc& c : *descs)
        if (!d && c.name == r.key) d = &c;
    if (!d) return;
    if (auto a = render_arg(*d, *ev(f), resolver(f))) out = f.keep(a->best());
}

void I::evt_args(F& f, const R&, V& out) {
    const auto* descs = ev(f) ? event_args(f.ctx_->type_name) : nullptr;
    if (!descs) return;
    ArgResolver res = resolver(f);
    std::string s;
    for (const ArgDesc& d : *descs) {
        auto a = render_arg(d, *ev(f), res);
        if (!a) continue;
        s.append(s.empty() ? "" : " ").append(d.name).append("=").append(a->raw);
        if (!a->resolved.empty()) s.append("(").append(a->resolved).append(")");
    }
    out = f.keep(std::move(s));
}

void I::time_string(F& f, V& out, const char* fmt, bool ns, bool iso) {
    if (!ev(f)) return;
    uint64_t t = epoch_ns(f, ev(f)->hdr.ts_ns);
    time_t secs = static_cast<time_t>(t / 1000000000ull);
    struct tm tm {};
    ::localtime_r(&secs, &tm);
    char buf[64];
    std::size_t n = std::strftime(buf, sizeof buf, fmt, &tm);
    std::string s(buf, n);
    if (ns) {
        char frac[16];
        std::snprintf(frac, sizeof frac, ".%09llu",
                      static_cast<unsigned long long>(t % 1000000000ull));
        s += frac;
    }
    if (iso) {
        std::strftime(buf, sizeof buf, "%z", &tm);
        s += buf;
    }
    out = f.keep(std::move(s));
}

// stat of the running image, accepted only if it is still the inode the exec reported.
std::optional<struct stat> I::exe_stat(F& f) {
    Process* p = proc(f);
    if (!p || f.ctx_->exited || !p->exe_ino) return std::nullopt;
    struct stat st {};
    std::string path = f.table_.options().proc_root + "/" + std::to_string(p->pid) + "/exe";
    if (::stat(path.c_str(), &st) != 0 || st.st_ino != p->exe_ino) return std::nullopt;
    return st;
}

// (ctime, mtime) of the exe inode in ns: as the kernel reported them at exec, else (a process
// found in /proc) from a stat of the running image.
std::optional<std::pair<int64_t, int64_t>> I::exe_times(F& f) {
    Process* p = proc(f);
    if (p && p->exe_ctime_ns)
        return std::pair{static_cast<int64_t>(p->exe_ctime_ns),
                         static_cast<int64_t>(p->exe_mtime_ns)};
    auto st = exe_stat(f);
    if (!st) return std::nullopt;
    return std::pair{st->st_ctim.tv_sec * 1000000000ll + st->st_ctim.tv_nsec,
                     st->st_mtim.tv_sec * 1000000000ll + st->st_mtim.tv_nsec};
}

// The event thread's id in its pid namespace: the main thread's from the process, another
// thread's as its clone reported it, else (a thread older than us) from /proc.
void I::thread_vtid(F& f, V& out) {
    Process* p = proc(f);
    const capture::Event* e = ev(f);
    if (!p) return;
    uint32_t tid = e ? e->hdr.tid : p->tid;
    if (tid == p->pid) {
        out = opt_int(p->vtid ? p->vtid : p->vpid);
        return;
    }
    auto it = p->thread_vtids.find(tid);
    if (it != p->thread_vtids.end()) {
        out = V::of_int(it->second);
        return;
    }
    if (f.ctx_->exited) return;
    if (auto v = f.table_.read_vtid(p->pid, tid)) {
        if (p->thread_vtids.size() < 4096) p->thread_vtids[tid] = *v;
        out = V::of_int(*v);
    }
}

void I::fd_types(F& f, const R& r, V& out) {
    Process* p = proc(f);
    if (!p) return;
    if (r.has_arg) {
        FdInfo* d = r.index >= 0 ? f.table_.fd(*p, static_cast<int32_t>(r.index)) : nullptr;
        if (d) out = f.keep_list({f.keep(std::string(state::fd_type_name(d->type)))});
        return;
    }
    std::vector<Value> items;
    bool seen[32] = {};
    for (const auto& [n, d] : p->fds) {
        auto t = static_cast<std::size_t>(d.type);
        if (d.type == FdType::Unknown || seen[t]) continue;
        seen[t] = true;
        items.push_back(Value::of_str(state::fd_type_name(d.type)));
    }
    out = f.keep_list(std::move(items));
}

void I::proc_env(F& f, const R& r, V& out) {
    Process* p = proc(f);
    if (!p) return;
    if (!p->env && !f.ctx_->exited) p->env = f.table_.read_env(p->pid);
    if (!p->env) return;
    if (!r.has_arg || r.key.empty()) {
        std::string s;
        for (const auto& e : *p->env)
            s.append(s.empty() ? "" : " ").append(e);
        out = f.keep(std::move(s));
        return;
    }
    for (const auto& e : *p->env)
        if (e.size() > r.key.size() && e.starts_with(r.key) && e[r.key.size()] == '=')
            out = f.keep(e.substr(r.key.size() + 1));
}

void I::std_fd(F& f, int32_t n, bool name, V& out) {
    Process* p = proc(f);
    FdInfo* d = p && !f.ctx_->exited ? f.table_.fd(*p, n) : nullptr;
    if (!d) return;
    out = name ? view(d->name) : Value::of_str(state::fd_type_name(d->type));
}

std::string I::labels_string(const std::map<std::string, std::string>& m) {
    std::string s;
    for (const auto& [k, v] : m)
        s.append(s.empty() ? "" : ", ").append(k).append(":").append(v);
    return s;
}

std::optional<std::string> I::proc_file(F& f, uint32_t pid, const std::string& name) {
    if (f.ctx_->exited) return std::nullopt;
    std::string path = f.table_.options().proc_root + "/" + std::to_string(pid) + "/" + name;
    FILE* file = std::fopen(path.c_str(), "re");
    if (!file) return std::nullopt;
    std::string s;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, file)) > 0 && s.size() < 65536;)
        s.append(buf, n);
    std::fclose(file);
    return s;
}

std::optional<int64_t> I::status_value(F& f, std::string_view key) {
    Process* p = proc(f);
    auto s = p ? proc_file(f, p->pid, "status") : std::nullopt;
    if (!s) return std::nullopt;
    for (std::size_t at = 0; at < s->size();) {
        std::size_t eol = s->find('\n', at);
        std::string_view line(s->data() + at, (eol == std::string::npos ? s->size() : eol) - at);
        at = eol == std::string::npos ? s->size() : eol + 1;
        if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':')
            return std::strtoll(line.data() + key.size() + 1, nullptr, 10);
    }
    return std::nullopt;
}

std::optional<uint64_t> I::stat_field(F& f, int index) {
    Process* p = proc(f);
    const capture::Event* e = ev(f);
    if (!p || !e) return std::nullopt;
    auto s = proc_file(f, p->pid, "task/" + std::to_string(e->hdr.tid) + "/stat");
    if (!s) return std::nullopt;
    // Field 2 (comm) may hold blanks and parentheses: count from the last ')'.
    std::size_t at = s->rfind(')');
    if (at == std::string::npos) return std::nullopt;
    int field = 2;
    for (std::size_t i = at + 1; i < s->size(); ++i) {
        if ((*s)[i] != ' ') continue;
        if (++field == index) return std::strtoull(s->c_str() + i + 1, nullptr, 10);
    }
    return std::nullopt;
}

// thread.cgroups as Falco prints them, `controller=path` separated by blanks, from
// /proc/<pid>/cgroup: each cgroup v1 controller of a line, and for the unified (v2) hierarchy
// the controllers it has enabled (or none named, as `=path`, when it has none).
void I::cgroups(F& f, const R& r, V& out) {
    Process* p = proc(f);
    auto s = p ? proc_file(f, p->pid, "cgroup") : std::nullopt;
    if (!s) return;
    std::vector<std::pair<std::string, std::string>> items;
    for (std::size_t at = 0; at < s->size();) {
        std::size_t eol = s->find('\n', at);
        std::string line = s->substr(at, (eol == std::string::npos ? s->size() : eol) - at);
        at = eol == std::string::npos ? s->size() : eol + 1;
        std::size_t c1 = line.find(':'), c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        std::string ctrls = line.substr(c1 + 1, c2 - c1 - 1), path = line.substr(c2 + 1);
        if (ctrls.empty()) {
            // v2: the controllers enabled at the root of the unified hierarchy.
            auto root = f.table_.options().proc_root;
            FILE* cf = std::fopen("/sys/fs/cgroup/cgroup.controllers", "re");
            char buf[512] = {};
            if (cf) {
                if (!std::fgets(buf, sizeof buf, cf)) buf[0] = 0;
                std::fclose(cf);
            }
            ctrls = buf;
            std::replace(ctrls.begin(), ctrls.end(), ' ', ',');
            while (!ctrls.empty() && (ctrls.back() == '\n' || ctrls.back() == ','))
                ctrls.pop_back();
            (void)root;
        }
        for (std::size_t b = 0; b <= ctrls.size();) {
            std::size_t e = ctrls.find(',', b);
            if (e == std::string::npos) e = ctrls.size();
            std::string name = ctrls.substr(b, e - b);
            bool seen = false;
            for (auto& [n, _] : items)
                seen = seen || n == name;
            if (!name.empty() && !seen) items.emplace_back(name, path);
            b = e + 1;
        }
    }
    if (r.has_arg) {
        for (auto& [n, path] : items)
            if (n == r.key) out = f.keep(path);
        return;
    }
    if (items.empty()) return;
    std::string all;
    for (auto& [n, path] : items)
        all.append(all.empty() ? "" : " ").append(n).append("=").append(path);
    out = f.keep(std::move(all));
}

// Falco's proc.aenv: without argument (or [0]) the process's own environment; [N] the
// environment of the Nth ancestor; [NAME] the first non-empty value of NAME among the
// ancestors, parent first (up to 20 levels), "" when none has it.
void I::aenv(F& f, const R& r, V& out) {
    Process* p = proc(f);
    if (!p) return;
    auto env_of = [&](Process& q) -> const std::optional<std::vector<std::string>>& {
        if (!q.env && (&q != p || !f.ctx_->exited)) q.env = f.table_.read_env(q.pid);
        return q.env;
    };
    auto joined = [](const std::vector<std::string>& env) {
        std::string s;
        for (const auto& e : env)
            s.append(s.empty() ? "" : " ").append(e);
        return s;
    };
    bool numeric = r.has_arg && !r.key.empty() &&
                   r.key.find_first_not_of("0123456789") == std::string_view::npos;
    int64_t level = numeric ? std::strtoll(std::string(r.key).c_str(), nullptr, 10) : 0;
    if (!r.has_arg || r.key.empty() || (numeric && level < 1)) {
        if (const auto& env = env_of(*p)) out = f.keep(joined(*env));
        return;
    }
    if (numeric) {
        Process* a = ancestor(f, p, level);
        if (!a) return;
        const auto& env = env_of(*a);
        out = f.keep(env ? joined(*env) : std::string());
        return;
    }
    std::string value;
    Process* a = p;
    for (int i = 0; i < 20 && value.empty(); ++i) {
        a = f.table_.parent(*a);
        if (!a) break;
        if (const auto& env = env_of(*a))
            for (const auto& e : *env)
                if (e.size() > r.key.size() && e.starts_with(r.key) && e[r.key.size()] == '=')
                    value = e.substr(r.key.size() + 1);
    }
    out = f.keep(std::move(value));
}

// Falco's proc.aargs: [N] the arguments of the Nth ancestor; without index the arguments of
// every ancestor, joined by blanks.
void I::aargs(F& f, const R& r, V& out) {
    Process* p = proc(f);
    if (!p) return;
    if (r.has_arg) {
        Process* a = r.index >= 0 ? ancestor(f, p, r.index) : nullptr;
        if (a && a->image_known) out = f.keep(join_args(*a));
        return;
    }
    std::string s;
    int n = 0;
    for (Process* a = f.table_.parent(*p); a && n < 256; a = f.table_.parent(*a), ++n) {
        std::string args = a->image_known ? join_args(*a) : std::string();
        if (args.empty()) continue;
        s.append(s.empty() ? "" : " ").append(args);
    }
    if (!s.empty()) out = f.keep(std::move(s));
}

void I::category(F& f, V& out) {
    if (!f.ctx_ || f.ctx_->type_name.empty()) return;
    using C = EventCategory;
    EventClass c = event_class(f.ctx_->type_name);
    switch (c.category) {
    case C::Other:
        out = V::of_str("other");
        return;
    case C::File:
        out = V::of_str("file");
        return;
    case C::Net:
        out = V::of_str("net");
        return;
    case C::Ipc:
        out = V::of_str("IPC");
        return; // sic: Falco's name for the category
    case C::Memory:
        out = V::of_str("memory");
        return;
    case C::Process:
        out = V::of_str("process");
        return;
    case C::Signal:
        out = V::of_str("signal");
        return;
    case C::User:
        out = V::of_str("user");
        return;
    default:
        break;
    }
    // I/O events: the kind of the fd they use.
    FdInfo* d = fd(f);
    switch (d ? d->type : FdType::Unknown) {
    case FdType::File:
    case FdType::Directory:
        out = V::of_str("file");
        return;
    case FdType::Ipv4:
    case FdType::Ipv6:
        out = V::of_str("net");
        return;
    case FdType::Pipe:
    case FdType::Unix:
    case FdType::Event:
    case FdType::Signalfd:
    case FdType::Inotify:
    case FdType::Userfaultfd:
        out = V::of_str("ipc");
        return;
    default:
        out = V::of_str("unknown");
        return;
    }
}

// evt.count.error.<group>: 1 or 0 for the events of the group (by the fd's kind, or for events
// without an fd by type and category); no value for other events and those without a result.
// group: 0 all, 1 file, 2 net, 3 memory, 4 other.
void I::error_count(F& f, int group, V& out) {
    const capture::Event* e = ev(f);
    if (!e || e->hdr.syscall_nr == SAKER_NR_NONE) return;
    V v = V::of_int(e->hdr.ret < 0);
    if (group == 0) {
        out = v;
        return;
    }
    EventClass c = event_class(f.ctx_->type_name);
    if (group == 3) {
        if (c.category == EventCategory::Memory) out = v;
        return;
    }
    std::string_view t = f.ctx_->type_name;
    FdInfo* d = fd(f);
    bool file = d ? d->type == FdType::File || d->type == FdType::Directory
                  : t == "open" || t == "creat" || t == "openat" || t == "openat2";
    bool net = d ? d->type == FdType::Ipv4 || d->type == FdType::Ipv6 || d->type == FdType::Unix
                 : t == "accept" || t == "accept4" || t == "connect";
    bool memory = !d && c.category == EventCategory::Memory;
    if ((group == 1 && file) || (group == 2 && net) || (group == 4 && !file && !net && !memory))
        out = v;
}

// evt.rawarg.NAME: the parameter's value as a number, for the numeric ones.
void I::rawarg(F& f, const R& r, V& out) {
    const auto* descs = ev(f) ? event_args(f.ctx_->type_name) : nullptr;
    if (!descs || !r.has_arg) return;
    for (std::size_t i = 0; i < descs->size(); ++i) {
        const ArgDesc& d = (*descs)[i];
        if (d.name != r.key && !(r.index >= 0 && static_cast<std::size_t>(r.index) == i)) continue;
        if (auto n = raw_number(d, *ev(f))) out = V::of_int(*n);
        return;
    }
}

// fd.cproto and friends: Falco prints the port (name resolution of ports is off by default).
Value I::proto_of(F& f, const state::SockEnd& end) {
    return f.keep(std::to_string(end.port));
}

// container.mount* (part: 0 whole mount, 1 source, 2 dest, 3 mode, 4 rdwr, 5 propagation).
// The argument is an index or a glob: on the destination for container.mount.source, on the
// source for every other one (Falco's lookup). A container whose metadata says it has no such
// mount yields "N/A", one whose metadata is unknown "<NA>": the strings upstream rules compare
// with (`not container.mount.dest[/proc*] in ("<NA>","N/A")`), so their meaning holds. Falco's
// plugin yields no value in both cases, which turns that test true for every container.
void I::mount_field(F& f, const R& r, V& out, int part) {
    Process* p = proc(f);
    if (!p || !p->container || p->container->is_host() || !r.has_arg) return;
    const containers::ContainerMetadata* m = meta(f);
    if (!m) {
        out = V::of_str("<NA>");
        return;
    }
    const containers::Mount* hit = nullptr;
    if (r.index >= 0) {
        if (static_cast<std::size_t>(r.index) < m->mounts.size()) hit = &m->mounts[r.index];
    } else {
        std::string pattern(r.key);
        for (const auto& mt : m->mounts) {
            const std::string& s = part == 1 ? mt.dest : mt.source;
            if (::fnmatch(pattern.c_str(), s.c_str(), 0) == 0) {
                hit = &mt;
                break;
            }
        }
    }
    if (!hit) {
        out = V::of_str("N/A");
        return;
    }
    switch (part) {
    case 0:
        out = f.keep(hit->to_string());
        break;
    case 1:
        out = f.keep(hit->source);
        break;
    case 2:
        out = f.keep(hit->dest);
        break;
    case 3:
        out = f.keep(hit->mode);
        break;
    case 4:
        out = V::of_str(hit->rdwr ? "true" : "false");
        break;
    default:
        out = f.keep(hit->propagation);
        break;
    }
}

// container.start_ts: when the process's pid namespace's init started (Falco's meaning): the
// nearest ancestor in the same container whose vpid is 1 (pid 1 itself on the host), from the
// process table; else the start time the container runtime reports.
std::optional<uint64_t> I::container_start_ns(F& f) {
    Process* p = proc(f);
    if (!p || !p->container) return std::nullopt;
    if (p->container->is_host()) {
        Process* init = f.table_.find(1);
        if (init && init->start_ns) return epoch_ns(f, init->start_ns);
        return std::nullopt;
    }
    int depth = 0;
    for (Process* a = p; a && depth < 256; a = f.table_.parent(*a), ++depth) {
        if (!a->container || a->container->id != p->container->id) break;
        if (a->vpid && *a->vpid == 1 && a->start_ns) return epoch_ns(f, a->start_ns);
    }
    if (const auto* m = meta(f); m && m->start_ns) return m->start_ns;
    return std::nullopt;
}

// ---- the table -------------------------------------------------------------------------------
// clang-format off
#define X(body) [](F& f, const R& r, V& out) { (void)f; (void)r; (void)out; body; }
#define PROC(expr) X(if (Process* p = I::proc(f)) { out = (expr); })
#define FD(expr) X(if (FdInfo* d = I::fd(f)) { out = (expr); })
#define EV(expr) X(if (const capture::Event* e = I::ev(f)) { (void)e; out = (expr); })
#define META(expr) X(if (const auto* m = I::meta(f)) { out = (expr); })
// Falco's container plugin keeps a record for the host too (id, name "host", everything else
// empty or false): those fields have a value for host processes, the others none (docs/FIELDS.md).
#define META_OR_HOST(host, expr) X(if (I::is_host(f)) { out = (host); } else if (const auto* m = I::meta(f)) { out = (expr); })

const std::vector<I::Row>& I::rows() {
    static const std::vector<Row> kRows = {
        // evt
        {.name = "evt.num", .fn = X(if (f.ctx_) out = V::of_int(static_cast<int64_t>(f.ctx_->num)))},
        {.name = "evt.time", .fn = EV(V::of_int(static_cast<int64_t>(epoch_ns(f, e->hdr.ts_ns))))},
        {.name = "evt.rawtime", .fn = EV(V::of_int(static_cast<int64_t>(epoch_ns(f, e->hdr.ts_ns))))},
        {.name = "evt.rawtime.s", .fn = EV(V::of_int(static_cast<int64_t>(epoch_ns(f, e->hdr.ts_ns) / 1000000000ull)))},
        {.name = "evt.rawtime.ns", .fn = EV(V::of_int(static_cast<int64_t>(epoch_ns(f, e->hdr.ts_ns) % 1000000000ull)))},
        {.name = "evt.reltime", .fn = EV(V::of_int(static_cast<int64_t>(e->hdr.ts_ns - f.first_ts_)))},
        {.name = "evt.reltime.s", .fn = EV(V::of_int(static_cast<int64_t>((e->hdr.ts_ns - f.first_ts_) / 1000000000ull)))},
        {.name = "evt.reltime.ns", .fn = EV(V::of_int(static_cast<int64_t>((e->hdr.ts_ns - f.first_ts_) % 1000000000ull)))},
        // Falco keeps the time of the previous event; 0 for the first one.
        {.name = "evt.deltatime", .fn = EV(V::of_int(f.prev_ts_ ? static_cast<int64_t>(e->hdr.ts_ns - f.prev_ts_) : 0))},
        {.name = "evt.deltatime.s", .fn = EV(V::of_int(f.prev_ts_ ? static_cast<int64_t>((e->hdr.ts_ns - f.prev_ts_) / 1000000000ull) : 0))},
        {.name = "evt.deltatime.ns", .fn = EV(V::of_int(f.prev_ts_ ? static_cast<int64_t>((e->hdr.ts_ns - f.prev_ts_) % 1000000000ull) : 0))},
        // libsinsp answers 0 ("0ns") for the latencies of every event since it stopped pairing
        // enter and exit events; so does saker, which captures exits only.
        {.name = "evt.latency", .fn = EV(V::of_int(0))},
        {.name = "evt.latency.s", .fn = EV(V::of_int(0))},
        {.name = "evt.latency.ns", .fn = EV(V::of_int(0))},
        {.name = "evt.latency.human", .fn = EV(V::of_str("0ns"))},
        {.name = "evt.wait_latency", .fn = EV(V::of_int(0))},
        {.name = "evt.category", .fn = X(category(f, out))},
        {.name = "evt.info", .fn = X(evt_args(f, r, out))},
        {.name = "evt.rawarg", .fn = X(rawarg(f, r, out))},
        {.name = "evt.is_io", .fn = X(if (f.ctx_) out = V::of_int((event_class(f.ctx_->type_name).io & (kEvReadsFd | kEvWritesFd)) != 0))},
        {.name = "evt.is_io_read", .fn = X(if (f.ctx_) out = V::of_int((event_class(f.ctx_->type_name).io & kEvReadsFd) != 0))},
        {.name = "evt.is_io_write", .fn = X(if (f.ctx_) out = V::of_int((event_class(f.ctx_->type_name).io & kEvWritesFd) != 0))},
        {.name = "evt.io_dir", .fn = X(if (!f.ctx_) return; auto io = event_class(f.ctx_->type_name).io; if (io & kEvWritesFd) out = V::of_str("write"); else if (io & kEvReadsFd) out = V::of_str("read"))},
        {.name = "evt.is_wait", .fn = X(if (f.ctx_) out = V::of_int((event_class(f.ctx_->type_name).io & kEvWaits) != 0))},
        {.name = "evt.is_syslog", .fn = X(if (!f.ctx_) return; FdInfo* d = I::fd(f); out = V::of_int((event_class(f.ctx_->type_name).io & kEvWritesFd) && d && d->name == "/dev/log"))},
        {.name = "evt.buflen", .fn = EV(I::fd(f) && event_class(f.ctx_->type_name).is_io_category() && e->hdr.ret >= 0 ? V::of_int(e->hdr.ret) : V{})},
        {.name = "evt.count", .fn = EV(V::of_int(1))},
        {.name = "evt.count.exit", .fn = EV(V::of_int(1))}, // saker's events are all exits
        {.name = "evt.count.error", .fn = X(error_count(f, 0, out))},
        {.name = "evt.count.error.file", .fn = X(error_count(f, 1, out))},
        {.name = "evt.count.error.net", .fn = X(error_count(f, 2, out))},
        {.name = "evt.count.error.memory", .fn = X(error_count(f, 3, out))},
        {.name = "evt.count.error.other", .fn = X(error_count(f, 4, out))},
        {.name = "evt.time.s", .fn = X(time_string(f, out, "%H:%M:%S", false, false))},
        {.name = "evt.time.iso8601", .fn = X(time_string(f, out, "%Y-%m-%dT%H:%M:%S", true, true))},
        {.name = "evt.datetime", .fn = X(time_string(f, out, "%Y-%m-%d %H:%M:%S", true, false))},
        {.name = "evt.datetime.s", .fn = X(time_string(f, out, "%Y-%m-%d %H:%M:%S", false, false))},
        {.name = "evt.source", .fn = X(out = V::of_str("syscall"))},
        {.name = "evt.is_async", .fn = X(out = V::of_int(0))},
        {.name = "evt.hostname", .fn = X(out = opt_view(f.hostname_))},
        {.name = "evt.dir", .fn = X(if (I::ev(f)) out = V::of_str("<"))},
        {.name = "evt.type", .fn = X(if (f.ctx_ && !f.ctx_->type_name.empty()) out = V::of_str(f.ctx_->type_name))},
        {.name = "evt.type.is", .fn = X(if (f.ctx_) out = V::of_int(f.ctx_->type_name == r.key))},
        {.name = "syscall.type", .fn = EV(e->hdr.syscall_nr == SAKER_NR_NONE ? V{} : V::of_str(f.ctx_->type_name))},
        {.name = "evt.cpu", .fn = EV(V::of_int(e->hdr.cpu))},
        {.name = "evt.args", .fn = X(evt_args(f, r, out))},
        {.name = "evt.arg", .fn = X(evt_arg(f, r, out))},
        // The I/O buffer's first bytes, present only where a loaded rule asked the probe for them.
        {.name = "evt.buffer", .fn = EV([&] { const capture::Param* d = e->param("data"); auto b = d ? d->bytes() : std::nullopt; return b ? str(f, std::string(b->begin(), b->end())) : V{}; }())},
        {.name = "evt.res", .fn = EV(e->hdr.syscall_nr == SAKER_NR_NONE ? V{} : e->hdr.ret >= 0 ? V::of_str("SUCCESS") : [&] { auto n = errno_name(-e->hdr.ret); return str(f, n.empty() ? std::to_string(e->hdr.ret) : n); }())},
        {.name = "evt.rawres", .fn = EV(e->hdr.syscall_nr == SAKER_NR_NONE ? V{} : V::of_int(e->hdr.ret))},
        {.name = "evt.failed", .fn = EV(V::of_int(e->hdr.syscall_nr != SAKER_NR_NONE && e->hdr.ret < 0))},
        {.name = "evt.is_open_read", .fn = EV(V::of_int(e->type() == capture::EventType::OPEN && (e->u64(kOpenFlags).value_or(0) & 3) != 1))},
        {.name = "evt.is_open_write", .fn = EV(V::of_int(e->type() == capture::EventType::OPEN && (e->u64(kOpenFlags).value_or(0) & 3) != 0))},
        {.name = "evt.is_open_create", .fn = EV(V::of_int(e->type() == capture::EventType::OPEN && (e->u64(kOpenFlags).value_or(0) & 0100)))},
        {.name = "evt.is_open_exec", .fn = EV(V::of_int(e->type() == capture::EventType::OPEN && (e->u64(kOpenFlags).value_or(0) & 0100) && (e->u64(kOpenMode).value_or(0) & 0111)))},
        {.name = "evt.abspath", .fn = X(
            if (!ev(f)) return;
            auto t = ev(f)->type();
            std::optional<std::string> s;
            if (t == capture::EventType::PATH) s = resolved_path(f, "dirfd", "path");
            else if (t == capture::EventType::PATH2) s = resolved_path(f, "newdirfd", "newpath");
            if (s) out = f.keep(std::move(*s)))},
        // fs.path
        {.name = "fs.path.name", .fn = X(
            if (!ev(f)) return;
            auto t = ev(f)->type();
            std::optional<std::string> s;
            if (t == capture::EventType::PATH) s = resolved_path(f, "dirfd", "path");
            else if (t == capture::EventType::CHMOD || t == capture::EventType::CHOWN) s = resolved_path(f, "fd", "path");
            if (s) out = f.keep(std::move(*s)))},
        {.name = "fs.path.nameraw", .fn = EV(e->type() == capture::EventType::PATH || e->type() == capture::EventType::CHMOD || e->type() == capture::EventType::CHOWN ? (e->str("path") ? view(*e->str("path")) : V{}) : V{})},
        {.name = "fs.path.source", .fn = X(
            if (ev(f) && ev(f)->type() == capture::EventType::PATH2) {
                bool sym = ev(f)->hdr.syscall_nr == SAKER_NR_symlink || ev(f)->hdr.syscall_nr == SAKER_NR_symlinkat;
                auto s = sym ? (ev(f)->str("oldpath") ? std::optional<std::string>(std::string(*ev(f)->str("oldpath"))) : std::nullopt)
                             : resolved_path(f, "olddirfd", "oldpath");
                if (s) out = f.keep(std::move(*s));
            })},
        {.name = "fs.path.sourceraw", .fn = EV(e->type() == capture::EventType::PATH2 && e->str(kOldPath) ? view(*e->str(kOldPath)) : V{})},
        {.name = "fs.path.target", .fn = X(
            if (ev(f) && ev(f)->type() == capture::EventType::PATH2)
                if (auto s = resolved_path(f, "newdirfd", "newpath")) out = f.keep(std::move(*s)))},
        {.name = "fs.path.targetraw", .fn = EV(e->type() == capture::EventType::PATH2 && e->str(kNewPath) ? view(*e->str(kNewPath)) : V{})},
        // proc: identity and image
        {.name = "proc.pid", .fn = PROC(V::of_int(p->pid))},
        {.name = "proc.ppid", .fn = PROC(p->ppid ? V::of_int(p->ppid) : V{})},
        {.name = "proc.vpid", .fn = PROC(opt_int(p->vpid))},
        {.name = "proc.pvpid", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a ? opt_int(a->vpid) : V{}; }())},
        // A process libsinsp cannot find gets a placeholder named "<NA>" (so
        // `not proc.name in ("<NA>","N/A")` excludes it); saker answers the same.
        {.name = "proc.name", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p && p->image_known && !p->comm.empty() ? name_of(f, *p) : V::of_str("<NA>"))},
        {.name = "proc.exe", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p && p->image_known ? exe_of(f, *p) : V::of_str("<NA>"))},
        {.name = "proc.exepath", .fn = PROC(exepath_of(f, *p))},
        {.name = "proc.args", .fn = PROC(p->image_known ? f.keep(join_args(*p)) : V{})},
        {.name = "proc.cmdline", .fn = PROC(cmdline_of(f, *p))},
        {.name = "proc.exeline", .fn = PROC(p->image_known ? f.keep(p->exe + (p->args.empty() ? "" : " " + join_args(*p))) : V{})},
        {.name = "proc.cmdnargs", .fn = PROC(p->image_known ? V::of_int(static_cast<int64_t>(p->args.size())) : V{})},
        {.name = "proc.cmdlenargs", .fn = PROC([&] { int64_t n = 0; for (auto& a : p->args) n += static_cast<int64_t>(a.size()); return p->image_known ? V::of_int(n) : V{}; }())},
        {.name = "proc.cwd", .fn = PROC(p->cwd.empty() || p->cwd.ends_with('/') ? opt_view(p->cwd) : str(f, p->cwd + "/"))},
        {.name = "proc.env", .fn = X(proc_env(f, r, out))},
        {.name = "proc.aenv", .fn = X(aenv(f, r, out))},
        {.name = "proc.aargs", .fn = X(aargs(f, r, out))},
        // The pid of the eldest ancestor (the process included) whose name ends in "sh".
        {.name = "proc.loginshellid", .fn = PROC([&] { int64_t id = -1; int n = 0; for (Process* a = p; a && n < 256; a = f.table_.parent(*a), ++n) if (a->image_known && a->comm.size() >= 2 && a->comm.ends_with("sh")) id = a->pid; return id < 0 ? V{} : V::of_int(id); }())},
        {.name = "proc.fdopencount", .fn = PROC(V::of_int(static_cast<int64_t>(p->fds.size())))},
        {.name = "proc.fdlimit", .fn = PROC([&] { auto s = proc_file(f, p->pid, "limits"); auto at = s ? s->find("Max open files") : std::string::npos; return at == std::string::npos ? V{} : V::of_int(std::strtoll(s->c_str() + at + 14, nullptr, 10)); }())},
        {.name = "proc.vmsize", .fn = X(if (auto v = status_value(f, "VmSize")) out = V::of_int(*v))},
        {.name = "proc.vmrss", .fn = X(if (auto v = status_value(f, "VmRSS")) out = V::of_int(*v))},
        {.name = "proc.vmswap", .fn = X(if (auto v = status_value(f, "VmSwap")) out = V::of_int(*v))},
        {.name = "proc.nthreads", .fn = X(if (auto v = status_value(f, "Threads")) out = V::of_int(*v))},
        {.name = "proc.nchilds", .fn = X(if (auto v = status_value(f, "Threads")) out = V::of_int(*v - 1))},
        {.name = "proc.tty", .fn = PROC(opt_int(p->tty))},
        // proc: ancestry
        {.name = "proc.pname", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a ? name_of(f, *a) : V{}; }())},
        {.name = "proc.pexe", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a ? exe_of(f, *a) : V{}; }())},
        {.name = "proc.pexepath", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a ? exepath_of(f, *a) : V{}; }())},
        {.name = "proc.pcmdline", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a ? cmdline_of(f, *a) : V{}; }())},
        {.name = "proc.aname", .fn = X(ancestors(f, r, out, name_of))},
        {.name = "proc.aexe", .fn = X(ancestors(f, r, out, exe_of))},
        {.name = "proc.aexepath", .fn = X(ancestors(f, r, out, exepath_of))},
        {.name = "proc.acmdline", .fn = X(ancestors(f, r, out, cmdline_of))},
        {.name = "proc.apid", .fn = X(ancestors(f, r, out, pid_of))},
        // proc: session and process group
        {.name = "proc.sid", .fn = PROC((refresh_ids(f, *p), opt_int(p->sid)))},
        {.name = "proc.is_sid_leader", .fn = PROC((refresh_ids(f, *p), p->sid ? V::of_int(*p->sid == p->pid) : V{}))},
        {.name = "proc.sname", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.sid; }); return l ? name_of(f, *l) : V{}; }())},
        {.name = "proc.sid.exe", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.sid; }); return l ? exe_of(f, *l) : V{}; }())},
        {.name = "proc.sid.exepath", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.sid; }); return l ? exepath_of(f, *l) : V{}; }())},
        {.name = "proc.pgid", .fn = PROC((refresh_ids(f, *p), opt_int(p->pgid)))},
        {.name = "proc.is_pgid_leader", .fn = PROC((refresh_ids(f, *p), p->pgid ? V::of_int(*p->pgid == p->pid) : V{}))},
        {.name = "proc.pgid.name", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? name_of(f, *l) : V{}; }())},
        {.name = "proc.pgid.exe", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? exe_of(f, *l) : V{}; }())},
        {.name = "proc.pgid.exepath", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? exepath_of(f, *l) : V{}; }())},
        // The group as the process's own pid namespace numbers it (kernel, at fork/exec); its
        // leader is the same process the host pgid names.
        {.name = "proc.vpgid", .fn = PROC((refresh_ids(f, *p), opt_int(p->vpgid)))},
        {.name = "proc.is_vpgid_leader", .fn = PROC((refresh_ids(f, *p), p->vpid && p->vpgid ? V::of_int(*p->vpgid == *p->vpid) : V{}))},
        {.name = "proc.vpgid.name", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? name_of(f, *l) : V{}; }())},
        {.name = "proc.vpgid.exe", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? exe_of(f, *l) : V{}; }())},
        {.name = "proc.vpgid.exepath", .fn = PROC([&] { Process* l = leader(f, p, [](Process& q) { return q.pgid; }); return l ? exepath_of(f, *l) : V{}; }())},
        // proc: times
        {.name = "proc.duration", .fn = PROC(p->start_ns && ev(f) ? V::of_int(static_cast<int64_t>(ev(f)->hdr.ts_ns - p->start_ns)) : V{})},
        {.name = "proc.pid.ts", .fn = PROC(p->start_ns ? V::of_int(static_cast<int64_t>(epoch_ns(f, p->start_ns))) : V{})},
        {.name = "proc.ppid.duration", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a && a->start_ns && ev(f) ? V::of_int(static_cast<int64_t>(ev(f)->hdr.ts_ns - a->start_ns)) : V{}; }())},
        {.name = "proc.ppid.ts", .fn = PROC([&] { Process* a = f.table_.parent(*p); return a && a->start_ns ? V::of_int(static_cast<int64_t>(epoch_ns(f, a->start_ns))) : V{}; }())},
        // proc: exe facts
        {.name = "proc.is_exe_writable", .fn = PROC(p->exe_flags ? V::of_int((*p->exe_flags & SAKER_EXE_WRITABLE) != 0) : V{})},
        {.name = "proc.is_exe_upper_layer", .fn = PROC(p->exe_flags ? V::of_int((*p->exe_flags & SAKER_EXE_UPPER_LAYER) != 0) : V{})},
        {.name = "proc.is_exe_from_memfd", .fn = PROC(p->exe_flags ? V::of_int((*p->exe_flags & SAKER_EXE_FROM_MEMFD) != 0) : V{})},
        {.name = "proc.exe_ino", .fn = PROC(p->exe_ino ? V::of_int(static_cast<int64_t>(p->exe_ino)) : V{})},
        {.name = "proc.exe_ino.ctime", .fn = X(if (auto t = exe_times(f)) out = V::of_int(t->first))},
        {.name = "proc.exe_ino.mtime", .fn = X(if (auto t = exe_times(f)) out = V::of_int(t->second))},
        {.name = "proc.exe_ino.ctime_duration_proc_start", .fn = X(
            auto t = exe_times(f);
            Process* p = proc(f);
            if (!t || !p || !p->start_ns) return;
            out = V::of_int(static_cast<int64_t>(epoch_ns(f, p->start_ns)) - t->first))},
        {.name = "proc.stdin.type", .fn = X(std_fd(f, 0, false, out))},
        {.name = "proc.stdout.type", .fn = X(std_fd(f, 1, false, out))},
        {.name = "proc.stderr.type", .fn = X(std_fd(f, 2, false, out))},
        {.name = "proc.stdin.name", .fn = X(std_fd(f, 0, true, out))},
        {.name = "proc.stdout.name", .fn = X(std_fd(f, 1, true, out))},
        {.name = "proc.stderr.name", .fn = X(std_fd(f, 2, true, out))},
        // thread
        {.name = "thread.tid", .fn = EV(V::of_int(e->hdr.tid))},
        {.name = "thread.ismain", .fn = EV(V::of_int(e->hdr.tid == e->hdr.pid))},
        {.name = "thread.vtid", .fn = X(thread_vtid(f, out))},
        {.name = "thread.pfminor", .fn = X(if (auto v = stat_field(f, 10)) out = V::of_int(static_cast<int64_t>(*v)))},
        {.name = "thread.pfmajor", .fn = X(if (auto v = stat_field(f, 12)) out = V::of_int(static_cast<int64_t>(*v)))},
        {.name = "thread.vmsize", .fn = X(if (!ev(f)) return; if (ev(f)->hdr.tid != ev(f)->hdr.pid) out = V::of_int(0); else if (auto v = status_value(f, "VmSize")) out = V::of_int(*v))},
        {.name = "thread.vmrss", .fn = X(if (!ev(f)) return; if (ev(f)->hdr.tid != ev(f)->hdr.pid) out = V::of_int(0); else if (auto v = status_value(f, "VmRSS")) out = V::of_int(*v))},
        // Falco sets these on scheduler switch events only and answers 0 on every other
        // event; saker captures no switch events.
        {.name = "thread.exectime", .fn = EV(V::of_int(0))},
        {.name = "thread.totexectime", .fn = EV(V::of_int(0))},
        {.name = "thread.cgroups", .fn = X(cgroups(f, r, out))},
        {.name = "thread.cgroup", .fn = X(cgroups(f, r, out))},
        {.name = "thread.cap_effective", .fn = PROC(p->cap_effective ? str(f, caps_string(*p->cap_effective)) : V{})},
        {.name = "thread.cap_permitted", .fn = PROC(p->cap_permitted ? str(f, caps_string(*p->cap_permitted)) : V{})},
        {.name = "thread.cap_inheritable", .fn = PROC(p->cap_inheritable ? str(f, caps_string(*p->cap_inheritable)) : V{})},
        // user and group: Falco's user.uid is the effective uid.
        {.name = "user.uid", .fn = PROC(opt_int(p->euid))},
        // Falco's user fields always have a value for a known process: the name, "root" for
        // uid 0 missing from the passwd file, else the literal "<NA>" (which rules test:
        // `not user.name in ("<NA>","N/A","")`); likewise home, shell, login name and group.
        {.name = "user.name", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p ? user_text(f, *p, p->euid, [](const state::UserEntry& u) { return u.name; }, "root") : V::of_str("<NA>"))},
        {.name = "user.homedir", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p ? user_text(f, *p, p->euid, [](const state::UserEntry& u) { return u.home; }, "/root") : V::of_str("<NA>"))},
        {.name = "user.shell", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p ? user_text(f, *p, p->euid, [](const state::UserEntry& u) { return u.shell; }, nullptr) : V::of_str("<NA>"))},
        {.name = "user.loginuid", .fn = PROC(p->loginuid ? V::of_int(static_cast<int32_t>(*p->loginuid)) : V{})},
        {.name = "user.loginname", .fn = X(if (!f.ctx_) return; Process* p = proc(f); out = p ? user_text(f, *p, p->loginuid, [](const state::UserEntry& u) { return u.name; }, "root") : V::of_str("<NA>"))},
        {.name = "group.gid", .fn = PROC(opt_int(p->egid))},
        {.name = "group.name", .fn = PROC([&] {
            auto g = f.users_ && p->egid ? f.users_->group(user_root(*p), *p->egid) : std::nullopt;
            return g ? f.keep(g->name) : p->egid == 0u ? V::of_str("root") : V::of_str("<NA>"); }())},
        // fd
        {.name = "fd.num", .fn = X(if (f.ctx_ && f.ctx_->has_fd) out = V::of_int(f.ctx_->fd_num))},
        {.name = "fd.type", .fn = FD(d->type == FdType::Unknown ? V{} : V::of_str(state::fd_type_name(d->type)))},
        {.name = "fd.typechar", .fn = FD(char_view(state::fd_type_char(d->type)))},
        {.name = "fd.name", .fn = FD(opt_view(d->name))},
        {.name = "fd.nameraw", .fn = FD(opt_view(d->nameraw.empty() ? d->name : d->nameraw))},
        {.name = "fd.directory", .fn = FD(d->type == FdType::Directory ? opt_view(d->name) : d->type == FdType::File && d->name.starts_with('/') ? view(std::string_view(d->name).substr(0, std::max<std::size_t>(d->name.rfind('/'), 1))) : V{})},
        {.name = "fd.filename", .fn = FD(d->type == FdType::File && d->name.starts_with('/') ? view(std::string_view(d->name).substr(d->name.rfind('/') + 1)) : V{})},
        {.name = "fd.sip", .fn = X(ip_field(f, out, server))},
        {.name = "fd.cip", .fn = X(ip_field(f, out, client))},
        {.name = "fd.lip", .fn = X(ip_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.local; }))},
        {.name = "fd.rip", .fn = X(ip_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.remote; }))},
        {.name = "fd.sip.name", .fn = X(ip_name_field(f, out, server))},
        {.name = "fd.cip.name", .fn = X(ip_name_field(f, out, client))},
        {.name = "fd.lip.name", .fn = X(ip_name_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.local; }))},
        {.name = "fd.rip.name", .fn = X(ip_name_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.remote; }))},
        {.name = "fd.snet", .fn = X(ip_field(f, out, server))},
        {.name = "fd.cnet", .fn = X(ip_field(f, out, client))},
        {.name = "fd.lnet", .fn = X(ip_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.local; }))},
        {.name = "fd.rnet", .fn = X(ip_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.remote; }))},
        {.name = "fd.sport", .fn = X(port_field(f, out, server))},
        {.name = "fd.cport", .fn = X(port_field(f, out, client))},
        {.name = "fd.lport", .fn = X(port_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.local; }))},
        {.name = "fd.rport", .fn = X(port_field(f, out, [](const FdInfo& d) -> const state::SockEnd& { return d.remote; }))},
        // Either end: a list, so a comparison holds if it holds for one of them (Falco's meaning).
        {.name = "fd.ip", .fn = FD(is_ip(*d) ? f.keep_list({f.keep_ip(d->local.ip), f.keep_ip(d->remote.ip)}) : V{})},
        {.name = "fd.net", .fn = FD(is_ip(*d) ? f.keep_list({f.keep_ip(d->local.ip), f.keep_ip(d->remote.ip)}) : V{})},
        {.name = "fd.port", .fn = FD(is_ip(*d) ? f.keep_list({V::of_int(d->local.port), V::of_int(d->remote.port)}) : V{})},
        {.name = "fd.l4proto", .fn = FD(d->l4proto == state::L4Proto::Unknown ? V{} : V::of_str(state::l4proto_name(d->l4proto)))},
        {.name = "fd.sockfamily", .fn = FD(d->type == FdType::Ipv4 || d->type == FdType::Ipv6 ? V::of_str("ip") : d->type == FdType::Unix ? V::of_str("unix") : V{})},
        {.name = "fd.is_server", .fn = FD(d->is_server ? V::of_int(*d->is_server) : V{})},
        {.name = "fd.connected", .fn = FD(d->family ? V::of_int(d->connected) : V{})},
        {.name = "fd.name_changed", .fn = X(if (I::fd(f)) out = V::of_int(f.ctx_->fd_name_changed))},
        {.name = "fd.dev", .fn = FD(d->dev ? V::of_int(static_cast<int64_t>(d->dev)) : V{})},
        {.name = "fd.dev.major", .fn = FD(d->dev ? V::of_int(static_cast<int64_t>(d->dev >> 20)) : V{})},
        {.name = "fd.dev.minor", .fn = FD(d->dev ? V::of_int(static_cast<int64_t>(d->dev & 0xfffff)) : V{})},
        {.name = "fd.ino", .fn = FD(d->ino ? V::of_int(static_cast<int64_t>(d->ino)) : V{})},
        {.name = "fd.types", .fn = X(fd_types(f, r, out))},
        {.name = "fd.uid", .fn = EV(f.ctx_->has_fd ? str(f, std::to_string(e->hdr.tid) + std::to_string(f.ctx_->fd_num)) : V{})},
        {.name = "fd.cproto", .fn = FD(is_ip(*d) && d->is_server ? proto_of(f, client(*d)) : V{})},
        {.name = "fd.sproto", .fn = FD(is_ip(*d) && d->is_server ? proto_of(f, server(*d)) : V{})},
        {.name = "fd.lproto", .fn = FD(is_ip(*d) && d->is_server ? proto_of(f, d->local) : V{})},
        {.name = "fd.rproto", .fn = FD(is_ip(*d) && d->is_server ? proto_of(f, d->remote) : V{})},
        {.name = "fd.proto", .fn = FD(is_ip(*d) ? f.keep_list({V::of_int(d->local.port), V::of_int(d->remote.port)}) : V{})},
        {.name = "fd.containername", .fn = FD([&] { Process* p = proc(f); if (!p || !p->container || d->name.empty()) return V{}; return f.keep((p->container->is_host() ? std::string("host") : p->container->short_id) + ":" + d->name); }())},
        {.name = "fd.containerdirectory", .fn = FD([&] { Process* p = proc(f); if (!p || !p->container || d->type != FdType::File || !d->name.starts_with('/')) return V{}; return f.keep((p->container->is_host() ? std::string("host") : p->container->short_id) + ":" + d->name.substr(0, std::max<std::size_t>(d->name.rfind('/'), 1))); }())},
        // container (id and type from the cgroup; the rest from the metadata source)
        {.name = "container.id", .fn = PROC(p->container ? (p->container->is_host() ? V::of_str("host") : view(p->container->short_id)) : V{})},
        {.name = "container.full_id", .fn = PROC(p->container ? (p->container->is_host() ? V::of_str("host") : view(p->container->id)) : V{})},
        // kubelet's cgroupfs path does not name the CRI runtime; containerd knowing the id does
        {.name = "container.type", .fn = X(
            Process* p = proc(f);
            if (!p || !p->container) return;
            const auto* m = p->container->is_host() ? nullptr : meta(f);
            out = m && !m->runtime.empty() ? f.keep(m->runtime)
                  : m && !m->ns.empty() && p->container->type == state::ContainerType::Cri ? V::of_str("containerd")
                  : V::of_str(state::container_type_name(p->container->type)))},
        {.name = "container.name", .fn = X(
            Process* p = proc(f);
            if (p && p->container && p->container->is_host()) out = V::of_str("host");
            else if (const auto* m = meta(f)) out = opt_str(f, m->name))},
        {.name = "container.image", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->image))},
        {.name = "container.image.repository", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->image_repository))},
        {.name = "container.image.tag", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->image_tag))},
        {.name = "container.image.digest", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->image_digest))},
        {.name = "container.privileged", .fn = META_OR_HOST(V::of_int(0), m->privileged ? V::of_int(*m->privileged) : V{})},
        {.name = "container.labels", .fn = META_OR_HOST(V::of_str(""), m->labels.empty() ? V{} : str(f, labels_string(m->labels)))},
        {.name = "container.label", .fn = META([&] { auto it = m->labels.find(std::string(r.key)); return it == m->labels.end() ? V{} : f.keep(it->second); }())},
        {.name = "k8s.pod.name", .fn = META(opt_str(f, m->k8s_pod_name))},
        {.name = "k8s.ns.name", .fn = META(opt_str(f, m->k8s_ns_name))},
        {.name = "k8s.container.name", .fn = META(opt_str(f, m->k8s_container_name))},
        {.name = "k8s.pod.uid", .fn = META(opt_str(f, m->k8s_pod_uid))},
        {.name = "k8s.pod.id", .fn = META(opt_str(f, m->k8s_pod_uid))},
        {.name = "k8s.pod.sandbox_id", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->k8s_sandbox_id.substr(0, 12)))},
        {.name = "k8s.pod.full_sandbox_id", .fn = META_OR_HOST(V::of_str(""), opt_str(f, m->k8s_sandbox_id))},
        {.name = "k8s.pod.labels", .fn = META_OR_HOST(V::of_str(""), m->k8s_pod_labels ? str(f, labels_string(*m->k8s_pod_labels)) : V{})},
        {.name = "k8s.pod.label", .fn = META([&] { if (!m->k8s_pod_labels) return V{}; auto it = m->k8s_pod_labels->find(std::string(r.key)); return it == m->k8s_pod_labels->end() ? V{} : f.keep(it->second); }())},
        // container: runtime facts (CRI, containerd, Docker, Podman)
        {.name = "container.image.id", .fn = META(opt_str(f, m->image_id))},
        {.name = "container.mounts", .fn = META([&] { std::string s; for (const auto& mt : m->mounts) s.append(s.empty() ? "" : ",").append(mt.to_string()); return f.keep(std::move(s)); }())},
        {.name = "container.mount", .fn = X(mount_field(f, r, out, 0))},
        {.name = "container.mount.source", .fn = X(mount_field(f, r, out, 1))},
        {.name = "container.mount.dest", .fn = X(mount_field(f, r, out, 2))},
        {.name = "container.mount.mode", .fn = X(mount_field(f, r, out, 3))},
        {.name = "container.mount.rdwr", .fn = X(mount_field(f, r, out, 4))},
        {.name = "container.mount.propagation", .fn = X(mount_field(f, r, out, 5))},
        {.name = "container.start_ts", .fn = X(if (auto t = container_start_ns(f)) out = V::of_int(static_cast<int64_t>(*t)))},
        {.name = "container.duration", .fn = X(auto t = container_start_ns(f); if (t && ev(f)) out = V::of_int(static_cast<int64_t>(epoch_ns(f, ev(f)->hdr.ts_ns) - *t)))},
        {.name = "container.ip", .fn = META(opt_str(f, m->ip))},
        {.name = "container.host_pid", .fn = META(m->host_pid ? V::of_int(*m->host_pid) : V{})},
        {.name = "container.host_network", .fn = META(m->host_network ? V::of_int(*m->host_network) : V{})},
        {.name = "container.host_ipc", .fn = META(m->host_ipc ? V::of_int(*m->host_ipc) : V{})},
        {.name = "k8s.pod.ip", .fn = META(opt_str(f, m->ip))},
        // Deprecated in Falco's container plugin, which never sets them: an extractor that
        // answers absent, as Falco's does (docs/FIELDS.md).
        {.name = "container.healthcheck", .fn = X()},
        {.name = "container.liveness_probe", .fn = X()},
        {.name = "container.readiness_probe", .fn = X()},
        {.name = "k8s.rc.name", .fn = X()}, {.name = "k8s.rc.id", .fn = X()}, {.name = "k8s.rc.label", .fn = X()}, {.name = "k8s.rc.labels", .fn = X()},
        {.name = "k8s.svc.name", .fn = X()}, {.name = "k8s.svc.id", .fn = X()}, {.name = "k8s.svc.label", .fn = X()}, {.name = "k8s.svc.labels", .fn = X()},
        {.name = "k8s.ns.id", .fn = X()}, {.name = "k8s.ns.label", .fn = X()}, {.name = "k8s.ns.labels", .fn = X()},
        {.name = "k8s.rs.name", .fn = X()}, {.name = "k8s.rs.id", .fn = X()}, {.name = "k8s.rs.label", .fn = X()}, {.name = "k8s.rs.labels", .fn = X()},
        {.name = "k8s.deployment.name", .fn = X()}, {.name = "k8s.deployment.id", .fn = X()}, {.name = "k8s.deployment.label", .fn = X()}, {.name = "k8s.deployment.labels", .fn = X()},
    };
    return kRows;
}
#undef X
#undef PROC
#undef FD
#undef EV
#undef META
#undef META_OR_HOST
// clang-format on

// ---- EventFields -------------------------------------------------------------------------------

EventFields::EventFields(state::ProcessTable& table, state::UserDb* users,
                         ContainerMetadataSource* containers)
    : table_(table), users_(users), containers_(containers) {
    const FieldRegistry& reg = FieldRegistry::instance();
    extractors_.assign(reg.all().size(), nullptr);
    for (const Impl::Row& row : Impl::rows()) {
        const FieldInfo* info = reg.find(row.name);
        if (!info)
            throw std::logic_error("EventFields: no registry field named " + std::string(row.name));
        extractors_[info->id] = row.fn;
    }
    for (std::size_t h = 0; h < kHotFieldCount; ++h) {
        const FieldInfo* info = reg.find(kHotFieldNames[h]);
        if (!info)
            throw std::logic_error("EventFields: no registry field named " +
                                   std::string(kHotFieldNames[h]));
        hot_extractors_[h] = extractors_[info->id];
    }
    timespec real{}, boot{};
    ::clock_gettime(CLOCK_REALTIME, &real);
    ::clock_gettime(CLOCK_BOOTTIME, &boot);
    boot_to_epoch_ns_ = (real.tv_sec - boot.tv_sec) * 1000000000ull + real.tv_nsec - boot.tv_nsec;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) hostname_ = host;
}

void EventFields::set_event(const state::EventContext& ctx) {
    ctx_ = &ctx;
    if (!first_ts_ && ctx.event) first_ts_ = ctx.event->hdr.ts_ns;
    if (ctx.event) {
        prev_ts_ = cur_ts_;
        cur_ts_ = ctx.event->hdr.ts_ns;
    }
    if (scratch_used_) { // most events keep nothing: skip the three deques' clear()
        strings_.clear();
        ips_.clear();
        lists_.clear();
        scratch_used_ = false;
    }
}

void EventFields::extract(const FieldRequest& request, Value& out) {
    out = Value{};
    if (!ctx_ || request.field >= extractors_.size() || !extractors_[request.field]) return;
    extractors_[request.field](*this, request, out);
}

const Value* EventFields::hot_values(uint64_t wanted) {
    static const FieldRequest none; // hot fields take no argument
    for (uint64_t w = wanted & kAllHotFields; w; w &= w - 1) {
        auto h = static_cast<std::size_t>(std::countr_zero(w));
        hot_[h] = Value{};
        if (ctx_ && hot_extractors_[h]) hot_extractors_[h](*this, none, hot_[h]);
    }
    return hot_.data();
}

bool EventFields::covers(uint16_t id) const {
    return id < extractors_.size() && extractors_[id];
}

std::size_t EventFields::covered_count() const {
    std::size_t n = 0;
    for (auto e : extractors_)
        n += e != nullptr;
    return n;
}

Value EventFields::keep(std::string s) {
    scratch_used_ = true;
    strings_.push_back(std::move(s));
    return Value::of_str(strings_.back());
}

Value EventFields::keep_ip(const std::array<uint8_t, 16>& ip) {
    scratch_used_ = true;
    ips_.push_back(ip);
    return Value::of_ip(ips_.back().data());
}

Value EventFields::keep_list(std::vector<Value> items) {
    scratch_used_ = true;
    lists_.push_back(std::move(items));
    return Value::of_list(lists_.back().data(), static_cast<uint32_t>(lists_.back().size()));
}

} // namespace saker::fields
