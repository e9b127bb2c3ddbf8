/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Every map of the probe. User space reaches them through the skeleton by
 * these names; their key/value layouts are defined in events.h. */
#ifndef SAKER_BPF_MAPS_BPF_H
#define SAKER_BPF_MAPS_BPF_H

#include "events.h"

/* Where records are built before bpf_ringbuf_output(): a record has a variable
 * size that bpf_ringbuf_reserve() (constant size only) cannot express, and
 * state must survive tail calls, which drop the stack. Sized so that any
 * masked offset (< SAKER_MAX_RECORD) plus a param header plus any masked
 * variable write (< 2 * SAKER_MAX_STR) stays inside the value, which the
 * verifier must see; per-CPU values are capped at 32 KiB. */
#define SAKER_SCRATCH_BYTES (SAKER_MAX_RECORD + 2 * SAKER_MAX_STR + 64)
struct saker_scratch {
    __u32 off;     /* bytes of buf used so far */
    __u16 nparams; /* params appended so far */
    __u16 pad;
    __u32 flags; /* SAKER_EVF_* */
    __u32 pad2;
    /* The syscall's six arguments in the order its ABI passes them (ev_args), so
     * handlers read the same slots for a 64-bit and an ia32 (compat) syscall. */
    __u64 args[8];
    __u8 buf[SAKER_SCRATCH_BYTES];
};

/* Dentry and kernfs walks write a path backwards into buf. The walk's state
 * (cursor, position) lives here too, not in registers: values re-read from a
 * map are unknown to the verifier, so every loop iteration starts from the
 * same abstract state and is pruned, instead of the branches of 64 iterations
 * multiplying past the verifier's 1M-instruction budget. */
#define SAKER_PATH_BUF 4096
struct saker_path_scratch {
    __u64 cur;   /* struct dentry * or struct kernfs_node * being visited */
    __u64 mnt;   /* struct mount * of cur (dentry walks) */
    __u32 pos;   /* path starts at buf[pos] */
    __u32 flags; /* SAKER_PF_* for the resulting param */
    __u8 buf[2 * SAKER_PATH_BUF];
};

/* Ring buffer: max_entries is set by user space before load (a power-of-two
 * multiple of the page size); 0 here would be rejected, so a default. */
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct saker_scratch);
} scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct saker_path_scratch);
} path_scratch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct saker_drop_counters);
} drop_counters SEC(".maps");

/* Lost records by class (events.h: drop classes). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SAKER_DROP_CLASS_KEYS);
    __type(key, __u32);
    __type(value, __u8);
} drop_class SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct saker_class_drops);
} class_drops SEC(".maps");

/* syscall nr -> 1 if user space wants it (events.h: interest-map layout). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SAKER_SYSCALL_TABLE_SIZE);
    __type(key, __u32);
    __type(value, __u8);
} interesting_syscalls SEC(".maps");

/* syscall nr -> snaplen of its I/O buffer (events.h: payload-map layout). Looked up only by
 * the I/O handlers, never by the dispatcher. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SAKER_SYSCALL_TABLE_SIZE);
    __type(key, __u32);
    __type(value, __u32);
} payload_syscalls SEC(".maps");

/* syscall nr -> exit handler program; filled by user space after load. A miss
 * falls back to a GENERIC record in the dispatcher. */
struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, SAKER_SYSCALL_TABLE_SIZE);
    __type(key, __u32);
    __type(value, __u32);
} exit_handlers SEC(".maps");

#endif
