/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* CO-RE compatibility: every place where the kernel's layout changed under us,
 * with the change that caused it. Each helper works on kernels before and
 * after the change; bpf_core_field_exists() picks the branch at load time. */
#ifndef SAKER_BPF_CORE_FIXES_BPF_H
#define SAKER_BPF_CORE_FIXES_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>

/* v6.15 "kernfs: Use RCU to access kernfs_node::parent." renamed
 * kernfs_node::parent to __parent. */
struct kernfs_node___pre615 {
    struct kernfs_node* parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node* saker_kernfs_parent(struct kernfs_node* kn) {
    if (bpf_core_field_exists(kn->__parent)) return BPF_CORE_READ(kn, __parent);
    return BPF_CORE_READ((struct kernfs_node___pre615*)kn, parent);
}

/* v6.3 "capability: just use a 'u64' instead of a 'u32[2]' array" changed
 * kernel_cap_t from u32 cap[2] to u64 val. Both are 8 bytes with the low word
 * first on little-endian, so a raw 8-byte read is right for either layout. */
static __always_inline __u64 saker_read_cap(const kernel_cap_t* cap) {
    __u64 v = 0;
    bpf_probe_read_kernel(&v, sizeof(v), cap);
    return v;
}

/* task_struct::loginuid only exists with CONFIG_AUDITSYSCALL; Falco reports
 * -1 (AUDIT_UID_UNSET) when it is missing, so do we. */
static __always_inline __u32 saker_task_loginuid(struct task_struct* t) {
    if (bpf_core_field_exists(t->loginuid)) return BPF_CORE_READ(t, loginuid.val);
    return (__u32)-1;
}

/* sched_process_exit gained a `bool group_dead` argument recently (6.18 has it); older
 * kernels pass only the task. signal->live reaching zero is the same fact and
 * readable on every kernel. */
static __always_inline __u64 saker_group_dead(struct task_struct* t) {
    return BPF_CORE_READ(t, signal, live.counter) == 0;
}

/* v6.6 "fs: add ctime accessors" renamed inode::i_ctime to __i_ctime, v6.7 did the same to
 * i_mtime, and v6.11 "fs: split inode timestamps" replaced the timespec64s by _sec/_nsec
 * pairs; since v6.13 (multigrain timestamps) bit 31 of i_ctime_nsec flags a queried ctime
 * and is not part of the value. Each returns ns since the epoch. */
#define SAKER_CTIME_QUERIED 0x80000000u
struct inode___pre611 {
    struct timespec64 __i_ctime;
    struct timespec64 __i_mtime;
} __attribute__((preserve_access_index));
struct inode___pre66 {
    struct timespec64 i_ctime;
    struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

static __always_inline __u64 saker_ts_ns(struct timespec64 ts) {
    return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static __always_inline __u64 saker_inode_ctime(struct inode* ino) {
    if (bpf_core_field_exists(ino->i_ctime_sec))
        return BPF_CORE_READ(ino, i_ctime_sec) * 1000000000ull +
               (BPF_CORE_READ(ino, i_ctime_nsec) & ~SAKER_CTIME_QUERIED);
    struct inode___pre611* o = (void*)ino;
    if (bpf_core_field_exists(o->__i_ctime)) return saker_ts_ns(BPF_CORE_READ(o, __i_ctime));
    return saker_ts_ns(BPF_CORE_READ((struct inode___pre66*)ino, i_ctime));
}

static __always_inline __u64 saker_inode_mtime(struct inode* ino) {
    if (bpf_core_field_exists(ino->i_mtime_sec))
        return BPF_CORE_READ(ino, i_mtime_sec) * 1000000000ull + BPF_CORE_READ(ino, i_mtime_nsec);
    struct inode___pre611* o = (void*)ino;
    if (bpf_core_field_exists(o->__i_mtime)) return saker_ts_ns(BPF_CORE_READ(o, __i_mtime));
    return saker_ts_ns(BPF_CORE_READ((struct inode___pre66*)ino, i_mtime));
}

#endif
