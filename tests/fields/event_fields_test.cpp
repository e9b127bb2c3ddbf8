// EventFields: extractors on synthetic state (no probe), then the real probe with real
// processes (root + BPF; reported skipped otherwise, failed when SAKER_REQUIRE_BPF=1).
#include "live_pipeline.h"
#include "support/loopback.h"
#include "support/wait.h"

#include "tests/capture/capture_fixture.h"
#include "tests/capture/record_builder.h"

#include "bpf/syscalls_x86_64.h"

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

using namespace saker;
using saker::test::get;

namespace {

// ---- synthetic state ----------------------------------------------------------------------------

struct Synthetic {
    state::ProcessTableOptions opts = [] {
        state::ProcessTableOptions o;
        o.lazy_proc = false; // nothing here may come from the real /proc
        return o;
    }();
    state::ProcessTable table{opts};
    state::EventContext ctx;
    fields::EventFields fields{table, nullptr};
    std::vector<uint8_t> raw;
    capture::Event ev;

    state::Process& add(uint32_t pid, uint32_t ppid, std::string comm, uint64_t start) {
        auto& p = table.create(pid);
        p.ppid = ppid;
        p.comm = p.exe = std::move(comm);
        p.image_known = true;
        p.start_ns = start;
        return p;
    }
    void use(std::vector<uint8_t> rec, uint32_t pid) {
        raw = std::move(rec);
        REQUIRE(capture::decode(raw, ev) == capture::DecodeError::none);
        ctx.event = &ev;
        ctx.type_name = state::falco_event_name(ev);
        ctx.process = table.find(pid);
        fields.set_event(ctx);
    }
};

// Every hot field as published by hot_values() against what extract() answers, rendered;
// empty when they agree. `wanted` selects which to publish (the others must not be read).
std::string hot_mismatches(FieldSource& src, uint64_t wanted = kAllHotFields) {
    const Value* hot = src.hot_values(wanted);
    if (!hot) return "no hot values published";
    std::vector<std::string> published(kHotFieldCount);
    for (std::size_t h = 0; h < kHotFieldCount; ++h)
        if (wanted >> h & 1) published[h] = saker::test::render(hot[h]);
    std::string out;
    for (std::size_t h = 0; h < kHotFieldCount; ++h) {
        if (!(wanted >> h & 1)) continue;
        std::string extracted = saker::test::get(src, kHotFieldNames[h]);
        if (published[h] != extracted)
            out += std::string(kHotFieldNames[h]) + ": published " + published[h] + ", extracted " +
                   extracted + "\n";
    }
    return out;
}

} // namespace

TEST_CASE("synthetic: hot values are what the extractors answer") {
    Synthetic s;
    auto& p = s.add(42, 1, "cat", 100);
    p.cwd = "/home/u";
    p.euid = 1000;
    p.container = state::ContainerRef{};
    state::FdInfo fd;
    fd.type = state::FdType::File;
    fd.name = "/etc/shadow";
    s.table.set_fd(p, 3, fd);
    capture::test::RecordBuilder b(SAKER_EVT_OPEN, SAKER_NR_openat, 3);
    b.u64(static_cast<uint64_t>(-100)).str("/etc/shadow").u64(O_RDONLY).u64(0).u64(0).u64(0);
    s.use(b.build(), 42);
    s.ctx.fd = s.table.fd(*s.table.find(42), 3);
    s.ctx.has_fd = true, s.ctx.fd_num = 3;
    s.fields.set_event(s.ctx);
    CHECK(hot_mismatches(s.fields) == "");
    CHECK(get(s.fields, "fd.typechar") == "f");
    CHECK(get(s.fields, "fd.directory") == "/etc");
    CHECK(get(s.fields, "container.id") == "host");
    // Only the wanted ones are computed; they still agree.
    uint64_t some = uint64_t{1} << static_cast<int>(HotField::FdName) |
                    uint64_t{1} << static_cast<int>(HotField::UserUid);
    CHECK(hot_mismatches(s.fields, some) == "");
    // An event without fd or process: everything absent, and still in agreement.
    s.ctx.fd = nullptr;
    s.ctx.has_fd = false;
    s.ctx.process = nullptr;
    s.fields.set_event(s.ctx);
    CHECK(hot_mismatches(s.fields) == "");
    CHECK(get(s.fields, "fd.name") == "<NA>");
}

