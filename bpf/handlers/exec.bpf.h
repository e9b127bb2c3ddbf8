/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* execve/execveat. A successful exec is reported from sched_process_exec,
 * where the new image's facts are readable (its argv, exe, creds); the exit
 * of a successful exec then has nothing to add and is skipped. A failed exec
 * is reported at syscall exit: the old image and its argv are still there. */
#ifndef SAKER_BPF_HANDLERS_EXEC_BPF_H
#define SAKER_BPF_HANDLERS_EXEC_BPF_H

#include "../helpers.bpf.h"

#define SAKER_CAP_DAC_OVERRIDE 1
#define SAKER_OVERLAYFS_MAGIC 0x794c7630
#define SAKER_S_IWUSR 00200
#define SAKER_S_IWGRP 00020
#define SAKER_S_IWOTH 00002

SAKER_EXIT_HANDLER(h_execve) {
    struct saker_scratch* s = handler_begin(SAKER_EVT_EXECVE);
    int at;

    if (!s || ret == 0) return 0;
    at = ev_nr(s) == SAKER_NR_execveat;
    put_str(s, (const void*)sys_arg(s, at ? 1 : 0), 1);
    put_user_argv(s, (const char* const*)sys_arg(s, at ? 2 : 1));
    ev_submit(s);
    return 0;
}

static __always_inline __u32 exe_writable(struct inode* ino, const struct cred* cred) {
    __u16 mode = BPF_CORE_READ(ino, i_mode);
    __u32 euid = BPF_CORE_READ(cred, euid.val), egid = BPF_CORE_READ(cred, egid.val);

    if (saker_read_cap(&cred->cap_effective) & (1ull << SAKER_CAP_DAC_OVERRIDE)) return 1;
    if (BPF_CORE_READ(ino, i_uid.val) == euid) return !!(mode & SAKER_S_IWUSR);
    if (BPF_CORE_READ(ino, i_gid.val) == egid) return !!(mode & SAKER_S_IWGRP);
    return !!(mode & SAKER_S_IWOTH);
}

/* overlayfs keeps the upper dentry next to the VFS inode (struct ovl_inode). */
static __always_inline __u32 exe_upper_layer(struct inode* ino) {
    if (BPF_CORE_READ(ino, i_sb, s_magic) != SAKER_OVERLAYFS_MAGIC) return 0;
    if (!bpf_core_type_exists(struct ovl_inode)) return 0;
    struct ovl_inode* oi = container_of(ino, struct ovl_inode, vfs_inode);
    return BPF_CORE_READ(oi, __upperdentry) != NULL;
}

/* memfd files are named "memfd:<name>" on the internal shmem mount. */
static __always_inline __u32 exe_from_memfd(struct dentry* d) {
    char name[6] = {};
    bpf_probe_read_kernel(name, sizeof(name), BPF_CORE_READ(d, d_name.name));
    return name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' && name[4] == 'd' &&
           name[5] == ':';
}

static __always_inline __u64 exe_flags(struct file* f, const struct cred* cred) {
    struct inode* ino = BPF_CORE_READ(f, f_inode);
    __u64 flags = 0;

    if (exe_writable(ino, cred)) flags |= SAKER_EXE_WRITABLE;
    if (exe_upper_layer(ino)) flags |= SAKER_EXE_UPPER_LAYER;
    if (exe_from_memfd(BPF_CORE_READ(f, f_path.dentry))) flags |= SAKER_EXE_FROM_MEMFD;
    return flags;
}

/* tty as /proc/<pid>/stat's tty_nr: new_encode_dev(driver major, minor_start + index). */
static __always_inline __u64 task_tty(struct task_struct* t) {
    struct tty_struct* tty = BPF_CORE_READ(t, signal, tty);
    if (!tty) return 0;
    __u32 major = BPF_CORE_READ(tty, driver, major);
    __u32 minor = BPF_CORE_READ(tty, driver, minor_start) + BPF_CORE_READ(tty, index);
    return encode_dev((major << 20) | minor);
}

