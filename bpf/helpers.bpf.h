/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* BPF-only helpers: building one record in the per-CPU scratch buffer, reading
 * syscall arguments from pt_regs, and the kernel walks (fd -> file, dentry ->
 * path, sock -> tuple) the handlers share. Every helper either appends exactly
 * one param or marks the record truncated and counts why; none can fail
 * silently. Offsets into the scratch buffer are masked so the verifier can see
 * every write stays inside the map value. */
#ifndef SAKER_BPF_HELPERS_BPF_H
#define SAKER_BPF_HELPERS_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "core_fixes.bpf.h"
#include "events.h"
#include "maps.bpf.h"
#include "syscalls_ia32.h"
#include "syscalls_x86_64.h"

#define REC_MASK (SAKER_MAX_RECORD - 1)
/* Records stay strictly below SAKER_MAX_RECORD so `len & REC_MASK` is the
 * identity the verifier needs to bound bpf_ringbuf_output()'s size. */
#define REC_LIMIT (SAKER_MAX_RECORD - 1)
#define VAR_MASK (2 * SAKER_MAX_STR - 1) /* bounds a variable read size for the verifier */
#define PATH_MASK (SAKER_PATH_BUF - 1)
#define PHDR ((__u32)sizeof(struct saker_param_hdr))
#define SAKER_AT_FDCWD (-100)
#define S_IFMT_ 00170000
#define S_IFSOCK_ 0140000

/* Set by user space before load (rodata): a tgid whose syscalls are ignored,
 * so the agent does not report its own ring-buffer polling. 0 = none. */
const volatile __u32 saker_ignore_tgid = 0;

/* Set by user space before load (rodata): wake the consumer only once this
 * many bytes wait in the ring. Waking it per record costs a cross-CPU wakeup
 * per event (measured: it more than tripled the probe's overhead); the
 * consumer polls with a timeout, which bounds the latency of a quiet ring.
 * 0 = wake on every record. */
const volatile __u32 saker_wakeup_bytes = 0;

/* Set by user space before load (rodata): also wake the consumer when the
 * last wakeup is older than this, so that at any steady rate a record waits
 * at most about this long (an alert's latency), while a busy ring still
 * wakes at most once per this interval. 0 = only the byte threshold. */
const volatile __u64 saker_wakeup_ns = 0;

/* Time of the last forced wakeup (any CPU; a lost race costs one extra or one
 * late wakeup, never a record). */
__u64 saker_last_wakeup_ns = 0;

/* ---- counters ------------------------------------------------------------ */

static __always_inline struct saker_drop_counters* counters(void) {
    __u32 zero = 0;
    return bpf_map_lookup_elem(&drop_counters, &zero);
}

#define SAKER_COUNT(field)                                                                         \
    do {                                                                                           \
        struct saker_drop_counters* c__ = counters();                                              \
        if (c__) c__->field++;                                                                     \
    } while (0)

/* ---- syscall arguments (x86_64 pt_regs) ------------------------------------ */

/* Argument i of the syscall whose record s holds, as ev_args() saved it. s may be NULL
 * (a handler reading its arguments before checking s): 0. */
static __always_inline __u64 sys_arg(struct saker_scratch* s, int i) {
    return s ? s->args[i & 7] : 0;
}

/* ---- 32-bit (ia32) syscalls ------------------------------------------------- */

#define SAKER_TS_COMPAT 0x0002 /* arch/x86 thread_info.status: in an ia32 syscall */

/* Task t (current) is in an ia32 syscall (int 0x80, sysenter, or syscall from 32-bit code):
 * its number is the i386 table's and its arguments are in bx, cx, dx, si, di, bp. What the
 * kernel's in_ia32_syscall() asks; a 64-bit process can make such calls too (int 0x80). */
static __always_inline int task_in_ia32_syscall(struct task_struct* t) {
    if (!bpf_core_field_exists(t->thread_info.status)) return 0;
    return t->thread_info.status & SAKER_TS_COMPAT; /* a BTF pointer: a direct load */
}

static __always_inline int in_ia32_syscall(void) {
    return task_in_ia32_syscall(bpf_get_current_task_btf());
}

/* i386 syscall nr -> saker's (x86_64) nr + 1, SAKER_COMPAT_UNDECODABLE set when the i386
 * call has other argument layouts than the x86_64 handler reads (then it is dropped, counted,
 * never decoded as something it is not); 0 = not a syscall saker reports. */
