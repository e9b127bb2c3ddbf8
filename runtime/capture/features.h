// Kernel feature check: can this host run the saker probe, and if not, why.
//
// Contract: check_kernel_features() only inspects (files, capabilities, one
// tiny map probe when privileged); it loads nothing that stays. Every entry in
// `missing` is a full sentence saying what is missing and how to fix it, fit
// to print as is. describe_load_failure() turns a load errno into such advice.
#pragma once

#include <string>
#include <vector>

namespace saker::capture {

struct FeatureReport {
    std::vector<std::string> missing;

    bool ok() const { return missing.empty(); }
    std::string message() const; // all of `missing`, one per line
};

FeatureReport check_kernel_features();

// Whether the probe's fexit attach mode can run here (capture/probe.h): vmlinux BTF describes
// the syscall entry points (__x64_sys_*), the kernel has ftrace direct calls
// (CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS=y in /proc/config.gz or /boot/config-<release>, when
// readable), which BPF trampolines need, and it accepts a trivial fexit program (loaded and
// dropped at once: some kernels refuse trampolines, e.g. this project's VMs with EPERM).
// `reason` says why not.
struct FexitSupport {
    bool ok = false;
    std::string reason;
};
FexitSupport fexit_support();

// Advice for a failed probe load with this (positive) errno.
std::string describe_load_failure(int err);

} // namespace saker::capture
