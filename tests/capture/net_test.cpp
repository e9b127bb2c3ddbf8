// Network capture: exact tuples for TCP and UDP over 127.0.0.1 and ::1.
#include "capture_fixture.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

struct Addr {
    sockaddr_storage ss{};
    socklen_t len = 0;
    const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&ss); }
};

Addr loopback(int family) {
    Addr a;
    if (family == AF_INET) {
        auto* in = reinterpret_cast<sockaddr_in*>(&a.ss);
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.len = sizeof(*in);
    } else {
        auto* in6 = reinterpret_cast<sockaddr_in6*>(&a.ss);
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        a.len = sizeof(*in6);
    }
    return a;
}

Addr local_of(int fd) {
    Addr a;
    a.len = sizeof(a.ss);
    REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&a.ss), &a.len) == 0);
    return a;
}

// The probe's sockaddr rendered the same way as the host's, for readable diffs.
std::string show(const Addr& a) {
    saker_sockaddr s{};
    s.family = a.ss.ss_family;
    if (a.ss.ss_family == AF_INET) {
        auto* in = reinterpret_cast<const sockaddr_in*>(&a.ss);
        s.port = in->sin_port;
        std::memcpy(s.u.ip, &in->sin_addr, 4);
    } else {
        auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a.ss);
        s.port = in6->sin6_port;
        std::memcpy(s.u.ip, &in6->sin6_addr, 16);
    }
    return format_sockaddr(s);
}

std::string show(const std::optional<saker_sockaddr>& s) {
    return s ? format_sockaddr(*s) : "<none>";
}

std::optional<saker_tuple> tuple_of(const Event& ev) {
    const Param* p = ev.param("tuple");
    return p ? p->tuple() : std::nullopt;
}

std::optional<saker_sockaddr> addr_of(const Event& ev) {
    const Param* p = ev.param("addr");
    return p ? p->sockaddr() : std::nullopt;
}

CaptureFixture::Pred on_fd(uint32_t nr, EventType type, int fd) {
    uint32_t pid = getpid();
    return [=](const Event& ev) { return syscall_from(pid, type, nr)(ev) && ev.s64("fd") == fd; };
}

void check_tcp(int family) {
    CaptureFixture cap;
    int server = socket(family, SOCK_STREAM, 0);
    REQUIRE(server >= 0);
    Addr any = loopback(family);
    REQUIRE(bind(server, any.sa(), any.len) == 0);
    REQUIRE(listen(server, 4) == 0);
    Addr srv = local_of(server);
    int client = socket(family, SOCK_STREAM, 0);
    REQUIRE(connect(client, srv.sa(), srv.len) == 0);
    int accepted = accept4(server, nullptr, nullptr, SOCK_CLOEXEC);
    REQUIRE(accepted >= 0);
    Addr cli = local_of(client);

    auto c = cap.wait_for(on_fd(SYS_connect, EventType::SOCKADDR_OP, client));
    REQUIRE(c);
    CHECK(c->ev.hdr.ret == 0);
    CHECK(show(addr_of(c->ev)) == show(srv));
    auto ct = tuple_of(c->ev);
    REQUIRE(ct);
    CHECK(format_sockaddr(ct->local) == show(cli));
    CHECK(format_sockaddr(ct->remote) == show(srv));

    auto a = cap.wait_for(on_fd(SYS_accept4, EventType::ACCEPT, server));
    REQUIRE(a);
    CHECK(a->ev.hdr.ret == accepted);
    CHECK(a->ev.u64("flags") == uint64_t(SOCK_CLOEXEC));
    auto at = tuple_of(a->ev);
    REQUIRE(at);
    CHECK(format_sockaddr(at->local) == show(srv));
    CHECK(format_sockaddr(at->remote) == show(cli));

    auto b = cap.wait_for(on_fd(SYS_bind, EventType::SOCKADDR_OP, server));
    REQUIRE(b);
    CHECK(show(addr_of(b->ev)) == show(any));
    CHECK(format_sockaddr(tuple_of(b->ev)->local) == show(srv));
    for (int fd : {accepted, client, server})
        close(fd);
}

void check_udp(int family) {
    CaptureFixture cap;
    int server = socket(family, SOCK_DGRAM, 0);
    Addr any = loopback(family);
    REQUIRE(bind(server, any.sa(), any.len) == 0);
    Addr srv = local_of(server);

    int client = socket(family, SOCK_DGRAM, 0);
    REQUIRE(connect(client, srv.sa(), srv.len) == 0);
    Addr cli = local_of(client);
    auto c = cap.wait_for(on_fd(SYS_connect, EventType::SOCKADDR_OP, client));
    REQUIRE(c);
    auto ct = tuple_of(c->ev);
    REQUIRE(ct);
    CHECK(show(addr_of(c->ev)) == show(srv));
    CHECK(format_sockaddr(ct->local) == show(cli));
    CHECK(format_sockaddr(ct->remote) == show(srv));

    int loose = socket(family, SOCK_DGRAM, 0);
    REQUIRE(sendto(loose, "hi", 2, 0, srv.sa(), srv.len) == 2);
    Addr from;
    from.len = sizeof(from.ss);
    char buf[8];
    REQUIRE(recvfrom(server, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from.ss),
                     &from.len) == 2);
    auto s = cap.wait_for(on_fd(SYS_sendto, EventType::SOCKIO, loose));
    REQUIRE(s);
    CHECK(s->ev.hdr.ret == 2);
    CHECK(show(addr_of(s->ev)) == show(srv));
    auto r = cap.wait_for(on_fd(SYS_recvfrom, EventType::SOCKIO, server));
    REQUIRE(r);
    CHECK(show(addr_of(r->ev)) == show(from));
    CHECK(format_sockaddr(tuple_of(r->ev)->local) == show(srv));
    for (int fd : {loose, client, server})
        close(fd);
}

} // namespace

TEST_CASE("TCP connect/accept on 127.0.0.1 report exact tuples", "[capture][net]") {
    SAKER_REQUIRE_PROBE();
    check_tcp(AF_INET);
}

TEST_CASE("TCP connect/accept on ::1 report exact tuples", "[capture][net]") {
    SAKER_REQUIRE_PROBE();
    check_tcp(AF_INET6);
}

TEST_CASE("UDP connect/sendto/recvfrom on 127.0.0.1 report exact tuples", "[capture][net]") {
    SAKER_REQUIRE_PROBE();
    check_udp(AF_INET);
}

TEST_CASE("UDP connect/sendto/recvfrom on ::1 report exact tuples", "[capture][net]") {
    SAKER_REQUIRE_PROBE();
    check_udp(AF_INET6);
}

TEST_CASE("unix socket connect reports the path", "[capture][net]") {
    SAKER_REQUIRE_PROBE();
    CaptureFixture cap;
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/saker-test-%d.sock", getpid());
    unlink(un.sun_path);
    int server = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(bind(server, reinterpret_cast<sockaddr*>(&un), sizeof(un)) == 0);
    REQUIRE(listen(server, 1) == 0);
    int client = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(connect(client, reinterpret_cast<sockaddr*>(&un), sizeof(un)) == 0);

    auto c = cap.wait_for(on_fd(SYS_connect, EventType::SOCKADDR_OP, client));
    REQUIRE(c);
    CHECK(show(addr_of(c->ev)) == un.sun_path);
    auto t = tuple_of(c->ev);
    REQUIRE(t);
    CHECK(t->local.family == AF_UNIX);
    CHECK(format_sockaddr(t->remote) == un.sun_path);
    close(client);
    close(server);
    unlink(un.sun_path);
}