#define SAKER_COMPAT_UNDECODABLE 0x80000000u
#define SAKER_X_IA32(name, nr32) [nr32] = SAKER_NR_##name + 1,
#define SAKER_X_IA32_UNDECODABLE(name, nr32)                                                       \
    [nr32] = (SAKER_NR_##name + 1) | SAKER_COMPAT_UNDECODABLE,
const __u32 saker_ia32_to_x64[SAKER_SYSCALL_TABLE_SIZE] = {
    SAKER_IA32_SYSCALLS(SAKER_X_IA32) SAKER_IA32_UNDECODABLE(SAKER_X_IA32_UNDECODABLE)};
#undef SAKER_X_IA32
#undef SAKER_X_IA32_UNDECODABLE

/* ---- record building ------------------------------------------------------- */

/* Saves the syscall's arguments into s: registers are BTF pointers, so plain loads
 * (CO-RE relocated, fault-guarded by the verifier) instead of a bpf_probe_read_kernel() per
 * register. tp_btf sys_exit and fexit both hand us the user pt_regs; the argument registers
 * are never written by the syscall path (only ax gets the return value), so reading them at
 * exit is the same as at enter. ia32 arguments are 32 bits wide: zero-extended, as the
 * kernel's compat wrappers do for pointers (handlers cast signed ones, e.g. (int) fds). */
static __always_inline void ev_args(struct saker_scratch* s, struct pt_regs* regs, int ia32) {
    if (ia32) {
        s->args[0] = (__u32)regs->bx;
        s->args[1] = (__u32)regs->cx;
        s->args[2] = (__u32)regs->dx;
        s->args[3] = (__u32)regs->si;
        s->args[4] = (__u32)regs->di;
        s->args[5] = (__u32)regs->bp;
        s->flags |= SAKER_EVF_IA32;
    } else {
        s->args[0] = regs->di;
        s->args[1] = regs->si;
        s->args[2] = regs->dx;
        s->args[3] = regs->r10;
        s->args[4] = regs->r8;
        s->args[5] = regs->r9;
    }
}

/* ---- record building ------------------------------------------------------- */

static __always_inline struct saker_scratch* scratch_get(void) {
    __u32 zero = 0;
    return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline struct saker_event_hdr* ev_hdr(struct saker_scratch* s) {
    return (struct saker_event_hdr*)s->buf;
}

/* Starts a record of task t, the current task (one helper call gives every task fact:
 * pid, tgid and parent are direct BTF loads, not bpf_get_current_pid_tgid() calls). */
static __always_inline void ev_begin_task(struct saker_scratch* s, struct task_struct* t,
                                          __u16 type, __u32 nr, __s64 ret) {
    struct saker_event_hdr* h = ev_hdr(s);

    h->ts_ns = bpf_ktime_get_boot_ns();
    h->tid = t->pid;
    h->pid = t->tgid;
    h->ppid = t->real_parent->tgid;
    h->type = type;
    h->nparams = 0;
    h->ret = ret;
    h->syscall_nr = nr;
    h->cpu = bpf_get_smp_processor_id(); /* inlined by the verifier */
    h->len = 0;
    h->flags = 0;
    s->off = sizeof(*h);
    s->nparams = 0;
    s->flags = 0;
}

static __always_inline void ev_begin(struct saker_scratch* s, __u16 type, __u32 nr, __s64 ret) {
    ev_begin_task(s, bpf_get_current_task_btf(), type, nr, ret);
}

static __always_inline void ev_set_type(struct saker_scratch* s, __u16 type) {
    ev_hdr(s)->type = type;
}

static __always_inline __u64 wakeup_flag(__u64 now) {
    if (!saker_wakeup_bytes ||
        bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= saker_wakeup_bytes ||
        (saker_wakeup_ns && now - saker_last_wakeup_ns >= saker_wakeup_ns)) {
        saker_last_wakeup_ns = now;
        return BPF_RB_FORCE_WAKEUP;
    }
    return BPF_RB_NO_WAKEUP;
}

/* A lost record also counts in its class (events.h: drop classes). */
static __always_inline void count_class_drop(const struct saker_event_hdr* h) {
    __u32 key = h->syscall_nr < SAKER_SYSCALL_TABLE_SIZE
                    ? h->syscall_nr
                    : SAKER_SYSCALL_TABLE_SIZE + (__u32)h->type;
    __u32 zero = 0;
    __u8* cls = bpf_map_lookup_elem(&drop_class, &key);
    struct saker_class_drops* d = bpf_map_lookup_elem(&class_drops, &zero);
    if (cls && d) d->n[*cls & (SAKER_DROP_CLASSES - 1)]++;
}

/* Sends the record; a full ring buffer is the one loss we cannot avoid, so
 * it is counted. */
static __always_inline void ev_submit(struct saker_scratch* s) {
    struct saker_event_hdr* h = ev_hdr(s);
    __u32 len = s->off;

    if (len > REC_LIMIT || len < sizeof(*h)) return;
    h->len = len;
    h->nparams = s->nparams;
    h->flags = s->flags;
    /* Keep clang from dropping the mask it can prove redundant: the verifier
     * does not track the range through the comparison above. */
    asm volatile("" : "+r"(len));
    if (bpf_ringbuf_output(&events, s->buf, len & REC_MASK, wakeup_flag(h->ts_ns))) {
        SAKER_COUNT(ringbuf_full);
        count_class_drop(h);
    } else
        SAKER_COUNT(events);
}

/* A param that did not fit: the record says so, the counter counts it. */
static __always_inline void param_skipped(struct saker_scratch* s) {
    s->flags |= SAKER_EVF_TRUNCATED;
    SAKER_COUNT(truncated_args);
}

/* Room check for a param of data_len bytes; returns its offset or -1. */
static __always_inline int param_reserve(struct saker_scratch* s, __u32 data_len) {
    if (s->off + PHDR + data_len > REC_LIMIT) {
        param_skipped(s);
        return -1;
    }
    return s->off & REC_MASK;
}

static __always_inline void param_commit(struct saker_scratch* s, __u32 off, __u32 len, __u8 type,
                                         __u8 flags) {
    struct saker_param_hdr* p = (void*)&s->buf[off & REC_MASK];

    p->len = len;
    p->type = type;
    p->flags = flags;
    s->off = off + PHDR + len;
    s->nparams++;
    if (flags & SAKER_PF_TRUNCATED) {
        s->flags |= SAKER_EVF_TRUNCATED;
        SAKER_COUNT(truncated_args);
    }
    if (flags & SAKER_PF_FAULT) SAKER_COUNT(read_faults);
}

static __always_inline void put_none(struct saker_scratch* s) {
    int off = param_reserve(s, 0);
    if (off >= 0) param_commit(s, off, 0, SAKER_PT_NONE, 0);
}

static __always_inline void put_u64(struct saker_scratch* s, __u64 v) {
    int off = param_reserve(s, sizeof(v));
    if (off < 0) return;
    *(__u64*)&s->buf[(off + PHDR) & REC_MASK] = v;
    param_commit(s, off, sizeof(v), SAKER_PT_U64, 0);
}

/* Bytes left for one variable-length param, capped at `cap`. */
static __always_inline __u32 param_room(struct saker_scratch* s, __u32 cap) {
    __u32 used = s->off + PHDR;
    __u32 room = used < REC_LIMIT ? REC_LIMIT - used : 0;
    return room < cap ? room : cap;
}

/* A NUL-terminated string from user (user=1) or kernel memory. */
static __always_inline void put_str(struct saker_scratch* s, const void* ptr, int user) {
    __u32 off = s->off & REC_MASK;
    __u32 room = param_room(s, SAKER_MAX_STR);
    __u8 flags = 0;
    long n;

    if (!ptr) {
        put_none(s);
        return;
    }
    if (room == 0) {
        param_skipped(s);
        return;
    }
    if (user)
        n = bpf_probe_read_user_str(&s->buf[(off + PHDR) & REC_MASK], room & VAR_MASK, ptr);
    else
        n = bpf_probe_read_kernel_str(&s->buf[(off + PHDR) & REC_MASK], room & VAR_MASK, ptr);
    if (n <= 0) {
        param_commit(s, off, 0, SAKER_PT_STR, SAKER_PF_FAULT);
        return;
    }
    if ((__u32)n >= room) flags = SAKER_PF_TRUNCATED;
    param_commit(s, off, (n - 1) & VAR_MASK, SAKER_PT_STR, flags);
}

/* len bytes of kernel memory (a map value or a kernel object). */
static __always_inline void put_kbytes(struct saker_scratch* s, __u8 type, const void* src,
                                       __u32 len, __u8 flags) {
    __u32 off = s->off & REC_MASK;
    __u32 room = param_room(s, SAKER_MAX_STR);

    if (len > room) {
        len = room;
        flags |= SAKER_PF_TRUNCATED;
    }
    len &= VAR_MASK;
    if (len && bpf_probe_read_kernel(&s->buf[(off + PHDR) & REC_MASK], len, src)) {
        len = 0;
        flags |= SAKER_PF_FAULT;
    }
    param_commit(s, off, len, type, flags);
}

/* argv: up to SAKER_MAX_ARGS user strings, each kept with its NUL. */
static __always_inline void put_user_argv(struct saker_scratch* s, const char* const* argv) {
    __u32 off = s->off & REC_MASK;
    __u32 room = param_room(s, SAKER_MAX_ARGV);
    __u32 total = 0;
    __u8 flags = 0;

    if (!argv) {
        put_none(s);
        return;
    }
    for (int i = 0; i < SAKER_MAX_ARGS; i++) {
        const char* arg = NULL;
        if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i])) {
            flags |= SAKER_PF_FAULT;
            break;
        }
        if (!arg) break;
        if (total >= room || i == SAKER_MAX_ARGS - 1) {
            flags |= SAKER_PF_TRUNCATED;
            break;
        }
        long n = bpf_probe_read_user_str(&s->buf[(off + PHDR + total) & REC_MASK],
                                         (room - total) & VAR_MASK, arg);
        if (n <= 0) {
            flags |= SAKER_PF_FAULT;
            break;
        }
        total += n;
        if ((__u32)n >= room - (total - n)) {
            flags |= SAKER_PF_TRUNCATED;
            break;
        }
    }
    param_commit(s, off, total & VAR_MASK, SAKER_PT_STRLIST, flags);
}

