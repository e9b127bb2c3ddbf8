// Falco's command line at saker's top level, and the whole command line when the binary is
// named `falco` (a symlink): Falco 0.44's flags, meanings and exit codes (0 success, 1 any
// failure, a bad flag included), so scripts and manifests written for Falco run unchanged.
//
// As Falco, the flags are actions tried in a fixed order and the first that applies ends the
// run: --help, --list-events, (the configuration is read), --version, --page-size,
// --list-plugins, --list, -V, -L/-l, --support; otherwise the agent runs (--dry-run: it loads
// and checks everything, then exits 0; -M: it stops after that many seconds).
#include "runtime/cli/commands.h"
#include "runtime/cli/falco_reports.h"
#include "runtime/cli/options.h"
#include "runtime/config/config.h"

#include <fstream>
#include <iostream>
#include <unistd.h>

namespace saker::cli {

namespace {

constexpr const char* kFalcoConfig = "/etc/falco/falco.yaml"; // Falco's default -c

const std::vector<FlagSpec> kFlags = {
    {"-h", "--help", false},
    {"-c", "", true},
    {"-r", "", true},
    {"-o", "--option", true},
    {"-M", "", true},
    {"-V", "--validate", true},
    {"-L", "", false},
    {"-l", "", true},
    {"--list", "", false, true},
    {"--list-events", "", false},
    {"--list-plugins", "", false},
    {"-N", "", false},
    {"--format", "", true},
    {"--dry-run", "", false},
    {"--support", "", false},
    {"-U", "--unbuffered", false},
    {"-P", "--pidfile", true},
    {"--version", "", false},
    {"--page-size", "", false},
    {"-v", "", false},
    {"--enable-source", "", true},
    {"--disable-source", "", true},
    // Falco flags about parts saker does not have: an error that says so, not "unknown".
    {"--config-schema", "", false},
    {"--rule-schema", "", false},
    {"-i", "", false},
    {"--plugin-info", "", true},
    {"-p", "--print", true},
    {"--markdown", "", false},
};

constexpr const char* kUnsupported[] = {
    "--config-schema", "--rule-schema", "-i", "--plugin-info", "-p", "--markdown"};

int fail(const std::string& message) {
    std::cerr << "Error: " << message << "\n";
    return 1;
}

// Falco takes `syscall` as the one source saker has; turning it off leaves nothing to run.
bool check_sources(const Args& args, std::string& error) {
    for (const auto& s : args.all("--enable-source"))
        if (s != "syscall") return error = "unknown event source '" + s + "'", false;
    for (const auto& s : args.all("--disable-source")) {
        error = s == "syscall" ? "turning off all event sources is not permitted"
                               : "unknown event source '" + s + "'";
        return false;
    }
    return true;
}

bool write_pidfile(const std::string& path, std::string& error) {
    std::ofstream f(path);
    if (f << getpid() << "\n" && f.flush()) return true;
    error = "Could not write pid to pidfile " + path;
    return false;
}

} // namespace

int falco_command(int argc, char** argv, int first) {
    auto args = parse_args("", kFlags, argc, argv, first);
    if (!args) return 1;
    if (!args->positional.empty()) return fail("unexpected argument '" + args->positional[0] + "'");
    for (const char* flag : kUnsupported)
        if (args->has(flag))
            return fail(std::string("Falco option '") + flag + "' is not supported by saker");
    std::string error;
    if (!check_sources(*args, error)) return fail(error);
    if (args->has("-h")) {
        std::cout << kUsage;
        return 0;
    }
    const std::string format = args->last("--format").value_or("text");
    if (format != "text" && format != "json")
        return fail("Invalid format '" + format + "'. Valid values are: text, json");
    if (args->has("--list-events")) return print_events(format == "json"), 0;

    // The configuration: -c, else Falco's default file when it exists, else saker's defaults.
    FalcoRequest req;
    req.config_path = args->last("-c").value_or("");
    if (req.config_path.empty() && access(kFalcoConfig, R_OK) == 0) req.config_path = kFalcoConfig;
    req.overrides = args->all("-o");
    if (args->has("-U")) req.overrides.push_back("buffered_outputs=false");
    req.rules_files = args->all("-r");
    req.default_rules = SAKER_DEFAULT_RULES;
    for (int i = 0; i < argc; ++i)
        req.cmdline += (i ? " " : "") + std::string(argv[i]);
    auto loaded = config::load_config(req.config_path, req.overrides);
    if (!loaded.ok()) return std::cerr << loaded.render(), fail("invalid configuration");
    const bool json = loaded.config.json_output;

    if (args->has("--version")) return print_version(json), 0;
    if (args->has("--page-size")) {
        std::cout << "page size: " << sysconf(_SC_PAGESIZE) << " bytes\n";
        return 0;
    }
    if (args->has("--list-plugins")) {
        std::cout << "0 plugins loaded: saker's event source and container metadata are "
                     "built in\n";
        return 0;
    }
    if (args->has("--list")) {
        auto source = args->last("--list").value_or("");
        if (!source.empty() && source != "syscall")
            return fail("unknown event source '" + source + "' (saker has 'syscall')");
        print_fields(format == "json", args->has("-N"));
        return 0;
    }
    std::optional<std::string> describe = args->last("-l");
    if (args->has("-L")) describe = "";
    if (args->has("-V")) return validate_rules(args->all("-V"), json, describe) ? 0 : 1;
    if (describe) return describe_rules(req, loaded.config, *describe) ? 0 : 1;
    if (args->has("--support")) return print_support(req, loaded) ? 0 : 1;

#ifdef SAKER_HAVE_AGENT
    agent::RunRequest run;
    run.config_path = req.config_path;
    run.overrides = req.overrides;
    run.rules_files = req.rules_files;
    run.dry_run = args->has("--dry-run");
    if (auto m = args->last("-M")) {
        char* end = nullptr;
        long secs = std::strtol(m->c_str(), &end, 10);
        if (m->empty() || *end || secs < 0) return fail("-M takes a number of seconds");
        run.duration_s = static_cast<double>(secs);
    }
    if (auto p = args->last("-P"); p && !run.dry_run && !write_pidfile(*p, error))
        return fail(error);
    return run_agent(std::move(run), "Error") == 0 ? 0 : 1;
#else
    return fail("this build has no capture (configured with SAKER_CAPTURE=OFF)");
#endif
}

} // namespace saker::cli
