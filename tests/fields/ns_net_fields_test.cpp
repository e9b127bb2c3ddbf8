// Fields whose truth the kernel knows independently of saker: pid-namespace ids (the process's
// own /proc/self/status), session and group ids and the environment of a process that has
// already exited when its event is evaluated, and the tuple of unconnected UDP sockets (the
// test's own loopback sockets). Real probe, real processes (root + BPF).
#include "live_pipeline.h"
#include "support/root_guard.h"

#include "tests/capture/capture_fixture.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/wait.h>

using namespace saker;
using saker::test::Capture;
using saker::test::watch;

namespace {

// The columns of a "Key:" line of a /proc status text.
std::vector<std::string> status_cols(const std::string& text, const std::string& key) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(key + ":", 0) == 0) {
            std::istringstream cols(line.substr(key.size() + 1));
            std::vector<std::string> out;
            std::string c;
            while (cols >> c)
                out.push_back(c);
            return out;
        }
    return {};
}

int run(const std::string& cmd) {
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

} // namespace

TEST_CASE("live: under unshare --pid --fork the ids are the namespace's, also after exit") {
    SAKER_REQUIRE_PROBE();
    REQUIRE(run("command -v unshare >/dev/null") == 0); // util-linux: on every Debian system
    saker::test::LivePipeline lp;
    const std::string tok = std::to_string(getpid()) + "-" + std::to_string(time(nullptr));
    const std::string out = "/tmp/saker-nsfields-" + tok, marker = out + ".arg";
    std::ofstream(marker).close();
    const std::vector<std::string> names = {"proc.pid",    "proc.vpid",
                                            "thread.vtid", "proc.vpgid",
                                            "proc.pgid",   "proc.is_vpgid_leader",
                                            "proc.pvpid",  "proc.sid",
                                            "proc.name",   "proc.env[SAKER_NS_TOK]",
                                            "proc.sname",  "proc.exe_ino.ctime"};
    auto is_cat = [marker](const state::EventContext& ctx, FieldSource& src) {
        return ctx.process && saker::test::get(src, "proc.name") == "cat" &&
               saker::test::get(src, "proc.args").find(marker) != std::string::npos;
    };
    auto at_exec = std::make_shared<Capture>();
    auto at_exit = std::make_shared<Capture>();
    watch(
        lp, at_exec,
        [=](const state::EventContext& ctx, FieldSource& src) {
            return ctx.type_name == "execve" && is_cat(ctx, src);
        },
        names);
    watch(
        lp, at_exit,
        [=](const state::EventContext& ctx, FieldSource& src) {
            return ctx.type_name == "procexit" && is_cat(ctx, src);
        },
        names);
    REQUIRE(lp.sync());
    // cat writes its own status: the kernel's truth, taken by the process itself.
    REQUIRE(run("SAKER_NS_TOK=" + tok + " unshare --pid --fork /bin/sh -c 'cat /proc/self/status " +
                marker + " > " + out + "; true'") == 0);
    REQUIRE(lp.sync());
    std::ifstream f(out);
    std::string status((std::istreambuf_iterator<char>(f)), {});
    std::filesystem::remove(out), std::filesystem::remove(marker);
    auto nspid = status_cols(status, "NSpid"), nspgid = status_cols(status, "NSpgid"),
         nssid = status_cols(status, "NSsid");
    REQUIRE(nspid.size() == 2); // host and the new namespace
    REQUIRE(nspgid.size() == 2);
    REQUIRE(!nssid.empty());
    for (auto* cap : {at_exec.get(), at_exit.get()}) {
        std::lock_guard lock(cap->mu);
        REQUIRE(cap->seen);
        auto& v = cap->values;
        INFO("procexit: " << (cap == at_exit.get()));
        CHECK(v["proc.name"] == "cat");
        CHECK(v["proc.pid"] == nspid[0]);
        CHECK(v["proc.vpid"] == nspid[1]);
        CHECK(v["thread.vtid"] == nspid[1]);
        CHECK(v["proc.pgid"] == nspgid[0]);
        CHECK(v["proc.vpgid"] == nspgid[1]);
        CHECK(v["proc.is_vpgid_leader"] == (nspgid[1] == nspid[1] ? "1" : "0"));
        CHECK(v["proc.pvpid"] == "1"); // the shell unshare forked: the namespace's init
        CHECK(v["proc.sid"] == nssid[0]);
        CHECK(v["proc.env[SAKER_NS_TOK]"] == tok); // from the exec record, not /proc
        CHECK(v["proc.exe_ino.ctime"] != "<NA>");
    }
}

