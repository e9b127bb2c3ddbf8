/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Process lifecycle: clone family exits and the sched_process_fork/exit
 * tracepoints that keep the thread table right even for syscalls user space
 * did not ask for. */
#ifndef SAKER_BPF_HANDLERS_PROCESS_BPF_H
#define SAKER_BPF_HANDLERS_PROCESS_BPF_H

#include "../helpers.bpf.h"

#define SAKER_CLONE_VFORK 0x4000
#define SAKER_CLONE_VM 0x100
#define SAKER_SIGCHLD 17

/* clone(flags, ...) / clone3(struct clone_args *, size) / fork / vfork.
 * Reported in both the parent (ret = child tid) and the child (ret = 0). */
SAKER_EXIT_HANDLER(h_clone) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_CLONE);
    __u64 flags = 0;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_clone:
        flags = sys_arg(s, 0);
        break;
    case SAKER_NR_clone3:
        bpf_probe_read_user(&flags, sizeof(flags), (void*)sys_arg(s, 0));
        break;
    case SAKER_NR_vfork:
        flags = SAKER_CLONE_VFORK | SAKER_CLONE_VM | SAKER_SIGCHLD;
        break;
    default:
        flags = SAKER_SIGCHLD;
        break; /* fork */
    }
    put_u64(s, flags);
    ev_submit(s);
    return 0;
}

/* setsid() and setpgid(pid, pgid): the two args as a GENERIC record (user space applies them
 * to the process table; Falco tracks setsid the same way). */
SAKER_EXIT_HANDLER(h_pgrp) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_GENERIC);

    if (!s) return 0;
    put_u64(s, sys_arg(s, 0));
    put_u64(s, sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* Runs in the parent; always on, whatever the interest map says. Reports the child's ids. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(saker_sched_fork, struct task_struct* parent, struct task_struct* child) {
    struct saker_scratch* s = scratch_get();

    if (!s) return 0;
    ev_begin(s, SAKER_EVT_PROC_FORK, SAKER_NR_NONE, 0);
    put_u64(s, BPF_CORE_READ(child, pid));
    put_u64(s, BPF_CORE_READ(child, tgid));
    /* From the kernel, not inherited in user space: a child of unshare(CLONE_NEWPID) or of
     * setns() into a pid namespace is numbered in the new one (vpid 1 for its first). */
    put_task_ids(s, child);
    /* The child's name as the kernel copied it: the parent's comm now, which a prctl
     * (PR_SET_NAME) since its exec may have changed (runc's "runc:[1:CHILD]"). */
    put_str(s, child->comm, 0);
    ev_submit(s);
    return 0;
}

/* Runs once per exiting thread, in that thread. */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(saker_sched_exit, struct task_struct* p) {
    struct saker_scratch* s = scratch_get();

    if (!s) return 0;
    ev_begin(s, SAKER_EVT_PROC_EXIT, SAKER_NR_NONE, 0);
    put_u64(s, BPF_CORE_READ(p, exit_code));
    put_u64(s, saker_group_dead(p));
    ev_submit(s);
    return 0;
}

#endif
