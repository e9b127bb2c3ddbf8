/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Path operations: unlink/rmdir/mkdir/chdir (one path), rename/link/symlink
 * (two paths), chmod and chown families. Non-*at variants report dirfd as
 * AT_FDCWD so user space resolves every relative path the same way. */
#ifndef SAKER_BPF_HANDLERS_FSOPS_BPF_H
#define SAKER_BPF_HANDLERS_FSOPS_BPF_H

#include "../helpers.bpf.h"

#define SAKER_AT_REMOVEDIR 0x200

static __always_inline __u64 fd_arg(struct saker_scratch* s, int i) {
    return (__u64)(__s64)(int)sys_arg(s, i);
}

/* PATH layout: dirfd, path, arg (unlinkat flags, mkdir mode, rmdir AT_REMOVEDIR). */
SAKER_EXIT_HANDLER(h_path) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_PATH);
    __u64 dirfd = (__u64)SAKER_AT_FDCWD, path = sys_arg(s, 0), arg = 0;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_mkdir:
        arg = sys_arg(s, 1);
        break;
    case SAKER_NR_rmdir:
        arg = SAKER_AT_REMOVEDIR;
        break;
    case SAKER_NR_unlinkat:
    case SAKER_NR_mkdirat:
        dirfd = fd_arg(s, 0), path = sys_arg(s, 1), arg = sys_arg(s, 2);
        break;
    }
    put_u64(s, dirfd);
    put_str(s, (const void*)path, 1);
    put_u64(s, arg);
    ev_submit(s);
    return 0;
}

/* PATH2 layout: olddirfd, oldpath, newdirfd, newpath, flags. For symlink the
 * "old" path is the link target, reported verbatim (never resolved). */
SAKER_EXIT_HANDLER(h_path2) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_PATH2);
    __u64 od = (__u64)SAKER_AT_FDCWD, nd = od, op = sys_arg(s, 0), np = sys_arg(s, 1), fl = 0;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_symlinkat:
        nd = fd_arg(s, 1), np = sys_arg(s, 2);
        break;
    case SAKER_NR_renameat:
    case SAKER_NR_renameat2:
    case SAKER_NR_linkat:
        od = fd_arg(s, 0), op = sys_arg(s, 1), nd = fd_arg(s, 2), np = sys_arg(s, 3);
        fl = ev_nr(s) == SAKER_NR_renameat ? 0 : sys_arg(s, 4);
        break;
    }
    put_u64(s, od);
    put_str(s, (const void*)op, 1);
    put_u64(s, nd);
    put_str(s, (const void*)np, 1);
    put_u64(s, fl);
    ev_submit(s);
    return 0;
}

/* CHMOD layout: fd (or dirfd), path (absent for fchmod), mode, flags. */
SAKER_EXIT_HANDLER(h_chmod) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_CHMOD);
    __u64 fd = (__u64)SAKER_AT_FDCWD, path = sys_arg(s, 0), mode = sys_arg(s, 1), fl = 0;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_fchmod:
        fd = fd_arg(s, 0), path = 0;
        break;
    case SAKER_NR_fchmodat:
    case SAKER_NR_fchmodat2:
        fd = fd_arg(s, 0), path = sys_arg(s, 1), mode = sys_arg(s, 2);
        fl = ev_nr(s) == SAKER_NR_fchmodat2 ? sys_arg(s, 3) : 0;
        break;
    }
    put_u64(s, fd);
    put_str(s, (const void*)path, 1);
    put_u64(s, mode);
    put_u64(s, fl);
    ev_submit(s);
    return 0;
}

/* CHOWN layout: fd (or dirfd), path (absent for fchown), uid, gid, flags.
 * lchown reports AT_SYMLINK_NOFOLLOW (0x100) as its flags. */
SAKER_EXIT_HANDLER(h_chown) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_CHOWN);
    __u64 fd = (__u64)SAKER_AT_FDCWD, path = sys_arg(s, 0), fl = 0;
    int a = 1;

    if (!s) return 0;
    switch (ev_nr(s)) {
    case SAKER_NR_fchown:
        fd = fd_arg(s, 0), path = 0;
        break;
    case SAKER_NR_lchown:
        fl = 0x100;
        break;
    case SAKER_NR_fchownat:
        fd = fd_arg(s, 0), path = sys_arg(s, 1), fl = sys_arg(s, 4), a = 2;
        break;
    }
    put_u64(s, fd);
    put_str(s, (const void*)path, 1);
    put_u64(s, (__u32)sys_arg(s, a));
    put_u64(s, (__u32)sys_arg(s, a + 1));
    put_u64(s, fl);
    ev_submit(s);
    return 0;
}

#endif
