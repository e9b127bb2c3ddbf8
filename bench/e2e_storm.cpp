#include "bench/e2e_storm.h"
#include "bench/bench_clock.h"

#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <ctime>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace saker::bench {
namespace {

// Files every Debian machine has, under /etc and /usr; none is a sensitive file.
constexpr const char* kFiles[] = {
    "/etc/hostname",   "/etc/hosts",         "/etc/passwd",         "/etc/group",
    "/etc/os-release", "/etc/nsswitch.conf", "/etc/ld.so.cache",    "/usr/lib/os-release",
    "/etc/host.conf",  "/etc/fstab",         "/etc/debian_version", "/usr/share/zoneinfo/UTC",
};
constexpr int kOpensPerIteration = 32;

void sleep_until(uint64_t monotonic_ns) {
    timespec ts{static_cast<time_t>(monotonic_ns / 1000000000u),
                static_cast<long>(monotonic_ns % 1000000000u)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
}

// A loopback TCP listener whose thread accepts and closes every connection.
class Listener {
  public:
    Listener() {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        bind(fd_, reinterpret_cast<sockaddr*>(&a), len);
        listen(fd_, 4096);
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        addr_ = a;
        thread_ = std::thread([this] {
            for (;;) {
                int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c >= 0)
                    close(c);
                else if (errno != EINTR && errno != ECONNABORTED)
                    break;
            }
        });
    }
    ~Listener() {
        shutdown(fd_, SHUT_RDWR); // wakes the accept
        thread_.join();
        close(fd_);
    }
    const sockaddr_in& addr() const { return addr_; }

  private:
    int fd_ = -1;
    sockaddr_in addr_{};
    std::thread thread_;
};

void connect_once(const sockaddr_in& to) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) return;
    // Reset on close: no TIME_WAIT, so the storm never runs out of ephemeral ports.
    linger l{1, 0};
    setsockopt(s, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    close(s);
}

void fork_child(bool exec_true) {
    pid_t pid = fork();
    if (pid == 0) {
        if (exec_true) {
            char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
            execv("/bin/true", argv);
        }
        _exit(0);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
}

void open_close(const char* path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) close(fd);
}

struct WorkerOut {
    uint64_t iterations = 0;
    double cpu = 0;
    std::vector<uint64_t> alert_times;
};

void worker(const StormOptions& o, const Listener& listener, int index, uint64_t start_ns,
            uint64_t end_ns, WorkerOut& out) {
    double cpu0 = thread_cpu_seconds();
    double period_ns = o.iterations_per_sec > 0 ? 1e9 / o.iterations_per_sec : 0;
    size_t file = static_cast<size_t>(index) * 5;
    for (uint64_t i = 0;; i++) {
        uint64_t now = clock_ns(CLOCK_MONOTONIC);
        if (now >= end_ns) break;
        if (period_ns > 0) {
            uint64_t due = start_ns + static_cast<uint64_t>(static_cast<double>(i) * period_ns);
            if (due >= end_ns) break;
            if (due > now) sleep_until(due);
        }
        for (int k = 0; k < kOpensPerIteration; k++)
            open_close(kFiles[file++ % std::size(kFiles)]);
        connect_once(listener.addr());
        if (o.fork_every && i % o.fork_every == o.fork_every - 1) fork_child(false);
        if (o.exec_every && i % o.exec_every == o.exec_every / 2) fork_child(true);
        if (index == 0 && o.alert_every && i % o.alert_every == 0) {
            out.alert_times.push_back(clock_ns(CLOCK_REALTIME));
            open_close("/etc/shadow");
        }
        out.iterations++;
    }
    out.cpu = thread_cpu_seconds() - cpu0;
}

} // namespace

uint64_t realtime_ns() {
    return clock_ns(CLOCK_REALTIME);
}

StormResult run_storm(const StormOptions& o) {
    Listener listener;
    std::vector<WorkerOut> outs(static_cast<size_t>(o.workers));
    std::vector<std::thread> threads;
    uint64_t start = clock_ns(CLOCK_MONOTONIC) + 1000000; // all workers share t0
    uint64_t end = start + static_cast<uint64_t>(o.seconds * 1e9);
    for (int w = 0; w < o.workers; w++)
        threads.emplace_back([&, w] {
            sleep_until(start);
            worker(o, listener, w, start, end, outs[static_cast<size_t>(w)]);
        });
    for (auto& t : threads)
        t.join();
    StormResult r;
    r.seconds = static_cast<double>(clock_ns(CLOCK_MONOTONIC) - start) / 1e9;
    for (auto& w : outs) {
        r.iterations += w.iterations;
        r.worker_cpu_seconds += w.cpu;
        r.alert_times.insert(r.alert_times.end(), w.alert_times.begin(), w.alert_times.end());
    }
    return r;
}

StormResult run_hostname_loops(double seconds, const std::vector<int>& cpus) {
    std::vector<WorkerOut> outs(cpus.size());
    std::vector<std::thread> threads;
    uint64_t start = clock_ns(CLOCK_MONOTONIC) + 1000000;
    uint64_t end = start + static_cast<uint64_t>(seconds * 1e9);
    for (size_t i = 0; i < cpus.size(); i++)
        threads.emplace_back([&, i] {
            pin_to(cpus[i]);
            sleep_until(start);
            double cpu0 = thread_cpu_seconds();
            char buf[256];
            uint64_t n = 0;
            while ((n & 63) || clock_ns(CLOCK_MONOTONIC) < end) {
                int fd = open("/etc/hostname", O_RDONLY);
                if (fd >= 0) {
                    ssize_t got = read(fd, buf, sizeof buf);
                    (void)got;
                    close(fd);
                }
                n++;
            }
            outs[i].iterations = n;
            outs[i].cpu = thread_cpu_seconds() - cpu0;
        });
    for (auto& t : threads)
        t.join();
    StormResult r;
    r.seconds = static_cast<double>(clock_ns(CLOCK_MONOTONIC) - start) / 1e9;
    for (auto& w : outs)
        r.iterations += w.iterations, r.worker_cpu_seconds += w.cpu;
    return r;
}

} // namespace saker::bench