/* ---- kernel walks ------------------------------------------------------------- */

static __always_inline struct file* fd_file(long fd) {
    struct task_struct* t = bpf_get_current_task_btf();
    struct files_struct* files = t->files; /* BTF pointers: direct loads */
    struct fdtable* fdt = files ? files->fdt : NULL;
    struct file** fds;
    struct file* f = NULL;

    if (fd < 0 || !fdt || (__u64)fd >= fdt->max_fds) return NULL;
    fds = fdt->fd; /* a pointer to pointers is a plain number to the verifier: read it */
    bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]);
    return f;
}

/* The kernel keeps dev_t as major<<20|minor; stat(2) reports the
 * new_encode_dev() form. Send what user space compares against. */
static __always_inline __u64 encode_dev(__u32 dev) {
    __u32 major = dev >> 20, minor = dev & 0xfffff;
    return (minor & 0xff) | (major << 8) | ((__u64)(minor & ~0xffu) << 12);
}

static __always_inline struct saker_path_scratch* path_scratch_get(void) {
    __u32 zero = 0;
    return bpf_map_lookup_elem(&path_scratch, &zero);
}

/* Prepends "/name" (len bytes at name) at ps->pos; 0 when it did not fit. */
static __always_inline int path_prepend(struct saker_path_scratch* ps, const void* name,
                                        __u32 len) {
    __u32 pos = ps->pos;

    len &= 255; /* NAME_MAX */
    if (len + 1 >= pos) {
        ps->flags = SAKER_PF_TRUNCATED;
        return 0;
    }
    pos -= len;
    bpf_probe_read_kernel(&ps->buf[pos & PATH_MASK], len, name);
    pos -= 1;
    ps->buf[pos & PATH_MASK] = '/';
    ps->pos = pos;
    return 1;
}

