// saker replay: rules evaluated over a capture file, printing the alerts a live run printed.
#include "runtime/agent/compiled_rules.h"
#include "runtime/agent/pipeline.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#include "runtime/output/alert.h"
#include "runtime/record/capture_reader.h"
#include "runtime/record/replay.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>
#include <iostream>

namespace saker::cli {

namespace {

struct ReplayOptions {
    bool json_output = false;
    bool rule_matching_all = false;
    Priority min_priority = Priority::Debug;
};

bool apply_replay_option(const std::string& kv, ReplayOptions& o) {
    auto eq = kv.find('=');
    std::string key = kv.substr(0, eq), value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (key == "json_output" && (value == "true" || value == "false")) {
        o.json_output = value == "true";
        return true;
    }
    if (key == "rule_matching" && (value == "first" || value == "all")) {
        o.rule_matching_all = value == "all";
        return true;
    }
    if (key == "priority") {
        if (auto p = parse_priority(value)) {
            o.min_priority = *p;
            return true;
        }
    }
    std::cerr << "saker replay: unsupported or invalid option '" << kv
              << "' (known: json_output=true|false, rule_matching=first|all, priority=LEVEL)\n";
    return false;
}

} // namespace

int replay_command(int argc, char** argv) {
    auto args = parse_args("replay",
                           {{"-r", "--rules-file", true},
                            {"-o", "--option", true},
                            {"--engine", "", true},
                            {"--cache-dir", "", true}},
                           argc, argv, 2);
    if (!args) return 2;
    if (args->positional.size() != 1) {
        std::cerr << "saker replay: usage: saker replay FILE [-r RULES...] [-o KEY=VALUE] "
                     "[--engine jit|interp]\n";
        return 2;
    }
    const std::string path = args->positional[0];
    ReplayOptions ro;
    for (const auto& kv : args->all("-o"))
        if (!apply_replay_option(kv, ro)) return 2;
    agent::RulesRequest req;
    req.files = args->all("-r");
    if (req.files.empty()) req.files.push_back(SAKER_DEFAULT_RULES);
    req.min_priority = ro.min_priority;
    std::string engine = args->last("--engine").value_or("jit");
    if (engine != "jit" && engine != "interp") {
        std::cerr << "saker replay: --engine takes jit or interp\n";
        return 2;
    }
    req.engine.kind = engine == "jit" ? EngineKind::Jit : EngineKind::Interp;
    req.engine.cache_dir = args->last("--cache-dir").value_or("");

    spdlog::set_default_logger(spdlog::stderr_color_mt("saker"));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "saker replay: cannot open " << path << "\n";
        return 1;
    }
    record::CaptureReader reader(in, path);
    if (!reader.open()) {
        std::cerr << "saker replay: " << reader.error() << "\n";
        return 1;
    }
    std::string error;
    auto rules = agent::compile_rules(req, error);
    if (!rules) {
        std::cerr << "saker replay: " << error << (error.ends_with('\n') ? "" : "\n");
        return 1;
    }
    const record::CaptureHeader& h = reader.header();
    auto print_alert = [&](const output::Alert& a) {
        output::LineFormat format;
        format.json = ro.json_output;
        std::string line = output::format_line(a, h.hostname, format);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
    };
    agent::PipelineOptions popt;
    popt.rule_matching_all = ro.rule_matching_all;
    popt.boot_to_epoch_ns = h.boot_to_epoch_ns;
    popt.hostname = h.hostname;
    record::RecordedMetadataSource metadata;
    agent::Pipeline pipeline(popt, print_alert, &metadata);
    pipeline.set_rules(rules);
    bool ok = record::replay_capture(reader, pipeline, metadata);
    std::fflush(stdout);
    std::cerr << "saker replay: " << pipeline.stats().events << " events, "
              << pipeline.stats().alerts << " alerts (recorded on " << h.hostname << " by saker "
              << h.saker_version << ")\n";
    if (!ok) {
        std::cerr << "saker replay: " << reader.error() << "\n";
        return 1;
    }
    return 0;
}

} // namespace saker::cli
