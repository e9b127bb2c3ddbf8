#include "runtime/capture/probe.h"

#include "bpf/syscalls_x86_64.h"
#include "runtime/capture/drop_classes.h"
#include "runtime/capture/features.h"
#include "runtime/capture/syscalls.h"

#include "probe.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace saker::capture {
namespace {

using Progs = decltype(probe_bpf::progs);

// syscall -> its exit handler program in the skeleton (bpf/handlers/).
struct HandlerEntry {
    uint32_t nr;
    bpf_program* Progs::*prog;
};

// clang-format off
constexpr HandlerEntry kHandlers[] = {
    {SAKER_NR_execve, &Progs::h_execve}, {SAKER_NR_execveat, &Progs::h_execve},
    {SAKER_NR_clone, &Progs::h_clone}, {SAKER_NR_clone3, &Progs::h_clone},
    {SAKER_NR_fork, &Progs::h_clone}, {SAKER_NR_vfork, &Progs::h_clone},
    {SAKER_NR_open, &Progs::h_open}, {SAKER_NR_openat, &Progs::h_open},
    {SAKER_NR_openat2, &Progs::h_open}, {SAKER_NR_creat, &Progs::h_open},
    {SAKER_NR_close, &Progs::h_fd}, {SAKER_NR_fchdir, &Progs::h_fd},
    {SAKER_NR_dup, &Progs::h_dup}, {SAKER_NR_dup2, &Progs::h_dup}, {SAKER_NR_dup3, &Progs::h_dup},
    {SAKER_NR_socket, &Progs::h_socket}, {SAKER_NR_listen, &Progs::h_listen},
    {SAKER_NR_bind, &Progs::h_sockaddr_op}, {SAKER_NR_connect, &Progs::h_sockaddr_op},
    {SAKER_NR_accept, &Progs::h_accept}, {SAKER_NR_accept4, &Progs::h_accept},
    {SAKER_NR_sendto, &Progs::h_sockio}, {SAKER_NR_recvfrom, &Progs::h_sockio},
    {SAKER_NR_sendmsg, &Progs::h_sockio}, {SAKER_NR_recvmsg, &Progs::h_sockio},
    {SAKER_NR_unlink, &Progs::h_path}, {SAKER_NR_unlinkat, &Progs::h_path},
    {SAKER_NR_mkdir, &Progs::h_path}, {SAKER_NR_mkdirat, &Progs::h_path},
    {SAKER_NR_rmdir, &Progs::h_path}, {SAKER_NR_chdir, &Progs::h_path},
    {SAKER_NR_rename, &Progs::h_path2}, {SAKER_NR_renameat, &Progs::h_path2},
    {SAKER_NR_renameat2, &Progs::h_path2}, {SAKER_NR_link, &Progs::h_path2},
    {SAKER_NR_linkat, &Progs::h_path2}, {SAKER_NR_symlink, &Progs::h_path2},
    {SAKER_NR_symlinkat, &Progs::h_path2},
    {SAKER_NR_chmod, &Progs::h_chmod}, {SAKER_NR_fchmod, &Progs::h_chmod},
    {SAKER_NR_fchmodat, &Progs::h_chmod}, {SAKER_NR_fchmodat2, &Progs::h_chmod},
    {SAKER_NR_chown, &Progs::h_chown}, {SAKER_NR_lchown, &Progs::h_chown},
    {SAKER_NR_fchown, &Progs::h_chown}, {SAKER_NR_fchownat, &Progs::h_chown},
    {SAKER_NR_setuid, &Progs::h_setid}, {SAKER_NR_setgid, &Progs::h_setid},
    {SAKER_NR_setreuid, &Progs::h_setid}, {SAKER_NR_setregid, &Progs::h_setid},
    {SAKER_NR_setresuid, &Progs::h_setid}, {SAKER_NR_setresgid, &Progs::h_setid},
    {SAKER_NR_capset, &Progs::h_capset}, {SAKER_NR_ptrace, &Progs::h_ptrace},
    {SAKER_NR_kill, &Progs::h_kill}, {SAKER_NR_tkill, &Progs::h_kill},
    {SAKER_NR_tgkill, &Progs::h_kill}, {SAKER_NR_prctl, &Progs::h_prctl},
    {SAKER_NR_setns, &Progs::h_setns}, {SAKER_NR_unshare, &Progs::h_flags},
    {SAKER_NR_userfaultfd, &Progs::h_flags},
    {SAKER_NR_mount, &Progs::h_mount}, {SAKER_NR_umount2, &Progs::h_umount},
    {SAKER_NR_init_module, &Progs::h_module}, {SAKER_NR_finit_module, &Progs::h_module},
    {SAKER_NR_bpf, &Progs::h_bpf}, {SAKER_NR_io_uring_setup, &Progs::h_io_uring},
    {SAKER_NR_memfd_create, &Progs::h_memfd},
    {SAKER_NR_mmap, &Progs::h_mmap}, {SAKER_NR_mprotect, &Progs::h_mmap},
    {SAKER_NR_pipe, &Progs::h_pipe}, {SAKER_NR_pipe2, &Progs::h_pipe},
};
// clang-format on

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

Probe::Probe(const ProbeOptions& opts) {
    // libbpf >= 1.0 behaviour (errors as return codes, memcg-accounted maps
    // instead of RLIMIT_MEMLOCK) is what every check below relies on.
    libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
    skel_ = probe_bpf__open();
    if (!skel_) check(-errno, "opening the BPF object (probe_bpf__open)");
    try {
        configure(opts);
        load();
        install_handlers();
        fill_drop_classes();
        apply_interest(opts);
        attach();
    } catch (...) {
        destroy();
        throw;
    }
}

Probe::~Probe() {
    destroy();
}

void Probe::destroy() noexcept {
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

void Probe::load() {
    int rc = probe_bpf__load(skel_);
    if (rc < 0)
        check(rc, "loading the BPF programs (verifier)", describe_load_failure(-rc).c_str());
}

void Probe::install_handlers() {
    int table = bpf_map__fd(skel_->maps.exit_handlers);
    for (const HandlerEntry& h : kHandlers) {
        int prog = bpf_program__fd(skel_->progs.*h.prog);
        check(bpf_map_update_elem(table, &h.nr, &prog, BPF_ANY),
              "installing the handler for " + std::string(syscall_name(h.nr)));
    }
}

void Probe::apply_interest(const ProbeOptions& opts) {
    for (uint32_t nr : opts.syscalls.empty() ? handled_syscalls() : opts.syscalls)
        set_interest(nr, true);
}

void Probe::attach() {
    bpf_program* entry[] = {skel_->progs.saker_sys_exit, skel_->progs.saker_sched_fork,
                            skel_->progs.saker_sched_exec, skel_->progs.saker_sched_exit};
    for (bpf_program* p : entry) {
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

void Probe::set_interest(uint32_t nr, bool on) {
    if (nr >= SAKER_SYSCALL_TABLE_SIZE)
        throw ProbeError("saker probe: syscall " + std::to_string(nr) + " is outside the table");
    uint8_t v = on ? 1 : 0;
    check(bpf_map_update_elem(bpf_map__fd(skel_->maps.interesting_syscalls), &nr, &v, BPF_ANY),
          "updating the interest map");
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
        out.push_back(
            {r.events, r.ringbuf_full, r.truncated_args, r.read_faults, r.tail_call_miss});
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

DropCounters Probe::drops() const {
    DropCounters sum;
    for (const DropCounters& c : drops_per_cpu()) {
        sum.events += c.events;
        sum.ringbuf_full += c.ringbuf_full;
        sum.truncated_args += c.truncated_args;
        sum.read_faults += c.read_faults;
        sum.tail_call_miss += c.tail_call_miss;
    }
    return sum;
}

} // namespace saker::capture
