#include "runtime/capture/features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

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

} // namespace

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