TEST_CASE("renderers: errno names, open flags, caps") {
    CHECK(fields::errno_name(2) == "ENOENT");
    CHECK(fields::errno_name(13) == "EACCES");
    CHECK(fields::errno_name(115) == "EINPROGRESS");
    CHECK(fields::errno_name(9999) == ""); // libsinsp leaves such a code unnamed
    CHECK(fields::open_flags_string(O_RDONLY | O_CLOEXEC) == "O_RDONLY|O_CLOEXEC");
    CHECK(fields::open_flags_string(O_WRONLY | O_CREAT | O_TRUNC) == "O_TRUNC|O_CREAT|O_WRONLY");
    CHECK(fields::open_flags_string(O_RDWR) == "O_RDWR");
    CHECK(fields::caps_string((1ull << 21) | 1) == "CAP_CHOWN CAP_SYS_ADMIN");
}

TEST_CASE("synthetic: evt fields of a failed openat") {
    Synthetic s;
    s.add(42, 1, "cat", 100);
    s.table.find(42)->cwd = "/home/u";
    capture::test::RecordBuilder b(SAKER_EVT_OPEN, SAKER_NR_openat, -2);
    b.u64(static_cast<uint64_t>(-100))
        .str("x/../secret")
        .u64(O_RDONLY | O_CLOEXEC)
        .u64(0)
        .u64(0)
        .u64(0);
    s.use(b.build(), 42);
    CHECK(get(s.fields, "evt.type") == "openat");
    CHECK(get(s.fields, "evt.dir") == "<");
    CHECK(get(s.fields, "evt.res") == "ENOENT");
    CHECK(get(s.fields, "evt.rawres") == "-2");
    CHECK(get(s.fields, "evt.failed") == "1");
    CHECK(get(s.fields, "evt.arg.flags") == "O_RDONLY|O_CLOEXEC");
    CHECK(get(s.fields, "evt.arg[3]") == "O_RDONLY|O_CLOEXEC");
    CHECK(get(s.fields, "evt.arg.dirfd") == "AT_FDCWD");
    CHECK(get(s.fields, "evt.arg.name") == "/home/u/secret");
    CHECK(get(s.fields, "evt.is_open_read") == "1");
    CHECK(get(s.fields, "evt.is_open_write") == "0");
    CHECK(get(s.fields, "evt.arg.nosuch") == "<NA>");
    CHECK(get(s.fields, "evt.args").find("flags=524288(O_RDONLY|O_CLOEXEC)") != std::string::npos);
}

