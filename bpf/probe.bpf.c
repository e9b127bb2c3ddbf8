// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The saker probe. One sys_exit dispatcher plus one small tail-called handler
 * per syscall family (bpf/handlers/), and the sched_process_{fork,exec,exit}
 * tracepoints for process lifecycle.
 *
 * Why tail calls and not one switch: each handler is verified on its own, so
 * adding a family never pushes the others toward the verifier's complexity
 * limit, and the user-space table (runtime/capture/handlers.cpp) decides per
 * syscall which handler runs. A syscall that is interesting but has no
 * handler still reaches user space, as a GENERIC record with the raw args.
 *
 * Why sys_exit only (no sys_enter program): on x86_64 the argument registers
 * in pt_regs are unchanged at exit, so one record per syscall carries both
 * the arguments and the result, which halves ring-buffer traffic. The two
 * cases where exit is too late are covered elsewhere: a successful execve
 * replaces the user memory holding its arguments (reported from
 * sched_process_exec instead), and exit/exit_group never return (reported
 * from sched_process_exit).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "helpers.bpf.h"

#include "handlers/cred.bpf.h"
#include "handlers/exec.bpf.h"
#include "handlers/file.bpf.h"
#include "handlers/fsops.bpf.h"
#include "handlers/memory.bpf.h"
#include "handlers/net.bpf.h"
#include "handlers/proc_ctl.bpf.h"
#include "handlers/process.bpf.h"
#include "handlers/system.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int syscall_wanted(__u32 nr) {
    __u8* want = bpf_map_lookup_elem(&interesting_syscalls, &nr);
    if (!want || !*want) return 0;
    return !saker_ignore_tgid || (bpf_get_current_pid_tgid() >> 32) != saker_ignore_tgid;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(saker_sys_exit, struct pt_regs* regs, long ret) {
    __u32 nr = regs->orig_ax; /* a BTF pointer: a direct load */
    struct saker_scratch* s;

    if (nr >= SAKER_SYSCALL_TABLE_SIZE || !syscall_wanted(nr)) return 0;
    s = scratch_get();
    if (!s) return 0;
    ev_begin(s, SAKER_EVT_GENERIC, nr, ret);
    bpf_tail_call(ctx, &exit_handlers, nr);

    /* No handler for nr: still report it, with the raw arguments. */
    SAKER_COUNT(tail_call_miss);
    for (int i = 0; i < 6; i++)
        put_u64(s, sys_arg(regs, i));
    ev_submit(s);
    return 0;
}
