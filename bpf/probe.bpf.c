// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The saker probe. Two ways in, chosen by user space at load time
 * (runtime/capture/probe.cpp, from the kernel feature check), both running the
 * same handler code (bpf/handlers/, the table in syscall_handlers.h), plus the
 * sched_process_{fork,exec,exit} tracepoints for the process lifecycle:
 *
 * fexit (preferred): one program per syscall on the kernel's __x64_sys_<name>
 * entry point, attached only while user space wants that syscall. A syscall
 * no rule needs runs no BPF at all, and no task is put on the syscall slow
 * path (a global sys_exit tracepoint sets SYSCALL_WORK_SYSCALL_TRACEPOINT on
 * every task). Each program inlines its handler instead of tail-calling it:
 * a tail call between tracing programs needs the same attach prototype, and
 * the kernel's syscall wrappers come with two (their pt_regs parameter is
 * named `regs` or `__unused`), so one shared table cannot serve them all.
 *
 * tracepoint (fallback, where fentry/fexit are unavailable): one tp_btf
 * sys_exit dispatcher that checks the interest map and tail-calls the
 * syscall's handler; each handler is then verified once, on its own.
 *
 * Why at exit only (no entry program): on x86_64 the argument registers in
 * pt_regs are unchanged at exit, so one record per syscall carries both the
 * arguments and the result, which halves ring-buffer traffic. The two cases
 * where exit is too late are covered elsewhere: a successful execve replaces
 * the user memory holding its arguments (reported from sched_process_exec
 * instead), and exit/exit_group never return (sched_process_exit).
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "helpers.bpf.h"
#include "syscall_handlers.h"

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

#define SAKER_PF_KTHREAD 0x00200000
#define SAKER_PF_IO_WORKER 0x00000010

static __always_inline int task_ignored(struct task_struct* t) {
    return saker_ignore_tgid && t->tgid == saker_ignore_tgid;
}

/* The interest map's bits for key nr (events.h): wanted as an x86_64 syscall, or as the i386
 * syscall nr translated. An array lookup the verifier inlines: no helper call. */
static __always_inline __u8 interest_bits(__u32 nr) {
    __u8* want = bpf_map_lookup_elem(&interesting_syscalls, &nr);
    return want ? *want : 0;
}

static __always_inline int syscall_wanted(__u32 nr) {
    return (interest_bits(nr) & SAKER_WANT_X64) && !task_ignored(bpf_get_current_task_btf());
}

/* A GENERIC record: the six raw arguments. */
static __always_inline int h_generic_body(void* ctx, struct pt_regs* regs, long ret) {
    struct saker_scratch* s = scratch_get();

    if (!s) return 0;
    for (int i = 0; i < 6; i++)
        put_u64(s, sys_arg(s, i));
    ev_submit(s);
    return 0;
}

/* ---- tracepoint mode ------------------------------------------------------ */

/* The x86_64 number of i386 syscall nr, which returned ret (syscalls_ia32.h); SAKER_NR_NONE
 * when it is not reported. The caller checked that its translation is wanted. */
static __always_inline __u32 ia32_to_x64(__u32 nr, long ret) {
    __u32 x64 = saker_ia32_to_x64[nr & (SAKER_SYSCALL_TABLE_SIZE - 1)];

    if (!x64) return SAKER_NR_NONE;
    if (x64 & SAKER_COMPAT_UNDECODABLE) {
        x64 = (x64 & ~SAKER_COMPAT_UNDECODABLE) - 1;
        /* A successful exec is reported whole from sched_process_exec: nothing lost. */
        if (!((x64 == SAKER_NR_execve || x64 == SAKER_NR_execveat) && ret == 0))
            SAKER_COUNT(ia32_dropped);
        return SAKER_NR_NONE;
    }
    return x64 - 1;
}

/* Every syscall of every task comes here: the common case, a syscall no rule needs, must
 * leave after one inlined array lookup, before any helper call. */
