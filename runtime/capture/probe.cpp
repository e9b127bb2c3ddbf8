#include "runtime/capture/probe.h"

#include "bpf/syscall_handlers.h"
#include "bpf/syscalls_ia32.h"
#include "bpf/syscalls_x86_64.h"
#include "runtime/capture/drop_classes.h"
#include "runtime/capture/features.h"
#include "runtime/capture/syscalls.h"

#include "probe.skel.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace saker::capture {
namespace {

// i386 syscall nr -> the x86_64 syscall it is (decodable or not), or SAKER_NR_NONE: which
// interest-map keys carry SAKER_WANT_IA32 for a wanted syscall (bpf/syscalls_ia32.h).
const std::array<uint32_t, SAKER_SYSCALL_TABLE_SIZE>& ia32_twins() {
    static const auto table = [] {
        std::array<uint32_t, SAKER_SYSCALL_TABLE_SIZE> t;
        t.fill(SAKER_NR_NONE);
#define SAKER_X_TWIN(name, nr32) t[nr32] = SAKER_NR_##name;
        SAKER_IA32_SYSCALLS(SAKER_X_TWIN)
        SAKER_IA32_UNDECODABLE(SAKER_X_TWIN)
#undef SAKER_X_TWIN
        return t;
    }();
    return table;
}

using Progs = decltype(probe_bpf::progs);

// syscall -> its exit handler program (tracepoint mode's tail-call table) and its fexit program,
// from the one table in bpf/syscall_handlers.h.
struct HandlerEntry {
    uint32_t nr;
    bpf_program* Progs::*handler; // nullptr: GENERIC, the dispatcher's own fallback
    bpf_program* Progs::*fexit;   // the program on the syscall's kernel entry point
};

constexpr HandlerEntry kHandlers[] = {
#define SAKER_X_ROW(name, kname, h) {SAKER_NR_##name, &Progs::h, &Progs::saker_fx_##name},
#define SAKER_X_WRAPPER(name, kname, h) {SAKER_NR_##name, &Progs::h, &Progs::saker_fx_fork},
#define SAKER_X_GENERIC(name, kname) {SAKER_NR_##name, nullptr, &Progs::saker_fx_##name},
    SAKER_SYSCALL_HANDLERS(SAKER_X_ROW) SAKER_CLONE_WRAPPERS(SAKER_X_WRAPPER)
        SAKER_GENERIC_SYSCALLS(SAKER_X_GENERIC)
#undef SAKER_X_ROW
#undef SAKER_X_WRAPPER
#undef SAKER_X_GENERIC
};

const HandlerEntry* entry_for(uint32_t nr) {
    for (const HandlerEntry& h : kHandlers)
        if (h.nr == nr) return &h;
    return nullptr;
}

bool clone_family(uint32_t nr) {
    return nr == SAKER_NR_clone || nr == SAKER_NR_clone3 || nr == SAKER_NR_fork ||
           nr == SAKER_NR_vfork;
}

std::string errno_text(int err) {
    if (err < 0) err = -err;
    return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

// Throws ProbeError if a libbpf call failed (libbpf >= 1.0: negative errno).
void check(int rc, const std::string& step, const char* hint = nullptr) {
    if (rc >= 0) return;
    std::string msg = "saker probe: " + step + " failed: " + errno_text(rc);
    if (hint) msg += ". " + std::string(hint);
    throw ProbeError(msg);
}

bool power_of_two(size_t n) {
    return n && !(n & (n - 1));
}

} // namespace

const char* attach_mode_name(AttachMode m) {
    switch (m) {
    case AttachMode::Auto:
        return "auto";
    case AttachMode::Fexit:
        return "fexit";
    case AttachMode::Tracepoint:
        return "tracepoint";
    }
    return "?";
}

Probe::Probe(const ProbeOptions& opts) : wanted_(SAKER_SYSCALL_TABLE_SIZE, 0) {
    // libbpf >= 1.0 behaviour (errors as return codes, memcg-accounted maps
    // instead of RLIMIT_MEMLOCK) is what every check below relies on.
    libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
    AttachMode mode = opts.attach;
    if (mode == AttachMode::Auto) {
        FexitSupport f = fexit_support();
        mode = f.ok ? AttachMode::Fexit : AttachMode::Tracepoint;
        if (!f.ok) fallback_reason_ = f.reason;
    }
    try {
        open_and_load(opts, mode);
    } catch (const ProbeError& e) {
        destroy();
        if (opts.attach != AttachMode::Auto || mode != AttachMode::Fexit) throw;
        fallback_reason_ = e.what();
        open_and_load(opts, AttachMode::Tracepoint);
    }
}

void Probe::open_and_load(const ProbeOptions& opts, AttachMode mode) {
    mode_ = mode;
    std::fill(wanted_.begin(), wanted_.end(), 0);
    skel_ = probe_bpf__open();
    if (!skel_) check(-errno, "opening the BPF object (probe_bpf__open)");
    try {
        configure(opts);
        select_programs();
        load();
        if (mode_ == AttachMode::Tracepoint) install_handlers();
        fill_drop_classes();
        attach();
        apply_interest(opts);
    } catch (...) {
        destroy();
        throw;
    }
}

Probe::~Probe() {
    destroy();
}

void Probe::destroy() noexcept {
    for (auto& [prog, h] : held_)
        if (h.link) bpf_link__destroy(h.link);
    held_.clear();
    for (bpf_link* l : links_)
        bpf_link__destroy(l);
    links_.clear();
    if (skel_) probe_bpf__destroy(skel_);
    skel_ = nullptr;
}

void Probe::configure(const ProbeOptions& opts) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    if (!power_of_two(opts.ring_buffer_bytes) || opts.ring_buffer_bytes % page)
        throw ProbeError("saker probe: ring buffer size " + std::to_string(opts.ring_buffer_bytes) +
                         " must be a power of two and a multiple of the page size (" +
                         std::to_string(page) + ")");
    check(bpf_map__set_max_entries(skel_->maps.events, opts.ring_buffer_bytes),
          "setting the ring buffer size");
    skel_->rodata->saker_ignore_tgid = opts.ignore_tgid;
    skel_->rodata->saker_wakeup_bytes =
        opts.wakeup_bytes ? opts.wakeup_bytes : static_cast<uint32_t>(opts.ring_buffer_bytes / 16);
    skel_->rodata->saker_wakeup_ns = opts.wakeup_ns;
    wakeup_ns_ = opts.wakeup_ns;
}

