#include "runtime/output/outputs.h"

namespace saker::output {

std::unique_ptr<Outputs> Outputs::create(const config::Config& c, std::string hostname,
                                         std::string& error, FILE* stdout_stream) {
    if (c.file_output.enabled && c.file_output.filename.empty())
        return error = "file_output is enabled but file_output.filename is empty", nullptr;
    if (c.program_output.enabled && c.program_output.program.empty())
        return error = "program_output is enabled but program_output.program is empty", nullptr;
    if (c.http_output.enabled && c.http_output.url.empty())
        return error = "http_output is enabled but http_output.url is empty", nullptr;

    std::unique_ptr<Outputs> hub(new Outputs);
    hub->hostname_ = std::move(hostname);
    hub->format_ = LineFormat::of(c);
    const size_t capacity =
        c.outputs_queue_capacity ? c.outputs_queue_capacity : config::kDefaultQueueCapacity;
    auto add = [&](std::unique_ptr<Sink> sink) {
        hub->workers_.push_back(std::make_unique<SinkWorker>(std::move(sink), capacity));
    };
    if (c.stdout_output.enabled) add(make_stdout_sink(stdout_stream, c.buffered_outputs));
    if (c.file_output.enabled) add(make_file_sink(c.file_output, c.buffered_outputs));
    if (c.syslog_output.enabled) add(make_syslog_sink());
    if (c.program_output.enabled) add(make_program_sink(c.program_output));
    if (c.http_output.enabled) add(make_http_sink(c.http_output, c.json_output));
    return hub;
}

Outputs::~Outputs() {
    stop(std::chrono::milliseconds(0));
}

std::string Outputs::format(const Alert& a) const {
    return format_line(a, hostname_, format_);
}

void Outputs::push(const Alert& alert) {
    push_line(format(alert), alert.rule->priority);
}

void Outputs::push_line(std::string line, Priority priority) {
    auto m = std::make_shared<const Message>(Message{std::move(line), priority});
    for (auto& w : workers_)
        w->push(m);
}

void Outputs::reopen() {
    for (auto& w : workers_)
        w->request_reopen();
}

bool Outputs::stop(std::chrono::milliseconds grace) {
    // One deadline for all: the sinks drain in parallel on their own threads.
    auto deadline = std::chrono::steady_clock::now() + grace;
    bool all = true;
    for (auto& w : workers_)
        all = w->stop(deadline) && all;
    return all;
}

std::vector<SinkStats> Outputs::stats() const {
    std::vector<SinkStats> out;
    for (const auto& w : workers_)
        out.push_back(w->stats());
    return out;
}

} // namespace saker::output
