#include "runtime/config/config.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fnmatch.h>
#include <functional>
#include <iomanip>
#include <optional>
#include <set>
#include <sstream>

namespace saker::config {
namespace {

// Thrown by a converter for a value it cannot use; the walker turns it into an error
// diagnostic at the value's position and goes on with the next key.
struct BadValue {
    YAML::Mark mark;
    std::string message;
};

[[noreturn]] void bad(const YAML::Node& n, std::string message) {
    throw BadValue{n.Mark(), std::move(message)};
}

// Where the nodes being converted came from: a file (marks are file positions) or one `-o`
// override (marks are positions in its value, which starts `shift` columns into the text).
struct Origin {
    uint32_t file = 0;
    uint32_t shift = 0;
    bool append = false;         // `key[]=...`: list keys add to, rather than replace, their list
    std::string dir;             // a file's directory, for relative rules_files ("" for overrides)
    std::optional<size_t> index; // with append, `key[N]=...`: set item N (N == size: add it)
    // A config_files file's merge strategy: `append` adds to lists (scalars still replace);
    // `add-only` sets only keys no earlier file set.
    MergeStrategy merge = MergeStrategy::Override;
};

class Walker;

// --- Typed converters: a YAML node to a C++ value, or BadValue. ----------------------------

std::string expand_env(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s.compare(i, 3, "$${") == 0) { // an escaped `${`
            out += "${";
            i += 2;
            continue;
        }
        size_t close = s.compare(i, 2, "${") == 0 ? s.find('}', i + 2) : std::string::npos;
        if (close == std::string::npos) {
            out += s[i];
            continue;
        }
        if (const char* v = std::getenv(s.substr(i + 2, close - i - 2).c_str())) out += v;
        i = close;
    }
    return out;
}

std::string string_of(const YAML::Node& n) {
    if (n.IsNull()) return "";
    if (!n.IsScalar()) bad(n, "expected a string");
    return expand_env(n.Scalar());
}

bool bool_of(const YAML::Node& n) {
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) bad(n, "expected true or false");
    return v;
}