/* One step up from ps->cur; 0 when the walk is over. */
static __always_inline int dentry_step(struct saker_path_scratch* ps) {
    struct dentry* d = (struct dentry*)ps->cur;
    struct mount* m = (struct mount*)ps->mnt;
    struct dentry* parent = BPF_CORE_READ(d, d_parent);

    if (d == BPF_CORE_READ(m, mnt.mnt_root)) {
        struct mount* up = BPF_CORE_READ(m, mnt_parent);
        if (up == m) return 0; /* the root of the mount tree */
        ps->cur = (__u64)BPF_CORE_READ(m, mnt_mountpoint);
        ps->mnt = (__u64)up;
        return 1;
    }
    /* A detached dentry is its own parent: pseudo files (memfd, pipes,
     * sockets) live there. Report its name, as d_path() does ("/memfd:x"). */
    if (!path_prepend(ps, BPF_CORE_READ(d, d_name.name), BPF_CORE_READ(d, d_name.len)) ||
        d == parent)
        return 0;
    ps->cur = (__u64)parent;
    return 1;
}

/* Appends what path_prepend() built as one STR param ("/" if empty). */
static __always_inline void put_walked_path(struct saker_scratch* s,
                                            struct saker_path_scratch* ps) {
    __u32 pos = ps->pos;

    if (pos >= SAKER_PATH_BUF) {
        pos = SAKER_PATH_BUF - 1;
        ps->buf[pos & PATH_MASK] = '/';
    }
    put_kbytes(s, SAKER_PT_STR, &ps->buf[pos & PATH_MASK], SAKER_PATH_BUF - pos, ps->flags);
}

