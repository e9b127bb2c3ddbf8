// Contract: tests wait on the thing itself, with a deadline, never for a fixed time: a sleep is
// too short under load (a flaky failure) and too long when idle (a slow suite). Each wait polls
// cheaply and returns false when the deadline passes, for the caller to REQUIRE.
//   wait_until(pred)            any condition
//   wait_exec(pid, comm)        the process has exec'd the program named `comm` (/proc/<pid>/comm)
//   wait_listening(port, pid)   a TCP socket listens on `port` in the network namespace of
//                               `pid` (0: this process's), read from /proc/<pid>/net/tcp{,6}
//   accept_queue(port, pid)     how many connections wait there to be accept()ed
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/types.h>
#include <thread>

namespace saker::test {

template <class Pred>
bool wait_until(Pred&& pred, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const auto end = std::chrono::steady_clock::now() + deadline;
    for (auto pause = std::chrono::microseconds(200);;
         pause = std::min(pause * 2, decltype(pause)(20000))) {
        if (pred()) return true;
        if (std::chrono::steady_clock::now() >= end) return pred();
        std::this_thread::sleep_for(pause);
    }
}

inline bool wait_exec(pid_t pid, const std::string& comm,
                      std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    const std::string path = "/proc/" + std::to_string(pid) + "/comm";
    return wait_until(
        [&] {
            std::ifstream in(path);
            std::string line;
            return std::getline(in, line) && line == comm;
        },
        deadline);
}

// The accept queue of the TCP socket listening on `port` in the network namespace of `pid` (0:
// this process's): the connections the kernel completed that the server has not accept()ed yet
// (rx_queue of a LISTEN line in /proc/<pid>/net/tcp{,6}); -1 when nothing listens there.
inline long accept_queue(uint16_t port, pid_t pid = 0) {
    const std::string base = pid ? "/proc/" + std::to_string(pid) + "/net/" : "/proc/self/net/";
    char want[8];
    std::snprintf(want, sizeof want, ":%04X", port);
    for (const char* f : {"tcp", "tcp6"}) {
        std::ifstream in(base + f);
        std::string line;
        std::getline(in, line); // header
        while (std::getline(in, line)) {
            std::istringstream cols(line);
            std::string slot, local, remote, state, queues;
            cols >> slot >> local >> remote >> state >> queues;
            if (state == "0A" && local.size() > 5 &&
                local.compare(local.size() - 5, 5, want) == 0 && queues.find(':') != queues.npos)
                return std::stol(queues.substr(queues.find(':') + 1), nullptr, 16);
        }
    }
    return -1;
}

// True if a TCP socket listens on `port` (see accept_queue()).
inline bool is_listening(uint16_t port, pid_t pid = 0) {
    return accept_queue(port, pid) >= 0;
}

inline bool wait_listening(uint16_t port, pid_t pid = 0,
                           std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    return wait_until([&] { return is_listening(port, pid); }, deadline);
}

} // namespace saker::test