TEST_CASE("synthetic: ancestry stops at the root and at a reused parent pid") {
    Synthetic s;
    s.add(1, 0, "init", 1);
    s.add(100, 1, "bash", 1000);
    s.add(200, 100, "sh", 2000);
    s.add(300, 200, "cat", 3000);
    s.add(400, 999, "orphan", 5000);
    s.add(999, 1, "young", 900'000'000'000); // pid 999 reused after 400 started
    capture::test::RecordBuilder b(SAKER_EVT_FD, SAKER_NR_close, -9);
    b.u64(77);
    b.hdr().pid = b.hdr().tid = 300;
    b.hdr().ppid = 200;
    s.use(b.build(), 300);
    s.ctx.has_fd = true, s.ctx.fd_num = 77; // what the updater reports for close(77)
    CHECK(get(s.fields, "proc.pname") == "sh");
    CHECK(get(s.fields, "proc.aname[0]") == "cat");
    CHECK(get(s.fields, "proc.aname[2]") == "bash");
    CHECK(get(s.fields, "proc.aname[3]") == "init");
    CHECK(get(s.fields, "proc.aname[4]") == "<NA>");
    CHECK(get(s.fields, "proc.aname[9]") == "<NA>");
    CHECK(get(s.fields, "proc.apid[2]") == "100");
    CHECK(get(s.fields, "proc.aname") == "[sh,bash,init]");
    CHECK(get(s.fields, "fd.name") == "<NA>"); // fd 77 was never known: absent, not guessed
    CHECK(get(s.fields, "fd.num") == "77");
    CHECK(get(s.fields, "evt.res") == "EBADF");

    s.ctx.process = s.table.find(400);
    s.fields.set_event(s.ctx);
    CHECK(get(s.fields, "proc.name") == "orphan");
    CHECK(get(s.fields, "proc.pname") == "<NA>"); // 999 is younger than its "child"
}

TEST_CASE("synthetic: socket fd names and absent fields") {
    Synthetic s;
    auto& p = s.add(42, 1, "curl", 1);
    state::FdInfo fd;
    fd.type = state::FdType::Ipv4;
    fd.family = SAKER_AF_INET;
    fd.l4proto = state::L4Proto::Tcp;
    fd.has_tuple = true;
    fd.local.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1};
    fd.local.port = 40000;
    fd.remote.ip = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4};
    fd.remote.port = 443;
    fd.is_server = false;
    fd.connected = true;
    fd.name = state::socket_name(fd);
    CHECK(fd.name == "10.0.0.1:40000->1.2.3.4:443");
    s.table.set_fd(p, 5, fd);
    capture::test::RecordBuilder b(SAKER_EVT_FD, SAKER_NR_close, 0);
    b.u64(5);
    s.use(b.build(), 42);
    s.ctx.fd = s.table.fd(*s.table.find(42), 5);
    s.ctx.has_fd = true, s.ctx.fd_num = 5;
    s.fields.set_event(s.ctx);
    CHECK(get(s.fields, "fd.name") == "10.0.0.1:40000->1.2.3.4:443");
    CHECK(get(s.fields, "fd.sip") == "1.2.3.4");
    CHECK(get(s.fields, "fd.cip") == "10.0.0.1");
    CHECK(get(s.fields, "fd.sport") == "443");
    CHECK(get(s.fields, "fd.lport") == "40000");
    CHECK(get(s.fields, "fd.l4proto") == "tcp");
    CHECK(get(s.fields, "fd.typechar") == "4");
    CHECK(get(s.fields, "fd.sockfamily") == "ip");
    CHECK(get(s.fields, "fd.ip") == "[10.0.0.1,1.2.3.4]");
    CHECK(get(s.fields, "fd.directory") == "<NA>");
    // Facts nobody told us are absent.
    CHECK(get(s.fields, "user.uid") == "<NA>");
    CHECK(get(s.fields, "user.name") == "<NA>");
    CHECK(get(s.fields, "thread.cap_effective") == "<NA>");
    CHECK(get(s.fields, "container.id") == "<NA>");
    CHECK(get(s.fields, "proc.exepath") == "<NA>");
    CHECK(get(s.fields, "proc.tty") == "<NA>");
    CHECK(get(s.fields, "container.image.repository") == "<NA>");
    s.table.find(42)->container = state::ContainerRef{};
    s.table.find(42)->cap_effective = 1ull << 21;
    CHECK(get(s.fields, "container.id") == "host");
    CHECK(get(s.fields, "container.name") == "host");
    CHECK(get(s.fields, "thread.cap_effective") == "CAP_SYS_ADMIN");
}

TEST_CASE("every corpus field has an extractor") {
    state::ProcessTable table;
    fields::EventFields f(table, nullptr);
    // The fields falco_rules.yaml names in conditions and outputs (grep of the corpus), minus
    // fd.sip.name (needs DNS) and container.start_ts (needs the runtime's answer), which have
    // extractors that answer absent.
    const char* used[] = {"proc.name",
                          "proc.cmdline",
                          "proc.pname",
                          "evt.type",
                          "proc.args",
                          "user.name",
                          "proc.tty",
                          "user.uid",
                          "proc.exepath",
                          "user.loginuid",
                          "fd.name",
                          "proc.pcmdline",
                          "proc.aname",
                          "proc.pexe",
                          "evt.arg",
                          "container.image.repository",
                          "fd.type",
                          "fd.typechar",
                          "evt.res",
                          "proc.exe",
                          "proc.cwd",
                          "fd.l4proto",
                          "thread.cap_effective",
                          "fd.rport",
                          "fd.lport",
                          "fd.directory",
                          "fd.num",
                          "fd.nameraw",
                          "evt.rawres",
                          "user.loginname",
                          "syscall.type",
                          "proc.sname",
                          "proc.pexepath",
                          "group.name",
                          "group.gid",
                          "fd.sip",
                          "evt.num",
                          "evt.args",
                          "proc.vpgid.name",
                          "proc.vpgid.exe",
                          "proc.ppid.duration",
                          "proc.is_vpgid_leader",
                          "proc.is_exe_upper_layer",
                          "proc.is_exe_from_memfd",
                          "proc.exe_ino.mtime",
                          "proc.exe_ino.ctime_duration_proc_start",
                          "proc.exe_ino.ctime",
                          "proc.duration",
                          "proc.aexepath",
                          "k8s.ns.name",
                          "fd.types",
                          "fd.sport",
                          "fd.snet",
                          "fd.net",
                          "fd.name_changed",
                          "fd.ip",
                          "fd.filename",
                          "fd.connected",
                          "evt.is_open_write",
                          "evt.is_open_read",
                          "evt.hostname",
                          "container.privileged",
                          "container.id",
                          "container.name",
                          "evt.time"};
    for (const char* name : used) {
        const FieldInfo* info = FieldRegistry::instance().find(name);
        REQUIRE(info);
        INFO(name);
        CHECK(f.covers(info->id));
    }
    WARN("EventFields covers " << f.covered_count() << " of "
                               << FieldRegistry::instance().all().size() << " registry fields");
}

