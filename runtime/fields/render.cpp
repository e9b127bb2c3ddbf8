// Falco's renderings of flag words and codes: errno names, open flags, capabilities, ptrace
// requests, socket families, chmod modes, exe flags. Names and order follow libscap's flag tables.
#include "runtime/fields/event_fields.h"

#include "bpf/events.h"

#include <cerrno>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>

namespace saker::fields {
namespace {

struct Flag {
    uint64_t bit;
    std::string_view name;
};

std::string join_flags(uint64_t value, std::initializer_list<Flag> flags, char sep) {
    std::string out;
    for (const Flag& f : flags) {
        if (!(value & f.bit)) continue;
        if (!out.empty()) out += sep;
        out += f.name;
    }
    return out;
}

} // namespace

std::string errno_name(int64_t err) {
    static constexpr std::string_view kNames[] = {
        "",        "EPERM",  "ENOENT",  "ESRCH",   "EINTR",        "EIO",    "ENXIO",  "E2BIG",
        "ENOEXEC", "EBADF",  "ECHILD",  "EAGAIN",  "ENOMEM",       "EACCES", "EFAULT", "ENOTBLK",
        "EBUSY",   "EEXIST", "EXDEV",   "ENODEV",  "ENOTDIR",      "EISDIR", "EINVAL", "ENFILE",
        "EMFILE",  "ENOTTY", "ETXTBSY", "EFBIG",   "ENOSPC",       "ESPIPE", "EROFS",  "EMLINK",
        "EPIPE",   "EDOM",   "ERANGE",  "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP",   "",       "ENOMSG",  "EIDRM"};
    struct Far {
        int64_t code;
        std::string_view name;
    };
    static constexpr Far kFar[] = {
        {61, "ENODATA"},         {62, "ETIME"},         {71, "EPROTO"},
        {74, "EBADMSG"},         {75, "EOVERFLOW"},     {84, "EILSEQ"},
        {88, "ENOTSOCK"},        {89, "EDESTADDRREQ"},  {90, "EMSGSIZE"},
        {91, "EPROTOTYPE"},      {92, "ENOPROTOOPT"},   {93, "EPROTONOSUPPORT"},
        {94, "ESOCKTNOSUPPORT"}, {95, "EOPNOTSUPP"},    {96, "EPFNOSUPPORT"},
        {97, "EAFNOSUPPORT"},    {98, "EADDRINUSE"},    {99, "EADDRNOTAVAIL"},
        {100, "ENETDOWN"},       {101, "ENETUNREACH"},  {102, "ENETRESET"},
        {103, "ECONNABORTED"},   {104, "ECONNRESET"},   {105, "ENOBUFS"},
        {106, "EISCONN"},        {107, "ENOTCONN"},     {108, "ESHUTDOWN"},
        {110, "ETIMEDOUT"},      {111, "ECONNREFUSED"}, {112, "EHOSTDOWN"},
        {113, "EHOSTUNREACH"},   {114, "EALREADY"},     {115, "EINPROGRESS"},
        {116, "ESTALE"},         {122, "EDQUOT"},       {125, "ECANCELED"},
        {130, "EOWNERDEAD"},     {512, "ERESTARTSYS"},  {513, "ERESTARTNOINTR"},
        {514, "ERESTARTNOHAND"}, {515, "ENOIOCTLCMD"},  {516, "ERESTART_RESTARTBLOCK"},
    };
    if (err > 0 && err < static_cast<int64_t>(std::size(kNames)) && !kNames[err].empty())
        return std::string(kNames[err]);
    for (const Far& f : kFar)
        if (f.code == err) return std::string(f.name);
    return "E" + std::to_string(err);
}

std::string open_flags_string(uint64_t flags) {
    // O_RDONLY is 0: Falco names it whenever neither write bit is set.
    std::string out = join_flags(
        flags,
        {{0100000, "O_LARGEFILE"}, // the kernel bit; glibc defines O_LARGEFILE 0 on x86_64
         {O_DIRECTORY, "O_DIRECTORY"},
         {O_DIRECT, "O_DIRECT"},
         {O_TRUNC, "O_TRUNC"},
         {04000000, "O_SYNC"},
         {O_NONBLOCK, "O_NONBLOCK"},
         {O_EXCL, "O_EXCL"},
         {O_DSYNC, "O_DSYNC"},
         {O_APPEND, "O_APPEND"},
         {O_CREAT, "O_CREAT"}},
        '|');
    std::string_view access = (flags & O_ACCMODE) == O_RDWR     ? "O_RDWR"
                              : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                                                                : "O_RDONLY";
    out += out.empty() ? "" : "|";
    out += access;
    std::string tail = join_flags(flags,
                                  {{O_CLOEXEC, "O_CLOEXEC"},
                                   {020000000, "O_TMPFILE"},
                                   {O_NOFOLLOW, "O_NOFOLLOW"},
                                   {O_NOATIME, "O_NOATIME"},
                                   {O_NOCTTY, "O_NOCTTY"},
                                   {O_PATH, "O_PATH"}},
                                  '|');
    if (!tail.empty()) out += "|" + tail;
    return out;
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

std::string ptrace_request_string(uint64_t request) {
    struct Req {
        uint64_t code;
        std::string_view name;
    };
    static constexpr Req kReqs[] = {
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
    for (const Req& r : kReqs)
        if (r.code == request) return std::string(r.name);
    return std::to_string(request);
}

std::string socket_family_string(uint64_t family) {
    static constexpr std::string_view kFamilies[] = {
        "AF_UNSPEC",     "AF_UNIX",      "AF_INET",     "AF_AX25",  "AF_IPX",     "AF_APPLETALK",
        "AF_NETROM",     "AF_BRIDGE",    "AF_ATMPVC",   "AF_X25",   "AF_INET6",   "AF_ROSE",
        "AF_DECnet",     "AF_NETBEUI",   "AF_SECURITY", "AF_KEY",   "AF_NETLINK", "AF_PACKET",
        "AF_ASH",        "AF_ECONET",    "AF_ATMSVC",   "AF_RDS",   "AF_SNA",     "AF_IRDA",
        "AF_PPPOX",      "AF_WANPIPE",   "AF_LLC",      "AF_IB",    "AF_MPLS",    "AF_CAN",
        "AF_TIPC",       "AF_BLUETOOTH", "AF_IUCV",     "AF_RXRPC", "AF_ISDN",    "AF_PHONET",
        "AF_IEEE802154", "AF_CAIF",      "AF_ALG",      "AF_NFC",   "AF_VSOCK",   "AF_KCM",
        "AF_QIPCRTR",    "AF_SMC",       "AF_XDP",      "AF_MCTP"};
    if (family < std::size(kFamilies)) return std::string(kFamilies[family]);
    return std::to_string(family);
}

std::string chmod_mode_string(uint64_t mode) {
    return join_flags(mode,
                      {{S_IXOTH, "S_IXOTH"},
                       {S_IWOTH, "S_IWOTH"},
                       {S_IROTH, "S_IROTH"},
                       {S_IXGRP, "S_IXGRP"},
                       {S_IWGRP, "S_IWGRP"},
                       {S_IRGRP, "S_IRGRP"},
                       {S_IXUSR, "S_IXUSR"},
                       {S_IWUSR, "S_IWUSR"},
                       {S_IRUSR, "S_IRUSR"},
                       {S_ISVTX, "S_ISVTX"},
                       {S_ISGID, "S_ISGID"},
                       {S_ISUID, "S_ISUID"}},
                      '|');
}

std::string exe_flags_string(uint64_t flags) {
    return join_flags(flags,
                      {{SAKER_EXE_WRITABLE, "EXE_WRITABLE"},
                       {SAKER_EXE_UPPER_LAYER, "EXE_UPPER_LAYER"},
                       {SAKER_EXE_FROM_MEMFD, "EXE_FROM_MEMFD"}},
                      '|');
}

} // namespace saker::fields
