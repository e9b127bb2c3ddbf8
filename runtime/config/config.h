// The agent's configuration: Falco's `falco.yaml` keys (where Falco has one) plus saker's own.
//
// Contract:
// - `load_config` is a pure function: a YAML file (or none) and `-o key=value` overrides in,
//   a `Config` plus diagnostics out. It never throws and never crashes; when
//   `result.ok()` is false the Config must not be used (the agent keeps its previous one on a
//   reload). Every default lives in `Config` below; the repository's `saker.yaml` documents the
//   same defaults.
// - Keys are described once, in a table (config.cpp): dotted path, type, setter. The file is
//   walked as a tree of mappings; a mapping key whose dotted path is in the table is converted
//   by its setter, an unknown key is a warning, a Falco key saker does not implement is a
//   warning that says so, a value of the wrong type is an error. Both carry file:line:col.
// - Overrides (`-o a.b.c=VALUE`, VALUE read as YAML: a scalar or a flow `[a, b]` / `{k: v}`)
//   are applied after the file, in order, through the same table, so they obey the same types.
//   `a.b[]=VALUE` and `a[].b.c=VALUE` append one element to a list (Falco's form:
//   `-o "rules[].disable.rule=*"`). `a.b[N]=VALUE` (and `a[N].b=VALUE`) sets item N of a list
//   to the value (Falco's indexed form; N equal to the list's length appends).
//   `a[N].m.n=VALUE` sets one member of item N, the rest of the item kept (as Falco: the list
//   is read again from the merged document, `LoadResult::merged`); when the configuration has
//   no such item it is the item {m: {n: VALUE}}. Their locations point into the override text.
// - String values expand `${NAME}` from the environment, as Falco does (`$${` is a literal `${`).
#pragma once

#include "frontend/rules.h"
#include "frontend/source.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace saker::config {

struct StdoutOutput {
    bool enabled = true;
    bool operator==(const StdoutOutput&) const = default;
};

struct FileOutput {
    bool enabled = false;
    bool keep_alive = false; // false: open, append, close per alert
    std::string filename = "./events.txt";
    bool operator==(const FileOutput&) const = default;
};

struct SyslogOutput {
    bool enabled = true;
    bool operator==(const SyslogOutput&) const = default;
};

struct ProgramOutput {
    bool enabled = false;
    bool keep_alive = false; // false: one process per alert
    std::string program;     // run by /bin/sh -c; alerts arrive on its stdin, one per line
    bool operator==(const ProgramOutput&) const = default;
};

struct HttpOutput {
    bool enabled = false;
    std::string url;
    std::string user_agent = "saker";
    bool insecure = false; // do not verify the server's certificate
    std::string ca_cert;   // a CA certificate file
    std::string ca_bundle; // a CA bundle file
    std::string ca_path = "/etc/ssl/certs";
    bool mtls = false; // present client_cert/client_key
    std::string client_cert = "/etc/ssl/certs/client.crt";
    std::string client_key = "/etc/ssl/certs/client.key";
    bool compress_uploads = false; // gzip the body (Content-Encoding: gzip)
    bool keep_alive = false;       // reuse the connection between alerts
    bool operator==(const HttpOutput&) const = default;
};

// One `append_output` entry: for rules matching every given condition (`matches`), text
// appended to the output line and fields added to the JSON `output_fields`.
struct AppendOutput {
    std::optional<std::string> source, rule; // absent: any
    std::vector<std::string> tags;           // the rule must carry all of them
    std::string extra_output;
    struct ExtraField {
        std::string name;   // the key in output_fields
        std::string format; // empty: the field `name` itself; else an output format
        bool operator==(const ExtraField&) const = default;
    };
    std::vector<ExtraField> extra_fields;
    // Falco appends the fields its plugins suggest (the container plugin's ` container_id=...
    // container_name=...`) to the rules an entry with this flag matches; saker does the same
    // with its built-in container fields.
    bool suggested_output = false;
    bool operator==(const AppendOutput&) const = default;
};

// `- suggested_output: true`, the one entry of Falco's default append_output.
inline AppendOutput suggested_output_entry() {
    AppendOutput e;
    e.suggested_output = true;
    return e;
}

// One `rules:` entry: `- enable: {rule: GLOB}`, `- disable: {tag: T}`, applied in order.
struct RuleSelector {
    bool enable = false;
    bool by_tag = false;
    std::string pattern; // a rule-name glob (`*`, `?`, `[...]`) or an exact tag
    bool operator==(const RuleSelector&) const = default;
};

enum class DropAction : uint8_t { Ignore, Log, Alert, Exit };

