// Scheduling: the agent's niceness (saker.yaml `nice`).
//
// Contract: set_nice(n) gives every thread of the process niceness n (Linux keeps niceness
// per thread, so each task in /proc/self/task is set; threads started later inherit it from
// their creator). Returns false and fills `error` when the kernel refuses (no CAP_SYS_NICE);
// threads already set keep their new value. run_at_normal_priority() puts only the calling
// thread back to 0 (always allowed): background work such as a reload's compilation must
// not run ahead of the workloads.
#pragma once

#include <string>

namespace saker::agent {

bool set_nice(int nice, std::string& error);
void run_at_normal_priority();

} // namespace saker::agent
