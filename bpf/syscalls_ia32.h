/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * i386 syscall numbers of the syscalls the probe reports, for 32-bit (ia32) syscalls: an
 * ia32 task (or int 0x80 from a 64-bit one) numbers its syscalls from the i386 table, so the
 * tracepoint's orig_ax must be translated, never read as an x86_64 number (5 is open there,
 * fstat here). From /usr/include/x86_64-linux-gnu/asm/unistd_32.h; runtime/capture checks
 * each against it in a test. The uid/gid calls are the 32-bit-id ones glibc uses (setuid32
 * ...), mmap is mmap2 (same registers; the offset, which saker does not report, is in pages).
 * x86_64 accept has no i386 twin (only socketcall's).
 */
#ifndef SAKER_BPF_SYSCALLS_IA32_H
#define SAKER_BPF_SYSCALLS_IA32_H

/* X(saker name, i386 nr): decoded by the x86_64 handler, arguments from the ia32 registers. */
#define SAKER_IA32_SYSCALLS(X)                                                                     \
    X(fork, 2)                                                                                     \
    X(read, 3)                                                                                     \
    X(write, 4)                                                                                    \
    X(open, 5)                                                                                     \
    X(close, 6)                                                                                    \
    X(creat, 8)                                                                                    \
    X(link, 9)                                                                                     \
    X(unlink, 10)                                                                                  \
    X(chdir, 12)                                                                                   \
    X(chmod, 15)                                                                                   \
    X(mount, 21)                                                                                   \
    X(ptrace, 26)                                                                                  \
    X(kill, 37)                                                                                    \
    X(rename, 38)                                                                                  \
    X(mkdir, 39)                                                                                   \
    X(rmdir, 40)                                                                                   \
    X(dup, 41)                                                                                     \
    X(pipe, 42)                                                                                    \
    X(umount2, 52)                                                                                 \
    X(setpgid, 57)                                                                                 \
    X(dup2, 63)                                                                                    \
    X(setsid, 66)                                                                                  \
    X(symlink, 83)                                                                                 \
    X(fchmod, 94)                                                                                  \
    X(clone, 120)                                                                                  \
    X(mprotect, 125)                                                                               \
    X(init_module, 128)                                                                            \
    X(fchdir, 133)                                                                                 \
    X(prctl, 172)                                                                                  \
    X(capset, 185)                                                                                 \
    X(vfork, 190)                                                                                  \
    X(mmap, 192)                                                                                   \
    X(lchown, 198)                                                                                 \
    X(setreuid, 203)                                                                               \
    X(setregid, 204)                                                                               \
    X(fchown, 207)                                                                                 \
    X(setresuid, 208)                                                                              \
    X(setresgid, 210)                                                                              \
    X(chown, 212)                                                                                  \
    X(setuid, 213)                                                                                 \
    X(setgid, 214)                                                                                 \
    X(tkill, 238)                                                                                  \
    X(tgkill, 270)                                                                                 \
    X(openat, 295)                                                                                 \
    X(mkdirat, 296)                                                                                \
    X(fchownat, 298)                                                                               \
    X(unlinkat, 301)                                                                               \
    X(renameat, 302)                                                                               \
    X(linkat, 303)                                                                                 \
    X(symlinkat, 304)                                                                              \
    X(fchmodat, 306)                                                                               \
    X(unshare, 310)                                                                                \
    X(dup3, 330)                                                                                   \
    X(pipe2, 331)                                                                                  \
    X(setns, 346)                                                                                  \
    X(finit_module, 350)                                                                           \
    X(renameat2, 353)                                                                              \
    X(memfd_create, 356)                                                                           \
    X(bpf, 357)                                                                                    \
    X(socket, 359)                                                                                 \
    X(bind, 361)                                                                                   \
    X(connect, 362)                                                                                \
    X(listen, 363)                                                                                 \
    X(accept4, 364)                                                                                \
    X(sendto, 369)                                                                                 \
    X(recvfrom, 371)                                                                               \
    X(userfaultfd, 374)                                                                            \
    X(io_uring_setup, 425)                                                                         \
    X(clone3, 435)                                                                                 \
    X(openat2, 437)                                                                                \
    X(fchmodat2, 452)

/* X(saker name, i386 nr): the i386 call does what `name` does, but with arguments the
 * x86_64 handler would misread (pointer arrays and structs with 32-bit pointers, 16-bit ids,
 * old_mmap's argument block, socketcall's multiplexed arguments, oldumount's missing flags).
 * Dropped and counted (ia32_dropped) when `name` is wanted. A successful execve is still
 * reported, from sched_process_exec. */
#define SAKER_IA32_UNDECODABLE(X)                                                                  \
    X(execve, 11)                                                                                  \
    X(lchown, 16)                                                                                  \
    X(umount2, 22)                                                                                 \
    X(setuid, 23)                                                                                  \
    X(setgid, 46)                                                                                  \
    X(setreuid, 70)                                                                                \
    X(setregid, 71)                                                                                \
    X(mmap, 90)                                                                                    \
    X(fchown, 95)                                                                                  \
    X(connect, 102)                                                                                \
    X(setresuid, 164)                                                                              \
    X(setresgid, 170)                                                                              \
    X(chown, 182)                                                                                  \
    X(execveat, 358)                                                                               \
    X(sendmsg, 370)                                                                                \
    X(recvmsg, 372)

#endif
