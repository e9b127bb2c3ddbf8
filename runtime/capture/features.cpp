#include "runtime/capture/features.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <linux/capability.h>
#include <string>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

namespace saker::capture {
namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";
constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

bool has_cap(const __user_cap_data_struct (&d)[2], int cap) {
    return d[cap / 32].effective & (1u << (cap % 32));
}

bool privileged() {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (syscall(SYS_capget, &hdr, data) != 0) return geteuid() == 0;
    return has_cap(data, kCapSysAdmin) || (has_cap(data, kCapBpf) && has_cap(data, kCapPerfmon));
}

// sys_exit as a BTF raw tracepoint needs its btf_trace_* typedef in vmlinux BTF.
bool has_tp_btf_sys_exit() {
    btf* vmlinux = btf__load_vmlinux_btf();
    if (!vmlinux) return false;
    bool found = btf__find_by_name_kind(vmlinux, "btf_trace_sys_exit", BTF_KIND_TYPEDEF) > 0;
    btf__free(vmlinux);
    return found;
}

// The kernel's build configuration, as text; "" when neither place is readable.
std::string kernel_config() {
    std::string out;
    if (gzFile z = gzopen("/proc/config.gz", "rb")) {
        char buf[1 << 16];
        for (int n; (n = gzread(z, buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<size_t>(n));
        gzclose(z);
        if (!out.empty()) return out;
    }
    utsname u{};
    if (uname(&u) != 0) return out;
    std::ifstream in(std::string("/boot/config-") + u.release);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

// Loads and drops `return 0` as an fexit program on the function with this BTF id: the kernel
// can refuse trampoline programs although it is built for them (a security module, the
// hypervisor). Returns 0 or the negative errno.
int try_fexit_load(int btf_id) {
    const bpf_insn insns[] = {
        {BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0}, // r0 = 0
        {BPF_JMP | BPF_EXIT, 0, 0, 0, 0},                  // return r0
    };
    bpf_prog_load_opts opts{};
    opts.sz = sizeof opts;
    opts.expected_attach_type = BPF_TRACE_FEXIT;
    opts.attach_btf_id = static_cast<__u32>(btf_id);
    int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "saker_fexit_chk", "GPL", insns, 2, &opts);
    if (fd < 0) return -errno;
    close(fd);
    return 0;
}

FexitSupport fexit_support() {
    btf* vmlinux = btf__load_vmlinux_btf();
    int id = vmlinux ? btf__find_by_name_kind(vmlinux, "__x64_sys_openat", BTF_KIND_FUNC) : -1;
    btf__free(vmlinux);
    if (id <= 0)
        return {false, "the kernel BTF does not describe the syscall entry points "
                       "(__x64_sys_openat)"};
    std::string config = kernel_config();
    if (!config.empty() &&
        config.find("\nCONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y") == std::string::npos)
        return {false, "the kernel lacks CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y (BPF "
                       "trampolines for fexit)"};
    if (int err = try_fexit_load(id); err < 0)
        return {false, std::string("the kernel refuses fexit programs (") + std::strerror(-err) +
                           (config.empty() ? ")"
                                           : ") although it has "
                                             "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y") +
                           ": a security module or the hypervisor denies BPF trampolines"};
    return {true, ""};
}

std::string FeatureReport::message() const {
    std::string out;
    for (const std::string& m : missing)
        out += (out.empty() ? "" : "\n") + m;
    return out;
}

FeatureReport check_kernel_features() {
    FeatureReport r;
    bool priv = privileged();
    if (!priv)
        r.missing.push_back("not privileged: run saker as root, or grant CAP_BPF and "
                            "CAP_PERFMON (kernel >= 5.8), e.g. setcap cap_bpf,cap_perfmon+ep");
    if (access(kBtfPath, R_OK) != 0) {
        r.missing.push_back(std::string(kBtfPath) +
                            " is missing: the kernel was built without CONFIG_DEBUG_INFO_BTF=y; "
                            "use a kernel with BTF (most distribution kernels since 5.8 have it)");
        return r; // the checks below all read BTF
    }
    if (!has_tp_btf_sys_exit())
        r.missing.push_back("the kernel BTF has no btf_trace_sys_exit: BTF raw tracepoints "
                            "(tp_btf, kernel >= 5.5) on sys_exit are not available");
    if (priv && libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, nullptr) != 1)
        r.missing.push_back("the kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, kernel >= "
                            "5.8): upgrade the kernel");
    return r;
}

std::string describe_load_failure(int err) {
    switch (err) {
    case EPERM:
        return "Run as root or with CAP_BPF+CAP_PERFMON; on kernels older than 5.11 also raise "
               "RLIMIT_MEMLOCK (ulimit -l unlimited)";
    case EACCES:
    case EINVAL:
        return "The verifier rejected a program: the kernel is too old for this probe or lacks "
               "a needed helper; libbpf printed the verifier log above";
    case ENOENT:
    case ESRCH:
        return "A CO-RE relocation or BTF type was not found: the kernel's BTF lacks a field "
               "the probe reads";
    case E2BIG:
        return "A program exceeds the verifier's limits on this kernel";
    default:
        return "See the libbpf messages above";
    }
}

} // namespace saker::capture
