// ProcessTable without the probe: path resolution, /proc loading, bounds and pid reuse.
#include "runtime/state/process_table.h"
#include "support/loopback.h"
#include "support/wait.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace saker::state;

TEST_CASE("resolve_path folds . and .. and slashes like Falco") {
    CHECK(resolve_path("/home/u", "a.txt") == "/home/u/a.txt");
    CHECK(resolve_path("/home/u/", "./a//b/../c") == "/home/u/a/c");
    CHECK(resolve_path("/home/u", "../../../etc/passwd") == "/etc/passwd");
    CHECK(resolve_path("/x", "/abs/./p") == "/abs/p");
    CHECK(resolve_path("/", "..") == "/");
    CHECK(resolve_path("/x", "") == "");
}

TEST_CASE("a process that predates the table is loaded from /proc with exe and cmdline") {
    pid_t pid = fork();
    if (pid == 0) {
        execlp("sleep", "sleep", "30", static_cast<char*>(nullptr));
        _exit(127);
    }
    REQUIRE(saker::test::wait_exec(pid, "sleep"));
    ProcessTable table;
    CHECK(table.seed() > 1);
    Process* p = table.find(pid);
    REQUIRE(p);
    CHECK(p->comm == "sleep");
    CHECK(p->exe == "sleep");
    CHECK(p->exepath == "/usr/bin/sleep");
    REQUIRE(p->args.size() == 1);
    CHECK(p->args[0] == "30");
    CHECK(p->ppid == static_cast<uint32_t>(getpid()));
    CHECK(p->start_ns > 0);
    CHECK(p->euid == geteuid());
    REQUIRE(p->container);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    // Gone from /proc: a fresh lazy load answers "unknown".
    ProcessTable fresh;
    CHECK(fresh.get(pid) == nullptr);
}

TEST_CASE("unknown fds are filled lazily from /proc, sockets as tuples") {
    ProcessTable table;
    Process* self = table.get(getpid());
    REQUIRE(self);
    self->fds.clear();
    auto [srv, srv_port] = saker::test::listen_loopback(1);
    REQUIRE(srv >= 0);
    int file = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    FdInfo* f = table.fd(*self, file);
    REQUIRE(f);
    CHECK(f->name == "/etc/hostname");
    CHECK(f->type == FdType::File);
    CHECK(f->cloexec);
    FdInfo* s = table.fd(*self, srv);
    REQUIRE(s);
    CHECK(s->type == FdType::Ipv4);
    CHECK(s->l4proto == L4Proto::Tcp);
    CHECK(s->is_server.value_or(false));
    CHECK(s->name == "127.0.0.1:" + std::to_string(srv_port));
    CHECK(table.fd(*self, 999999) == nullptr);
    close(file), close(srv);
    CHECK(table.stats().lazy_fd_loads == 2);
}

TEST_CASE("bounds: process LRU eviction and per-process fd cap, with counters") {
    ProcessTableOptions o;
    o.max_processes = 64;
    o.max_fds_per_process = 4;
    o.lazy_proc = false;
    ProcessTable table(o);
    for (uint32_t pid = 1000; pid < 1100; ++pid)
        table.create(pid);
    CHECK(table.size() == 64);
    CHECK(table.stats().process_evictions == 36);
    CHECK(table.find(1000) == nullptr);
    CHECK(table.find(1099) != nullptr);
    Process& p = *table.find(1099);
    for (int fd = 0; fd < 10; ++fd)
        table.set_fd(p, fd, FdInfo{});
    CHECK(p.fds.size() == 4);
    CHECK(table.stats().fd_evictions == 6);
}

TEST_CASE("a reused pid is a new process: nothing of the old one shows") {
    ProcessTableOptions o;
    o.lazy_proc = false;
    ProcessTable table(o);
    Process& old = table.create(500);
    old.comm = "old";
    old.image_known = true;
    old.fds[3].name = "/secret";
    uint64_t gen = old.generation;
    table.remove(500);
    Process& fresh = table.create(500);
    CHECK(fresh.generation != gen);
    CHECK(fresh.comm.empty());
    CHECK_FALSE(fresh.image_known);
    CHECK(fresh.fds.empty());
    // A parent that started after its child is a reused pid, not the parent.
    Process& child = table.create(600);
    child.ppid = 500;
    child.start_ns = 1'000'000'000;
    fresh.start_ns = 5'000'000'000;
    CHECK(table.parent(child) == nullptr);
    fresh.start_ns = 500'000'000;
    CHECK(table.parent(child) == &fresh);
}
