// The program sink: `/bin/sh -c PROGRAM` with alert lines on its standard input.
//
// The command line is the configured program only; alerts travel through the pipe, so no
// alert text (quotes, $(...), newlines in file names) is ever interpreted by a shell.
// keep_alive: one process for all alerts; if it exits, the next alert starts a new one (and
// is written again once, counted as a retry). Otherwise one process per alert, which gets its
// line and end-of-file; its exit status decides delivered or failed.
#include "runtime/output/sink.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace saker::output {
namespace {

using namespace std::chrono_literals;

bool write_all(int fd, const std::string& data) {
    for (size_t off = 0; off < data.size();) {
        ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false; // EPIPE: the program is gone (SIGPIPE is blocked here)
        off += static_cast<size_t>(n);
    }
    return true;
}

class ProgramSink final : public Sink {
  public:
    explicit ProgramSink(const config::ProgramOutput& c) : c_(c) {}
    ~ProgramSink() override { finish(); }
    const char* name() const override { return "program"; }

    Delivery deliver(const Message& m) override {
        const std::string line = m.line + "\n";
        if (!c_.keep_alive) {
            if (!start()) return Delivery::Failed;
            bool written = write_all(stdin_fd_, line);
            int status = finish();
            bool ok = written && WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!ok && log_.ready())
                spdlog::warn("output program: '{}' {}", c_.program,
                             written ? "exited with status " + std::to_string(status)
                                     : "did not read its input");
            return ok ? Delivery::Delivered : Delivery::Failed;
        }
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (pid_ < 0 && !start()) return Delivery::Failed;
            if (write_all(stdin_fd_, line)) return Delivery::Delivered;
            int status = finish(); // it exited (or closed its input): start it again
            if (cancelled_) break;
            if (log_.ready())
                spdlog::warn("output program: '{}' stopped (status {}); restarting", c_.program,
                             status);
            if (attempt == 0) ++retries;
        }
        return Delivery::Failed;
    }

    void reopen() override { finish(); } // the next alert starts a fresh process
    void flush() override { finish(); }
    void cancel() override {
        cancelled_ = true;
        if (pid_t pid = running_.load(); pid > 0) ::kill(-pid, SIGKILL);
    }

  private:
    bool start() {
        if (cancelled_) return false;
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) return false;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO); // clears CLOEXEC
        posix_spawnattr_t attr;
        posix_spawnattr_init(&attr);
        sigset_t none, pipe;
        sigemptyset(&none);
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        posix_spawnattr_setsigmask(&attr, &none);    // not our blocked SIGPIPE
        posix_spawnattr_setsigdefault(&attr, &pipe); // nor an ignored one
        // Its own process group: the shell's children (a pipeline) are killed with it, and a
        // Ctrl-C meant for the agent does not reach them.
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                            POSIX_SPAWN_SETPGROUP);
        const char* argv[] = {"/bin/sh", "-c", c_.program.c_str(), nullptr};
        pid_t pid = -1;
        int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
        ::close(fds[0]);
        if (rc != 0) {
            ::close(fds[1]);
            if (log_.ready())
                spdlog::warn("output program: cannot start /bin/sh: {}", strerror(rc));
            return false;
        }
        pid_ = pid;
        running_ = pid;
        stdin_fd_ = fds[1];
        return true;
    }

    // Closes the program's input (end of file) and waits for it; a program that outlives a
    // grace period, or any program once cancelled, is killed with its process group. Returns
    // its wait status.
    int finish() {
        if (stdin_fd_ >= 0) ::close(stdin_fd_);
        stdin_fd_ = -1;
        if (pid_ < 0) return 0;
        int status = 0;
        auto deadline = std::chrono::steady_clock::now() + 5s;
        pid_t r;
        while ((r = ::waitpid(pid_, &status, WNOHANG)) == 0) {
            if (cancelled_ || std::chrono::steady_clock::now() > deadline) ::kill(-pid_, SIGKILL);
            std::this_thread::sleep_for(1ms);
        }
        if (r < 0) status = -1;
        pid_ = -1;
        running_ = -1;
        return status;
    }

    config::ProgramOutput c_;
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    std::atomic<pid_t> running_{-1}; // for cancel(), from another thread
    std::atomic<bool> cancelled_{false};
    LogLimiter log_;
};

} // namespace

std::unique_ptr<Sink> make_program_sink(const config::ProgramOutput& c) {
    return std::make_unique<ProgramSink>(c);
}

} // namespace saker::output
