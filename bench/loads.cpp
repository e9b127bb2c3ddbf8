#include "bench/loads.h"
#include "bench/bench_clock.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace saker::bench {
namespace {

constexpr Load kLoads[] = {Load::ReadZero, Load::OpenReadClose, Load::ForkExec, Load::TcpRr};
constexpr std::string_view kNames[] = {"read_zero", "open_read_close", "fork_exec", "tcp_rr"};

double children_cpu_seconds() {
    rusage ru{};
    getrusage(RUSAGE_CHILDREN, &ru);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return s(ru.ru_utime) + s(ru.ru_stime);
}

// Runs `step` until `seconds` have passed (the clock read every 64 steps); returns iterations.
template <class Step> uint64_t loop_for(double seconds, Step step) {
    uint64_t end = clock_ns(CLOCK_MONOTONIC) + static_cast<uint64_t>(seconds * 1e9);
    uint64_t n = 0;
    while ((n & 63) || clock_ns(CLOCK_MONOTONIC) < end) {
        if (!step()) break;
        n++;
    }
    return n;
}

LoadResult read_zero(double seconds) {
    LoadResult r;
    int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return r;
    char c;
    double cpu0 = thread_cpu_seconds();
    r.iterations = loop_for(seconds, [&] { return read(fd, &c, 1) == 1; });
    r.cpu_seconds = thread_cpu_seconds() - cpu0;
    close(fd);
    return r;
}

LoadResult open_read_close(double seconds) {
    LoadResult r;
    char buf[256];
    double cpu0 = thread_cpu_seconds();
    r.iterations = loop_for(seconds, [&] {
        int fd = open("/etc/hostname", O_RDONLY);
        if (fd < 0) return false;
        ssize_t got = read(fd, buf, sizeof buf);
        close(fd);
        return got >= 0;
    });
    r.cpu_seconds = thread_cpu_seconds() - cpu0;
    return r;
}

LoadResult fork_exec(double seconds) {
    LoadResult r;
    double cpu0 = thread_cpu_seconds(), child0 = children_cpu_seconds();
    r.iterations = loop_for(seconds, [] {
        pid_t pid = fork();
        if (pid < 0) return false;
        if (pid == 0) {
            char* argv[] = {const_cast<char*>("/bin/true"), nullptr};
            execv(argv[0], argv);
            _exit(127);
        }
        int status = 0;
        return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    });
    r.cpu_seconds = thread_cpu_seconds() - cpu0 + children_cpu_seconds() - child0;
    return r;
}

// One connection, the server echoing each byte from its own thread on the same CPU.
LoadResult tcp_rr(double seconds, int cpu) {
    LoadResult r;
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (lfd < 0 || bind(lfd, reinterpret_cast<sockaddr*>(&a), alen) != 0 || listen(lfd, 1) != 0 ||
        getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &alen) != 0) {
        if (lfd >= 0) close(lfd);
        return r;
    }
    double server_cpu = 0;
    std::thread server([&] {
        pin_to(cpu);
        int c = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        double cpu0 = thread_cpu_seconds();
        char b;
        while (c >= 0 && recv(c, &b, 1, 0) == 1 && send(c, &b, 1, MSG_NOSIGNAL) == 1) {
        }
        server_cpu = thread_cpu_seconds() - cpu0;
        if (c >= 0) close(c);
    });
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
        double cpu0 = thread_cpu_seconds();
        char b = 'x';
        r.iterations = loop_for(
            seconds, [&] { return send(fd, &b, 1, MSG_NOSIGNAL) == 1 && recv(fd, &b, 1, 0) == 1; });
        r.cpu_seconds = thread_cpu_seconds() - cpu0;
    }
    if (fd >= 0) close(fd); // the server's recv sees EOF
    shutdown(lfd, SHUT_RDWR);
    server.join();
    close(lfd);
    r.cpu_seconds += server_cpu;
    return r;
}

} // namespace

const std::vector<Load>& all_loads() {
    static const std::vector<Load> v(std::begin(kLoads), std::end(kLoads));
    return v;
}

std::string_view load_name(Load l) {
    return kNames[static_cast<int>(l)];
}

bool load_by_name(std::string_view name, Load& out) {
    for (Load l : kLoads)
        if (load_name(l) == name) {
            out = l;
            return true;
        }
    return false;
}

LoadResult run_load(Load l, double seconds, int cpu) {
    LoadResult r;
    // A thread of its own, so pinning it leaves the caller's affinity alone.
    std::thread t([&] {
        pin_to(cpu);
        uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
        switch (l) {
        case Load::ReadZero:
            r = read_zero(seconds);
            break;
        case Load::OpenReadClose:
            r = open_read_close(seconds);
            break;
        case Load::ForkExec:
            r = fork_exec(seconds);
            break;
        case Load::TcpRr:
            r = tcp_rr(seconds, cpu);
            break;
        }
        r.seconds = static_cast<double>(clock_ns(CLOCK_MONOTONIC) - t0) / 1e9;
    });
    t.join();
    return r;
}

} // namespace saker::bench