int64_t int_of(const YAML::Node& n, int64_t lo, int64_t hi) {
    int64_t v = 0;
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (!n.IsScalar() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
        bad(n, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    return v;
}

double double_of(const YAML::Node& n, double lo, double hi) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    char* end = nullptr;
    double v = s.empty() ? NAN : std::strtod(s.c_str(), &end);
    if (!n.IsScalar() || s.empty() || *end != '\0' || !(v >= lo && v <= hi)) {
        std::ostringstream m;
        m << "expected a number from " << lo << " to " << hi;
        bad(n, m.str());
    }
    return v;
}

// A list of strings; a single string is a list of one (Falco accepts both for rules_file).
std::vector<std::string> strings_of(const YAML::Node& n) {
    if (n.IsNull()) return {};
    if (n.IsScalar()) return {string_of(n)};
    if (!n.IsSequence()) bad(n, "expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : n) {
        if (!item.IsScalar()) bad(item, "expected a string");
        out.push_back(string_of(item));
    }
    return out;
}

template <class E>
E choice_of(const YAML::Node& n, std::initializer_list<std::pair<const char*, E>> choices) {
    std::string names;
    for (const auto& [name, value] : choices) {
        if (n.IsScalar() && n.Scalar() == name) return value;
        names += std::string(names.empty() ? "" : "|") + name;
    }
    bad(n, "expected one of " + names);
}

Priority priority_of(const YAML::Node& n) {
    auto p = n.IsScalar() ? parse_priority(n.Scalar()) : std::nullopt;
    if (!p)
        bad(n, "expected a priority (emergency, alert, critical, error, warning, notice, "
               "info, debug)");
    return *p;
}

// Prometheus durations, as Falco's metrics.interval: `1h30m`, `15m`, `500ms`, `2d`.
uint64_t duration_ms_of(const YAML::Node& n) {
    const std::string s = n.IsScalar() ? n.Scalar() : "";
    static const std::pair<const char*, uint64_t> units[] = {
        {"ms", 1},          {"s", 1000},         {"m", 60000},         {"h", 3600000},
        {"d", 86400000ull}, {"w", 604800000ull}, {"y", 31536000000ull}};
    uint64_t total = 0;
    size_t i = 0;
    bool ok = n.IsScalar() && !s.empty();
    while (ok && i < s.size()) {
        uint64_t v = 0;
        auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
        ok = ec == std::errc();
        i = end - s.data();
        const std::pair<const char*, uint64_t>* unit = nullptr;
        for (const auto& u : units) // "ms" before "m": the first, longest match
            if (ok && s.compare(i, std::strlen(u.first), u.first) == 0 &&
                (!unit || std::strlen(u.first) > std::strlen(unit->first)))
                unit = &u;
        ok = ok && unit && v <= UINT64_MAX / unit->second / 2;
        if (ok) total += v * unit->second, i += std::strlen(unit->first);
    }
    if (!ok) bad(n, "expected a duration such as 30s, 15m, 1h30m");
    if (total < 100) bad(n, "the interval must be at least 100ms");
    return total;
}

// Syscall names: a list, or one string of comma-separated names (`-o ...custom_set=a,b`, the
// form saker's command line took before the configuration file existed).
std::vector<std::string> names_of(const YAML::Node& n) {
    std::vector<std::string> names;
    for (const auto& item : strings_of(n))
        for (size_t at = 0; at <= item.size();) {
            size_t comma = std::min(item.find(',', at), item.size());
            if (comma > at) names.push_back(item.substr(at, comma - at));
            at = comma + 1;
        }
    return names;
}

// Relative rules files in a configuration file are relative to that file, so `saker run -c
// path/to/saker.yaml` works from any directory; on the command line they stay as given.
std::vector<std::string> paths_of(const YAML::Node& n, const Origin& o) {
    auto paths = strings_of(n);
    for (auto& p : paths)
        if (!o.dir.empty() && !p.empty() && p[0] != '/') p = o.dir + "/" + p;
    return paths;
}

// A list key's new items: they replace the list, or with `key[]=` are added to it.
template <class T> void assign_list(std::vector<T>& list, std::vector<T> items, const Origin& o) {
    if (o.merge == MergeStrategy::Append && !o.append) // a config_files file: add to the list
        return void(list.insert(list.end(), items.begin(), items.end()));
    if (o.index && *o.index < list.size() && items.size() == 1)
        list[*o.index] = std::move(items.front());
    else if (o.index && *o.index > list.size())
        throw BadValue{YAML::Mark::null_mark(), "index " + std::to_string(*o.index) +
                                                    " is past the end of the list (" +
                                                    std::to_string(list.size()) + " items)"};
    else if (o.append)
        list.insert(list.end(), items.begin(), items.end());
    else
        list = std::move(items);
}

// --- The structured lists: append_output and rules. -----------------------------------------

// Reads one member of a mapping; returns false for a member it does not know (warned).
using MapReader = std::function<bool(const std::string& key, const YAML::Node& value)>;

void each_entry(const YAML::Node& map, Walker& w, const std::string& path, const MapReader& read);

std::vector<AppendOutput> append_output_of(const YAML::Node& n, Walker& w) {
    if (!n.IsSequence()) bad(n, "expected a list of {match, extra_output, extra_fields} entries");
    std::vector<AppendOutput> out;
    for (const auto& item : n) {
        AppendOutput e;
        each_entry(item, w, "append_output[]", [&](const std::string& key, const YAML::Node& v) {
            if (key == "extra_output") return e.extra_output = string_of(v), true;
            if (key == "suggested_output") return e.suggested_output = bool_of(v), true;
            if (key == "match") {
                each_entry(v, w, "append_output[].match", [&](const std::string& k, const auto& m) {
                    if (k == "source") return e.source = string_of(m), true;
                    if (k == "rule") return e.rule = string_of(m), true;
                    if (k == "tags") return e.tags = strings_of(m), true;
                    return false;
                });
                return true;
            }
            if (key == "extra_fields") {
                if (!v.IsSequence()) bad(v, "expected a list of field names or {name: format}");
                for (const auto& f : v) {
                    if (f.IsScalar()) {
                        e.extra_fields.push_back({string_of(f), ""});
                    } else if (f.IsMap() && f.size() == 1 && f.begin()->first.IsScalar()) {
                        e.extra_fields.push_back(
                            {f.begin()->first.Scalar(), string_of(f.begin()->second)});
                    } else {
                        bad(f, "expected a field name or a single `name: format` pair");
                    }
                }
                return true;
            }
            return false;
        });
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<RuleSelector> rule_selectors_of(const YAML::Node& n) {
    if (!n.IsSequence()) bad(n, "expected a list of `- enable:` / `- disable:` entries");
    std::vector<RuleSelector> out;
    for (const auto& item : n) {
        if (!item.IsMap() || item.size() != 1 || !item.begin()->first.IsScalar())
            bad(item, "expected `- enable: {rule: GLOB}` or `- disable: {tag: TAG}`");
        RuleSelector s;
        s.enable = choice_of<bool>(item.begin()->first, {{"enable", true}, {"disable", false}});
        const YAML::Node what = item.begin()->second; // a copy: begin() is a temporary
        if (!what.IsMap() || what.size() != 1 || !what.begin()->first.IsScalar())
            bad(what, "expected exactly one of `rule: GLOB` or `tag: TAG`");
        s.by_tag = choice_of<bool>(what.begin()->first, {{"rule", false}, {"tag", true}});
        s.pattern = string_of(what.begin()->second);
        out.push_back(std::move(s));
    }
    return out;
}

// `config_files`: paths, or `{path: P, strategy: append|override|add-only}` (default append).
std::vector<ConfigFile> config_files_of(const YAML::Node& n, const Origin& o) {
    if (n.IsNull()) return {};
    std::vector<ConfigFile> out;
    for (const auto& item : n.IsSequence() ? n : YAML::Node(std::vector<YAML::Node>{n})) {
        ConfigFile f;
        if (item.IsMap()) {
            if (!item["path"]) bad(item, "expected `path:` (and optionally `strategy:`)");
            f.path = paths_of(item["path"], o).front();
            if (item["strategy"])
                f.strategy = choice_of<MergeStrategy>(item["strategy"],
                                                      {{"append", MergeStrategy::Append},
                                                       {"override", MergeStrategy::Override},
                                                       {"add-only", MergeStrategy::AddOnly}});
        } else {
            f.path = paths_of(item, o).front();
        }
        out.push_back(std::move(f));
    }
    return out;
}

// --- The key table. ---------------------------------------------------------------------------

struct Key {
    const char* path;
    void (*set)(const YAML::Node&, Config&, Walker&);
    bool list = false; // takes `key[]=` appends
};

const Origin& origin_of(const Walker& w);
void warn(Walker& w, const YAML::Node& n, std::string message);

#define SAKER_SET(expr)                                                                            \
    [](const YAML::Node& n, Config& c, Walker& w) {                                                \
        (void)w;                                                                                   \
        expr;                                                                                      \
    }

const Key kKeys[] = {
    {"rules_files", SAKER_SET(assign_list(c.rules_files, paths_of(n, origin_of(w)), origin_of(w))),
     true},
    {"rules_file", SAKER_SET(assign_list(c.rules_files, paths_of(n, origin_of(w)), origin_of(w))),
     true},
    {"rules", SAKER_SET(assign_list(c.rules, rule_selectors_of(n), origin_of(w))), true},
    {"config_files",
     SAKER_SET(assign_list(c.config_files, config_files_of(n, origin_of(w)), origin_of(w))), true},
    {"priority", SAKER_SET(c.priority = priority_of(n))},
    {"json_output", SAKER_SET(c.json_output = bool_of(n))},
    {"json_include_output_property", SAKER_SET(c.json_include_output_property = bool_of(n))},
    {"json_include_tags_property", SAKER_SET(c.json_include_tags_property = bool_of(n))},
    {"json_include_message_property", SAKER_SET(c.json_include_message_property = bool_of(n))},
    {"json_include_output_fields_property",
     SAKER_SET(c.json_include_output_fields_property = bool_of(n))},
    {"time_format_iso_8601", SAKER_SET(c.time_format_iso_8601 = bool_of(n))},
    {"rule_matching",
     SAKER_SET(c.rule_matching_all = choice_of<bool>(n, {{"first", false}, {"all", true}}))},
    {"buffered_outputs", SAKER_SET(c.buffered_outputs = bool_of(n))},
    {"outputs_queue.capacity", SAKER_SET(c.outputs_queue_capacity = int_of(n, 0, 1ll << 40))},
    {"append_output", SAKER_SET(assign_list(c.append_output, append_output_of(n, w), origin_of(w))),
     true},
    {"stdout_output.enabled", SAKER_SET(c.stdout_output.enabled = bool_of(n))},
    {"file_output.enabled", SAKER_SET(c.file_output.enabled = bool_of(n))},
    {"file_output.keep_alive", SAKER_SET(c.file_output.keep_alive = bool_of(n))},
    {"file_output.filename", SAKER_SET(c.file_output.filename = string_of(n))},
    {"syslog_output.enabled", SAKER_SET(c.syslog_output.enabled = bool_of(n))},
    {"program_output.enabled", SAKER_SET(c.program_output.enabled = bool_of(n))},
    {"program_output.keep_alive", SAKER_SET(c.program_output.keep_alive = bool_of(n))},
    {"program_output.program", SAKER_SET(c.program_output.program = string_of(n))},
    {"http_output.enabled", SAKER_SET(c.http_output.enabled = bool_of(n))},
    {"http_output.url", SAKER_SET(c.http_output.url = string_of(n))},
    {"http_output.user_agent", SAKER_SET(c.http_output.user_agent = string_of(n))},
    {"http_output.insecure", SAKER_SET(c.http_output.insecure = bool_of(n))},
    {"http_output.ca_cert", SAKER_SET(c.http_output.ca_cert = string_of(n))},
    {"http_output.ca_bundle", SAKER_SET(c.http_output.ca_bundle = string_of(n))},
    {"http_output.ca_path", SAKER_SET(c.http_output.ca_path = string_of(n))},
    {"http_output.mtls", SAKER_SET(c.http_output.mtls = bool_of(n))},
    {"http_output.client_cert", SAKER_SET(c.http_output.client_cert = string_of(n))},
    {"http_output.client_key", SAKER_SET(c.http_output.client_key = string_of(n))},
    {"http_output.compress_uploads", SAKER_SET(c.http_output.compress_uploads = bool_of(n))},
    {"http_output.keep_alive", SAKER_SET(c.http_output.keep_alive = bool_of(n))},
    {"base_syscalls.custom_set",
     SAKER_SET(assign_list(c.base_syscalls_custom_set, names_of(n), origin_of(w))), true},
    {"base_syscalls.repair", SAKER_SET(c.base_syscalls_repair = bool_of(n))},
    {"syscall_event_drops.threshold",
     SAKER_SET(c.syscall_event_drops.threshold = double_of(n, 0, 1))},
    {"syscall_event_drops.actions", SAKER_SET({
         if (!n.IsSequence()) bad(n, "expected a list of log|alert|exit|ignore");
         std::vector<DropAction> actions;
         for (const auto& a : n)
             actions.push_back(choice_of<DropAction>(a, {{"ignore", DropAction::Ignore},
                                                         {"log", DropAction::Log},
                                                         {"alert", DropAction::Alert},
                                                         {"exit", DropAction::Exit}}));
         assign_list(c.syscall_event_drops.actions, std::move(actions), origin_of(w));
     }),
     true},
    {"syscall_event_drops.rate", SAKER_SET(c.syscall_event_drops.rate = double_of(n, 0, 1e9))},
    {"syscall_event_drops.max_burst",
     SAKER_SET(c.syscall_event_drops.max_burst = double_of(n, 0, 1e9))},
    {"webserver.enabled", SAKER_SET(c.webserver.enabled = bool_of(n))},
    {"webserver.listen_address", SAKER_SET(c.webserver.listen_address = string_of(n))},
    {"webserver.listen_port", SAKER_SET(c.webserver.listen_port = int_of(n, 0, 65535))},
    {"webserver.k8s_healthz_endpoint", SAKER_SET(c.webserver.k8s_healthz_endpoint = string_of(n))},
    {"webserver.prometheus_metrics_enabled",
     SAKER_SET(c.webserver.prometheus_metrics_enabled = bool_of(n))},
    {"metrics.enabled", SAKER_SET(c.metrics.enabled = bool_of(n))},
    {"metrics.interval", SAKER_SET(c.metrics.interval_ms = duration_ms_of(n))},
    {"metrics.output_rule", SAKER_SET(c.metrics.output_rule = bool_of(n))},
    {"metrics.output_file", SAKER_SET(c.metrics.output_file = string_of(n))},
    {"metrics.rules_counters_enabled", SAKER_SET(c.metrics.rules_counters_enabled = bool_of(n))},
    {"metrics.resource_utilization_enabled",
     SAKER_SET(c.metrics.resource_utilization_enabled = bool_of(n))},
    {"metrics.state_counters_enabled", SAKER_SET(c.metrics.state_counters_enabled = bool_of(n))},
    {"metrics.kernel_event_counters_enabled",
     SAKER_SET(c.metrics.kernel_event_counters_enabled = bool_of(n))},
    {"metrics.kernel_event_counters_per_cpu_enabled",
     SAKER_SET(c.metrics.kernel_event_counters_per_cpu_enabled = bool_of(n))},
    {"metrics.libbpf_stats_enabled", SAKER_SET(c.metrics.libbpf_stats_enabled = bool_of(n))},
    {"metrics.convert_memory_to_mb", SAKER_SET(c.metrics.convert_memory_to_mb = bool_of(n))},
    {"metrics.include_empty_values", SAKER_SET(c.metrics.include_empty_values = bool_of(n))},
    {"watch_config_files", SAKER_SET(c.watch_config_files = bool_of(n))},
    {"log_level", SAKER_SET(c.log_level = priority_of(n))},
    {"log_stderr", SAKER_SET(c.log_stderr = bool_of(n))},
    {"log_syslog", SAKER_SET(c.log_syslog = bool_of(n))},
    {"log_format",
     SAKER_SET(c.log_format = choice_of<Config::LogFormat>(
                   n, {{"text", Config::LogFormat::Text}, {"json", Config::LogFormat::Json}}))},
    {"engine", SAKER_SET({
         // Falco's `engine:` is a mapping that picks a kernel driver; saker has one probe.
         if (n.IsMap())
             return warn(w, n,
                         "'engine' (Falco's driver selection): Falco key not supported by "
                         "saker; ignored (saker has one driver, its CO-RE probe; saker's "
                         "`engine` is jit or interp)");
         c.engine =
             choice_of<EngineKind>(n, {{"jit", EngineKind::Jit}, {"interp", EngineKind::Interp}});
     })},
    {"nice", SAKER_SET(c.nice = static_cast<int>(int_of(n, -20, 19)))},
    {"jit.opt_level", SAKER_SET(c.jit_opt_level = int_of(n, 0, 3))},
    {"jit.cache_dir", SAKER_SET(c.jit_cache_dir = string_of(n))},
    {"capture.ring_buffer_bytes", SAKER_SET({
         int64_t v = int_of(n, 4096, 1ll << 32);
         if (v & (v - 1)) bad(n, "expected a power of two of at least 4096");
         c.capture_ring_buffer_bytes = v;
     })},
    {"capture.attach", SAKER_SET({
         using A = Config::CaptureAttach;
         c.capture_attach = choice_of<A>(
             n, {{"auto", A::Auto}, {"fexit", A::Fexit}, {"tracepoint", A::Tracepoint}});
     })},
    {"container_engines.containerd.sockets",
     SAKER_SET(assign_list(c.containerd_sockets, strings_of(n), origin_of(w))), true},
    {"container_engines.containerd.enabled", SAKER_SET(c.containerd_enabled = bool_of(n))},
    {"container_engines.cri.sockets",
     SAKER_SET(assign_list(c.cri_sockets, strings_of(n), origin_of(w))), true},
    {"container_engines.cri.enabled", SAKER_SET(c.cri_enabled = bool_of(n))},
    {"container_engines.docker.sockets",
     SAKER_SET(assign_list(c.docker_sockets, strings_of(n), origin_of(w))), true},
    {"container_engines.docker.enabled", SAKER_SET(c.docker_enabled = bool_of(n))},
    {"container_engines.podman.sockets",
     SAKER_SET(assign_list(c.podman_sockets, strings_of(n), origin_of(w))), true},
    {"container_engines.podman.enabled", SAKER_SET(c.podman_enabled = bool_of(n))},
    {"container_engines.metadata_wait_ms",
     SAKER_SET(c.container_metadata_wait_ms = int_of(n, 0, 60000))},
};

#undef SAKER_SET

// Falco 0.44's keys (falco.yaml) that saker does not implement: warned once each, as such,
// never as unknown, so Falco's own file loads with a short, honest list. A section listed here
// (`falco_libs`) covers every key under it.
const char* const kFalcoOnlyKeys[] = {
    // Falco's plugins and drivers: saker has one capture path, its CO-RE probe.
    "load_plugins",
    "plugins",
    "plugins_hostinfo",
    "falco_libs",
    "libs_logger",
    "modern_bpf",
    "syscall_buf_size_preset",
    "syscall_drop_failed_exit",
    "metadata_download",
    "syscall_event_timeouts",
    "base_syscalls.all",
    "static_fields",
    // Outputs saker does not have.
    "outputs",
    "grpc",
    "grpc_output",
    "output_timeout",
    "buffer_format_base64",
    "http_output.echo",
    "http_output.max_consecutive_timeouts",
    "webserver.threadiness",
    "webserver.ssl_enabled",
    "webserver.ssl_certificate",
    "syscall_event_drops.simulate_drops",
    // Metrics of parts saker does not have (plugins, jemalloc, BPF iterators).
    "metrics.plugins_metrics_enabled",
    "metrics.jemalloc_stats_enabled",
    "metrics.kernel_iter_event_counters_enabled",
    // Falco's capture-on-alert (saker records with `saker record`, or `run --record`).
    "capture.enabled",
    "capture.path_prefix",
    "capture.mode",
    "capture.default_duration",
    "capture.max_file_size_mb",
    // Falco 0.43- container engines (now Falco's container plugin): implemented but for these.
    "container_engines.cri.disable_async",
    "container_engines.lxc",
    "container_engines.libvirt_lxc",
    "container_engines.bpm",
};

const Key* find_key(std::string_view path) {
    for (const auto& k : kKeys)
        if (path == k.path) return &k;
    return nullptr;
}

bool is_section(std::string_view path) { // a strict prefix of some key: walk into it
    for (const auto& k : kKeys)
        if (std::string_view(k.path).starts_with(path) && k.path[path.size()] == '.') return true;
    return false;
}

bool is_falco_only(std::string_view path) {
    return std::find(std::begin(kFalcoOnlyKeys), std::end(kFalcoOnlyKeys), path) !=
           std::end(kFalcoOnlyKeys);
}

// --- The walker: YAML mappings down to table keys. -------------------------------------------

class Walker {
  public:
    Walker(Config& config, Diagnostics& diags) : config_(config), diags_(diags) {}
    bool in_include = false; // walking a config_files file
    // The configuration as one YAML document, merged as Falco merges it (the main file, each
    // config_files file by its strategy, each -o at its key): what --support prints, and where
    // `-o key[N].member=V` finds the item it edits.
    YAML::Node merged{YAML::NodeType::Map};

    // Converts `n`, the value at `path` (named by `key_node`), coming from `origin`.
    void walk(const YAML::Node& n, const std::string& path, const YAML::Node& key_node,
              const Origin& origin) {
        origin_ = origin;
        walk(n, path, key_node);
    }
    void set_origin(const Origin& origin) { origin_ = origin; }

    SourceLoc loc(const YAML::Mark& m) const {
        if (m.is_null() || m.line < 0) return {origin_.file, 1, 1};
        uint32_t col = m.column + 1 + (m.line == 0 ? origin_.shift : 0);
        return {origin_.file, static_cast<uint32_t>(m.line + 1), col};
    }
    void warning(const YAML::Node& n, std::string message) {
        diags_.warning(loc(n.Mark()), std::move(message));
    }
    void error(SourceLoc at, std::string message) { diags_.error(at, std::move(message)); }
    const Origin& origin() const { return origin_; }

    // Walks a mapping that is part of one key's value (append_output entries), warning about
    // members the reader does not know.
    void entries(const YAML::Node& map, const std::string& path, const MapReader& read) {
        if (!map.IsMap()) bad(map, "expected a mapping");
        for (const auto& kv : map) {
            if (!kv.first.IsScalar()) bad(kv.first, "expected a key");
            if (!read(kv.first.Scalar(), kv.second))
                warning(kv.first, "unknown key '" + path + "." + kv.first.Scalar() + "' ignored");
        }
    }

  private:
    Config& config_;
    Diagnostics& diags_;
    Origin origin_;
    std::set<std::string> warned_; // Falco-only keys already reported
    std::set<std::string> set_;    // keys some file or override has set (for add-only)

    void walk(const YAML::Node& n, const std::string& path, const YAML::Node& key_node) {
        if (const Key* key = find_key(path)) {
            if (origin_.append && !key->list) {
                error(loc(key_node.Mark()), "'" + path + "' is not a list; `[]` appends to lists");
                return;
            }
            if (origin_.merge == MergeStrategy::AddOnly && set_.count(path)) return;
            if (path == "config_files" && in_include) {
                warning(key_node, "'config_files' in an included file is ignored (no nesting, "
                                  "as in Falco)");
                return;
            }
            try {
                key->set(n, config_, *this);
                set_.insert(path);
            } catch (const BadValue& e) {
                error(loc(e.mark), "'" + path + "': " + e.message);
            }
            return;
        }
        if (is_falco_only(path)) {
            if (warned_.insert(path).second) // once, though config.d files may repeat it
                warning(key_node, "'" + path + "': Falco key not supported by saker; ignored");
            return;
        }
        if (!path.empty() && !is_section(path)) {
            warning(key_node, "unknown configuration key '" + path + "' ignored");
            return;
        }
        if (n.IsNull()) return; // an empty section: its defaults stand
        if (!n.IsMap()) {
            error(loc(n.Mark()), path.empty() ? "a configuration file must be a YAML mapping"
                                              : "'" + path + "' must be a mapping");
            return;
        }
        for (const auto& kv : n) {
            if (!kv.first.IsScalar()) {
                error(loc(kv.first.Mark()), "configuration keys must be strings");
                continue;
            }
            walk(kv.second, path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(),
                 kv.first);
        }
    }
};

const Origin& origin_of(const Walker& w) {
    return w.origin();
}
void warn(Walker& w, const YAML::Node& n, std::string message) {
    w.warning(n, std::move(message));
}
void each_entry(const YAML::Node& map, Walker& w, const std::string& path, const MapReader& read) {
    w.entries(map, path, read);
}

// For `a[].m.n=V`: the one-item list [{m: {n: V}}]. (Built from fresh nodes: assigning to an
// existing YAML::Node rebinds what every copy of it refers to.)
YAML::Node wrapped(const YAML::Node& value, std::string_view members) {
    if (members.empty()) return value;
    size_t dot = members.find('.');
    YAML::Node map(YAML::NodeType::Map);
    map[std::string(members.substr(0, dot))] =
        wrapped(value, dot == std::string_view::npos ? "" : members.substr(dot + 1));
    return map;
}
YAML::Node appended_item(const YAML::Node& value, const std::string& rest) {
    YAML::Node list(YAML::NodeType::Sequence);
    list.push_back(wrapped(value, rest.empty() ? rest : rest.substr(1)));
    return list;
}

// --- The merged document (Falco's view of the configuration). ------------------------------

// The node at a dotted key (`a.b.c`, no indexes) of `root`; an undefined node when absent.
YAML::Node find_path(const YAML::Node& root, const std::string& key) {
    YAML::Node cur;
    cur.reset(root);
    for (size_t at = 0; at <= key.size();) {
        size_t dot = std::min(key.find('.', at), key.size());
        if (!cur.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
        const YAML::Node& c = cur; // const access: never adds the key
        YAML::Node next = c[key.substr(at, dot - at)];
        if (!next.IsDefined()) return YAML::Node(YAML::NodeType::Undefined); // not a zombie
        cur.reset(next);
        at = dot + 1;
    }
    return cur;
}

// Sets the node at an override's key, as Falco does: `a.b`, `a[N]` (N == size appends), `a[]`
// (appends), `a[N].b.c`, creating mappings and lists on the way. Keys it cannot follow (a
// scalar in the way) leave the document as it is: the typed walk reports the problem.
void set_path(YAML::Node root, const std::string& key, const YAML::Node& value) {
    YAML::Node cur;
    cur.reset(root);
    size_t i = 0;
    while (i < key.size()) {
        size_t end = key.find_first_of(".[", i);
        end = end == std::string::npos ? key.size() : end;
        if (end > i) {
            if (!cur.IsMap() && !(cur.IsNull() || !cur.IsDefined())) return;
            YAML::Node next = cur[key.substr(i, end - i)];
            cur.reset(next);
        }
        i = end;
        while (i < key.size() && key[i] == '[') {
            size_t close = key.find(']', i);
            if (close == std::string::npos) return;
            if (!cur.IsSequence()) {
                if (cur.IsDefined() && !cur.IsNull()) return;
                cur = YAML::Node(YAML::NodeType::Sequence);
            }
            const std::string digits = key.substr(i + 1, close - i - 1);
            if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(),
                                                  [](char c) { return c >= '0' && c <= '9'; }))
                return; // not an index (the typed walk reports the key)
            size_t index = digits.empty() ? cur.size() : std::stoul(digits);
            if (index > cur.size()) return;
            if (index == cur.size()) cur.push_back(YAML::Node(YAML::NodeType::Null));
            YAML::Node next = cur[index];
            cur.reset(next);
            i = close + 1;
        }
        if (i < key.size() && key[i] == '.') ++i;
    }
    cur = YAML::Clone(value);
}

// One file into the merged document: the main file is the document; a config_files file
// merges its top-level keys by its strategy, as Falco (append: lists are extended, other
// values replaced; override: replaced; add-only: only keys not yet there).
void merge_document(YAML::Node& merged, const YAML::Node& file, MergeStrategy strategy,
                    bool include) {
    if (!file.IsMap()) return;
    if (!include) {
        merged = YAML::Clone(file);
        return;
    }
    for (const auto& kv : file) {
        if (!kv.first.IsScalar() || kv.first.Scalar() == "config_files") continue;
        const std::string key = kv.first.Scalar();
        YAML::Node at = merged[key];
        if (strategy == MergeStrategy::AddOnly && at.IsDefined() && !at.IsNull()) continue;
        if (strategy == MergeStrategy::Append && kv.second.IsSequence() && at.IsSequence()) {
            for (const auto& item : kv.second)
                at.push_back(YAML::Clone(item));
            continue;
        }
        merged[key] = YAML::Clone(kv.second);
    }
}

// Environment references expanded, as Falco shows the configuration it runs with.
YAML::Node expanded(const YAML::Node& n) {
    if (n.IsScalar()) return YAML::Node(expand_env(n.Scalar()));
    if (n.IsSequence()) {
        YAML::Node out(YAML::NodeType::Sequence);
        for (const auto& item : n)
            out.push_back(expanded(item));
        return out;
    }
    if (n.IsMap()) {
        YAML::Node out(YAML::NodeType::Map);
        for (const auto& kv : n)
            out[kv.first.Scalar()] = expanded(kv.second);
        return out;
    }
    return n;
}

// `a.b=V` converts V at a.b; `a.b[].c=V` appends {c: V} to the list a.b; `a.b[N]=V` sets its
// item N to V (Falco's indexed form; N equal to the length appends).
void apply_override(const std::string& text, uint32_t file, Walker& w, Diagnostics& diags) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        diags.error({file, 1, 1}, "an override is key=value (e.g. -o webserver.listen_port=8766)");
        return;
    }
    std::string key = text.substr(0, eq);
    Origin origin{file, static_cast<uint32_t>(eq + 1), false, "", {}, MergeStrategy::Override};
    std::string rest; // the path after `[]` or `[N]`, wrapped around the value
    if (size_t br = key.find('['); br != std::string::npos) {
        size_t close = key.find(']', br);
        std::string_view digits =
            std::string_view(key).substr(br + 1, close == std::string::npos ? 0 : close - br - 1);
        if (close == std::string::npos ||
            !std::all_of(digits.begin(), digits.end(),
                         [](char c) { return c >= '0' && c <= '9'; }) ||
            digits.size() > 9) {
            diags.error({file, 1, static_cast<uint32_t>(br + 1)},
                        "expected [] (append) or [N] (item N) after a list key");
            return;
        }
        if (!digits.empty()) origin.index = std::stoul(std::string(digits));
        rest = key.substr(close + 1);
        key = key.substr(0, br);
        origin.append = true;
        if (!rest.empty() && rest[0] != '.') {
            diags.error({file, 1, static_cast<uint32_t>(close + 2)}, "expected '.' or '=' after ]");
            return;
        }
    }
    const std::string text_value = text.substr(eq + 1);
    YAML::Node value;
    try {
        value = YAML::Load(text_value);
    } catch (const YAML::Exception& e) {
        // A value YAML cannot read as a scalar (`*`, `%x`, `@a`: Falco's own example is
        // `-o "rules[].disable.rule=*"`) is the string as typed; a broken list or mapping is
        // an error.
        if (!text_value.starts_with('[') && !text_value.starts_with('{')) {
            value = YAML::Node(text_value);
        } else {
            w.set_origin(origin);
            diags.error(w.loc(e.mark), "invalid value: " + e.msg);
            return;
        }
    }
    YAML::Node key_node(key); // for warnings: no mark, so they point at the override's start
    YAML::Node list = find_path(w.merged, key);
    const bool member_edit = origin.index && !rest.empty() && list.IsSequence() &&
                             *origin.index < list.size() && list[*origin.index].IsMap();
    set_path(w.merged, text.substr(0, eq), value);
    if (member_edit) {
        // Falco's `key[N].member=V`: one member of item N changes, the rest of the item stays.
        // The whole list is read again from the merged document, which now holds the edit.
        origin.append = false;
        origin.index.reset();
        w.walk(find_path(w.merged, key), key, key_node, origin);
        return;
    }
    w.walk(origin.append ? appended_item(value, rest) : value, key, key_node, origin);
}

} // namespace

