// evt.arg / evt.args support: each Falco event's parameter list (names and order as Falco's
// event table has them, limited to what the probe reports) and how to render each parameter.
#pragma once

#include "runtime/capture/decoder.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saker::fields {

// Falco's parameter types (PT_*) and print formats, as far as the probe reports them.
enum class ArgKind : uint8_t {
    Dec,      // unsigned decimal (PT_UINT*, PF_DEC)
    Int,      // signed decimal (PT_INT*, PT_UINT64 printed as signed, as libsinsp does)
    Hex,      // uppercase hex, no prefix (PF_HEX: dev, caps, addresses)
    Oct,      // octal with a leading 0, "0" for zero (PF_OCT)
    Errno,    // PT_ERRNO: decimal; resolved to the errno name when negative
    Fd,       // PT_FD: decimal; resolved "<typechar[l4]>name", AT_FDCWD, or an errno name
    Pid,      // PT_PID: decimal; resolved to the thread's name when it is known
    Uid,      // PT_UID: decimal; resolved to the user name, <NA> when unknown, -1/<NONE>
    Gid,      // PT_GID: likewise with group names
    Flags,    // PT_FLAGS*/PT_ENUMFLAGS*/PT_MODE: decimal (octal for modes); resolved names
    Signal,   // PT_SIGTYPE: decimal; resolved to the signal name
    Str,      // PT_CHARBUF as is
    Path,     // PT_FSPATH: resolved against the cwd when relative
    RelPath,  // PT_FSRELPATH: resolved against its dirfd parameter (or the cwd)
    Path2Old, // PT_FSRELPATH of two-path calls: the old path (resolved against olddirfd)
    Path2New, // the new path (resolved against newdirfd)
    Argv0,    // argv[0] of an argv param (execve's exe)
    Args,     // PT_BYTEBUF of NUL-terminated arguments: each NUL printed as '.'
    Tuple,    // PT_SOCKTUPLE: "1.2.3.4:5->6.7.8.9:10"
    Addr,     // PT_SOCKADDR: "1.2.3.4:80", "/run/x.sock"
    Data,     // PT_BYTEBUF of an I/O buffer's first bytes: printable ASCII as is, others as '.'
};

enum class FlagSet : uint8_t; // event_fields.h

struct ArgDesc {
    std::string_view name; // Falco's parameter name
    std::string_view src;  // layout param, or "ret" / "tid" / "pid" / "ppid" from the header
    ArgKind kind;
    FlagSet flags{}; // the names of a Flags parameter
};

struct RenderedArg {
    std::string raw;
    std::string resolved; // "" when the kind has no resolved form
    const std::string& best() const { return resolved.empty() ? raw : resolved; }
};

// Context the renderer needs from the state: an fd's "<t>name", a resolved path, user and
// group names (of the event's process's root), a thread's name. Each answers "" when unknown.
struct ArgResolver {
    std::function<std::string(int64_t fd)> fd;
    std::function<std::string(const ArgDesc& d, const std::string& raw)> path;
    std::function<std::optional<std::string>(uint32_t uid)> user;
    std::function<std::optional<std::string>(uint32_t gid)> group;
    std::function<std::string(int64_t tid)> comm;
};

// What Falco's event table says about an event besides its parameters: the category
// (evt.category, evt.count.error.memory) and whether it reads, writes or waits (evt.is_io,
// evt.io_dir, evt.is_wait, evt.is_syslog, evt.buflen).
enum class EventCategory : uint8_t {
    Other,
    File,
    Net,
    Ipc,
    Memory,
    Process,
    Signal,
    User,
    IoRead,
    IoWrite,
    IoOther
};
enum EventIoFlags : uint8_t { kEvReadsFd = 1, kEvWritesFd = 2, kEvWaits = 4 };
struct EventClass {
    EventCategory category = EventCategory::Other; // Falco's generic syscall event is "other"
    uint8_t io = 0;                                // EventIoFlags
    bool is_io_category() const {
        return category == EventCategory::IoRead || category == EventCategory::IoWrite ||
               category == EventCategory::IoOther;
    }
};
EventClass event_class(std::string_view falco_event);

// The parameter list of a Falco event name, or nullptr when none is described.
const std::vector<ArgDesc>* event_args(std::string_view falco_event);

std::optional<RenderedArg> render_arg(const ArgDesc& d, const capture::Event& ev,
                                      const ArgResolver& resolve);
// The parameter's value as a number (evt.rawarg), for the numeric kinds.
std::optional<int64_t> raw_number(const ArgDesc& d, const capture::Event& ev);

} // namespace saker::fields
