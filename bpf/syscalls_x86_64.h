/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * x86_64 syscall numbers the probe dispatches on. BPF code cannot include
 * <asm/unistd_64.h> from the host, and vmlinux.h carries no __NR_ macros, so
 * the numbers live here; runtime/capture static_asserts each one against
 * <sys/syscall.h> so a typo cannot survive a build. Generated from
 * /usr/include/x86_64-linux-gnu/asm/unistd_64.h.
 */
#ifndef SAKER_BPF_SYSCALLS_X86_64_H
#define SAKER_BPF_SYSCALLS_X86_64_H

/* X(name, nr) */
#define SAKER_SYSCALLS(X)                                                                          \
    X(read, 0)                                                                                     \
    X(write, 1)                                                                                    \
    X(open, 2)                                                                                     \
    X(close, 3)                                                                                    \
    X(mmap, 9)                                                                                     \
    X(mprotect, 10)                                                                                \
    X(pipe, 22)                                                                                    \
    X(dup, 32)                                                                                     \
    X(dup2, 33)                                                                                    \
    X(socket, 41)                                                                                  \
    X(connect, 42)                                                                                 \
    X(accept, 43)                                                                                  \
    X(sendto, 44)                                                                                  \
    X(recvfrom, 45)                                                                                \
    X(sendmsg, 46)                                                                                 \
    X(recvmsg, 47)                                                                                 \
    X(bind, 49)                                                                                    \
    X(listen, 50)                                                                                  \
    X(clone, 56)                                                                                   \
    X(fork, 57)                                                                                    \
    X(vfork, 58)                                                                                   \
    X(execve, 59)                                                                                  \
    X(kill, 62)                                                                                    \
    X(chdir, 80)                                                                                   \
    X(fchdir, 81)                                                                                  \
    X(rename, 82)                                                                                  \
    X(mkdir, 83)                                                                                   \
    X(rmdir, 84)                                                                                   \
    X(creat, 85)                                                                                   \
    X(link, 86)                                                                                    \
    X(unlink, 87)                                                                                  \
    X(symlink, 88)                                                                                 \
    X(chmod, 90)                                                                                   \
    X(fchmod, 91)                                                                                  \
    X(chown, 92)                                                                                   \
    X(fchown, 93)                                                                                  \
    X(lchown, 94)                                                                                  \
    X(ptrace, 101)                                                                                 \
    X(setuid, 105)                                                                                 \
    X(setpgid, 109)                                                                                \
    X(setsid, 112)                                                                                 \
    X(setgid, 106)                                                                                 \
    X(setreuid, 113)                                                                               \
    X(setregid, 114)                                                                               \
    X(setresuid, 117)                                                                              \
    X(setresgid, 119)                                                                              \
    X(capset, 126)                                                                                 \
    X(prctl, 157)                                                                                  \
    X(mount, 165)                                                                                  \
    X(umount2, 166)                                                                                \
    X(init_module, 175)                                                                            \
    X(tkill, 200)                                                                                  \
    X(tgkill, 234)                                                                                 \
    X(openat, 257)                                                                                 \
    X(mkdirat, 258)                                                                                \
    X(fchownat, 260)                                                                               \
    X(unlinkat, 263)                                                                               \
    X(renameat, 264)                                                                               \
    X(linkat, 265)                                                                                 \
    X(symlinkat, 266)                                                                              \
    X(fchmodat, 268)                                                                               \
    X(accept4, 288)                                                                                \
    X(dup3, 292)                                                                                   \
    X(pipe2, 293)                                                                                  \
    X(setns, 308)                                                                                  \
    X(finit_module, 313)                                                                           \
    X(renameat2, 316)                                                                              \
    X(memfd_create, 319)                                                                           \
    X(bpf, 321)                                                                                    \
    X(execveat, 322)                                                                               \
    X(userfaultfd, 323)                                                                            \
    X(io_uring_setup, 425)                                                                         \
    X(clone3, 435)                                                                                 \
    X(openat2, 437)                                                                                \
    X(fchmodat2, 452)                                                                              \
    X(unshare, 272)

#define SAKER_X_NR(name, nr) SAKER_NR_##name = nr,
enum saker_syscall_nr { SAKER_SYSCALLS(SAKER_X_NR) };
#undef SAKER_X_NR

#endif
