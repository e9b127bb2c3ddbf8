// saker: entry point and subcommand dispatch.
#include "runtime/cli/commands.h"

#include <cstring>
#include <iostream>
#include <string_view>

namespace {

constexpr const char* kUsage = R"(usage: saker <command> [options]

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
)";

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    std::string_view cmd = argv[1];
    if (cmd == "compile") return saker::cli::compile_command(argc, argv);
    if (cmd == "list-fields") return saker::cli::list_fields_command(argc, argv);
    if (cmd == "list-rules") return saker::cli::list_rules_command(argc, argv);
    if (cmd == "version" || cmd == "--version") {
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
