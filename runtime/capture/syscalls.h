// Syscall numbers and names the capture layer knows (x86_64).
//
// Contract: the numbers are bpf/syscalls_x86_64.h, checked against the host's
// <sys/syscall.h> at compile time. handled_syscalls() is every syscall the probe
// has a dedicated handler for; state_syscalls() is the subset the runtime needs
// whatever the rules say (process tree, fd table, cwd), which the loader adds to
// the rules' own set to fill the probe's interest map. produces_event() says whether
// a Falco event name can reach the rules at all (a rule whose every event type fails
// it loads but can never fire).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace saker::capture {

// "openat" for 257; "" for a syscall this table does not name.
std::string_view syscall_name(uint32_t nr);
std::optional<uint32_t> syscall_nr(std::string_view name);

const std::vector<uint32_t>& handled_syscalls();
// True for an event the capture can deliver when a rule asks for it: a syscall this table
// names (the probe captures it on request) or procexit.
bool produces_event(std::string_view falco_name);
const std::vector<uint32_t>& state_syscalls();

} // namespace saker::capture
