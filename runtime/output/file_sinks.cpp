// The stdout and file sinks: alert lines appended to a stdio stream.
#include "runtime/output/sink.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>

namespace saker::output {
namespace {

bool write_line(FILE* f, const std::string& line, bool flush) {
    bool ok =
        std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fputc('\n', f) != EOF;
    return ok && (!flush || std::fflush(f) == 0);
}

class StdoutSink final : public Sink {
  public:
    StdoutSink(FILE* stream, bool buffered) : stream_(stream), buffered_(buffered) {}
    const char* name() const override { return "stdout"; }
    Delivery deliver(const Message& m) override {
        if (write_line(stream_, m.line, !buffered_)) return Delivery::Delivered;
        if (log_.ready()) spdlog::warn("output stdout: write failed: {}", std::strerror(errno));
        std::clearerr(stream_);
        return Delivery::Failed;
    }
    void flush() override { std::fflush(stream_); }

  private:
    FILE* stream_;
    bool buffered_;
    LogLimiter log_;
};

// keep_alive: one open stream, reopened on request (log rotation: SIGUSR1 after a rename).
// Otherwise the file is opened, appended to and closed for every alert, as Falco does.
class FileSink final : public Sink {
  public:
    FileSink(const config::FileOutput& c, bool buffered) : c_(c), buffered_(buffered) {}
    ~FileSink() override { close(); }
    const char* name() const override { return "file"; }

    Delivery deliver(const Message& m) override {
        if (!file_) file_ = std::fopen(c_.filename.c_str(), "ae"); // O_APPEND | O_CLOEXEC
        bool ok = file_ && write_line(file_, m.line, !buffered_ || !c_.keep_alive);
        if (!ok && log_.ready())
            spdlog::warn("output file: cannot write '{}': {}", c_.filename, std::strerror(errno));
        if (!ok || !c_.keep_alive) close();
        return ok ? Delivery::Delivered : Delivery::Failed;
    }
    void reopen() override { close(); }
    void flush() override {
        if (file_) std::fflush(file_);
    }

  private:
    void close() {
        if (file_) std::fclose(file_);
        file_ = nullptr;
    }

    config::FileOutput c_;
    bool buffered_;
    FILE* file_ = nullptr;
    LogLimiter log_;
};

} // namespace

std::unique_ptr<Sink> make_stdout_sink(FILE* stream, bool buffered) {
    return std::make_unique<StdoutSink>(stream, buffered);
}

std::unique_ptr<Sink> make_file_sink(const config::FileOutput& c, bool buffered) {
    return std::make_unique<FileSink>(c, buffered);
}

} // namespace saker::output
