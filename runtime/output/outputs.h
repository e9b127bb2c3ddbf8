// The outputs hub: every alert, formatted once, fanned out to every enabled sink.
//
// Contract:
// - `create` builds the sinks the Config enables (stdout, file, syslog, program, http), each
//   with its own bounded queue and thread (sink_worker.h); a setting that makes a sink
//   unusable (http without url, program without program, file without filename) is an error.
// - `push` formats the alert on the caller's thread (text line, or Falco's JSON with
//   json_include_output_property / json_include_tags_property) and queues it for every sink.
//   It never waits for a sink: a slow or dead sink only drops its own alerts (counted).
//   The Alert's rule is read during `push` only. Any thread may push.
// - `reopen` (SIGUSR1) asks the file sink to reopen its file and the program sink to start a
//   new process, each on its own thread, before its next alert.
// - `stats` is safe from any thread (the /metrics endpoint): per sink queued, delivered,
//   dropped, failed, retries, depth, capacity.
// - `stop` stops accepting, delivers what is queued until the deadline, then abandons the
//   rest (counted dropped) and joins the threads. The destructor stops with no grace. To
//   apply a new Config (reload), stop the old hub and create a new one.
#pragma once

#include "runtime/config/config.h"
#include "runtime/output/alert.h"
#include "runtime/output/sink_worker.h"

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace saker::output {

class Outputs {
  public:
    // Returns nullptr with `error` set when an enabled sink is misconfigured. `stdout_stream`
    // is where stdout_output writes (tests pass their own stream).
    static std::unique_ptr<Outputs> create(const config::Config& config, std::string hostname,
                                           std::string& error, FILE* stdout_stream = stdout);
    ~Outputs();

    void push(const Alert& alert);
    // An already formatted line (internal alerts, tests): queued for every sink as is.
    void push_line(std::string line, Priority priority);
    void reopen();
    // Returns true when every sink delivered its queue before the deadline.
    bool stop(std::chrono::milliseconds grace);
    std::vector<SinkStats> stats() const;

    // The line `push` hands to the sinks for an alert (text or JSON per the config).
    std::string format(const Alert& alert) const;

  private:
    Outputs() = default;
    std::vector<std::unique_ptr<SinkWorker>> workers_;
    std::string hostname_;
    LineFormat format_;
};

} // namespace saker::output