/* The absolute path of (dentry, vfsmount), walking up across mount points. */
static __always_inline void put_dentry_path(struct saker_scratch* s, struct dentry* d,
                                            struct vfsmount* vm) {
    struct saker_path_scratch* ps = path_scratch_get();

    if (!ps || !d || !vm) {
        put_none(s);
        return;
    }
    ps->cur = (__u64)d;
    ps->mnt = (__u64)container_of(vm, struct mount, mnt);
    ps->pos = SAKER_PATH_BUF;
    ps->flags = 0;
    for (int i = 0; i < 64; i++)
        if (!dentry_step(ps)) break;
    put_walked_path(s, ps);
}

/* One step up a kernfs (cgroup) tree; 0 when the walk is over. */
static __always_inline int kernfs_step(struct saker_path_scratch* ps) {
    struct kernfs_node* kn = (struct kernfs_node*)ps->cur;
    struct kernfs_node* parent = saker_kernfs_parent(kn);
    const char* name = BPF_CORE_READ(kn, name);
    /* The name is staged in the buffer's upper half (the path is built in the lower one):
     * container ids are 64 chars and systemd scopes longer, too big for the stack. */
    char* tmp = (char*)&ps->buf[SAKER_PATH_BUF];
    long n;

    if (!parent) return 0; /* the hierarchy's root has no name of its own */
    n = bpf_probe_read_kernel_str(tmp, 256, name);
    if (n <= 1 || !path_prepend(ps, tmp, n - 1)) return 0;
    ps->cur = (__u64)parent;
    return 1;
}

/* A cgroup's path from its kernfs node. Names over 255 bytes are cut. */
static __always_inline void put_kernfs_path(struct saker_scratch* s, struct kernfs_node* kn) {
    struct saker_path_scratch* ps = path_scratch_get();

    if (!ps || !kn) {
        put_none(s);
        return;
    }
    ps->cur = (__u64)kn;
    ps->pos = SAKER_PATH_BUF;
    ps->flags = 0;
    for (int i = 0; i < 32; i++)
        if (!kernfs_step(ps)) break;
    put_walked_path(s, ps);
}

static __always_inline struct socket* file_socket(struct file* f) {
    if (!f) return NULL;
    __u16 mode = BPF_CORE_READ(f, f_inode, i_mode);
    if ((mode & S_IFMT_) != S_IFSOCK_) return NULL;
    return BPF_CORE_READ(f, private_data);
}

static __always_inline void sockaddr_unix(struct saker_sockaddr* sa, struct sock* sk) {
    struct unix_address* ua = BPF_CORE_READ((struct unix_sock*)sk, addr);
    int len;

    sa->family = SAKER_AF_UNIX;
    if (!ua) return;
    len = BPF_CORE_READ(ua, len) - 2; /* minus sun_family */
    if (len <= 0) return;
    if (len > SAKER_UNIX_PATH_MAX) len = SAKER_UNIX_PATH_MAX;
    bpf_probe_read_kernel(sa->u.path, len & 127, &ua->name[0].sun_path);
}

