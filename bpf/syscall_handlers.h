/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Which exit handler (bpf/handlers/) decodes which syscall: the one table both
 * entry paths of the probe are built from.
 *   - fexit (preferred): probe.bpf.c defines one program per row, attached to
 *     the kernel's __x64_sys_<kernel name> entry point only while user space
 *     wants the syscall, which runs the handler's code directly.
 *   - tracepoint (fallback): user space fills the sys_exit dispatcher's
 *     tail-call table from the same rows (runtime/capture/probe.cpp).
 * X(syscall, kernel name, handler). The kernel name differs where the syscall
 * was renamed (umount2 is SYSCALL_DEFINE2(umount)). GENERIC rows have no
 * handler: their record carries the six raw arguments.
 */
#ifndef SAKER_BPF_SYSCALL_HANDLERS_H
#define SAKER_BPF_SYSCALL_HANDLERS_H

#define SAKER_SYSCALL_HANDLERS(X)                                                                  \
    X(execve, execve, h_execve)                                                                    \
    X(execveat, execveat, h_execve)                                                                \
    X(clone, clone, h_clone)                                                                       \
    X(clone3, clone3, h_clone)                                                                     \
    X(open, open, h_open)                                                                          \
    X(openat, openat, h_open)                                                                      \
    X(openat2, openat2, h_open)                                                                    \
    X(creat, creat, h_open)                                                                        \
    X(close, close, h_fd)                                                                          \
    X(fchdir, fchdir, h_fd)                                                                        \
    X(dup, dup, h_dup)                                                                             \
    X(dup2, dup2, h_dup)                                                                           \
    X(dup3, dup3, h_dup)                                                                           \
    X(socket, socket, h_socket)                                                                    \
    X(listen, listen, h_listen)                                                                    \
    X(bind, bind, h_sockaddr_op)                                                                   \
    X(connect, connect, h_sockaddr_op)                                                             \
    X(accept, accept, h_accept)                                                                    \
    X(accept4, accept4, h_accept)                                                                  \
    X(sendto, sendto, h_sockio)                                                                    \
    X(recvfrom, recvfrom, h_sockio)                                                                \
    X(sendmsg, sendmsg, h_sockio)                                                                  \
    X(recvmsg, recvmsg, h_sockio)                                                                  \
    X(unlink, unlink, h_path)                                                                      \
    X(unlinkat, unlinkat, h_path)                                                                  \
    X(mkdir, mkdir, h_path)                                                                        \
    X(mkdirat, mkdirat, h_path)                                                                    \
    X(rmdir, rmdir, h_path)                                                                        \
    X(chdir, chdir, h_path)                                                                        \
    X(rename, rename, h_path2)                                                                     \
    X(renameat, renameat, h_path2)                                                                 \
    X(renameat2, renameat2, h_path2)                                                               \
    X(link, link, h_path2)                                                                         \
    X(linkat, linkat, h_path2)                                                                     \
    X(symlink, symlink, h_path2)                                                                   \
    X(symlinkat, symlinkat, h_path2)                                                               \
    X(chmod, chmod, h_chmod)                                                                       \
    X(fchmod, fchmod, h_chmod)                                                                     \
    X(fchmodat, fchmodat, h_chmod)                                                                 \
    X(fchmodat2, fchmodat2, h_chmod)                                                               \
    X(chown, chown, h_chown)                                                                       \
    X(lchown, lchown, h_chown)                                                                     \
    X(fchown, fchown, h_chown)                                                                     \
    X(fchownat, fchownat, h_chown)                                                                 \
    X(setuid, setuid, h_setid)                                                                     \
    X(setgid, setgid, h_setid)                                                                     \
    X(setreuid, setreuid, h_setid)                                                                 \
    X(setregid, setregid, h_setid)                                                                 \
    X(setresuid, setresuid, h_setid)                                                               \
    X(setresgid, setresgid, h_setid)                                                               \
    X(capset, capset, h_capset)                                                                    \
    X(ptrace, ptrace, h_ptrace)                                                                    \
    X(kill, kill, h_kill)                                                                          \
    X(tkill, tkill, h_kill)                                                                        \
    X(tgkill, tgkill, h_kill)                                                                      \
    X(prctl, prctl, h_prctl)                                                                       \
    X(setns, setns, h_setns)                                                                       \
    X(unshare, unshare, h_flags)                                                                   \
    X(userfaultfd, userfaultfd, h_flags)                                                           \
    X(mount, mount, h_mount)                                                                       \
    X(umount2, umount, h_umount)                                                                   \
    X(init_module, init_module, h_module)                                                          \
    X(finit_module, finit_module, h_module)                                                        \
    X(bpf, bpf, h_bpf)                                                                             \
    X(io_uring_setup, io_uring_setup, h_io_uring)                                                  \
    X(memfd_create, memfd_create, h_memfd)                                                         \
    X(mmap, mmap, h_mmap)                                                                          \
    X(mprotect, mprotect, h_mmap)                                                                  \
    X(pipe, pipe, h_pipe)                                                                          \
    X(pipe2, pipe2, h_pipe)                                                                        \
    X(read, read, h_io)                                                                            \
    X(write, write, h_io)                                                                          \
    X(setsid, setsid, h_pgrp)                                                                      \
    X(setpgid, setpgid, h_pgrp)

/* fork and vfork: SYSCALL_DEFINE0 wrappers that vmlinux BTF does not describe,
 * so no fexit program can target them; in fexit mode one program on
 * kernel_clone(), the function both call, reports them (probe.bpf.c). */
#define SAKER_CLONE_WRAPPERS(X)                                                                    \
    X(fork, fork, h_clone)                                                                         \
    X(vfork, vfork, h_clone)

/* Named syscalls without a handler: reported as GENERIC records. */
#define SAKER_GENERIC_SYSCALLS(X)

#endif
