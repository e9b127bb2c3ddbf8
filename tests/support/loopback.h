// Contract: listen_loopback(backlog) binds a TCP socket to 127.0.0.1 on a free port and
// listens; it returns the socket and the port (fd -1 on failure, which the caller REQUIREs
// against). The caller closes the socket. free_loopback_port() returns a port that was free a
// moment ago (for a server another process will bind).
#pragma once

#include <arpa/inet.h>
#include <cstdint>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace saker::test {

struct LoopbackListener {
    int fd = -1;
    uint16_t port = 0;
};

inline LoopbackListener listen_loopback(int backlog) {
    LoopbackListener l;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        listen(fd, backlog) != 0 || getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        if (fd >= 0) close(fd);
        return l;
    }
    l.fd = fd;
    l.port = ntohs(a.sin_port);
    return l;
}

inline uint16_t free_loopback_port() {
    LoopbackListener l = listen_loopback(1);
    if (l.fd >= 0) close(l.fd);
    return l.port;
}

} // namespace saker::test
