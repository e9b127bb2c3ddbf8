/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The wire format between the saker probe (bpf/probe.bpf.c) and user space
 * (runtime/capture). This is the ONLY definition of it: both sides include this
 * file, so it uses fixed-width plain types only (no vmlinux.h types, no maps).
 *
 * A ring-buffer record is:
 *
 *   struct saker_event_hdr            48 bytes, fixed
 *   nparams x { struct saker_param_hdr (4 bytes), len bytes of data }
 *
 * hdr.len is the total record length the probe sent (header + params).
 * Params are packed back to back with no padding; user space must memcpy them
 * (they are not aligned). The event type names a parameter LAYOUT (the X-macro
 * below lists each layout's params in order); hdr.syscall_nr says which syscall
 * produced it (openat vs creat share the OPEN layout). A record may carry FEWER
 * params than its layout lists (e.g. a failed execve has no post-exec facts):
 * consumers must check nparams, never assume it.
 */
#ifndef SAKER_BPF_EVENTS_H
#define SAKER_BPF_EVENTS_H

#ifdef __bpf__
/* vmlinux.h provides __u8.. in BPF; plain C/C++ uses <stdint.h>. */
typedef __u8 saker_u8;
typedef __u16 saker_u16;
typedef __u32 saker_u32;
typedef __u64 saker_u64;
typedef __s64 saker_s64;
#else
#include <stddef.h>
#include <stdint.h>
typedef uint8_t saker_u8;
typedef uint16_t saker_u16;
typedef uint32_t saker_u32;
typedef uint64_t saker_u64;
typedef int64_t saker_s64;
#endif

/*
 * X(ENUM, "name", "param,param,...") — one entry per parameter layout.
 * Paths are as the process passed them; dirfd is -100 (AT_FDCWD) when the
 * syscall has no dirfd. Tuples are local/remote of the socket as the kernel
 * holds it after the syscall (see struct saker_tuple).
 */
#define SAKER_EVENT_TYPES(X)                                                                       \
    X(GENERIC, "generic", "a0,a1,a2,a3,a4,a5")                                                     \
    X(EXECVE, "execve",                                                                            \
      "filename,argv,exe,cwd,tty,loginuid,uid,gid,euid,egid,cap_inheritable,cap_permitted,"        \
      "cap_effective,exe_ino,exe_dev,exe_flags,cgroup,comm,vtid,vpid,pgid,vpgid,sid,exe_ctime,"    \
      "exe_mtime,env")                                                                             \
    X(CLONE, "clone", "flags")                                                                     \
    X(PROC_FORK, "proc_fork", "child_tid,child_pid,vtid,vpid,pgid,vpgid,sid,comm")                 \
    X(PROC_EXIT, "proc_exit", "exit_code,group_dead")                                              \
    X(OPEN, "open", "dirfd,path,flags,mode,dev,ino")                                               \
    X(FD, "fd", "fd")                                                                              \
    X(DUP, "dup", "oldfd,newfd,flags")                                                             \
    X(SOCKET, "socket", "domain,type,protocol")                                                    \
    X(SOCKADDR_OP, "sockaddr_op", "fd,addr,tuple")                                                 \
    X(LISTEN, "listen", "fd,backlog")                                                              \
    X(ACCEPT, "accept", "fd,flags,tuple")                                                          \
    X(SOCKIO, "sockio", "fd,size,addr,tuple,data")                                                 \
    X(PATH, "path", "dirfd,path,arg")                                                              \
    X(PATH2, "path2", "olddirfd,oldpath,newdirfd,newpath,flags")                                   \
    X(CHMOD, "chmod", "fd,path,mode,flags")                                                        \
    X(CHOWN, "chown", "fd,path,uid,gid,flags")                                                     \
    X(SETID, "setid", "a0,a1,a2,uid,euid,gid,egid")                                                \
    X(CAPSET, "capset", "cap_inheritable,cap_permitted,cap_effective")                             \
    X(PTRACE, "ptrace", "request,pid")                                                             \
    X(MOUNT, "mount", "source,target,fstype,flags")                                                \
    X(UMOUNT, "umount", "target,flags")                                                            \
    X(MODULE, "module", "fd,len,uargs,flags")                                                      \
    X(BPF, "bpf", "cmd,prog_type")                                                                 \
    X(MEMFD, "memfd", "name,flags")                                                                \
    X(MMAP, "mmap", "addr,len,prot,flags,fd")                                                      \
    X(FLAGS, "flags", "flags")                                                                     \
    X(PRCTL, "prctl", "option,arg2,name")                                                          \
    X(SETNS, "setns", "fd,nstype")                                                                 \
    X(PIPE, "pipe", "fd0,fd1,flags")                                                               \
    X(KILL, "kill", "tgid,tid,sig")                                                                \
    X(IO_URING, "io_uring_setup", "entries,flags")                                                 \
    X(IO, "io", "fd,size,data")

enum saker_event_type {
#define SAKER_X_ENUM(e, name, params) SAKER_EVT_##e,
    SAKER_EVENT_TYPES(SAKER_X_ENUM)
#undef SAKER_X_ENUM
        SAKER_EVT_MAX
};

/* The largest layout above has 26 params; the decoder rejects more. */
#define SAKER_MAX_PARAMS 32

/* Fixed header of every record. Field order keeps natural alignment. */
struct saker_event_hdr {
    saker_u64 ts_ns;      /* bpf_ktime_get_boot_ns(): CLOCK_BOOTTIME */
    saker_u32 tid;        /* kernel pid of the thread */
    saker_u32 pid;        /* kernel tgid (the process id user space sees) */
    saker_u32 ppid;       /* tgid of real_parent */
    saker_u16 type;       /* enum saker_event_type */
    saker_u16 nparams;    /* params that follow */
    saker_s64 ret;        /* syscall return value; 0 for sched events */
    saker_u32 syscall_nr; /* x86_64 syscall number (an ia32 one's x86_64 twin); SAKER_NR_NONE for
                             sched events */
    saker_u32 cpu;        /* bpf_get_smp_processor_id() */
    saker_u32 len;        /* total record bytes, header included */
    saker_u32 flags;      /* SAKER_EVF_* */
};

#define SAKER_NR_NONE 0xffffffffu
#define SAKER_EVF_TRUNCATED 0x1u /* at least one param was cut or skipped */
#define SAKER_EVF_IA32 0x2u      /* a 32-bit (ia32) syscall; syscall_nr is its x86_64 twin */

/* Parameter kinds: how the bytes of one param are to be read. */
enum saker_param_type {
    SAKER_PT_NONE = 0,     /* absent (len 0): the probe had nothing to report */
    SAKER_PT_U64 = 1,      /* 8 bytes, little-endian; signed values are two's complement */
    SAKER_PT_STR = 2,      /* bytes without the terminating NUL */
    SAKER_PT_STRLIST = 3,  /* NUL-terminated strings back to back (argv) */
    SAKER_PT_SOCKADDR = 4, /* struct saker_sockaddr */
    SAKER_PT_TUPLE = 5,    /* struct saker_tuple */
    SAKER_PT_BYTES = 6,    /* raw bytes (an I/O buffer's first bytes) */
    SAKER_PT_MAX
};

#define SAKER_PF_TRUNCATED 0x1u /* the value was longer than the probe's limit */
#define SAKER_PF_FAULT 0x2u     /* reading it failed (bad user pointer, paged out) */

struct saker_param_hdr {
    saker_u16 len;  /* data bytes that follow this header */
    saker_u8 type;  /* enum saker_param_type */
    saker_u8 flags; /* SAKER_PF_* */
};

/* Address families on the wire (Linux values). */
#define SAKER_AF_UNIX 1
#define SAKER_AF_INET 2
#define SAKER_AF_INET6 10
#define SAKER_UNIX_PATH_MAX 108

/* One socket address: for INET/INET6 the address and port in network order
 * (as in sockaddr_in/in6), for UNIX the path (abstract names start with NUL). */
struct saker_sockaddr {
    saker_u16 family;
    saker_u16 port; /* network byte order */
    saker_u32 pad;
    union {
        saker_u8 ip[16]; /* IPv4 in the first 4 bytes */
        char path[SAKER_UNIX_PATH_MAX];
    } u;
};

/* The socket's own view after the syscall: local and remote end. For a unix
 * socket the local path is the bound name and the remote the peer's name. */
struct saker_tuple {
    struct saker_sockaddr local;
    struct saker_sockaddr remote;
    saker_u64 sock; /* kernel socket id (inode number), stable for the socket's life */
};

/* exe_flags bits in the EXECVE layout. */
#define SAKER_EXE_WRITABLE 0x1u    /* the exe is writable by the process's euid/egid */
#define SAKER_EXE_UPPER_LAYER 0x2u /* overlayfs: the exe lives in the upper layer */
#define SAKER_EXE_FROM_MEMFD 0x4u  /* the exe is a memfd ("memfd:" dentry) */

/* Drop/loss counters: BPF_MAP_TYPE_PERCPU_ARRAY, one entry (key 0). */
struct saker_drop_counters {
    saker_u64 events;         /* records written to the ring buffer */
    saker_u64 ringbuf_full;   /* bpf_ringbuf_output() failed: event lost */
    saker_u64 truncated_args; /* params cut to the probe's limits */
    saker_u64 read_faults;    /* params whose read failed */
    saker_u64 tail_call_miss; /* interesting syscall with no handler: sent as GENERIC */
    saker_u64 ia32_dropped;   /* wanted ia32 syscall whose arguments the probe cannot decode */
};

/* Interest map: BPF_MAP_TYPE_ARRAY, key = syscall nr (u32), value = u8 bits: SAKER_WANT_X64
 * when x86_64 syscall nr is wanted, SAKER_WANT_IA32 when i386 syscall nr translates
 * (bpf/syscalls_ia32.h) to a wanted one. One lookup then decides, before anything else, that
 * a syscall is wanted under neither table. Syscalls outside [0, SAKER_SYSCALL_TABLE_SIZE) are
 * never emitted. */
#define SAKER_WANT_X64 0x1u
#define SAKER_WANT_IA32 0x2u
#define SAKER_SYSCALL_TABLE_SIZE 512

/* Ring-buffer losses by class. drop_class (BPF_MAP_TYPE_ARRAY, filled by user
 * space) maps a key to a class index: the syscall nr, or SAKER_SYSCALL_TABLE_SIZE
 * + the event type for records no syscall produced (sched events). class_drops
 * (BPF_MAP_TYPE_PERCPU_ARRAY, one entry) counts each class's losses; class 0 is
 * "unclassified". What the classes mean is user space's choice
 * (runtime/capture/drop_classes.h). */
#define SAKER_DROP_CLASSES 16
#define SAKER_DROP_CLASS_KEYS (SAKER_SYSCALL_TABLE_SIZE + SAKER_EVT_MAX)
struct saker_class_drops {
    saker_u64 n[SAKER_DROP_CLASSES];
};

/* Payload map: BPF_MAP_TYPE_ARRAY, key = syscall nr (u32), value = u32 snaplen: how many
 * bytes of the I/O buffer the handler copies into the record's `data` param (0 = none, and
 * the param is left out). User space sets it only for the syscalls a loaded rule reads
 * evt.buffer / evt.arg.data on, so other rulesets pay nothing. Capped at SAKER_MAX_SNAPLEN. */
#define SAKER_MAX_SNAPLEN 4096

/* Pid-namespace ids (EXECVE, PROC_FORK): vtid/vpid as the task's own pid namespace numbers
 * it, pgid/sid as the host (initial namespace) sees the process group and session, vpgid the
 * group as the task's namespace sees it (0 when the group leader is outside it). */

/* Probe limits (also what the decoder is tested against). */
#define SAKER_MAX_STR 4096     /* one path or string param */
#define SAKER_MAX_ARGV 4096    /* argv bytes in total */
#define SAKER_MAX_ARGS 32      /* argv entries */
#define SAKER_MAX_ENV 4096     /* environment bytes at exec (Falco's SCAP_MAX_ENV_SIZE) */
#define SAKER_MAX_RECORD 16384 /* a record never exceeds this */

#if defined(__cplusplus)
static_assert(sizeof(struct saker_event_hdr) == 48, "wire header size");
static_assert(offsetof(struct saker_event_hdr, type) == 20, "wire header layout");
static_assert(offsetof(struct saker_event_hdr, ret) == 24, "wire header layout");
static_assert(offsetof(struct saker_event_hdr, len) == 40, "wire header layout");
static_assert(sizeof(struct saker_param_hdr) == 4, "param header size");
static_assert(sizeof(struct saker_sockaddr) == 116, "sockaddr size");
static_assert(sizeof(struct saker_tuple) == 240, "tuple size");
static_assert(sizeof(struct saker_drop_counters) == 48, "drop counters size");
#else
_Static_assert(sizeof(struct saker_event_hdr) == 48, "wire header size");
_Static_assert(sizeof(struct saker_param_hdr) == 4, "param header size");
_Static_assert(sizeof(struct saker_sockaddr) == 116, "sockaddr size");
_Static_assert(sizeof(struct saker_tuple) == 240, "tuple size");
_Static_assert(sizeof(struct saker_drop_counters) == 48, "drop counters size");
#endif

#endif /* SAKER_BPF_EVENTS_H */
