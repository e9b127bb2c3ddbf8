// Output sinks: the places an alert goes (stdout, a file, syslog, a program, an HTTP endpoint).
//
// Contract:
// - A sink is driven by exactly one thread, its SinkWorker's (sink_worker.h): `deliver`,
//   `reopen` and `flush` are never called concurrently. Only `cancel` may be called from
//   another thread, to abandon a delivery that blocks past the stop deadline.
// - `deliver` takes one formatted alert and reports Delivered, Failed (given up: counted and
//   dropped) or Retry (a transient failure, e.g. the endpoint is down: the worker retries the
//   same alert with backoff). A sink never throws and never raises SIGPIPE in the agent: the
//   worker thread blocks SIGPIPE, so a dead reader is an EPIPE error.
// - Alert text is data: no sink ever puts it on a command line.
#pragma once

#include "frontend/rules.h"
#include "runtime/config/config.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace saker::output {

// One alert, formatted once for every sink: the text line or the JSON object (no newline).
struct Message {
    std::string line;
    Priority priority = Priority::Debug;
};

enum class Delivery { Delivered, Failed, Retry };

class Sink {
  public:
    virtual ~Sink() = default;
    virtual const char* name() const = 0;
    virtual Delivery deliver(const Message& m) = 0;
    virtual void reopen() {} // SIGUSR1: reopen the file, restart the program
    virtual void flush() {}  // before the worker stops
    virtual void cancel() {} // any thread: make a blocked `deliver` return soon
    // When the queue is full: true drops the oldest queued alert (keep the newest, for an
    // endpoint that is down), false drops the new one.
    virtual bool keeps_newest() const { return false; }

    // Repeated attempts (HTTP retries, program restarts), for the counters.
    std::atomic<uint64_t> retries{0};
};

// The stream is not owned (stdout). `buffered`: flush only on stop, else after every alert.
std::unique_ptr<Sink> make_stdout_sink(FILE* stream, bool buffered);
std::unique_ptr<Sink> make_file_sink(const config::FileOutput& c, bool buffered);
std::unique_ptr<Sink> make_syslog_sink();
std::unique_ptr<Sink> make_program_sink(const config::ProgramOutput& c);
// `json`: the body is JSON (application/json), else a text line (text/plain), as Falco.
std::unique_ptr<Sink> make_http_sink(const config::HttpOutput& c, bool json);

// The syslog severity of a rule priority: Falco's eight priorities are syslog's eight levels
// (Emergency -> LOG_EMERG ... Debug -> LOG_DEBUG); messages go to facility LOG_USER.
int syslog_level(Priority p);

// Lets a repeated log line through at most once per `interval` (per instance).
class LogLimiter {
  public:
    explicit LogLimiter(std::chrono::seconds interval = std::chrono::seconds(10))
        : interval_(interval) {}
    bool ready() {
        auto now = std::chrono::steady_clock::now();
        if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < interval_)
            return false;
        last_ = now;
        return true;
    }

  private:
    std::chrono::seconds interval_;
    std::chrono::steady_clock::time_point last_{};
};

} // namespace saker::output
