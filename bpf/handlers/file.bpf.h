/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* open/openat/openat2/creat, read/write, close, fchdir and the dup family. */
#ifndef SAKER_BPF_HANDLERS_FILE_BPF_H
#define SAKER_BPF_HANDLERS_FILE_BPF_H

#include "../helpers.bpf.h"

#define SAKER_O_CREAT_WRONLY_TRUNC (0100 | 01 | 01000)

/* dirfd, path, flags, mode as the process passed them, then the dev/ino of
 * the file the returned fd refers to (0 when the open failed). */
SAKER_EXIT_HANDLER(h_open) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_OPEN);
    __u64 dirfd = (__u64)SAKER_AT_FDCWD, path, flags, mode, how[2] = {};
    /* All four arguments first: loads from the scratch and from the stack (how) must stay
     * separate instructions, which the verifier requires and a merged switch breaks. */
    __u64 a0 = sys_arg(s, 0), a1 = sys_arg(s, 1), a2 = sys_arg(s, 2), a3 = sys_arg(s, 3);

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_open:
        path = a0, flags = a1, mode = a2;
        break;
    case SAKER_NR_creat:
        path = a0, flags = SAKER_O_CREAT_WRONLY_TRUNC, mode = a1;
        break;
    case SAKER_NR_openat2:
        bpf_probe_read_user(how, sizeof(how), (void*)a2); /* open_how {flags, mode} */
        dirfd = a0, path = a1, flags = how[0], mode = how[1];
        break;
    default:
        dirfd = a0, path = a1, flags = a2, mode = a3;
        break;
    }
    put_u64(s, (__s64)(int)dirfd);
    put_str(s, (const void*)path, 1);
    put_u64(s, flags);
    put_u64(s, mode);
    struct file* f = ret >= 0 ? fd_file(ret) : NULL;
    put_u64(s, f ? encode_dev(BPF_CORE_READ(f, f_inode, i_sb, s_dev)) : 0);
    put_u64(s, f ? BPF_CORE_READ(f, f_inode, i_ino) : 0);
    ev_submit(s);
    return 0;
}

/* read(fd, buf, size) and write(fd, buf, size): the fd, the size asked and,
 * when the payload map asks for it, the buffer's first bytes. */
SAKER_EXIT_HANDLER(h_io) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_IO);

    if (!s) return 0;
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    put_u64(s, sys_arg(s, 2));
    put_payload(s, (const void*)sys_arg(s, 1), payload_len(ev_nr(s), ret));
    ev_submit(s);
    return 0;
}

/* close(fd), fchdir(fd). */
SAKER_EXIT_HANDLER(h_fd) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_FD);

    if (!s) return 0;
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    ev_submit(s);
    return 0;
}

/* dup(old), dup2(old, new), dup3(old, new, flags); newfd is -1 for dup. */
SAKER_EXIT_HANDLER(h_dup) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_DUP);
    __u32 nr;

    if (!s) return 0;
    nr = ev_nr(s);
    put_u64(s, (__s64)(int)sys_arg(s, 0));
    put_u64(s, nr == SAKER_NR_dup ? (__u64)-1 : (__u64)(__s64)(int)sys_arg(s, 1));
    put_u64(s, nr == SAKER_NR_dup3 ? sys_arg(s, 2) : 0);
    ev_submit(s);
    return 0;
}

#endif