namespace {

// The whole file; false (errno set) when it is missing, unreadable or a directory.
bool read_text(const std::string& path, std::string& text) {
    FILE* f = std::fopen(path.c_str(), "rb");
    char buf[8192];
    for (size_t n; f && (n = std::fread(buf, 1, sizeof buf, f)) > 0;)
        text.append(buf, n);
    bool ok = f && !std::ferror(f); // a directory fails the read with EISDIR
    if (f) std::fclose(f);
    return ok;
}

void walk_file(LoadResult& r, Walker& walker, const std::string& name, const std::string& text,
               MergeStrategy merge) {
    uint32_t file = r.sources.add(name, text);
    try {
        YAML::Node root = YAML::Load(text);
        merge_document(walker.merged, root, merge, walker.in_include);
        std::string dir =
            name.find('/') == std::string::npos ? "." : name.substr(0, name.rfind('/'));
        walker.walk(root, "", root, Origin{file, 0, false, dir.empty() ? "/" : dir, {}, merge});
    } catch (const YAML::Exception& e) {
        walker.set_origin(Origin{file, 0, false, "", {}, merge});
        r.diags.error(walker.loc(e.mark), "invalid YAML: " + e.msg);
    }
}

void apply_overrides(LoadResult& r, Walker& walker, const std::vector<std::string>& overrides,
                     bool config_files) {
    for (const auto& o : overrides) {
        if (o.starts_with("config_files") != config_files) continue;
        uint32_t file = r.sources.add("-o", o);
        try {
            apply_override(o, file, walker, r.diags);
        } catch (const YAML::Exception& e) { // a mark-less node access; never expected
            r.diags.error({file, 1, 1}, "invalid override: " + e.msg);
        }
    }
}

// Falco's config_files, in order: a file, or a folder's regular files in name order, each
// merged with its entry's strategy; a path that does not exist is skipped, as Falco does.
void include_config_files(LoadResult& r, Walker& walker, const std::string& main) {
    namespace fs = std::filesystem;
    const std::vector<ConfigFile> includes = r.config.config_files; // included files add none
    for (const auto& inc : includes) {
        std::error_code ec;
        if (!main.empty() && fs::equivalent(inc.path, main, ec)) {
            r.diags.error({}, "config_files includes the main configuration file '" + main + "'");
            continue;
        }
        std::vector<std::string> files;
        if (fs::is_directory(inc.path, ec)) {
            for (fs::directory_iterator it(inc.path, ec), end; !ec && it != end; it.increment(ec))
                if (std::error_code fe; it->is_regular_file(fe)) files.push_back(it->path());
            std::sort(files.begin(), files.end());
        } else if (fs::exists(inc.path, ec)) {
            files.push_back(inc.path);
        }
        for (const auto& f : files) {
            std::string text;
            if (!read_text(f, text)) {
                r.diags.error({}, "cannot read configuration file '" + f +
                                      "' (config_files): " + std::strerror(errno));
                continue;
            }
            walker.in_include = true;
            walk_file(r, walker, f, text, inc.strategy);
            walker.in_include = false;
            r.files.push_back(f);
        }
    }
}

LoadResult load(const std::string& name, const std::string& text,
                const std::vector<std::string>& overrides, bool follow_config_files) {
    LoadResult r;
    Walker walker(r.config, r.diags);
    if (!name.empty()) {
        walk_file(r, walker, name, text, MergeStrategy::Override);
        r.files.push_back(name);
    }
    // As Falco: `-o config_files...` first, then the included files, then the other `-o`.
    apply_overrides(r, walker, overrides, true);
    if (follow_config_files) include_config_files(r, walker, name);
    apply_overrides(r, walker, overrides, false);
    // Falco's rendering (--support): one flow mapping, every scalar double-quoted.
    YAML::Emitter out;
    out << YAML::DoubleQuoted << YAML::Flow << YAML::LowerNull << expanded(walker.merged);
    r.merged = out.good() ? out.c_str() : "{}";
    return r;
}

} // namespace

