// The state updater: applies one decoded capture event to the process table and returns what
// the event is about, for field extraction.
//
// Contract:
// - apply() mutates the table as the kernel did: fork copies the parent (fd table included),
//   exec replaces the image facts and closes O_CLOEXEC fds, a group-dead exit removes the
//   process, and every event refreshes the process's ppid from hdr.ppid (how re-parenting is
//   seen). Failed syscalls change nothing but still get a context.
// - The returned context is valid until the next apply(). It owns whatever the event needs that
//   the table no longer holds: the process of a `procexit` (already removed from the table),
//   the fd of a `close` as it was before closing, the attempted fd of a failed open. Table
//   entries a lazy load evicts meanwhile stay alive until the next apply() (ProcessTable).
// - `type_name` is Falco's event name: the syscall's name for syscall events ("openat",
//   "execve", "connect", ...), "procexit" for PROC_EXIT, and "" for PROC_FORK, which is
//   bookkeeping only (Falco has no such event; the clone family reports the fork).
// - Paths are resolved as Falco does: relative ones against the process's cwd (AT_FDCWD) or the
//   dirfd's name, lexically normalised; when the base is unknown the path is kept as passed.
#pragma once

#include "runtime/capture/decoder.h"
#include "runtime/state/process_table.h"

#include <cstdint>
#include <memory>
#include <string_view>

namespace saker::state {

class UserDb;

struct EventContext {
    const capture::Event* event = nullptr;
    uint64_t num = 0;                // evt.num: 1 for the first event applied
    std::string_view type_name;      // Falco's event name ("" for state-only records)
    Process* process = nullptr;      // the process the event came from (may be null)
    FdInfo* fd = nullptr;            // the fd the event is about (may point at fd_copy)
    int64_t fd_num = -1;             // fd.num; -1 for a failed open
    bool has_fd = false;             // fd_num is meaningful for this event
    bool fd_name_changed = false;    // this event changed the fd's name
    FdInfo fd_copy;                  // storage for an fd the table never held (failed open)
    FdMap::node_type closed_fd;      // a closed fd, taken out of its process's table whole
    std::unique_ptr<Process> exited; // a procexit's process, kept alive for this event
};

class StateUpdater {
  public:
    // `users` (optional) is told to forget a container process's root when it exits.
    explicit StateUpdater(ProcessTable& table, UserDb* users = nullptr);

    const EventContext& apply(const capture::Event& ev);
    const EventContext& context() const { return ctx_; }

  private:
    Process* process_for(const capture::Event& ev);
    void on_clone(const capture::Event& ev);
    void on_fork(const capture::Event& ev);
    void on_exit(const capture::Event& ev);
    void on_exec(const capture::Event& ev);
    void on_open(const capture::Event& ev);
    void on_fd(const capture::Event& ev);
    void on_dup(const capture::Event& ev);
    void on_socket(const capture::Event& ev);
    void on_sockaddr(const capture::Event& ev);
    void on_listen(const capture::Event& ev);
    void on_accept(const capture::Event& ev);
    void on_sockio(const capture::Event& ev);
    void on_pipe(const capture::Event& ev);
    void on_memfd(const capture::Event& ev);
    void on_path(const capture::Event& ev);
    void on_setid(const capture::Event& ev);
    void on_capset(const capture::Event& ev);
    void on_prctl(const capture::Event& ev);
    void on_pgrp(const capture::Event& ev);
    void on_fd_param(const capture::Event& ev, size_t param);

    // The base a relative path is resolved against; "" if unknown.
    std::string base_dir(Process& p, int64_t dirfd);
    void point_at(Process& p, int64_t fd);
    FdInfo& put_fd(Process& p, int64_t fd, FdInfo info);

    ProcessTable& table_;
    UserDb* users_;
    EventContext ctx_;
    uint64_t count_ = 0;
};

// Falco's event name for a record (see EventContext::type_name).
std::string_view falco_event_name(const capture::Event& ev);

} // namespace saker::state
