#include "bench/e2e_agent.h"

#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace saker::bench {

bool prepare_agent_bench(const char* bench_name) {
    if (geteuid() != 0) {
        std::fprintf(stderr, "saker-bench %s: needs root (the agent loads the probe)\n",
                     bench_name);
        return false;
    }
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}
namespace {

uint64_t realtime_ns() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

} // namespace

AgentProcess::~AgentProcess() {
    stop();
}

bool AgentProcess::start(const std::string& binary, const std::vector<std::string>& args, int cpu,
                         const std::string& ready) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return false;
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        if (cpu >= 0) {
            cpu_set_t set;
            CPU_ZERO(&set);
            CPU_SET(cpu, &set);
            sched_setaffinity(0, sizeof set, &set);
        }
        std::vector<char*> argv{const_cast<char*>(binary.c_str())};
        for (const auto& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(binary.c_str(), argv.data());
        std::fprintf(stderr, "exec %s: %s\n", binary.c_str(), std::strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    out_reader_ = std::thread([this, fd = out[0]] { read_lines(fd, true); });
    err_reader_ = std::thread([this, fd = err[0]] { read_lines(fd, false); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        if (log().find(ready) != std::string::npos) return true;
        if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = -1;
            break;
        }
        usleep(10000);
    }
    return false;
}

void AgentProcess::read_lines(int fd, bool is_stdout) {
    // The alert reader runs real-time (it only reads and stamps): otherwise, with the storm
    // saturating the cores, the stamp would measure when this thread got a CPU, not when the
    // line arrived. Without the privilege it stays a normal thread.
    if (is_stdout) {
        sched_param sp{};
        sp.sched_priority = 1;
        pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
    }
    std::string pending;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        uint64_t now = realtime_ns();
        pending.append(buf, static_cast<size_t>(n));
        size_t start = 0;
        std::lock_guard lock(mu_);
        for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
            if (is_stdout)
                alerts_.push_back({now, pending.substr(start, nl - start)});
            else
                log_.append(pending, start, nl - start + 1);
        }
        pending.erase(0, start);
    }
    close(fd);
}

AgentProcess::CpuTimes AgentProcess::cpu_times() const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Fields after the command name (which may hold spaces): state is field 3, utime 14.
    size_t paren = all.rfind(')');
    if (paren == std::string::npos) return {};
    std::istringstream rest(all.substr(paren + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; i++) {
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    const auto tick = static_cast<double>(sysconf(_SC_CLK_TCK));
    return {static_cast<double>(utime) / tick, static_cast<double>(stime) / tick};
}

uint64_t AgentProcess::status_kb(const char* key) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with(key)) return std::stoull(line.substr(std::strlen(key)));
    return 0;
}

std::optional<AgentCounters> AgentProcess::stop() {
    if (pid_ > 0) {
        kill(pid_, SIGINT);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    if (out_reader_.joinable()) out_reader_.join();
    if (err_reader_.joinable()) err_reader_.join();
    std::string all = log();
    size_t at = all.rfind("stopped: ");
    if (at == std::string::npos) return std::nullopt;
    AgentCounters c;
    unsigned long long e, a, d, m;
    if (std::sscanf(all.c_str() + at,
                    "stopped: %llu events, %llu alerts, %llu ring-buffer drops, %llu malformed", &e,
                    &a, &d, &m) != 4)
        return std::nullopt;
    c.events = e, c.alerts = a, c.drops = d, c.malformed = m;
    return c;
}

std::vector<AlertLine> AgentProcess::alerts() const {
    std::lock_guard lock(mu_);
    return alerts_;
}

size_t AgentProcess::alert_count() const {
    std::lock_guard lock(mu_);
    return alerts_.size();
}

std::string AgentProcess::log() const {
    std::lock_guard lock(mu_);
    return log_;
}

std::string default_saker_binary() {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return (ec ? std::string(".") : exe.parent_path().string()) + "/../runtime/saker";
}

std::vector<std::string> default_bench_rules() {
    return {SAKER_E2E_SOURCE_DIR "/../shared/rules-corpus/falco_rules.yaml",
            SAKER_E2E_SOURCE_DIR "/rules/saker_rules.yaml"};
}

bool AgentOptions::take(const std::string& key, const std::string& value) {
    if (key == "--saker")
        saker = value;
    else if (key == "-r" || key == "--rules")
        rules.push_back(value);
    else if (key == "--cache-dir")
        cache_dir = value;
    else
        return false;
    return true;
}

void AgentOptions::fill_defaults() {
    if (saker.empty()) saker = default_saker_binary();
    if (rules.empty()) rules = default_bench_rules();
}

std::vector<std::string> AgentOptions::run_args(const std::vector<std::string>& extra) const {
    std::vector<std::string> v{"run", "-o", "json_output=true", "--cache-dir", cache_dir};
    for (const auto& r : rules)
        v.insert(v.end(), {"-r", r});
    v.insert(v.end(), extra.begin(), extra.end());
    return v;
}

std::optional<double> scrape_metric(uint16_t port, const std::string& name) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return std::nullopt;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string body;
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        std::string req = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (send(s, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            char buf[1 << 16];
            for (ssize_t n; (n = read(s, buf, sizeof buf)) > 0;)
                body.append(buf, static_cast<size_t>(n));
        }
    }
    close(s);
    size_t at = body.find("\n" + name + " ");
    if (at == std::string::npos) return std::nullopt;
    return std::strtod(body.c_str() + at + name.size() + 2, nullptr);
}

} // namespace saker::bench