LoadResult load_config_text(const std::string& name, const std::string& text,
                            const std::vector<std::string>& overrides) {
    return load(name, text, overrides, false);
}

LoadResult load_config(const std::string& path, const std::vector<std::string>& overrides) {
    std::string text;
    if (!path.empty() && !read_text(path, text)) {
        LoadResult r;
        r.diags.error({}, "cannot read configuration file '" + path + "': " + std::strerror(errno));
        return r;
    }
    return load(path, text, overrides, true);
}

std::vector<std::string> expand_rules_files(const std::vector<std::string>& entries) {
    std::vector<std::string> files;
    for (const auto& entry : entries) {
        std::error_code ec;
        if (!std::filesystem::is_directory(entry, ec)) {
            files.push_back(entry);
            continue;
        }
        std::vector<std::string> in_dir;
        // Error-code forms throughout: an unreadable directory yields nothing, never a throw.
        // Only YAML files, as Falco (0.41+): a folder may hold `old.yaml.bak` or a README.
        for (std::filesystem::directory_iterator it(entry, ec), end; !ec && it != end;
             it.increment(ec)) {
            const std::string name = it->path().string();
            if (std::error_code fe;
                it->is_regular_file(fe) && (name.ends_with(".yaml") || name.ends_with(".yml")))
                in_dir.push_back(name);
        }
        std::sort(in_dir.begin(), in_dir.end());
        files.insert(files.end(), in_dir.begin(), in_dir.end());
    }
    return files;
}

