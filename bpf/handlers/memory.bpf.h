/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Memory and anonymous files: mmap/mprotect (protection flags),
 * memfd_create, pipe/pipe2. */
#ifndef SAKER_BPF_HANDLERS_MEMORY_BPF_H
#define SAKER_BPF_HANDLERS_MEMORY_BPF_H

#include "../helpers.bpf.h"

/* MMAP layout: addr, len, prot, flags, fd; mprotect has no flags/fd (absent). */
SAKER_EXIT_HANDLER(h_mmap) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_MMAP);

    if (!s) return 0;
    put_u64(s, sys_arg(s, 0));
    put_u64(s, sys_arg(s, 1));
    put_u64(s, sys_arg(s, 2));
    if (ev_nr(s) == SAKER_NR_mmap) {
        put_u64(s, sys_arg(s, 3));
        put_u64(s, (__s64)(int)sys_arg(s, 4));
    }
    ev_submit(s);
    return 0;
}

SAKER_EXIT_HANDLER(h_memfd) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_MEMFD);

    if (!s) return 0;
    put_str(s, (const void*)sys_arg(s, 0), 1);
    put_u64(s, sys_arg(s, 1));
    ev_submit(s);
    return 0;
}

/* PIPE layout: the two fds the kernel wrote back, flags. */
SAKER_EXIT_HANDLER(h_pipe) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_PIPE);
    int fds[2] = {-1, -1};

    if (!s) return 0;
    if (ret == 0) bpf_probe_read_user(fds, sizeof(fds), (void*)sys_arg(s, 0));
    put_u64(s, (__s64)fds[0]);
    put_u64(s, (__s64)fds[1]);
    put_u64(s, ev_nr(s) == SAKER_NR_pipe2 ? sys_arg(s, 1) : 0);
    ev_submit(s);
    return 0;
}

#endif
