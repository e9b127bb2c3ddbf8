/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* set*id and capset: the ids asked for, then the credentials that resulted. */
#ifndef SAKER_BPF_HANDLERS_CRED_BPF_H
#define SAKER_BPF_HANDLERS_CRED_BPF_H

#include "../helpers.bpf.h"

/* SETID layout: a0..a2 as passed (unused ones -1), then uid, euid, gid, egid
 * of the thread after the call. */
SAKER_EXIT_HANDLER(h_setid) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_SETID);
    struct task_struct* t = bpf_get_current_task_btf();
    const struct cred* c = BPF_CORE_READ(t, cred);
    int n = 1;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_setreuid:
    case SAKER_NR_setregid:
        n = 2;
        break;
    case SAKER_NR_setresuid:
    case SAKER_NR_setresgid:
        n = 3;
        break;
    }
    put_u64(s, (__u32)sys_arg(s, 0));
    put_u64(s, n > 1 ? (__u32)sys_arg(s, 1) : (__u32)-1);
    put_u64(s, n > 2 ? (__u32)sys_arg(s, 2) : (__u32)-1);
    put_u64(s, BPF_CORE_READ(c, uid.val));
    put_u64(s, BPF_CORE_READ(c, euid.val));
    put_u64(s, BPF_CORE_READ(c, gid.val));
    put_u64(s, BPF_CORE_READ(c, egid.val));
    ev_submit(s);
    return 0;
}

SAKER_EXIT_HANDLER(h_capset) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_CAPSET);
    struct task_struct* t = bpf_get_current_task_btf();
    const struct cred* c = BPF_CORE_READ(t, cred);

    if (!s) return 0;
    put_u64(s, saker_read_cap(&c->cap_inheritable));
    put_u64(s, saker_read_cap(&c->cap_permitted));
    put_u64(s, saker_read_cap(&c->cap_effective));
    ev_submit(s);
    return 0;
}

#endif