namespace {

struct Udp {
    int fd = -1;
    sockaddr_storage ss{};
    socklen_t len = 0;
    std::string ip;
    uint16_t port = 0;
};

Udp udp_socket(int family, bool bind_it) {
    Udp u;
    u.fd = socket(family, SOCK_DGRAM, 0);
    REQUIRE(u.fd >= 0);
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&u.ss);
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        u.len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&u.ss);
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        u.len = sizeof *a;
    }
    if (bind_it) REQUIRE(bind(u.fd, reinterpret_cast<sockaddr*>(&u.ss), u.len) == 0);
    return u;
}

void name_of(Udp& u) {
    u.len = sizeof u.ss;
    REQUIRE(getsockname(u.fd, reinterpret_cast<sockaddr*>(&u.ss), &u.len) == 0);
    char buf[INET6_ADDRSTRLEN] = {};
    if (u.ss.ss_family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&u.ss);
        inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
        u.port = ntohs(a->sin_port);
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&u.ss);
        inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
        u.port = ntohs(a->sin6_port);
    }
    u.ip = buf;
}

void check_unconnected_udp(int family) {
    SAKER_REQUIRE_PROBE();
    saker::test::LivePipeline lp;
    Udp srv = udp_socket(family, true), cli = udp_socket(family, false);
    name_of(srv);
    const std::vector<std::string> names = {"fd.sip",  "fd.sport",   "fd.cip",       "fd.cport",
                                            "fd.rip",  "fd.rport",   "fd.lip",       "fd.lport",
                                            "fd.name", "fd.l4proto", "fd.is_server", "fd.type"};
    uint32_t self = getpid();
    auto on_send = std::make_shared<Capture>(), on_recv = std::make_shared<Capture>();
    watch(
        lp, on_send,
        [=](const state::EventContext& ctx, FieldSource&) {
            return ctx.type_name == "sendto" && ctx.event->hdr.pid == self && ctx.fd_num == cli.fd;
        },
        names);
    watch(
        lp, on_recv,
        [=](const state::EventContext& ctx, FieldSource&) {
            return ctx.type_name == "recvfrom" && ctx.event->hdr.pid == self &&
                   ctx.fd_num == srv.fd;
        },
        names);
    REQUIRE(lp.sync());
    REQUIRE(sendto(cli.fd, "q", 1, 0, reinterpret_cast<sockaddr*>(&srv.ss), srv.len) == 1);
    char buf[8];
    sockaddr_storage from{}; // a server asks for the source, to answer it
    socklen_t from_len = sizeof from;
    REQUIRE(recvfrom(srv.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &from_len) ==
            1);
    name_of(cli); // bound by the kernel at the sendto
    REQUIRE(lp.sync());
    const std::string sp = std::to_string(srv.port), cp = std::to_string(cli.port);
    const std::string type = family == AF_INET ? "ipv4" : "ipv6";
    // The client's socket is bound to the unspecified address (getsockname says 0.0.0.0 / ::);
    // Falco shows the interface address that reaches the server instead: the loopback's.
    REQUIRE((cli.ip == "0.0.0.0" || cli.ip == "::"));
    const std::string cip = srv.ip;
    const std::string name = cip + ":" + cp + "->" + srv.ip + ":" + sp;
    {
        std::lock_guard lock(on_send->mu);
        REQUIRE(on_send->seen);
        auto& v = on_send->values;
        CHECK(v["fd.type"] == type);
        CHECK(v["fd.l4proto"] == "udp");
        CHECK(v["fd.sip"] == srv.ip);
        CHECK(v["fd.sport"] == sp);
        CHECK(v["fd.rip"] == srv.ip);
        CHECK(v["fd.rport"] == sp);
        CHECK(v["fd.cip"] == cip);
        CHECK(v["fd.cport"] == cp);
        CHECK(v["fd.lip"] == cip);
        CHECK(v["fd.lport"] == cp);
        CHECK(v["fd.is_server"] == "0");
        CHECK(v["fd.name"] == name);
    }
    {
        std::lock_guard lock(on_recv->mu);
        REQUIRE(on_recv->seen);
        auto& v = on_recv->values;
        CHECK(v["fd.l4proto"] == "udp");
        CHECK(v["fd.sip"] == srv.ip);
        CHECK(v["fd.sport"] == sp);
        CHECK(v["fd.cip"] == cip);
        CHECK(v["fd.cport"] == cp);
        CHECK(v["fd.lport"] == sp);
        CHECK(v["fd.rport"] == cp);
        CHECK(v["fd.is_server"] == "1");
        CHECK(v["fd.name"] == name);
    }
    close(srv.fd), close(cli.fd);
}

} // namespace

TEST_CASE("live: unconnected UDP on 127.0.0.1 takes its peer from sendto/recvfrom") {
    check_unconnected_udp(AF_INET);
}

TEST_CASE("live: unconnected UDP on ::1 takes its peer from sendto/recvfrom") {
    check_unconnected_udp(AF_INET6);
}
