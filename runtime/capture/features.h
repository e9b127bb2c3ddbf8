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

// Advice for a failed probe load with this (positive) errno.
std::string describe_load_failure(int err);

} // namespace saker::capture
