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

TEST_CASE("resolve_path: an absolute path already in normal form comes back as it is") {
    // The fast path (no segment walk) must agree with the walk on every near miss.
    CHECK(resolve_path("/x", "/") == "/");
    CHECK(resolve_path("/x", "/etc/hostname") == "/etc/hostname");
    CHECK(resolve_path("/x", "/a/.b/..c/c.") == "/a/.b/..c/c.");
    CHECK(resolve_path("/x", "/etc/") == "/etc");
    CHECK(resolve_path("/x", "//etc") == "/etc");
    CHECK(resolve_path("/x", "/etc/.") == "/etc");
    CHECK(resolve_path("/x", "/etc/..") == "/");
    CHECK(resolve_path("/x", "/etc//passwd") == "/etc/passwd");
    CHECK(resolve_path("/x", "/./etc") == "/etc");
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

// Field values of an event point into table entries (no copies); an ancestry walk or an fd
// lookup that loads and evicts must not free what earlier values of the same event point at.
// Under `make asan` a violation is a heap-use-after-free report.
TEST_CASE("what an event evicts lives until the next event begins") {
    ProcessTableOptions o;
    o.max_processes = 64;
    o.max_fds_per_process = 4;
    o.lazy_proc = false;
    ProcessTable table(o);
    table.begin_event();
    Process& first = table.create(1000);
    first.comm = "a-name-longer-than-the-small-string-buffer";
    FdInfo info;
    info.name = "/short"; // small-string storage: moving the FdInfo would move these bytes
    FdInfo& fd = table.set_fd(first, 3, info);
    const std::string* comm = &first.comm;
    const std::string* name = &fd.name;
    const char* name_bytes = fd.name.data();
    for (uint32_t pid = 1001; pid < 1100; ++pid) // evicts 1000, the least recently used
        table.create(pid);
    CHECK(table.find(1000) == nullptr);
    CHECK(*comm == "a-name-longer-than-the-small-string-buffer");
    CHECK(*name == "/short");
    CHECK(name->data() == name_bytes);
    table.begin_event(); // now they are gone

    Process& q = *table.find(1099);
    for (int n = 100; n < 104; ++n)
        table.set_fd(q, n, info);
    auto victim = q.fds.begin(); // the fd the cap evicts next
    int victim_fd = victim->first;
    const char* bytes = victim->second.name.data();
    table.set_fd(q, 104, FdInfo{});
    CHECK(q.fds.count(victim_fd) == 0);
    CHECK(table.stats().fd_evictions == 1);
    CHECK(std::string_view(bytes, 6) == "/short");
}

TEST_CASE("a closed fd's node is reused by the next new fd, with none of the old fd in it") {
    ProcessTableOptions o;
    o.lazy_proc = false;
    ProcessTable table(o);
    Process& p = table.create(1000);
    FdInfo old;
    old.name = "/etc/hostname";
    old.type = FdType::File;
    old.open_flags = 0;
    const FdInfo* where = &table.set_fd(p, 3, old);
    table.recycle(p.fds.extract(3)); // as a close does
    FdInfo fresh;
    fresh.name = "127.0.0.1:5000->127.0.0.1:80";
    fresh.type = FdType::Ipv4;
    FdInfo& stored = table.set_fd(p, 7, fresh);
    CHECK(&stored == where); // the same node: no allocation
    CHECK(p.fds.count(3) == 0);
    CHECK(p.fds.at(7).name == fresh.name);
    CHECK(p.fds.at(7).type == FdType::Ipv4);
    CHECK_FALSE(p.fds.at(7).open_flags.has_value());
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