// Only the chosen mode's programs are loaded (verified): the dispatcher and its tail-called
// handlers, or the fexit programs whose kernel function this kernel's BTF describes (a
// syscall the kernel lacks, e.g. fchmodat2 before 6.6, cannot happen, so needs none).
void Probe::select_programs() {
    bool fexit = mode_ == AttachMode::Fexit;
    btf* vmlinux = fexit ? btf__load_vmlinux_btf() : nullptr;
    if (fexit && !vmlinux) check(-errno, "reading the kernel BTF for the fexit programs");
    bpf_program* prog;
    bpf_object__for_each_program(prog, skel_->obj) {
        std::string_view sec = bpf_program__section_name(prog);
        bool load = true;
        if (sec.starts_with("fexit/")) {
            std::string target(sec.substr(6));
            load = fexit && btf__find_by_name_kind(vmlinux, target.c_str(), BTF_KIND_FUNC) > 0;
        } else if (sec == "tp_btf/sys_exit") {
            load = !fexit; // the dispatcher and the handlers it tail-calls
        }
        bpf_program__set_autoload(prog, load);
    }
    btf__free(vmlinux);
}

void Probe::load() {
    int rc = probe_bpf__load(skel_);
    if (rc < 0)
        check(rc, "loading the BPF programs (verifier)", describe_load_failure(-rc).c_str());
}