struct SyscallEventDrops {
    double threshold = 0.1; // fraction of events dropped in one second that triggers actions
    std::vector<DropAction> actions{DropAction::Log, DropAction::Alert};
    double rate = 0.03333; // actions per second (token bucket)
    double max_burst = 1;
    bool operator==(const SyscallEventDrops&) const = default;
};

struct Webserver {
    bool enabled = true;
    std::string listen_address = "127.0.0.1";
    uint16_t listen_port = 8765;
    std::string k8s_healthz_endpoint = "/healthz";
    bool prometheus_metrics_enabled = false;
    bool operator==(const Webserver&) const = default;
};

// Falco's `metrics:` section. With `enabled`, every `interval` a snapshot of Falco's metrics
// (agent/metrics_snapshot.h) goes out as the alert "Falco internal: metrics snapshot"
// (`output_rule`) and/or as a JSON line appended to `output_file`; the switches select what
// the snapshot holds. Defaults are Falco's when the key is absent (its falco.yaml sets
// output_rule: true).
struct Metrics {
    bool enabled = false;
    uint64_t interval_ms = 3600 * 1000; // `interval: 1h` (Prometheus duration syntax)
    bool output_rule = false;
    std::string output_file; // empty: none
    bool rules_counters_enabled = true;
    bool resource_utilization_enabled = true;
    bool state_counters_enabled = true;
    bool kernel_event_counters_enabled = true;
    bool kernel_event_counters_per_cpu_enabled = true;
    bool libbpf_stats_enabled = true; // only while the kernel keeps them (bpf_stats_enabled)
    bool convert_memory_to_mb = true;
    bool include_empty_values = false;
    bool operator==(const Metrics&) const = default;
};

enum class EngineKind : uint8_t { Jit, Interp };

// How a `config_files` file merges into what the files before it set (Falco's strategies).
enum class MergeStrategy : uint8_t {
    Append,   // lists are added to, other keys replaced
    Override, // every key it sets is replaced
    AddOnly,  // only keys no earlier file set
};

struct ConfigFile {
    std::string path; // a file, or a folder: its regular files in name order
    MergeStrategy strategy = MergeStrategy::Append;
    bool operator==(const ConfigFile&) const = default;
};

struct Config {
    // Empty: default_rules_files() (Falco's, then saker's). Relative paths in a file are
    // relative to that file's directory. Paths that do not exist are skipped, as in Falco.
    std::vector<std::string> rules_files;
    std::vector<RuleSelector> rules;
    // Falco's config_files (its default: /etc/falco/config.d): loaded after the main file, in
    // order, each merged with its strategy; a path that does not exist is skipped. Relative
    // paths are relative to the main file's directory.
    std::vector<ConfigFile> config_files;
    Priority priority = Priority::Debug; // the least severe rule priority to load
    bool json_output = false;
    bool json_include_output_property = true;
    bool json_include_tags_property = true;
    bool json_include_message_property = false;      // "message": output without time, priority
    bool json_include_output_fields_property = true; // "output_fields"
    bool time_format_iso_8601 = false; // alert text time as YYYY-MM-DDTHH:MM:SS.ns+hhmm
    bool rule_matching_all = false;    // rule_matching: first | all
    bool buffered_outputs = false;
    size_t outputs_queue_capacity = 0; // 0: saker's bound, kDefaultQueueCapacity
    // Falco's default: `- suggested_output: true` (container id and name on every alert).
    std::vector<AppendOutput> append_output{suggested_output_entry()};

    StdoutOutput stdout_output;
    FileOutput file_output;
    SyslogOutput syslog_output;
    ProgramOutput program_output;
    HttpOutput http_output;

    std::vector<std::string> base_syscalls_custom_set;
    bool base_syscalls_repair = false;
    SyscallEventDrops syscall_event_drops;
    Webserver webserver;
    Metrics metrics;
    bool watch_config_files = true;
    Priority log_level = Priority::Informational; // emergency..debug, as Falco
    bool log_stderr = true;
    bool log_syslog = true;
    enum class LogFormat : uint8_t { Text, Json } log_format = LogFormat::Text; // saker's key