static __always_inline void put_creds(struct saker_scratch* s, const struct cred* c) {
    put_u64(s, BPF_CORE_READ(c, uid.val));
    put_u64(s, BPF_CORE_READ(c, gid.val));
    put_u64(s, BPF_CORE_READ(c, euid.val));
    put_u64(s, BPF_CORE_READ(c, egid.val));
    put_u64(s, saker_read_cap(&c->cap_inheritable));
    put_u64(s, saker_read_cap(&c->cap_permitted));
    put_u64(s, saker_read_cap(&c->cap_effective));
}

/* The new image's argv lives between mm->arg_start and mm->arg_end. */
static __always_inline void put_mm_args(struct saker_scratch* s, struct task_struct* p) {
    struct mm_struct* mm = BPF_CORE_READ(p, mm);
    unsigned long start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);

    put_ubytes(s, SAKER_PT_STRLIST, (const void*)start, end > start ? end - start : 0,
               SAKER_MAX_ARGV);
}

/* The new image's environment, between mm->env_start and mm->env_end, bounded as Falco
 * bounds it (SAKER_MAX_ENV). */
static __always_inline void put_mm_env(struct saker_scratch* s, struct task_struct* p) {
    struct mm_struct* mm = BPF_CORE_READ(p, mm);
    unsigned long start = BPF_CORE_READ(mm, env_start), end = BPF_CORE_READ(mm, env_end);

    put_ubytes(s, SAKER_PT_STRLIST, (const void*)start, end > start ? end - start : 0,
               SAKER_MAX_ENV);
}

/* execve or execveat: the syscall this exec happens inside. Loading an ia32 image makes it
 * an ia32 execve (the kernel rewrites orig_ax and TS_COMPAT for the first return to the new
 * image), so the i386 number is translated like the sys_exit dispatcher's. */
static __always_inline __u32 exec_syscall_nr(struct task_struct* p) {
    struct pt_regs* regs = (struct pt_regs*)bpf_task_pt_regs(p);
    __u32 nr = BPF_CORE_READ(regs, orig_ax), x64;

    if (!in_ia32_syscall() || nr >= SAKER_SYSCALL_TABLE_SIZE) return nr;
    x64 = saker_ia32_to_x64[nr] & ~SAKER_COMPAT_UNDECODABLE;
    return x64 ? x64 - 1 : SAKER_NR_NONE;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(saker_sched_exec, struct task_struct* p, pid_t old_pid, struct linux_binprm* bprm) {
    struct saker_scratch* s = scratch_get();
    struct file* exe = BPF_CORE_READ(bprm, file);
    const struct cred* cred = BPF_CORE_READ(p, cred);
    struct fs_struct* fs = BPF_CORE_READ(p, fs);

    if (!s) return 0;
    ev_begin(s, SAKER_EVT_EXECVE, exec_syscall_nr(p), 0);
    put_str(s, BPF_CORE_READ(bprm, filename), 0);
    put_mm_args(s, p);
    put_dentry_path(s, BPF_CORE_READ(exe, f_path.dentry), BPF_CORE_READ(exe, f_path.mnt));
    put_dentry_path(s, BPF_CORE_READ(fs, pwd.dentry), BPF_CORE_READ(fs, pwd.mnt));
    put_u64(s, task_tty(p));
    put_u64(s, saker_task_loginuid(p));
    put_creds(s, cred);
    put_u64(s, BPF_CORE_READ(exe, f_inode, i_ino));
    put_u64(s, encode_dev(BPF_CORE_READ(exe, f_inode, i_sb, s_dev)));
    put_u64(s, exe_flags(exe, cred));
    put_kernfs_path(s, BPF_CORE_READ(p, cgroups, dfl_cgrp, kn));
    put_str(s, p->comm, 0);
    put_task_ids(s, p);
    put_u64(s, saker_inode_ctime(BPF_CORE_READ(exe, f_inode)));
    put_u64(s, saker_inode_mtime(BPF_CORE_READ(exe, f_inode)));
    put_mm_env(s, p); /* last: what the record has no room for is the environment's tail */
    ev_submit(s);
    return 0;
}

#endif
