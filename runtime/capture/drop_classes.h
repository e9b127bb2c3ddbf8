// Drop classes: which kind of syscall a record lost to a full ring buffer came from, in the
// categories Falco's drivers count (libs' n_drops_buffer_<class>_exit counters), so that
// `falcosecurity_scap_n_drops_buffer_total{drop=...}` means what it means for Falco.
//
// Contract:
// - Class indexes are the probe's class_drops slots (bpf/events.h: drop classes); 0 is
//   "unclassified" (counted in the total only) and has no name.
// - drop_class_of_key() is what the probe's drop_class map holds for every key: a syscall nr
//   (by Falco's syscall lists), or SAKER_SYSCALL_TABLE_SIZE + an event type for records no
//   syscall produced (a process exit is class "proc", as Falco's proc_exit).
#pragma once

#include "bpf/events.h"

#include <cstdint>
#include <string_view>

namespace saker::capture {

enum class DropClass : uint8_t {
    None,
    CloneFork,
    Execve,
    Connect,
    Open,
    DirFile,
    OtherInterest,
    Close,
    Proc,
    Count
};
static_assert(static_cast<unsigned>(DropClass::Count) <= SAKER_DROP_CLASSES);

// Falco's label value ("clone_fork", "dir_file", ...); "" for None.
std::string_view drop_class_name(DropClass c);

DropClass drop_class_of_key(uint32_t key);

} // namespace saker::capture