// ---- real probe ---------------------------------------------------------------------------------

namespace {

using saker::test::Capture;
using saker::test::watch;

pid_t spawn(std::vector<std::string> argv) {
    pid_t pid = fork();
    if (pid == 0) {
        std::vector<char*> a;
        for (auto& s : argv)
            a.push_back(s.data());
        a.push_back(nullptr);
        execvp(a[0], a.data());
        _exit(127);
    }
    return pid;
}

} // namespace

TEST_CASE("live: bash -c -> sh -c -> program gives pname, aname[2], pcmdline") {
    SAKER_REQUIRE_PROBE();
    saker::test::LivePipeline lp;
    std::string target = "/saker-tree-" + std::to_string(getpid());
    auto cap = std::make_shared<Capture>();
    watch(lp, cap,
          [=](const state::EventContext& ctx, FieldSource& src) {
              return ctx.type_name == "openat" && get(src, "fd.name") == target;
          },
          {"proc.name", "proc.pname", "proc.aname[2]", "proc.pcmdline", "proc.cmdline",
           "proc.exepath", "proc.pexepath", "proc.aexepath[2]", "user.uid", "user.name",
           "container.id", "evt.res", "proc.aname"});
    std::string inner = "cat " + target + "; true";
    std::string outer = "sh -c '" + inner + "'; true";
    pid_t pid = spawn({"bash", "-c", outer});
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(lp.sync());
    std::lock_guard lock(cap->mu);
    REQUIRE(cap->seen);
    auto& v = cap->values;
    CHECK(v["proc.name"] == "cat");
    CHECK(v["proc.pname"] == "sh");
    CHECK(v["proc.aname[2]"] == "bash");
    CHECK(v["proc.pcmdline"] == "sh -c " + inner);
    CHECK(v["proc.cmdline"] == "cat " + target);
    CHECK(v["proc.exepath"] == "/usr/bin/cat");
    CHECK(v["proc.aexepath[2]"] == "/usr/bin/bash");
    CHECK(v["user.uid"] == std::to_string(geteuid()));
    CHECK(v["user.name"] == "root");
    CHECK(v["container.id"] == "host");
    CHECK(v["evt.res"] == "ENOENT");
    CHECK(v["proc.aname"].starts_with("[sh,bash,"));
}

