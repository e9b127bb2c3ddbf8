/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Control over other processes and namespaces: ptrace, kill/tkill/tgkill,
 * prctl, setns, unshare. */
#ifndef SAKER_BPF_HANDLERS_PROC_CTL_BPF_H
#define SAKER_BPF_HANDLERS_PROC_CTL_BPF_H

#include "../helpers.bpf.h"

#define SAKER_PR_SET_NAME 15

SAKER_EXIT_HANDLER(h_ptrace) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_PTRACE);

    if (!s) return 0;
    put_u64(s, sys_arg(s, 0));
    put_u64(s, (__s64)(int)sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* KILL layout: tgid, tid, sig. kill(pid, sig) has no tid (0); tkill no tgid (0). */
SAKER_EXIT_HANDLER(h_kill) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_KILL);
    __u64 a0 = (__s64)(int)sys_arg(s, 0), a1 = (__s64)(int)sys_arg(s, 1);

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_kill:
        put_u64(s, a0), put_u64(s, 0), put_u64(s, a1);
        break;
    case SAKER_NR_tkill:
        put_u64(s, 0), put_u64(s, a0), put_u64(s, a1);
        break;
    default:
        put_u64(s, a0), put_u64(s, a1), put_u64(s, sys_arg(s, 2));
        break;
    }
    ev_submit(s);
    return 0;
}

/* PRCTL layout: option, arg2, name (only for PR_SET_NAME: the new comm). */
SAKER_EXIT_HANDLER(h_prctl) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_PRCTL);
    __u64 option = sys_arg(s, 0), arg2 = sys_arg(s, 1);

    if (!s) return 0;
    put_u64(s, option);
    put_u64(s, arg2);
    if (option == SAKER_PR_SET_NAME)
        put_str(s, (const void*)arg2, 1);
    else
        put_none(s);
    ev_submit(s);
    return 0;
}

SAKER_EXIT_HANDLER(h_setns) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_SETNS);

    if (!s) return 0;
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    put_u64(s, sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* FLAGS layout: unshare(flags), userfaultfd(flags). */
SAKER_EXIT_HANDLER(h_flags) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_FLAGS);

    if (!s) return 0;
    put_u64(s, sys_arg(s, 0));
    ev_submit(s);
    return 0;
}

#endif
