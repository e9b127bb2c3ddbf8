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

enum class ArgKind : uint8_t {
    Dec,        // unsigned decimal
    Signed32,   // 32-bit signed decimal (loginuid: -1 when unset)
    Hex,        // uppercase hex, no prefix (dev, caps, addresses)
    Mode,       // octal with a leading 0
    ChmodMode,  // octal like Mode; resolved to mode bit names: S_IRUSR|S_ISUID
    Res,        // syscall result: errno name when negative
    Fd,         // fd number; resolved as "<typechar>name"
    Dirfd,      // like Fd; -100 resolves to AT_FDCWD
    OpenFlags,  // O_RDONLY|O_CLOEXEC
    SockFamily, // AF_INET
    Ptrace,     // PTRACE_ATTACH
    ExeFlags,   // EXE_WRITABLE|EXE_UPPER_LAYER
    Str,        // string param as is
    Path,       // path; resolved against the cwd / dirfd when relative
    Path2Old,   // PATH2 layout old path (resolved against olddirfd)
    Path2New,   // PATH2 layout new path (resolved against newdirfd)
    Argv0,      // argv[0] of an argv param
    Args,       // argv[1..] joined by spaces
    Tuple,      // "1.2.3.4:5->6.7.8.9:10"
    Addr,       // "1.2.3.4:80", "/run/x.sock"
};

struct ArgDesc {
    std::string_view name; // Falco's parameter name
    std::string_view src;  // layout param, or "ret" / "tid" / "pid" / "ppid" from the header
    ArgKind kind;
};

struct RenderedArg {
    std::string raw;
    std::string resolved; // "" when the kind has no resolved form
    const std::string& best() const { return resolved.empty() ? raw : resolved; }
};

// Context the renderer needs from the state: an fd's "<t>name" and a resolved path.
struct ArgResolver {
    std::function<std::string(int64_t fd)> fd;
    std::function<std::string(const ArgDesc& d, const std::string& raw)> path;
};

// The parameter list of a Falco event name, or nullptr when none is described.
const std::vector<ArgDesc>* event_args(std::string_view falco_event);

std::optional<RenderedArg> render_arg(const ArgDesc& d, const capture::Event& ev,
                                      const ArgResolver& resolve);

} // namespace saker::fields