static __always_inline void tuple_from_sock(struct saker_tuple* t, struct sock* sk) {
    __u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

    t->local.family = t->remote.family = family;
    if (family == SAKER_AF_INET) {
        BPF_CORE_READ_INTO(&t->local.u.ip, sk, __sk_common.skc_rcv_saddr);
        BPF_CORE_READ_INTO(&t->remote.u.ip, sk, __sk_common.skc_daddr);
    } else if (family == SAKER_AF_INET6) {
        BPF_CORE_READ_INTO(&t->local.u.ip, sk, __sk_common.skc_v6_rcv_saddr);
        BPF_CORE_READ_INTO(&t->remote.u.ip, sk, __sk_common.skc_v6_daddr);
    } else if (family == SAKER_AF_UNIX) {
        sockaddr_unix(&t->local, sk);
        struct sock* peer = BPF_CORE_READ((struct unix_sock*)sk, peer);
        if (peer) sockaddr_unix(&t->remote, peer);
        return;
    } else {
        return;
    }
    t->local.port = bpf_htons(BPF_CORE_READ(sk, __sk_common.skc_num));
    t->remote.port = BPF_CORE_READ(sk, __sk_common.skc_dport);
}

/* The socket behind fd as (local, remote); NONE if fd is not a socket. */
static __always_inline void put_fd_tuple(struct saker_scratch* s, long fd) {
    struct file* f = fd_file(fd);
    struct socket* sock = file_socket(f);
    struct sock* sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
    int off;

    if (!sk) {
        put_none(s);
        return;
    }
    off = param_reserve(s, sizeof(struct saker_tuple));
    if (off < 0) return;
    struct saker_tuple* t = (void*)&s->buf[(off + PHDR) & REC_MASK];
    __builtin_memset(t, 0, sizeof(*t));
    tuple_from_sock(t, sk);
    t->sock = BPF_CORE_READ(f, f_inode, i_ino);
    param_commit(s, off, sizeof(*t), SAKER_PT_TUPLE, 0);
}

/* A sockaddr the process passed in user memory. */
static __always_inline void put_user_sockaddr(struct saker_scratch* s, const void* uaddr,
                                              __u32 alen) {
    int off;
    __u16 family = 0;

    if (!uaddr || alen < 2 || bpf_probe_read_user(&family, sizeof(family), uaddr)) {
        put_none(s);
        return;
    }
    off = param_reserve(s, sizeof(struct saker_sockaddr));
    if (off < 0) return;
    struct saker_sockaddr* sa = (void*)&s->buf[(off + PHDR) & REC_MASK];
    __builtin_memset(sa, 0, sizeof(*sa));
    sa->family = family;
    if (family == SAKER_AF_INET) {
        bpf_probe_read_user(&sa->port, 2, uaddr + 2);
        bpf_probe_read_user(sa->u.ip, 4, uaddr + 4);
    } else if (family == SAKER_AF_INET6) {
        bpf_probe_read_user(&sa->port, 2, uaddr + 2);
        bpf_probe_read_user(sa->u.ip, 16, uaddr + 8);
    } else if (family == SAKER_AF_UNIX) {
        __u32 len = alen - 2;
        if (len > SAKER_UNIX_PATH_MAX) len = SAKER_UNIX_PATH_MAX;
        bpf_probe_read_user(sa->u.path, len & 127, uaddr + 2);
    }
    param_commit(s, off, sizeof(*sa), SAKER_PT_SOCKADDR, 0);
}

/* len bytes of user memory (argv area of a fresh image). */
static __always_inline void put_ubytes(struct saker_scratch* s, __u8 type, const void* src,
                                       __u32 len, __u32 cap) {
    __u32 off = s->off & REC_MASK;
    __u32 room = param_room(s, cap);
    __u8 flags = 0;

    if (len > room) {
        len = room;
        flags |= SAKER_PF_TRUNCATED;
    }
    len &= VAR_MASK;
    if (len && bpf_probe_read_user(&s->buf[(off + PHDR) & REC_MASK], len, src)) {
        len = 0;
        flags |= SAKER_PF_FAULT;
    }
    param_commit(s, off, len, type, flags);
}

/* An exit handler is a body, name##_body(ctx, regs, ret), that finishes the
 * record its caller started (ev_begin) in the per-CPU scratch. Two callers:
 * the program `name`, tail-called by the sys_exit dispatcher (tracepoint
 * mode), and the per-syscall fexit programs of probe.bpf.c, which inline it
 * (fexit mode). Both see the same arguments: fexit on __x64_sys_X(regs) has
 * (regs, ret) in its context, exactly as tp_btf/sys_exit. */
/* ---- pid namespaces ------------------------------------------------------------ */

#define SAKER_PIDNS_LEVEL_MASK 31 /* MAX_PID_NS_LEVEL is 32 */

/* The number pid `p` has in namespace `ns` at `level`; 0 when it has none there (as
 * pid_nr_ns() answers for a pid outside the namespace). */