TEST_CASE("live: a child is named as the kernel named it, after its parent's PR_SET_NAME") {
    // runc's init renames itself ("runc:[1:CHILD]") and forks; Falco's rules exclude the
    // child by that name (proc.name startswith "runc:"). The rename is not captured: the
    // name must come with the fork.
    SAKER_REQUIRE_PROBE();
    saker::test::LivePipeline lp;
    const std::string target = "/saker-comm-" + std::to_string(getpid());
    auto cap = std::make_shared<Capture>();
    watch(lp, cap,
          [=](const state::EventContext& ctx, FieldSource& src) {
              return ctx.type_name == "openat" && get(src, "fd.name") == target;
          },
          {"proc.name", "proc.exepath"});
    REQUIRE(lp.sync());
    pid_t mid = fork();
    REQUIRE(mid >= 0);
    if (mid == 0) { // single-threaded from here: only system calls
        prctl(PR_SET_NAME, "renamed:[1:X]", 0, 0, 0);
        pid_t leaf = fork();
        if (leaf == 0) {
            int fd = open(target.c_str(), O_RDONLY);
            _exit(fd >= 0 ? 1 : 0);
        }
        int st = 0;
        waitpid(leaf, &st, 0);
        _exit(0);
    }
    int status = 0;
    waitpid(mid, &status, 0);
    REQUIRE(lp.sync());
    std::lock_guard lock(cap->mu);
    REQUIRE(cap->seen);
    CHECK(cap->values["proc.name"] == "renamed:[1:X]");
    CHECK(cap->values["proc.exepath"] == std::filesystem::read_symlink("/proc/self/exe").string());
}

