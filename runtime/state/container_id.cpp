#include "container_id.h"

#include <algorithm>
#include <optional>

namespace saker::state {
namespace {

constexpr std::size_t kIdLength = 64;
constexpr std::size_t kShortIdLength = 12;

bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool is_lower_hex(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_hex(c); });
}

bool is_full_id(std::string_view s) {
    return s.size() == kIdLength && is_lower_hex(s);
}

bool strip_prefix(std::string_view& s, std::string_view prefix) {
    if (!s.starts_with(prefix)) return false;
    s.remove_prefix(prefix.size());
    return true;
}

bool strip_suffix(std::string_view& s, std::string_view suffix) {
    if (!s.ends_with(suffix)) return false;
    s.remove_suffix(suffix.size());
    return true;
}

struct Match {
    std::string_view id;
    ContainerType type;
};

// A cgroup named by a runtime's own unit or directory: <prefix><id><suffix>. The id test is
// exact, so `libpod-conmon-<id>.scope` (podman's monitor, a host process) and `.mount` units
// that happen to embed an id do not match.
struct UnitLayout {
    std::string_view prefix;
    std::string_view suffix;
    ContainerType type;
};

constexpr UnitLayout kUnitLayouts[] = {
    {"docker-", ".scope", ContainerType::Docker},             // docker, systemd driver
    {"cri-containerd-", ".scope", ContainerType::Containerd}, // kubelet + containerd, systemd
    {"crio-", ".scope", ContainerType::Crio},                 // cri-o, systemd driver
    {"crio-", "", ContainerType::Crio},                       // cri-o, cgroupfs driver
    {"libpod-", ".scope", ContainerType::Podman},             // podman, systemd driver
    {"libpod-", "", ContainerType::Podman},                   // podman, cgroupfs driver
};

std::optional<Match> match_unit(std::string_view component) {
    for (const auto& layout : kUnitLayouts) {
        std::string_view rest = component;
        if (strip_prefix(rest, layout.prefix) && strip_suffix(rest, layout.suffix) &&
            is_full_id(rest))
            return Match{rest, layout.type};
    }
    return std::nullopt;
}

// `<slice>:<prefix>:<id>` is the systemd-style cgroupsPath kubelet hands containerd; runc's
// cgroupfs driver keeps it verbatim as one directory name.
std::optional<Match> match_colon_form(std::string_view component) {
    const auto last = component.rfind(':');
    if (last == std::string_view::npos || last == 0) return std::nullopt;
    const auto id = component.substr(last + 1);
    const auto first = component.rfind(':', last - 1);
    if (first == std::string_view::npos || !is_full_id(id)) return std::nullopt;
    const auto prefix = component.substr(first + 1, last - first - 1);
    if (prefix == "cri-containerd") return Match{id, ContainerType::Containerd};
    if (prefix == "crio") return Match{id, ContainerType::Crio};
    if (prefix == "docker") return Match{id, ContainerType::Docker};
    if (prefix == "libpod") return Match{id, ContainerType::Podman};
    return std::nullopt;
}

bool is_kubepods_component(std::string_view component) {
    return component == "kubepods" || component.starts_with("kubepods.") ||
           component.starts_with("kubepods-");
}

// A bare `<id>` directory says nothing about its runtime; its parents do. `/docker/<id>` and
// `/crio/<id>` name the runtime, kubelet's cgroupfs tree names only the CRI, and any other
// parent is a containerd namespace (`/default/<id>`, `/k8s.io/<id>`).
ContainerType bare_id_type(std::string_view parent, bool under_kubepods) {
    if (under_kubepods) return ContainerType::Cri;
    if (parent == "docker") return ContainerType::Docker;
    if (parent == "crio") return ContainerType::Crio;
    if (parent.empty()) return ContainerType::Unknown;
    return ContainerType::Containerd;
}