    // saker's own keys.
    EngineKind engine = EngineKind::Jit;
    int jit_opt_level = 2; // 0..3
    std::string jit_cache_dir;
    size_t capture_ring_buffer_bytes = 8u << 20; // a power of two >= 4096
    // How the probe attaches (capture/probe.h): auto (fexit per syscall where the kernel
    // allows it, else the sys_exit tracepoint), fexit, or tracepoint.
    enum class CaptureAttach : uint8_t {
        Auto,
        Fexit,
        Tracepoint
    } capture_attach = CaptureAttach::Auto;
    // The agent's scheduling niceness (-20..19). Below 0 it is served before the workloads it
    // watches when the CPUs are saturated: alert latency p99 at 300k events/s went from 15.1 ms
    // to 5.7 ms with -10 (saker-bench e2e). Needs CAP_SYS_NICE; without it the agent says so
    // and runs at 0.
    int nice = -10;
    // Container runtimes asked for container.* / k8s.* (container_engines.<engine>.sockets, as
    // Falco's container plugin; `enabled: false` skips an engine). Sockets missing at start are
    // skipped.
    std::vector<std::string> containerd_sockets{"/run/containerd/containerd.sock"};
    std::vector<std::string> cri_sockets{"/run/containerd/containerd.sock", "/run/crio/crio.sock",
                                         "/run/k3s/containerd/containerd.sock",
                                         "/run/host-containerd/containerd.sock"};
    std::vector<std::string> docker_sockets{"/var/run/docker.sock"};
    std::vector<std::string> podman_sockets{"/run/podman/podman.sock"};
    bool containerd_enabled = true, cri_enabled = true, docker_enabled = true,
         podman_enabled = true;
    // How long a rule needing a new container's metadata waits for it (saker's key
    // container_engines.metadata_wait_ms; 0 never waits).
    int64_t container_metadata_wait_ms = 500;
    bool operator==(const Config&) const = default;
};

// Falco's `outputs_queue.capacity: 0` means unbounded; saker bounds every sink's queue so a
// dead sink cannot grow memory without limit. 0 is read as this many alerts per sink.
constexpr size_t kDefaultQueueCapacity = 10000;

struct LoadResult {
    Config config;
    std::vector<std::string> files; // the main file, then each config_files file loaded
    SourceManager sources;          // the file and override texts, for rendering diagnostics
    // The configuration as Falco holds it, as YAML text (a flow mapping, scalars quoted): the
    // main file, each config_files file merged by its strategy (top-level keys, as Falco),
    // then each -o at its key. What `--support` prints as "config".
    std::string merged;
    Diagnostics diags;
    bool ok() const { return !diags.has_errors(); }
    // Every diagnostic as `file:line:col: error|warning: message`, source line and caret.
    std::string render() const { return diags.render_all(sources); }
};

// `path` empty: defaults plus overrides. A missing or unreadable file is an error naming it.
// As Falco: the file, then `-o config_files...`, then the config_files files (each with its
// merge strategy), then the other overrides.
LoadResult load_config(const std::string& path, const std::vector<std::string>& overrides = {});
// The same on text already read (tests, fuzzing); `name` labels diagnostics. It reads no
// other file: config_files are not followed.
LoadResult load_config_text(const std::string& name, const std::string& text,
                            const std::vector<std::string>& overrides = {});

// The files `rules_files` names, as Falco reads them: a directory stands for the regular
// `*.yaml`/`*.yml` files in it, in name order; anything else is kept as given (the rules loader
// reports a missing file with its name).
std::vector<std::string> expand_rules_files(const std::vector<std::string>& entries);

// Falco's default rules files with saker's add-on rules after Falco's own, as Falco's
// falco.yaml orders them: <falco_dir>/falco_rules.yaml, `saker_rules`,
// <falco_dir>/falco_rules.local.yaml, <falco_dir>/rules.d. Used when neither -r nor the
// configuration names any rules file.
std::vector<std::string> default_rules_files(const std::string& saker_rules,
                                             const std::string& falco_dir = "/etc/falco");

// The rules files a run loads, as Falco picks them: the `-r` entries as given (a missing one
// is an error later, with its name), else the configuration's `rules_files` (else the
// defaults) of which, as in Falco, only paths that exist count; folders expanded.
std::vector<std::string> rules_files_to_load(const std::vector<std::string>& cli, const Config& c,
                                             const std::string& saker_rules);

// The SHA-256 (lower-case hex) of a configuration or rules file's bytes, as Falco reports
// them (--support, the metrics snapshot); the digest of nothing for an unreadable file.
std::string file_sha256(const std::string& path);

// Whether an `append_output` entry applies to a rule.
bool matches(const AppendOutput& entry, const Rule& rule);

// Applies `rules:` selectors to a loaded ruleset, in order (each sets `enabled` on the rules it
// matches). Returns how many rules each selector matched, so the caller can warn about zero.
std::vector<size_t> apply_rule_selectors(const std::vector<RuleSelector>& selectors,
                                         Ruleset& rules);

} // namespace saker::config
