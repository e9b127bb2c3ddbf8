// saker: entry point and dispatch. `saker <command> ...` runs a subcommand; `saker -FLAG ...`
// and any invocation as `falco` (argv[0]'s name) take Falco's command line.
#include "runtime/cli/commands.h"

#include <cstring>
#include <iostream>
#include <string_view>

namespace saker::cli {

const char* const kUsage = R"(usage: saker <command> [options]
       saker [Falco's options]          (also as `falco`, e.g. a symlink)

commands:
  compile      load, check and compile rules files
                 -r FILE...     rules files, loaded in order (default: saker's rules)
                 --validate     print a summary or the errors
                 --dump-ast     print each rule's expanded condition  [--rule NAME]
                 --dump-ir      the optimized LLVM IR   [--rule NAME] [-O 0..3]
                 --dump-asm     the native code         [--rule NAME] [-O 0..3]
  list-fields  print every field a condition or output may use  [--json]
  list-rules   print the rules with priority, tags and state      [-r FILE...] [--json]
  run          run the agent: capture, evaluate, alert until SIGINT/SIGTERM
                 -c FILE        configuration (Falco's keys; see saker.yaml)
                 -r FILE...     rules files, replacing the configuration's rules_files
                 -o KEY=VALUE   any configuration key by dotted path, e.g. json_output=true,
                                webserver.listen_port=8766, file_output.enabled=true
                 --engine jit|interp, --cache-dir DIR, --duration SECONDS
                 --record FILE  also write what it evaluated to a capture file
                 SIGHUP reloads configuration and rules, SIGUSR1 reopens file outputs
  record       write the event stream and a state snapshot to a capture file
                 -w FILE        the capture file (created or truncated)
                 --duration SECONDS  stop after this long (default: at SIGINT/SIGTERM)
  replay       evaluate rules over a capture file, printing the alerts a live run would
                 FILE           the capture file
                 -r FILE...     rules files (default: saker's rules)
                 -o KEY=VALUE   json_output=true, rule_matching=all, priority=warning
                 --engine jit|interp, --cache-dir DIR
  version      print saker's version

Falco's options (Falco 0.44's meanings; exit code 0 on success, 1 on any failure):
  -c FILE              configuration file (default /etc/falco/falco.yaml when it exists)
  -r FILE|DIR          rules file or folder (its *.yaml/*.yml); repeatable; replaces rules_files
  -o, --option K=V     any configuration key by dotted path; K[]=V appends, K[N]=V sets item N
  -M SECS              stop after SECS seconds
  -V, --validate FILE  validate rules files (repeatable): FILE: Ok | Invalid and the errors
  -L / -l RULE         describe all rules / one rule (JSON with json_output=true)
  --list[=SOURCE]      list the fields (SOURCE: syscall); -N names only; --format text|json
  --list-events        list the event types conditions may name
  --dry-run            load and check configuration, rules and outputs, then exit
  --support            print version, system, configuration and rules files (with SHA-256) as JSON
  -U, --unbuffered     flush each alert (buffered_outputs=false)
  -P, --pidfile FILE   write the process id to FILE
  --version            print the versions
  -h, --help           print this help
Not supported (an error saying so): --config-schema, --rule-schema, -i, --plugin-info, -p,
--markdown. --enable-source/--disable-source accept `syscall`, saker's one source.
)";

} // namespace saker::cli

namespace {

using saker::cli::kUsage;

// `saker run --help`: the usage section of one command.
void print_command_usage(std::string_view cmd) {
    std::string_view all = kUsage;
    size_t at = all.find("\n  " + std::string(cmd) + " ");
    if (at == std::string_view::npos) return void(std::cout << kUsage);
    size_t end = at + 1;
    do // the section: its line and the indented lines after it
        end = all.find('\n', end) + 1;
    while (end < all.size() && all.substr(end, 3) == "   ");
    std::cout << "usage: saker " << cmd << " [options]\n" << all.substr(at + 1, end - at - 1);
}

bool asks_help(int argc, char** argv) {
    for (int i = 2; i < argc; ++i)
        if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) return true;
    return false;
}

} // namespace

int main(int argc, char** argv) {
    std::string_view self = argc > 0 ? argv[0] : "saker";
    if (self.rfind('/') != std::string_view::npos) self.remove_prefix(self.rfind('/') + 1);
    if (self == "falco") return saker::cli::falco_command(argc, argv, 1);
    if (argc < 2) {
        std::cout << kUsage;
        return 2;
    }
    std::string_view cmd = argv[1];
    if (cmd.starts_with("-")) return saker::cli::falco_command(argc, argv, 1);
    if (asks_help(argc, argv)) return print_command_usage(cmd), 0;
    if (cmd == "compile") return saker::cli::compile_command(argc, argv);
    if (cmd == "list-fields") return saker::cli::list_fields_command(argc, argv);
    if (cmd == "list-rules") return saker::cli::list_rules_command(argc, argv);
    if (cmd == "version") {
        std::cout << "saker " << SAKER_VERSION << "\n";
        return 0;
    }
    if (cmd == "run") {
#ifdef SAKER_HAVE_AGENT
        return saker::cli::run_command(argc, argv);
#else
        std::cerr << "saker run: this build has no capture (configured with SAKER_CAPTURE=OFF)\n";
        return 1;
#endif
    }
    if (cmd == "replay" || cmd == "record") {
#ifdef SAKER_HAVE_AGENT
        return cmd == "record" ? saker::cli::record_command(argc, argv)
                               : saker::cli::replay_command(argc, argv);
#else
        std::cerr << "saker " << cmd << ": this build has no capture (configured with "
                  << "SAKER_CAPTURE=OFF)\n";
        return 1;
#endif
    }
    std::cerr << "saker: unknown command '" << cmd << "'\n" << kUsage;
    return 2;
}
