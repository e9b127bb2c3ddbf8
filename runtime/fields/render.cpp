// Falco's renderings of flag words and codes: errno names, open flags, capabilities, signals and
// every flag set an event parameter may carry (FlagSet). Names, their order and how a value is
// matched against them (bit by bit, exact enum value, or mode bits) follow libscap's flag tables
// and sinsp_evt::get_param_as_str; the values are the kernel's, which the probe reports as is
// (libscap's driver first translates them to its own PPM_* bits and back to these names).
#include "runtime/fields/event_fields.h"

#include "bpf/events.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/sched.h>
#include <span>
#include <string>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>

namespace saker::fields {
namespace {

struct Flag {
    uint64_t value;
    std::string_view name;
};

// Falco's bit-flag algorithm: entries in table order; a zero entry matches only a zero value;
// a matched entry's bits are taken out, so composite entries (O_RDWR) hide their parts.
std::string join_bits(uint64_t value, std::span<const Flag> flags) {
    std::string out;
    uint64_t left = value;
    for (const Flag& f : flags) {
        bool match = f.value == 0 ? value == 0 : left != 0 && (left & f.value) == f.value;
        if (!match) continue;
        left &= ~f.value;
        out.append(out.empty() ? "" : "|").append(f.name);
        if (f.value == value) break;
    }
    return out;
}

// Falco's enum algorithm: every entry whose value equals the value (aliases included).
std::string join_exact(uint64_t value, std::span<const Flag> flags) {
    std::string out;
    for (const Flag& f : flags)
        if (f.value == value) out.append(out.empty() ? "" : "|").append(f.name);
    return out;
}

constexpr Flag kOpen[] = {
    {0100000, "O_LARGEFILE"}, // the kernel bit; glibc defines O_LARGEFILE 0 on x86_64
    {O_DIRECTORY, "O_DIRECTORY"},
    {O_DIRECT, "O_DIRECT"},
    {O_TRUNC, "O_TRUNC"},
    {04000000, "O_SYNC"}, // __O_SYNC alone: glibc's O_SYNC includes O_DSYNC
    {O_NONBLOCK, "O_NONBLOCK"},
    {O_EXCL, "O_EXCL"},
    {O_DSYNC, "O_DSYNC"},
    {O_APPEND, "O_APPEND"},
    {O_CREAT, "O_CREAT"},
    {O_RDWR, "O_RDWR"},
    {O_WRONLY, "O_WRONLY"},
    {O_CLOEXEC, "O_CLOEXEC"},
    {020000000, "O_TMPFILE"}, // __O_TMPFILE, without the O_DIRECTORY bit
};

constexpr Flag kClone[] = {
    {CLONE_FILES, "CLONE_FILES"},
    {CLONE_FS, "CLONE_FS"},
    {CLONE_IO, "CLONE_IO"},
    {CLONE_NEWIPC, "CLONE_NEWIPC"},
    {CLONE_NEWNET, "CLONE_NEWNET"},
    {CLONE_NEWNS, "CLONE_NEWNS"},
    {CLONE_NEWPID, "CLONE_NEWPID"},
    {CLONE_NEWUTS, "CLONE_NEWUTS"},
    {CLONE_PARENT, "CLONE_PARENT"},
    {CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {CLONE_PTRACE, "CLONE_PTRACE"},
    {CLONE_SIGHAND, "CLONE_SIGHAND"},
    {CLONE_SYSVSEM, "CLONE_SYSVSEM"},
    {CLONE_THREAD, "CLONE_THREAD"},
    {CLONE_UNTRACED, "CLONE_UNTRACED"},
    {CLONE_VM, "CLONE_VM"},
    {CLONE_NEWUSER, "CLONE_NEWUSER"},
    {CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
    {CLONE_SETTLS, "CLONE_SETTLS"},
    {CLONE_VFORK, "CLONE_VFORK"},
    {CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
};

constexpr Flag kMount[] = {
    {MS_RDONLY, "RDONLY"},
    {MS_NOSUID, "NOSUID"},
    {MS_NODEV, "NODEV"},
    {MS_NOEXEC, "NOEXEC"},
    {MS_SYNCHRONOUS, "SYNCHRONOUS"},
    {MS_REMOUNT, "REMOUNT"},
    {MS_MANDLOCK, "MANDLOCK"},
    {MS_DIRSYNC, "DIRSYNC"},
    {MS_NOATIME, "NOATIME"},
    {MS_NODIRATIME, "NODIRATIME"},
    {MS_BIND, "BIND"},
    {MS_MOVE, "MOVE"},
    {MS_REC, "REC"},
    {MS_SILENT, "SILENT"},
    {MS_POSIXACL, "POSIXACL"},
    {MS_UNBINDABLE, "UNBINDABLE"},
    {MS_PRIVATE, "PRIVATE"},
    {MS_SLAVE, "SLAVE"},
    {MS_SHARED, "SHARED"},
    {MS_RELATIME, "RELATIME"},
    {MS_KERNMOUNT, "KERNMOUNT"},
    {MS_I_VERSION, "I_VERSION"},
    {MS_STRICTATIME, "STRICTATIME"},
    {MS_LAZYTIME, "LAZYTIME"},
    {1u << 28, "NOSEC"},
    {1u << 29, "BORN"},
    {1ull << 30, "ACTIVE"},
    {1ull << 31, "NOUSER"},
};

constexpr Flag kUmount[] = {{MNT_FORCE, "FORCE"},
                            {MNT_DETACH, "DETACH"},
                            {MNT_EXPIRE, "EXPIRE"},
                            {UMOUNT_NOFOLLOW, "NOFOLLOW"}};

constexpr Flag kProt[] = {
    {PROT_READ, "PROT_READ"}, {PROT_WRITE, "PROT_WRITE"},         {PROT_EXEC, "PROT_EXEC"},
    {0x8, "PROT_SEM"},        {PROT_GROWSDOWN, "PROT_GROWSDOWN"}, {PROT_GROWSUP, "PROT_GROWSUP"},
    {PROT_NONE, "PROT_NONE"},
};

constexpr Flag kMmap[] = {
    {MAP_SHARED, "MAP_SHARED"},         {MAP_PRIVATE, "MAP_PRIVATE"},
    {MAP_FIXED, "MAP_FIXED"},           {MAP_ANONYMOUS, "MAP_ANONYMOUS"},
    {MAP_32BIT, "MAP_32BIT"},           {MAP_NORESERVE, "MAP_NORESERVE"},
    {MAP_POPULATE, "MAP_POPULATE"},     {MAP_NONBLOCK, "MAP_NONBLOCK"},
    {MAP_GROWSDOWN, "MAP_GROWSDOWN"},   {MAP_DENYWRITE, "MAP_DENYWRITE"},
    {MAP_EXECUTABLE, "MAP_EXECUTABLE"}, {0, "MAP_FILE"},
    {MAP_LOCKED, "MAP_LOCKED"},
};

constexpr Flag kMemfd[] = {{1, "MFD_CLOEXEC"}, {2, "MFD_ALLOW_SEALING"}, {4, "MFD_HUGETLB"}};

constexpr Flag kPrctl[] = {
    {PR_GET_DUMPABLE, "PR_GET_DUMPABLE"},
    {PR_SET_DUMPABLE, "PR_SET_DUMPABLE"},
    {PR_GET_KEEPCAPS, "PR_GET_KEEPCAPS"},
    {PR_SET_KEEPCAPS, "PR_SET_KEEPCAPS"},
    {PR_SET_NAME, "PR_SET_NAME"},
    {PR_GET_NAME, "PR_GET_NAME"},
    {PR_GET_SECCOMP, "PR_GET_SECCOMP"},
    {PR_SET_SECCOMP, "PR_SET_SECCOMP"},
    {PR_CAPBSET_READ, "PR_CAPBSET_READ"},
    {PR_CAPBSET_DROP, "PR_CAPBSET_DROP"},
    {PR_GET_SECUREBITS, "PR_GET_SECUREBITS"},
    {PR_SET_SECUREBITS, "PR_SET_SECUREBITS"},
    {PR_MCE_KILL, "PR_MCE_KILL"},
    {PR_MCE_KILL_GET, "PR_MCE_KILL"}, // sic: Falco names both PR_MCE_KILL
    {PR_SET_MM, "PR_SET_MM"},
    {PR_SET_CHILD_SUBREAPER, "PR_SET_CHILD_SUBREAPER"},
    {PR_GET_CHILD_SUBREAPER, "PR_GET_CHILD_SUBREAPER"},
    {PR_SET_NO_NEW_PRIVS, "PR_SET_NO_NEW_PRIVS"},
    {PR_GET_NO_NEW_PRIVS, "PR_GET_NO_NEW_PRIVS"},
    {PR_GET_TID_ADDRESS, "PR_GET_TID_ADDRESS"},
    {PR_SET_THP_DISABLE, "PR_SET_THP_DISABLE"},
    {PR_GET_THP_DISABLE, "PR_GET_THP_DISABLE"},
    {PR_CAP_AMBIENT, "PR_CAP_AMBIENT"},
};

constexpr Flag kBpf[] = {
    {0, "BPF_MAP_CREATE"},
    {1, "BPF_MAP_LOOKUP_ELEM"},
    {2, "BPF_MAP_UPDATE_ELEM"},
    {3, "BPF_MAP_DELETE_ELEM"},
    {4, "BPF_MAP_GET_NEXT_KEY"},
    {5, "BPF_PROG_LOAD"},
    {6, "BPF_OBJ_PIN"},
    {7, "BPF_OBJ_GET"},
    {8, "BPF_PROG_ATTACH"},
    {9, "BPF_PROG_DETACH"},
    {10, "BPF_PROG_TEST_RUN"},
    {10, "BPF_PROG_RUN"},
    {11, "BPF_PROG_GET_NEXT_ID"},
    {12, "BPF_MAP_GET_NEXT_ID"},
    {13, "BPF_PROG_GET_FD_BY_ID"},
    {14, "BPF_MAP_GET_FD_BY_ID"},
    {15, "BPF_OBJ_GET_INFO_BY_FD"},
    {16, "BPF_PROG_QUERY"},
    {17, "BPF_RAW_TRACEPOINT_OPEN"},
    {18, "BPF_BTF_LOAD"},
    {19, "BPF_BTF_GET_FD_BY_ID"},
    {20, "BPF_TASK_FD_QUERY"},
    {21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"},
    {22, "BPF_MAP_FREEZE"},
    {23, "BPF_BTF_GET_NEXT_ID"},
    {24, "BPF_MAP_LOOKUP_BATCH"},
    {25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"},
    {26, "BPF_MAP_UPDATE_BATCH"},
    {27, "BPF_MAP_DELETE_BATCH"},
    {28, "BPF_LINK_CREATE"},
    {29, "BPF_LINK_UPDATE"},
    {30, "BPF_LINK_GET_FD_BY_ID"},
    {31, "BPF_LINK_GET_NEXT_ID"},
    {32, "BPF_ENABLE_STATS"},
    {33, "BPF_ITER_CREATE"},
    {34, "BPF_LINK_DETACH"},
    {35, "BPF_PROG_BIND_MAP"},
};

constexpr Flag kFchownat[] = {{0x100, "AT_SYMLINK_NOFOLLOW"}, {0x1000, "AT_EMPTY_PATH"}};
constexpr Flag kLinkat[] = {{0x400, "AT_SYMLINK_FOLLOW"}, {0x1000, "AT_EMPTY_PATH"}};
constexpr Flag kUnlinkat[] = {{0x200, "AT_REMOVEDIR"}};
constexpr Flag kRenameat2[] = {
    {1, "RENAME_NOREPLACE"}, {2, "RENAME_EXCHANGE"}, {4, "RENAME_WHITEOUT"}};
constexpr Flag kFinitModule[] = {{1, "MODULE_INIT_IGNORE_MODVERSIONS"},
                                 {2, "MODULE_INIT_IGNORE_VERMAGIC"},
                                 {4, "MODULE_INIT_COMPRESSED_FILE"}};
constexpr Flag kIoUringSetup[] = {
    {1, "IORING_SETUP_IOPOLL"},      {2, "IORING_SETUP_SQPOLL"}, {4, "IORING_SETUP_SQ_AFF"},
    {8, "IORING_SETUP_CQSIZE"},      {16, "IORING_SETUP_CLAMP"}, {32, "IORING_SETUP_ATTACH_RW"},
    {64, "IORING_SETUP_R_DISABLED"},
};
constexpr Flag kExe[] = {{SAKER_EXE_WRITABLE, "EXE_WRITABLE"},
                         {SAKER_EXE_UPPER_LAYER, "EXE_UPPER_LAYER"},
                         {SAKER_EXE_FROM_MEMFD, "EXE_FROM_MEMFD"}};
constexpr Flag kChmod[] = {
    {S_IXOTH, "S_IXOTH"}, {S_IWOTH, "S_IWOTH"}, {S_IROTH, "S_IROTH"}, {S_IXGRP, "S_IXGRP"},
    {S_IWGRP, "S_IWGRP"}, {S_IRGRP, "S_IRGRP"}, {S_IXUSR, "S_IXUSR"}, {S_IWUSR, "S_IWUSR"},
    {S_IRUSR, "S_IRUSR"}, {S_ISVTX, "S_ISVTX"}, {S_ISGID, "S_ISGID"}, {S_ISUID, "S_ISUID"},
};
// In Falco's order (highest first); aliases (AF_LOCAL/AF_UNIX, AF_ROUTE/AF_NETLINK) both print.
constexpr Flag kFamilies[] = {
    {39, "AF_NFC"},       {38, "AF_ALG"},      {37, "AF_CAIF"},    {36, "AF_IEEE802154"},
    {35, "AF_PHONET"},    {34, "AF_ISDN"},     {33, "AF_RXRPC"},   {32, "AF_IUCV"},
    {31, "AF_BLUETOOTH"}, {30, "AF_TIPC"},     {29, "AF_CAN"},     {26, "AF_LLC"},
    {25, "AF_WANPIPE"},   {24, "AF_PPPOX"},    {23, "AF_IRDA"},    {22, "AF_SNA"},
    {21, "AF_RDS"},       {20, "AF_ATMSVC"},   {19, "AF_ECONET"},  {18, "AF_ASH"},
    {17, "AF_PACKET"},    {16, "AF_ROUTE"},    {16, "AF_NETLINK"}, {15, "AF_KEY"},
    {14, "AF_SECURITY"},  {13, "AF_NETBEUI"},  {12, "AF_DECnet"},  {11, "AF_ROSE"},
    {10, "AF_INET6"},     {9, "AF_X25"},       {8, "AF_ATMPVC"},   {7, "AF_BRIDGE"},
    {6, "AF_NETROM"},     {5, "AF_APPLETALK"}, {4, "AF_IPX"},      {3, "AF_AX25"},
    {2, "AF_INET"},       {1, "AF_LOCAL"},     {1, "AF_UNIX"},     {0, "AF_UNSPEC"},
};
constexpr Flag kPtrace[] = {
    {0, "PTRACE_TRACEME"},
    {1, "PTRACE_PEEKTEXT"},
    {2, "PTRACE_PEEKDATA"},
    {3, "PTRACE_PEEKUSR"},
    {4, "PTRACE_POKETEXT"},
    {5, "PTRACE_POKEDATA"},
    {6, "PTRACE_POKEUSR"},
    {7, "PTRACE_CONT"},
    {8, "PTRACE_KILL"},
    {9, "PTRACE_SINGLESTEP"},
    {12, "PTRACE_GETREGS"},
    {13, "PTRACE_SETREGS"},
    {14, "PTRACE_GETFPREGS"},
    {15, "PTRACE_SETFPREGS"},
    {16, "PTRACE_ATTACH"},
    {17, "PTRACE_DETACH"},
    {18, "PTRACE_GETFPXREGS"},
    {19, "PTRACE_SETFPXREGS"},
    {24, "PTRACE_SYSCALL"},
    {0x4200, "PTRACE_SETOPTIONS"},
    {0x4201, "PTRACE_GETEVENTMSG"},
    {0x4202, "PTRACE_GETSIGINFO"},
    {0x4203, "PTRACE_SETSIGINFO"},
    {0x4204, "PTRACE_GETREGSET"},
    {0x4205, "PTRACE_SETREGSET"},
    {0x4206, "PTRACE_SEIZE"},
    {0x4207, "PTRACE_INTERRUPT"},
    {0x4208, "PTRACE_LISTEN"},
    {0x4209, "PTRACE_PEEKSIGINFO"},
};

} // namespace

std::string render_flags(FlagSet set, uint64_t value) {
    switch (set) {
    case FlagSet::Open: {
        // O_RDONLY is 0 in the kernel but a bit of its own in Falco's encoding: it prints
        // whenever neither write bit is set, in O_RDWR's place.
        std::string s = join_bits(value, kOpen);
        if ((value & O_ACCMODE) == O_RDONLY) {
            std::size_t at = s.find("O_CLOEXEC");
            at = s.find("O_TMPFILE") < at ? s.find("O_TMPFILE") : at;
            std::string_view ro = "O_RDONLY";
            if (at == std::string::npos)
                s.append(s.empty() ? "" : "|").append(ro);
            else
                s.insert(at, std::string(ro) + "|");
        }
        return s;
    }
    case FlagSet::Clone:
        return join_bits(value, kClone);
    case FlagSet::Mount:
        // The legacy magic number in the high half is not a flag (libscap strips it too).
        if ((value & 0xffff0000u) == 0xC0ED0000u) value &= 0xffffu;
        return join_bits(value, kMount);
    case FlagSet::Umount:
        return join_bits(value, std::span<const Flag>(kUmount));
    case FlagSet::Prot:
        return join_bits(value, kProt);
    case FlagSet::Mmap:
        return join_bits(value, kMmap);
    case FlagSet::Memfd:
        return join_bits(value, kMemfd);
    case FlagSet::Prctl:
        return join_exact(value, kPrctl);
    case FlagSet::Bpf:
        return join_exact(value, kBpf);
    case FlagSet::Fchownat:
        return join_bits(value, kFchownat);
    case FlagSet::Linkat:
        return join_bits(value, kLinkat);
    case FlagSet::Unlinkat:
        return join_bits(value, kUnlinkat);
    case FlagSet::Renameat2:
        return join_bits(value, kRenameat2);
    case FlagSet::FinitModule:
        return join_bits(value, kFinitModule);
    case FlagSet::IoUringSetup:
        return join_bits(value, kIoUringSetup);
    case FlagSet::Exe:
        return join_bits(value, kExe);
    case FlagSet::Chmod:
        return join_bits(value, kChmod);
    case FlagSet::SockFamily:
        return join_exact(value, kFamilies);
    case FlagSet::Ptrace:
        return join_exact(value, kPtrace);
    }
    return {};
}

std::string errno_name(int64_t err) {
    // Falco names the codes of the kernel's errno-base/errno headers (glibc knows the same
    // names for 1..133) and the kernel-internal ones a syscall may leak; others stay numbers.
    if (err > 0 && err <= 125) {
        if (const char* n = ::strerrorname_np(static_cast<int>(err))) return n;
        return {};
    }
    struct Far {
        int64_t code;
        std::string_view name;
    };
    static constexpr Far kInternal[] = {
        {512, "ERESTARTSYS"},
        {513, "ERESTARTNOINTR"},
        {514, "ERESTARTNOHAND"},
        {515, "ENOIOCTLCMD"},
        {516, "ERESTART_RESTARTBLOCK"},
        {521, "EBADHANDLE"},
        {522, "ENOTSYNC"},
        {523, "EBADCOOKIE"},
        {524, "ENOTSUPP"},
        {525, "ETOOSMALL"},
        {526, "ESERVERFAULT"},
        {527, "EBADTYPE"},
        {528, "EJUKEBOX"},
        {529, "EIOCBQUEUED"},
        {530, "EIOCBRETRY"},
    };
    for (const Far& f : kInternal)
        if (f.code == err) return std::string(f.name);
    return {};
}

std::string signal_name(uint64_t sig) {
    static constexpr std::string_view kNames[] = {
        "",          "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};
    return sig < std::size(kNames) ? std::string(kNames[sig]) : std::string();
}

std::string open_flags_string(uint64_t flags) {
    return render_flags(FlagSet::Open, flags);
}

std::string caps_string(uint64_t caps) {
    static constexpr std::string_view kCaps[] = {"CAP_CHOWN",
                                                 "CAP_DAC_OVERRIDE",
                                                 "CAP_DAC_READ_SEARCH",
                                                 "CAP_FOWNER",
                                                 "CAP_FSETID",
                                                 "CAP_KILL",
                                                 "CAP_SETGID",
                                                 "CAP_SETUID",
                                                 "CAP_SETPCAP",
                                                 "CAP_LINUX_IMMUTABLE",
                                                 "CAP_NET_BIND_SERVICE",
                                                 "CAP_NET_BROADCAST",
                                                 "CAP_NET_ADMIN",
                                                 "CAP_NET_RAW",
                                                 "CAP_IPC_LOCK",
                                                 "CAP_IPC_OWNER",
                                                 "CAP_SYS_MODULE",
                                                 "CAP_SYS_RAWIO",
                                                 "CAP_SYS_CHROOT",
                                                 "CAP_SYS_PTRACE",
                                                 "CAP_SYS_PACCT",
                                                 "CAP_SYS_ADMIN",
                                                 "CAP_SYS_BOOT",
                                                 "CAP_SYS_NICE",
                                                 "CAP_SYS_RESOURCE",
                                                 "CAP_SYS_TIME",
                                                 "CAP_SYS_TTY_CONFIG",
                                                 "CAP_MKNOD",
                                                 "CAP_LEASE",
                                                 "CAP_AUDIT_WRITE",
                                                 "CAP_AUDIT_CONTROL",
                                                 "CAP_SETFCAP",
                                                 "CAP_MAC_OVERRIDE",
                                                 "CAP_MAC_ADMIN",
                                                 "CAP_SYSLOG",
                                                 "CAP_WAKE_ALARM",
                                                 "CAP_BLOCK_SUSPEND",
                                                 "CAP_AUDIT_READ",
                                                 "CAP_PERFMON",
                                                 "CAP_BPF",
                                                 "CAP_CHECKPOINT_RESTORE"};
    std::string out;
    for (std::size_t i = 0; i < std::size(kCaps); ++i) {
        if (!(caps & (1ull << i))) continue;
        if (!out.empty()) out += ' ';
        out += kCaps[i];
    }
    return out;
}

} // namespace saker::fields