SEC("tp_btf/sys_exit")
int BPF_PROG(saker_sys_exit, struct pt_regs* regs, long ret) {
    __u32 nr = regs->orig_ax; /* a BTF pointer: a direct load */
    struct saker_scratch* s;
    struct task_struct* t;
    __u8 want;
    int ia32;

    if (nr >= SAKER_SYSCALL_TABLE_SIZE || !(want = interest_bits(nr))) return 0;
    t = bpf_get_current_task_btf();
    ia32 = task_in_ia32_syscall(t);
    if (!(want & (ia32 ? SAKER_WANT_IA32 : SAKER_WANT_X64)) || task_ignored(t)) return 0;
    if (ia32 && (nr = ia32_to_x64(nr, ret)) >= SAKER_SYSCALL_TABLE_SIZE) return 0;
    s = scratch_get();
    if (!s) return 0;
    ev_begin_task(s, t, SAKER_EVT_GENERIC, nr, ret);
    ev_args(s, regs, ia32);
    bpf_tail_call(ctx, &exit_handlers, nr);

    /* No handler for nr: still report it, with the raw arguments. */
    SAKER_COUNT(tail_call_miss);
    return h_generic_body(ctx, regs, ret);
}

/* ---- fexit mode ----------------------------------------------------------- */

/* Starts the record; NULL when the task is the agent itself. Attached means
 * wanted: no interest-map lookup. */
static __always_inline struct saker_scratch* fx_begin(__u32 nr, struct pt_regs* regs, int ia32,
                                                      long ret) {
    struct task_struct* t = bpf_get_current_task_btf();
    struct saker_scratch* s;

    if (task_ignored(t)) return NULL;
    s = scratch_get();
    if (!s) return NULL;
    ev_begin_task(s, t, SAKER_EVT_GENERIC, nr, ret);
    ev_args(s, regs, ia32);
    return s;
}

#define SAKER_FX_PROG(name, kname, handler)                                                        \
    SEC("fexit/__x64_sys_" #kname)                                                                 \
    int BPF_PROG(saker_fx_##name, struct pt_regs* regs, long ret) {                                \
        if (!fx_begin(SAKER_NR_##name, regs, 0, ret)) return 0;                                    \
        return handler##_body(ctx, regs, ret);                                                     \
    }
#define SAKER_FX_GENERIC(name, kname) SAKER_FX_PROG(name, kname, h_generic)
SAKER_SYSCALL_HANDLERS(SAKER_FX_PROG)
SAKER_GENERIC_SYSCALLS(SAKER_FX_GENERIC)

/* The syscall the current task is in (its user pt_regs), an ia32 one translated. */
static __always_inline __u32 current_syscall(struct pt_regs** regs, int* ia32) {
    *regs = (struct pt_regs*)bpf_task_pt_regs(bpf_get_current_task_btf());
    __u32 nr = (*regs)->orig_ax;

    *ia32 = in_ia32_syscall();
    if (nr >= SAKER_SYSCALL_TABLE_SIZE) return SAKER_NR_NONE;
    return *ia32 ? ia32_to_x64(nr, 0) : nr;
}

/* fork/vfork in the parent (see SAKER_CLONE_WRAPPERS): kernel_clone() also
 * serves clone/clone3 (their own programs report them) and kernel threads. */
SEC("fexit/kernel_clone")
int BPF_PROG(saker_fx_fork, struct kernel_clone_args* args, long ret) {
    struct pt_regs* regs;
    int ia32;
    __u32 nr = current_syscall(&regs, &ia32);

    if ((nr != SAKER_NR_fork && nr != SAKER_NR_vfork) || !syscall_wanted(nr)) return 0;
    if (!fx_begin(nr, regs, ia32, (int)ret)) return 0;
    return h_clone_body(ctx, regs, (int)ret);
}

/* The child's side of the clone family (ret = 0), which the tracepoint sees
 * as the child's own sys_exit: a new task runs schedule_tail() first, in its
 * own context, with the parent's syscall registers copied. */
SEC("fexit/schedule_tail")
int BPF_PROG(saker_fx_child, struct task_struct* prev) {
    struct task_struct* t = bpf_get_current_task_btf();
    struct pt_regs* regs;
    int ia32;
    __u32 nr;

    if (t->flags & (SAKER_PF_KTHREAD | SAKER_PF_IO_WORKER)) return 0;
    nr = current_syscall(&regs, &ia32);
    if (nr != SAKER_NR_clone && nr != SAKER_NR_clone3 && nr != SAKER_NR_fork &&
        nr != SAKER_NR_vfork)
        return 0;
    if (!syscall_wanted(nr) || !fx_begin(nr, regs, ia32, 0)) return 0;
    return h_clone_body(ctx, regs, 0);
}