TEST_CASE("live: TCP on 127.0.0.1 gives the tuple on both ends") {
    SAKER_REQUIRE_PROBE();
    saker::test::LivePipeline lp;
    auto [srv, srv_port] = saker::test::listen_loopback(4);
    REQUIRE(srv >= 0);
    int sport = srv_port;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(srv_port);
    int cli = socket(AF_INET, SOCK_STREAM, 0);
    std::vector<std::string> names = {
        "fd.name",      "fd.sip",   "fd.sport",     "fd.cip",       "fd.cport", "fd.lip",
        "fd.rip",       "fd.lport", "fd.rport",     "fd.l4proto",   "fd.type",  "fd.typechar",
        "fd.connected", "fd.num",   "fd.is_server", "fd.sockfamily"};
    uint32_t self = getpid();
    auto on_connect = std::make_shared<Capture>();
    auto on_accept = std::make_shared<Capture>();
    watch(
        lp, on_connect,
        [=](const state::EventContext& ctx, FieldSource&) {
            return ctx.type_name == "connect" && ctx.event->hdr.pid == self && ctx.fd_num == cli;
        },
        names);
    watch(
        lp, on_accept,
        [=](const state::EventContext& ctx, FieldSource&) {
            return ctx.type_name == "accept" && ctx.event->hdr.pid == self;
        },
        names);
    REQUIRE(lp.sync());
    REQUIRE(connect(cli, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    int acc = accept(srv, nullptr, nullptr);
    REQUIRE(acc >= 0);
    sockaddr_in c{};
    socklen_t len = sizeof c;
    getsockname(cli, reinterpret_cast<sockaddr*>(&c), &len);
    int cport = ntohs(c.sin_port);
    REQUIRE(lp.sync());
    std::string name =
        "127.0.0.1:" + std::to_string(cport) + "->127.0.0.1:" + std::to_string(sport);
    {
        std::lock_guard lock(on_connect->mu);
        REQUIRE(on_connect->seen);
        auto& v = on_connect->values;
        CHECK(v["fd.name"] == name);
        CHECK(v["fd.sip"] == "127.0.0.1");
        CHECK(v["fd.cip"] == "127.0.0.1");
        CHECK(v["fd.sport"] == std::to_string(sport));
        CHECK(v["fd.cport"] == std::to_string(cport));
        CHECK(v["fd.lport"] == std::to_string(cport));
        CHECK(v["fd.rport"] == std::to_string(sport));
        CHECK(v["fd.lip"] == "127.0.0.1");
        CHECK(v["fd.rip"] == "127.0.0.1");
        CHECK(v["fd.l4proto"] == "tcp");
        CHECK(v["fd.type"] == "ipv4");
        CHECK(v["fd.typechar"] == "4");
        CHECK(v["fd.connected"] == "1");
        CHECK(v["fd.is_server"] == "0");
        CHECK(v["fd.num"] == std::to_string(cli));
        CHECK(v["fd.sockfamily"] == "ip");
    }
    {
        std::lock_guard lock(on_accept->mu);
        REQUIRE(on_accept->seen);
        auto& v = on_accept->values;
        CHECK(v["fd.name"] == name);
        CHECK(v["fd.sport"] == std::to_string(sport));
        CHECK(v["fd.cport"] == std::to_string(cport));
        CHECK(v["fd.lport"] == std::to_string(sport));
        CHECK(v["fd.rport"] == std::to_string(cport));
        CHECK(v["fd.l4proto"] == "tcp");
        CHECK(v["fd.is_server"] == "1");
        CHECK(v["fd.num"] == std::to_string(acc));
    }
    close(acc), close(cli), close(srv);
}

TEST_CASE("live: a process started before the table was seeded is known") {
    SAKER_REQUIRE_PROBE();
    pid_t pid = spawn({"sleep", "30"});
    REQUIRE(saker::test::wait_exec(pid, "sleep"));
    saker::test::LivePipeline lp;
    auto cap = std::make_shared<Capture>();
    watch(lp, cap,
          [pid](const state::EventContext& ctx, FieldSource&) {
              return ctx.type_name == "procexit" &&
                     ctx.event->hdr.pid == static_cast<uint32_t>(pid);
          },
          {"proc.name", "proc.exe", "proc.exepath", "proc.cmdline", "proc.args", "proc.pid",
           "proc.duration"});
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    REQUIRE(lp.sync());
    {
        // Released before lp.locked(): the hook takes cap->mu while the pipeline's lock is held.
        std::lock_guard lock(cap->mu);
        REQUIRE(cap->seen);
        CHECK(cap->values["proc.name"] == "sleep");
        CHECK(cap->values["proc.exe"] == "sleep");
        CHECK(cap->values["proc.exepath"] == "/usr/bin/sleep");
        CHECK(cap->values["proc.cmdline"] == "sleep 30");
        CHECK(cap->values["proc.args"] == "30");
        CHECK(cap->values["proc.pid"] == std::to_string(pid));
        CHECK(std::stoll(cap->values["proc.duration"]) > 100'000'000);
    }
    CHECK(lp.locked([&](state::ProcessTable& t) { return t.find(pid) == nullptr; }));
}

TEST_CASE("live: hot values are what the extractors answer, on every event") {
    SAKER_REQUIRE_PROBE();
    saker::test::LivePipeline lp;
    struct Seen {
        std::mutex mu;
        int events = 0;
        std::vector<std::string> mismatches;
    };
    auto seen = std::make_shared<Seen>();
    lp.add_hook([=](const state::EventContext&, FieldSource& src) {
        std::string m = hot_mismatches(src);
        std::lock_guard lock(seen->mu);
        ++seen->events;
        if (!m.empty() && seen->mismatches.size() < 5) seen->mismatches.push_back(m);
    });
    pid_t pid = spawn({"sh", "-c", "cat /etc/hostname > /dev/null; ls /proc/self/fd > /dev/null"});
    int status = 0;
    waitpid(pid, &status, 0);
    REQUIRE(lp.sync());
    std::lock_guard lock(seen->mu);
    CHECK(seen->events > 10);
    std::string all;
    for (const auto& m : seen->mismatches)
        all += m;
    INFO(all);
    CHECK(seen->mismatches.empty());
}

TEST_CASE("live: relative opens resolve against cwd and dirfd, a reused fd shows its new name") {
    SAKER_REQUIRE_PROBE();
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("saker-rel-" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    // Before the pipeline: its consumer thread runs the hook (which reads `child`) until the
    // pipeline is destroyed.
    std::atomic<uint32_t> child{0};
    saker::test::LivePipeline lp;
    auto opens = std::make_shared<std::vector<std::map<std::string, std::string>>>();
    auto closes = std::make_shared<std::vector<std::map<std::string, std::string>>>();
    auto mu = std::make_shared<std::mutex>();
    lp.add_hook([=, &child](const state::EventContext& ctx, FieldSource& src) {
        if (!ctx.event || ctx.event->hdr.pid != child.load()) return;
        std::lock_guard lock(*mu);
        std::map<std::string, std::string> m;
        for (const char* n : {"fd.name", "fd.nameraw", "fd.num", "fd.directory", "fd.filename",
                              "fd.typechar", "evt.res", "proc.cwd"})
            m[n] = get(src, n);
        if (ctx.type_name == "openat") opens->push_back(m);
        if (ctx.type_name == "close" || ctx.type_name == "fchmod") closes->push_back(m);
    });
    REQUIRE(lp.sync());
    int go[2]; // the child starts once the parent has published its pid
    REQUIRE(pipe(go) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        char go_byte; // no close() here: the test counts this child's closes
        if (read(go[0], &go_byte, 1) != 1) _exit(1);
        if (chdir(dir.c_str()) != 0) _exit(1);
        int a = openat(AT_FDCWD, "rel-file", O_CREAT | O_WRONLY, 0644);
        int d = openat(AT_FDCWD, "sub", O_DIRECTORY | O_RDONLY);
        int b = openat(d, "../x/../file2", O_CREAT | O_WRONLY, 0644);
        int c = openat(d, "inner", O_CREAT | O_WRONLY, 0644);
        close(c);
        int e = openat(AT_FDCWD, "./sub/inner", O_RDONLY); // reuses c's number
        close(e);
        fchmod(e, 0600); // closed: the fd is unknown now, not "inner"
        close(a), close(b), close(d);
        _exit(0);
    }
    child = pid;
    const bool sent = write(go[1], "g", 1) == 1;
    if (!sent) kill(pid, SIGKILL); // it would wait for ever
    close(go[0]);
    close(go[1]);
    waitpid(pid, nullptr, 0);
    REQUIRE(sent);
    REQUIRE(lp.sync());
    std::lock_guard lock(*mu);
    REQUIRE(opens->size() >= 5);
    auto& o = *opens;
    std::string base = dir.string();
    CHECK(o[0]["fd.name"] == base + "/rel-file");
    CHECK(o[0]["fd.nameraw"] == "rel-file");
    CHECK(o[0]["fd.directory"] == base);
    CHECK(o[0]["fd.filename"] == "rel-file");
    CHECK(o[0]["fd.typechar"] == "f");
    CHECK(o[1]["fd.name"] == base + "/sub");
    CHECK(o[1]["fd.typechar"] == "d");
    CHECK(o[2]["fd.name"] == base + "/file2");
    CHECK(o[3]["fd.name"] == base + "/sub/inner");
    CHECK(o[4]["fd.name"] == base + "/sub/inner");
    CHECK(o[4]["fd.nameraw"] == "./sub/inner");
    REQUIRE(closes->size() >= 3);
    auto& c = *closes;
    CHECK(c[0]["fd.name"] == base + "/sub/inner"); // close(c)
    CHECK(c[1]["fd.num"] == c[0]["fd.num"]);       // e reused c's number
    CHECK(c[1]["fd.nameraw"] == "./sub/inner");    // ... and shows e's own open, not c's
    CHECK(c[2]["evt.res"] == "EBADF");             // fchmod on the closed fd
    CHECK(c[2]["fd.name"] == "<NA>");
    fs::remove_all(dir);
}

TEST_CASE("live: setuid(65534) renders evt.arg.uid as the user's name") {
    SAKER_REQUIRE_PROBE();
    const passwd* pw = ::getpwuid(65534);
    REQUIRE(pw != nullptr); // the truth, from glibc rather than saker's user database
    std::string expected = pw->pw_name;
    saker::test::LivePipeline lp;
    auto cap = std::make_shared<Capture>();
    int go[2];
    REQUIRE(pipe(go) == 0);
    pid_t child = fork();
    if (child == 0) {
        char c;
        close(go[1]);
        // The parent installs its hook on this pid first, then says go (or dies: EOF).
        if (read(go[0], &c, 1) != 1) _exit(2);
        _exit(setuid(65534) == 0 ? 0 : 1);
    }
    close(go[0]);
    watch(lp, cap,
          [=](const state::EventContext& ctx, FieldSource&) {
              return ctx.type_name == "setuid" && ctx.event &&
                     ctx.event->hdr.pid == static_cast<uint32_t>(child);
          },
          {"evt.arg.uid", "evt.rawarg.uid", "evt.args", "evt.res", "user.uid"});
    REQUIRE(write(go[1], "g", 1) == 1);
    close(go[1]);
    int status = 0;
    waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    REQUIRE(lp.sync());
    std::lock_guard lock(cap->mu);
    REQUIRE(cap->seen);
    CHECK(cap->values["evt.arg.uid"] == expected);
    CHECK(cap->values["evt.rawarg.uid"] == "65534");
    CHECK(cap->values["evt.args"] == "res=0 uid=65534(" + expected + ")");
    CHECK(cap->values["evt.res"] == "SUCCESS");
    CHECK(cap->values["user.uid"] == "65534");
}