static __always_inline __u32 pid_nr_in(struct pid* p, __u32 level, void* ns) {
    struct upid up = {};

    if (!p || level > BPF_CORE_READ(p, level)) return 0;
    bpf_probe_read_kernel(&up, sizeof(up), &p->numbers[level & SAKER_PIDNS_LEVEL_MASK]);
    return (void*)up.ns == ns ? up.nr : 0;
}

/* vtid, vpid, pgid, vpgid, sid of task t (events.h: pid-namespace ids): five U64 params. */
static __always_inline void put_task_ids(struct saker_scratch* s, struct task_struct* t) {
    struct pid* tp = BPF_CORE_READ(t, thread_pid);
    __u32 level = BPF_CORE_READ(tp, level) & SAKER_PIDNS_LEVEL_MASK;
    struct upid me = {};
    struct pid* pgrp = BPF_CORE_READ(t, signal, pids[PIDTYPE_PGID]);

    bpf_probe_read_kernel(&me, sizeof(me), &tp->numbers[level]);
    put_u64(s, me.nr);
    put_u64(s, pid_nr_in(BPF_CORE_READ(t, group_leader, thread_pid), level, me.ns));
    put_u64(s, BPF_CORE_READ(pgrp, numbers[0].nr));
    put_u64(s, pid_nr_in(pgrp, level, me.ns));
    put_u64(s, BPF_CORE_READ(t, signal, pids[PIDTYPE_SID], numbers[0].nr));
}

/* ---- I/O payloads -------------------------------------------------------------- */

/* How many buffer bytes syscall nr's record carries: the payload map's snaplen, at most
 * `ret` (what the syscall moved); 0 = leave the data param out. */
static __always_inline __u32 payload_len(__u32 nr, long ret) {
    __u32* snap = bpf_map_lookup_elem(&payload_syscalls, &nr);

    if (!snap || !*snap || ret <= 0) return 0;
    return (__u64)ret < *snap ? (__u32)ret : *snap;
}

/* len bytes of a user buffer as a BYTES param (nothing when len is 0). */
static __always_inline void put_payload(struct saker_scratch* s, const void* buf, __u32 len) {
    if (len) put_ubytes(s, SAKER_PT_BYTES, buf, len, SAKER_MAX_SNAPLEN);
}

/* len bytes gathered from an iovec array (readv/writev, msg_iov) as one BYTES param. */
#define SAKER_MAX_IOV 8
static __always_inline void put_payload_iov(struct saker_scratch* s, const struct iovec* iov,
                                            __u64 iovcnt, __u32 len) {
    __u32 off = s->off & REC_MASK;
    __u32 room = param_room(s, SAKER_MAX_SNAPLEN);
    __u32 total = 0;
    __u8 flags = 0;

    if (!len) return;
    if (len > room) len = room, flags |= SAKER_PF_TRUNCATED;
    for (int i = 0; i < SAKER_MAX_IOV; i++) {
        struct iovec v = {};
        if (i >= iovcnt || total >= len) break;
        if (bpf_probe_read_user(&v, sizeof(v), &iov[i])) {
            flags |= SAKER_PF_FAULT;
            break;
        }
        __u32 n = v.iov_len < len - total ? v.iov_len : len - total;
        n &= VAR_MASK;
        if (n && bpf_probe_read_user(&s->buf[(off + PHDR + total) & REC_MASK], n, v.iov_base)) {
            flags |= SAKER_PF_FAULT;
            break;
        }
        total += n;
    }
    param_commit(s, off, total & VAR_MASK, SAKER_PT_BYTES, flags);
}

#define SAKER_EXIT_HANDLER(name)                                                                   \
    static __always_inline int name##_body(void* ctx, struct pt_regs* regs, long ret);             \
    SEC("tp_btf/sys_exit") int BPF_PROG(name, struct pt_regs* regs, long ret) {                    \
        return name##_body(ctx, regs, ret);                                                        \
    }                                                                                              \
    static __always_inline int name##_body(void* ctx, struct pt_regs* regs, long ret)

/* The record the dispatcher started, re-typed for this handler's layout. */
static __always_inline struct saker_scratch* handler_begin(__u16 type) {
    struct saker_scratch* s = scratch_get();
    if (s) ev_set_type(s, type);
    return s;
}

static __always_inline __u32 ev_nr(struct saker_scratch* s) {
    return ev_hdr(s)->syscall_nr;
}

#endif
