/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Kernel-facing syscalls: mount/umount2, init_module/finit_module, bpf,
 * io_uring_setup. */
#ifndef SAKER_BPF_HANDLERS_SYSTEM_BPF_H
#define SAKER_BPF_HANDLERS_SYSTEM_BPF_H

#include "../helpers.bpf.h"

#define SAKER_BPF_PROG_LOAD 5

SAKER_EXIT_HANDLER(h_mount) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_MOUNT);

    if (!s) return 0;
    put_str(s, (const void*)sys_arg(s, 0), 1);
    put_str(s, (const void*)sys_arg(s, 1), 1);
    put_str(s, (const void*)sys_arg(s, 2), 1);
    put_u64(s, sys_arg(s, 3));
    ev_submit(s);
    return 0;
}

SAKER_EXIT_HANDLER(h_umount) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_UMOUNT);

    if (!s) return 0;
    put_str(s, (const void*)sys_arg(s, 0), 1);
    put_u64(s, sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* MODULE layout: fd (-1 for init_module), len (0 for finit_module), uargs, flags. */
SAKER_EXIT_HANDLER(h_module) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_MODULE);
    int fin;

    if (!s) return 0;
    fin = ev_nr(s) == SAKER_NR_finit_module;
    put_u64(s, fin ? (__u64)(__s64)(int)sys_arg(s, 0) : (__u64)-1);
    put_u64(s, fin ? 0 : sys_arg(s, 1));
    put_str(s, (const void*)sys_arg(s, fin ? 1 : 2), 1);
    put_u64(s, fin ? sys_arg(s, 2) : 0);
    ev_submit(s);
    return 0;
}

/* BPF layout: cmd, prog_type (BPF_PROG_LOAD only: first u32 of the attr). */
SAKER_EXIT_HANDLER(h_bpf) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_BPF);
    __u64 cmd = sys_arg(s, 0);
    __u32 prog_type = 0;

    if (!s) return 0;
    put_u64(s, cmd);
    if (cmd == SAKER_BPF_PROG_LOAD &&
        !bpf_probe_read_user(&prog_type, sizeof(prog_type), (void*)sys_arg(s, 1)))
        put_u64(s, prog_type);
    else
        put_none(s);
    ev_submit(s);
    return 0;
}

/* io_uring_setup(entries, struct io_uring_params *): flags at offset 8. */
SAKER_EXIT_HANDLER(h_io_uring) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_IO_URING);
    __u32 flags = 0;

    if (!s) return 0;
    bpf_probe_read_user(&flags, sizeof(flags), (void*)(sys_arg(s, 1) + 8));
    put_u64(s, (__u32)sys_arg(s, 0));
    put_u64(s, flags);
    ev_submit(s);
    return 0;
}

#endif