std::string file_sha256(const std::string& path) {
    std::string text;
    read_text(path, text);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
    std::ostringstream out;
    for (unsigned int i = 0; i < len; ++i)
        out << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(md[i]);
    return out.str();
}

std::vector<std::string> default_rules_files(const std::string& saker_rules,
                                             const std::string& falco_dir) {
    return {falco_dir + "/falco_rules.yaml", saker_rules, falco_dir + "/falco_rules.local.yaml",
            falco_dir + "/rules.d"};
}

std::vector<std::string> rules_files_to_load(const std::vector<std::string>& cli, const Config& c,
                                             const std::string& saker_rules) {
    if (!cli.empty()) return expand_rules_files(cli);
    std::vector<std::string> present;
    for (const auto& p : !c.rules_files.empty() ? c.rules_files : default_rules_files(saker_rules))
        if (std::error_code ec; std::filesystem::exists(p, ec)) present.push_back(p);
    return expand_rules_files(present);
}

bool matches(const AppendOutput& e, const Rule& rule) {
    if (e.source && *e.source != rule.source) return false;
    if (e.rule && *e.rule != rule.name) return false;
    for (const auto& t : e.tags)
        if (std::find(rule.tags.begin(), rule.tags.end(), t) == rule.tags.end()) return false;
    return true;
}

std::vector<size_t> apply_rule_selectors(const std::vector<RuleSelector>& selectors,
                                         Ruleset& rules) {
    std::vector<size_t> matched;
    for (const auto& s : selectors) {
        size_t n = 0;
        for (auto& r : rules.rules) {
            bool hit = s.by_tag ? std::find(r.tags.begin(), r.tags.end(), s.pattern) != r.tags.end()
                                : fnmatch(s.pattern.c_str(), r.name.c_str(), 0) == 0;
            if (hit) r.enabled = s.enable, ++n;
        }
        matched.push_back(n);
    }
    return matched;
}

} // namespace saker::config
