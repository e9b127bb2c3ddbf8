// Contract: `saker run <args>` (or another command, or none: Falco's flags; the SAKER_BIN the
// including target defines) as a child process, stdout (alerts) and stderr (log) written to
// /tmp/<prefix><pid>-<n>.out/.err, which the destructor removes after stopping the child with
// SIGTERM. ready() polls the log for "probe attached" for up to `timeout`; wait_exit() waits up to
// 10 s for a self-exit, then stops it; stop() returns the exit code (-1 if not a normal exit).
// alerts() parses every non-empty stdout line (throws on a malformed one); alerts_so_far() skips
// lines that are not (yet) JSON, and wait_alert() polls those for a rule until a deadline. The
// agent runs with a private resolver configuration (support/private_resolver.h; the caller's, or
// loopback names only), so the names upstream rules compare addresses against (fd.sip.name) are
// never asked of a server off the host.
#pragma once

#include "support/private_resolver.h"
#include "support/process_runner.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <optional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#ifndef SAKER_BIN
#error "agent_process.h needs SAKER_BIN, the path of the saker binary"
#endif

namespace saker::test {

class AgentProcess {
  public:
    using Clock = std::chrono::steady_clock;

    // `command` (default "run") goes before `args`; nullptr runs Falco's command line
    // (`saker -c falco.yaml ...`). `env` entries ("NAME=value") are set in the child. `resolver`:
    // the resolver configuration the child sees (nullptr: loopback names only).
    AgentProcess(std::vector<std::string> args, const std::string& tmp_prefix,
                 const char* command = "run", std::vector<std::string> env = {},
                 const PrivateResolverFiles* resolver = nullptr) {
        if (!resolver) resolver = &own_resolver_;
        std::string base = tmp_prefix + std::to_string(getpid()) + "-" + std::to_string(counter_++);
        out_ = base + ".out";
        err_ = base + ".err";
        pid_ = fork();
        if (pid_ == 0) {
            int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(o, 1);
            dup2(e, 2);
            resolver->enter(); // best effort: without root the probe cannot load anyway
            for (auto& e : env)
                putenv(e.data());
            std::vector<char*> argv{const_cast<char*>(SAKER_BIN)};
            if (command) argv.push_back(const_cast<char*>(command));
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(SAKER_BIN, argv.data());
            _exit(127);
        }
    }
    AgentProcess(const AgentProcess&) = delete;
    AgentProcess& operator=(const AgentProcess&) = delete;
    ~AgentProcess() {
        stop();
        std::remove(out_.c_str());
        std::remove(err_.c_str());
    }

    // Waits until the probe is attached (the agent logs it), polling every `poll`.
    bool ready(std::chrono::milliseconds timeout = std::chrono::seconds(10),
               std::chrono::milliseconds poll = std::chrono::milliseconds(50)) {
        const auto tries = timeout / poll;
        for (decltype(timeout / poll) i = 0; i < tries; ++i) {
            if (slurp(err_).find("probe attached") != std::string::npos) return true;
            std::this_thread::sleep_for(poll);
        }
        return false;
    }
    // Waits for the agent to exit by itself (up to 10 s), then stops it.
    int wait_exit() {
        for (int i = 0; i < 200 && pid_ > 0; ++i) {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                return status_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return stop();
    }
    void signal(int sig) const {
        if (pid_ > 0) kill(pid_, sig);
    }
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return status_;
    }
    // Every non-empty stdout line as JSON; a malformed line throws.
    std::vector<nlohmann::json> alerts() const {
        std::vector<nlohmann::json> out;
        std::istringstream in(slurp(out_));
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    // Complete alert lines so far (a line still being written is skipped).
    std::vector<nlohmann::json> alerts_so_far() const {
        std::vector<nlohmann::json> out;
        std::istringstream in(slurp(out_));
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded()) out.push_back(std::move(j));
        }
        return out;
    }
    // Polls for the first alert of `rule` until `deadline` (checked at least once).
    std::optional<nlohmann::json> wait_alert(const std::string& rule,
                                             Clock::time_point deadline) const {
        do {
            for (auto& a : alerts_so_far())
                if (a.value("rule", "") == rule) return a;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } while (Clock::now() < deadline);
        return std::nullopt;
    }
    std::string log() const { return slurp(err_); }
    pid_t pid() const { return pid_; } // -1 once it has exited
    std::string output() const { return slurp(out_); }

  private:
    static inline int counter_ = 0;
    PrivateResolverFiles own_resolver_;
    pid_t pid_ = -1;
    int status_ = -1;
    std::string out_, err_;
};

} // namespace saker::test
