// saker record: the live capture, written to a file for `saker replay`.
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"
#include "runtime/record/live_record.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

namespace saker::cli {

namespace {

std::atomic<bool> g_stop_recording{false};

void on_signal(int) {
    g_stop_recording.store(true);
}

} // namespace

int record_command(int argc, char** argv) {
    auto args = parse_args(
        "record", {{"-w", "--write", true}, {"--duration", "", true}, {"-o", "--option", true}},
        argc, argv, 2);
    if (!args) return 2;
    record::LiveRecordOptions o;
    o.path = args->last("-w").value_or("");
    if (o.path.empty() || !args->positional.empty()) {
        std::cerr
            << "saker record: usage: saker record -w FILE [--duration SECONDS] "
               "[-o capture.ring_buffer_bytes=N] [-o container_engines.containerd.sockets=PATH]\n";
        return 2;
    }
    if (auto d = args->last("--duration")) {
        char* end = nullptr;
        o.duration_s = std::strtod(d->c_str(), &end);
        if (end == d->c_str() || *end || o.duration_s < 0) {
            std::cerr << "saker record: --duration takes a number of seconds, not '" << *d << "'\n";
            return 2;
        }
    }
    for (const auto& kv : args->all("-o")) {
        auto eq = kv.find('=');
        std::string key = kv.substr(0, eq),
                    value = eq == std::string::npos ? "" : kv.substr(eq + 1);
        size_t n = std::strtoull(value.c_str(), nullptr, 10);
        if (key == "capture.ring_buffer_bytes" && n >= 4096 && (n & (n - 1)) == 0) {
            o.ring_buffer_bytes = n;
        } else if (key == "container_engines.containerd.sockets" && eq != std::string::npos) {
            o.containerd_socket = value;
        } else {
            std::cerr << "saker record: unsupported or invalid option '" << kv
                      << "' (known: capture.ring_buffer_bytes=POWER_OF_TWO, "
                         "container_engines.containerd.sockets=PATH)\n";
            return 2;
        }
    }
    spdlog::set_default_logger(spdlog::stderr_color_mt("saker"));
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    record::CaptureCounts counts;
    std::string error;
    int rc = record::record_live(o, g_stop_recording, counts, error);
    if (rc != 0) {
        std::cerr << "saker record: " << error << (error.ends_with('\n') ? "" : "\n");
        return rc;
    }
    std::cerr << "saker record: wrote " << o.path << ": " << counts.events << " events, "
              << counts.processes << " processes, " << counts.containers << " container records\n";
    return 0;
}

} // namespace saker::cli
