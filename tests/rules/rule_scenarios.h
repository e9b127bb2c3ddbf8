// Contract: the attack-and-look-alike harness the rule suites share. A Scenario names the rule
// that must fire, performs a harmless look-alike and then the attack, and says which alerts
// each of them caused (by a token in a path or command line, a pid, a port). run_scenario()
// runs one against a live agent: the attack's alert must arrive within 1 s of the attack
// returning, with the rule's priority and the fields `check` asserts; no alert of that rule may
// come from the look-alike. The look-alike runs first: the probe writes every CPU's records
// into one ring, in order, and the agent handles and prints them in that order, so once the
// attack's alert is out every alert the look-alike could have caused is out too.
// Also small tools the attacks need: spawn() (fork/exec, no shell), TempDir, TcpListener.
#pragma once

#include "support/agent_process.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <functional>
#include <netinet/in.h>
#include <optional>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace saker::test {

using Alert = nlohmann::json;
using Clock = std::chrono::steady_clock;

// An output field as text ("" when absent): strings as they are, numbers and booleans dumped.
inline std::string field(const Alert& a, const std::string& name) {
    const auto& f = a["output_fields"];
    if (!f.contains(name) || f[name].is_null()) return {};
    return f[name].is_string() ? f[name].get<std::string>() : f[name].dump();
}

inline bool field_has(const Alert& a, const std::string& name, const std::string& part) {
    return field(a, name).find(part) != std::string::npos;
}

struct Spawned {
    pid_t pid = -1;
    int status = -1; // exit code, -1 when it did not exit normally
};

// Runs argv[0] (a path) with argv, stdin/stdout/stderr on /dev/null, in `cwd` when given, and
// waits for it. No shell in between, so the program's parent is this test.
inline Spawned spawn(const std::vector<std::string>& argv, const std::string& cwd = {}) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int fd : {0, 1, 2})
        posix_spawn_file_actions_addopen(&fa, fd, "/dev/null", fd ? O_WRONLY : O_RDONLY, 0);
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    Spawned s;
    if (posix_spawn(&s.pid, argv[0].c_str(), &fa, nullptr, args.data(), environ) != 0) s.pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    int st = 0;
    if (s.pid > 0 && waitpid(s.pid, &st, 0) == s.pid && WIFEXITED(st)) s.status = WEXITSTATUS(st);
    return s;
}

// A mkdtemp directory, removed with everything in it at the end.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(std::string tmpl) {
        if (::mkdtemp(tmpl.data())) path = tmpl;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        if (!path.empty()) std::filesystem::remove_all(path, ec);
    }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// A TCP listener on 127.0.0.1 (port 0: any free port). Connections wait in the backlog.
struct TcpListener {
    int fd = -1;
    uint16_t port = 0;
    explicit TcpListener(uint16_t want = 0) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(want);
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        socklen_t len = sizeof a;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0 ||
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
            ::close(fd);
            fd = -1;
            return;
        }
        port = ntohs(a.sin_port);
    }
    TcpListener(const TcpListener&) = delete;
    TcpListener& operator=(const TcpListener&) = delete;
    ~TcpListener() {
        if (fd >= 0) ::close(fd);
    }
};

// connect() from this process to ip:port; returns the connect result (0 or -errno).
inline int connect_to(const char* ip, uint16_t port) {
    int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &a.sin_addr);
    int rc = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 ? 0 : -errno;
    ::close(s);
    return rc;
}

struct Scenario {
    std::string rule;     // the rule that must fire
    std::string priority; // as the JSON alert spells it: "Warning", "Critical", ...
    std::string attack_what, lookalike_what; // one line each, for the report
    std::function<void()> lookalike;
    std::function<void()> attack;
    std::function<bool(const Alert&)> from_lookalike; // true for an alert the look-alike caused
    std::function<bool(const Alert&)> from_attack;    // true for the attack's alert
    std::function<void(const Alert&)> check;          // CHECKs on the attack's alert
};

// The first alert of `rule` that `pred` accepts, polling until `deadline` (checked once at least).
inline std::optional<Alert> wait_for_alert(const AgentProcess& agent, const std::string& rule,
                                           const std::function<bool(const Alert&)>& pred,
                                           Clock::time_point deadline) {
    do {
        for (auto& a : agent.alerts_so_far())
            if (a.value("rule", "") == rule && pred(a)) return a;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (Clock::now() < deadline);
    return std::nullopt;
}

// Runs one scenario; returns the seconds from the attack's end to its alert (-1: no alert).
inline double run_scenario(const AgentProcess& agent, const Scenario& s) {
    INFO("rule '" << s.rule << "': attack: " << s.attack_what
                  << "; look-alike: " << s.lookalike_what);
    s.lookalike();
    s.attack();
    const auto done = Clock::now();
    auto alert = wait_for_alert(agent, s.rule, s.from_attack, done + std::chrono::seconds(1));
    const double waited = std::chrono::duration<double>(Clock::now() - done).count();
    if (!alert) {
        INFO("alerts so far:\n" << agent.output());
        FAIL_CHECK("the attack's alert did not arrive within 1 s");
        return -1;
    }
    INFO("alert: " << alert->dump());
    CHECK(waited <= 1.0);
    CHECK((*alert)["priority"] == s.priority);
    CHECK((*alert)["source"] == "syscall");
    s.check(*alert);
    for (const auto& a : agent.alerts_so_far()) {
        if (a.value("rule", "") != s.rule || !s.from_lookalike(a)) continue;
        INFO("look-alike alert: " << a.dump());
        FAIL_CHECK("the look-alike fired the rule");
    }
    return waited;
}

} // namespace saker::test