void Probe::install_handlers() {
    int table = bpf_map__fd(skel_->maps.exit_handlers);
    for (const HandlerEntry& h : kHandlers) {
        if (!h.handler) continue;
        int prog = bpf_program__fd(skel_->progs.*h.handler);
        check(bpf_map_update_elem(table, &h.nr, &prog, BPF_ANY),
              "installing the handler for " + std::string(syscall_name(h.nr)));
    }
}

void Probe::apply_interest(const ProbeOptions& opts) {
    for (uint32_t nr : opts.syscalls.empty() ? handled_syscalls() : opts.syscalls)
        set_interest(nr, true);
    for (uint32_t nr : opts.payload_syscalls)
        set_payload(nr, opts.snaplen);
}

void Probe::attach() {
    std::vector<bpf_program*> always{skel_->progs.saker_sched_fork, skel_->progs.saker_sched_exec,
                                     skel_->progs.saker_sched_exit};
    if (mode_ == AttachMode::Tracepoint) always.push_back(skel_->progs.saker_sys_exit);
    for (bpf_program* p : always) {
        bpf_link* link = bpf_program__attach(p);
        if (!link)
            check(-errno, std::string("attaching ") + bpf_program__name(p),
                  "the kernel needs tp_btf (BTF raw tracepoint) support, 5.5 or later");
        links_.push_back(link);
    }
}

int Probe::ring_buffer_fd() const {
    return bpf_map__fd(skel_->maps.events);
}

// The interest-map value of key k (events.h): its x86_64 and its i386 reading.
uint8_t Probe::interest_bits(uint32_t k) const {
    uint32_t twin = ia32_twins()[k];
    return (wanted_[k] ? SAKER_WANT_X64 : 0) |
           (twin != SAKER_NR_NONE && wanted_[twin] ? SAKER_WANT_IA32 : 0);
}

// Rewrites the keys whose value depends on whether syscall nr is wanted.
void Probe::write_interest(uint32_t nr) {
    int map = bpf_map__fd(skel_->maps.interesting_syscalls);
    for (uint32_t k = 0; k < SAKER_SYSCALL_TABLE_SIZE; ++k) {
        if (k != nr && ia32_twins()[k] != nr) continue;
        uint8_t v = interest_bits(k);
        check(bpf_map_update_elem(map, &k, &v, BPF_ANY), "updating the interest map");
    }
}

void Probe::set_interest(uint32_t nr, bool on) {
    if (nr >= SAKER_SYSCALL_TABLE_SIZE)
        throw ProbeError("saker probe: syscall " + std::to_string(nr) + " is outside the table");
    if (wanted_[nr] == on) return;
    // The map first when adding and last when removing: the fork and child programs check it.
    wanted_[nr] = on;
    if (on) write_interest(nr);
    if (mode_ == AttachMode::Fexit) {
        try {
            attach_fexit(nr, on);
        } catch (const ProbeError&) {
            wanted_[nr] = false;
            write_interest(nr);
            throw;
        }
    }
    if (!on) write_interest(nr);
}

size_t Probe::interest_count() const {
    return static_cast<size_t>(std::count(wanted_.begin(), wanted_.end(), 1));
}

// The programs a syscall needs in fexit mode: its own, and for the clone family the child's.
void Probe::attach_fexit(uint32_t nr, bool on) {
    const HandlerEntry* h = entry_for(nr);
    if (!h)
        throw ProbeError("saker probe: no fexit program for syscall " + std::to_string(nr) +
                         " (only the syscalls in bpf/syscall_handlers.h can be captured)");
    hold(skel_->progs.*h->fexit, on);
    if (clone_family(nr)) hold(skel_->progs.saker_fx_child, on);
}