// Split "/a/b/c" into its non-empty components.
template <typename Fn> void for_each_component(std::string_view path, Fn&& fn) {
    while (!path.empty()) {
        const auto slash = path.find('/');
        const auto part = path.substr(0, slash);
        if (!part.empty()) fn(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
}

// Removes and returns the last non-empty component of `path` ("" once none is left).
std::string_view pop_last_component(std::string_view& path) {
    while (!path.empty()) {
        const auto slash = path.rfind('/');
        const auto part = slash == std::string_view::npos ? path : path.substr(slash + 1);
        path = slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
        if (!part.empty()) return part;
    }
    return {};
}

ContainerRef make_ref(std::string_view id, ContainerType type) {
    return ContainerRef{std::string(id), std::string(id.substr(0, kShortIdLength)), type};
}

// RFC 4122 text form (8-4-4-4-12 lowercase hex) or the 32-hex md5 kubelet uses for static pods.
bool is_pod_uid(std::string_view s) {
    if (s.size() == 32) return is_lower_hex(s);
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash_slot = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_slot ? s[i] != '-' : !is_lower_hex(s[i])) return false;
    }
    return true;
}

// `pod<uid>` (cgroupfs driver) or `kubepods[-<qos>]-pod<uid_with_underscores>.slice` (systemd).
// The colon form's slice part counts too.
std::string pod_uid_candidate(std::string_view component) {
    component = component.substr(0, component.find(':'));
    std::string_view rest = component;
    if (!strip_prefix(rest, "pod")) {
        if (!component.starts_with("kubepods-") || !strip_suffix(rest, ".slice")) return {};
        const auto pos = rest.rfind("-pod");
        if (pos == std::string_view::npos) return {};
        rest.remove_prefix(pos + 4);
    }
    std::string uid(rest);
    std::replace(uid.begin(), uid.end(), '_', '-');
    return is_pod_uid(uid) ? uid : std::string{};
}

} // namespace

std::string_view container_type_name(ContainerType type) noexcept {
    switch (type) {
    case ContainerType::Host:
        return "host";
    case ContainerType::Docker:
        return "docker";
    case ContainerType::Containerd:
        return "containerd";
    case ContainerType::Cri:
        return "cri";
    case ContainerType::Crio:
        return "cri-o";
    case ContainerType::Podman:
        return "podman";
    case ContainerType::Unknown:
        break;
    }
    return "unknown";
}

ContainerRef container_from_cgroup_path(std::string_view path) {
    bool under_kubepods = false;
    for_each_component(path, [&](std::string_view part) {
        under_kubepods = under_kubepods || is_kubepods_component(part);
    });
    // Deepest component first: a sub-cgroup of a container still belongs to it.
    for (auto rest = path; !rest.empty();) {
        const auto part = pop_last_component(rest);
        if (auto m = match_unit(part)) return make_ref(m->id, m->type);
        if (auto m = match_colon_form(part)) return make_ref(m->id, m->type);
        if (is_full_id(part)) {
            auto parents = rest;
            return make_ref(part, bare_id_type(pop_last_component(parents), under_kubepods));
        }
    }
    return {};
}

std::string pod_uid_from_cgroup_path(std::string_view path) {
    bool under_kubepods = false;
    std::string uid;
    for_each_component(path, [&](std::string_view part) {
        under_kubepods = under_kubepods || is_kubepods_component(part);
        if (under_kubepods && uid.empty()) uid = pod_uid_candidate(part);
    });
    return uid;
}

ContainerRef container_from_proc_cgroup(std::string_view text) {
    while (!text.empty()) {
        const auto eol = text.find('\n');
        const auto line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
        // `hierarchy-id:controllers:path`; the path itself may contain ':' (see colon form).
        const auto c1 = line.find(':');
        const auto c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string_view::npos) continue;
        auto ref = container_from_cgroup_path(line.substr(c2 + 1));
        if (!ref.is_host()) return ref;
    }
    return {};
}

} // namespace saker::state