void Probe::hold(bpf_program* prog, bool on) {
    if (!bpf_program__autoload(prog)) return; // its kernel function does not exist here
    Held& h = held_[prog];
    if (on && h.users++ == 0) {
        h.link = bpf_program__attach(prog);
        if (!h.link) {
            int err = -errno;
            h.users = 0;
            check(err, std::string("attaching ") + bpf_program__name(prog) + " (fexit)",
                  "fexit needs BPF trampolines (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS); set "
                  "capture.attach: tracepoint to use the sys_exit tracepoint instead");
        }
    } else if (!on && h.users > 0 && --h.users == 0) {
        bpf_link__destroy(h.link);
        h.link = nullptr;
    }
}

void Probe::set_payload(uint32_t nr, uint32_t snaplen) {
    if (nr >= SAKER_SYSCALL_TABLE_SIZE)
        throw ProbeError("saker probe: syscall " + std::to_string(nr) + " is outside the table");
    uint32_t v = snaplen < SAKER_MAX_SNAPLEN ? snaplen : SAKER_MAX_SNAPLEN;
    check(bpf_map_update_elem(bpf_map__fd(skel_->maps.payload_syscalls), &nr, &v, BPF_ANY),
          "updating the payload map");
}

namespace {

// Entry 0 of a per-CPU array map, one value per possible CPU.
template <class T> std::vector<T> read_per_cpu(int map_fd, const std::string& what) {
    int ncpu = libbpf_num_possible_cpus();
    check(ncpu, "counting possible CPUs");
    std::vector<T> raw(ncpu);
    uint32_t key = 0;
    check(bpf_map_lookup_elem(map_fd, &key, raw.data()), "reading the " + what);
    return raw;
}

} // namespace

std::vector<DropCounters> Probe::drops_per_cpu() const {
    std::vector<DropCounters> out;
    for (const auto& r :
         read_per_cpu<saker_drop_counters>(bpf_map__fd(skel_->maps.drop_counters), "drop counters"))
        out.push_back({r.events, r.ringbuf_full, r.truncated_args, r.read_faults, r.tail_call_miss,
                       r.ia32_dropped});
    return out;
}

void Probe::fill_drop_classes() {
    int fd = bpf_map__fd(skel_->maps.drop_class);
    for (uint32_t key = 0; key < SAKER_DROP_CLASS_KEYS; ++key) {
        auto cls = static_cast<uint8_t>(drop_class_of_key(key));
        if (cls) check(bpf_map_update_elem(fd, &key, &cls, BPF_ANY), "filling the drop classes");
    }
}

std::array<uint64_t, SAKER_DROP_CLASSES> Probe::drops_by_class() const {
    std::array<uint64_t, SAKER_DROP_CLASSES> sum{};
    for (const auto& r :
         read_per_cpu<saker_class_drops>(bpf_map__fd(skel_->maps.class_drops), "drop classes"))
        for (size_t c = 0; c < sum.size(); ++c)
            sum[c] += r.n[c];
    return sum;
}

std::vector<ProgramStats> Probe::program_stats() const {
    std::vector<ProgramStats> out;
    bpf_program* prog;
    bpf_object__for_each_program(prog, skel_->obj) {
        if (!bpf_program__autoload(prog)) continue;
        bpf_prog_info info{};
        uint32_t len = sizeof info;
        check(bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len),
              std::string("reading the statistics of ") + bpf_program__name(prog));
        out.push_back({bpf_program__name(prog), info.run_cnt, info.run_time_ns});
    }
    return out;
}

DropCounters Probe::drops() const {
    DropCounters sum;
    for (const DropCounters& c : drops_per_cpu()) {
        sum.events += c.events;
        sum.ringbuf_full += c.ringbuf_full;
        sum.truncated_args += c.truncated_args;
        sum.read_faults += c.read_faults;
        sum.tail_call_miss += c.tail_call_miss;
        sum.ia32_dropped += c.ia32_dropped;
    }
    return sum;
}

} // namespace saker::capture
