// The outputs hub and its local sinks (stdout, file, program, syslog) with real files, real
// processes and real sockets.
#include "output_test_util.h"
#include "support/root_guard.h"

#include "runtime/output/sink.h"

#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

using namespace saker;
using namespace saker::test;
using namespace std::chrono_literals;

TEST_CASE("the hub formats each alert once and every sink gets the same line", "[output]") {
    ScratchDir dir;
    FILE* out = std::fopen((dir / "stdout").c_str(), "w+");
    REQUIRE(out);
    auto c = quiet_config();
    c.stdout_output.enabled = true;
    c.file_output = {true, false, dir / "events.txt"};
    std::string error;
    auto hub = output::Outputs::create(c, "host1", error, out);
    REQUIRE(hub);
    Rule rule = test_rule();
    for (int i = 0; i < 3; ++i)
        hub->push(test_alert(rule, "alert " + std::to_string(i), 1000000000ull * i));
    REQUIRE(hub->stop(5s));
    std::fclose(out);
    auto from_stdout = lines_of(dir / "stdout");
    REQUIRE(from_stdout.size() == 3);
    CHECK(from_stdout == lines_of(dir / "events.txt"));
    CHECK(from_stdout[2] == output::clock_text(2000000000ull) + ": Warning alert 2");
    for (auto& s : hub->stats()) {
        CHECK(s.delivered == 3);
        check_accounted(s);
    }
}

TEST_CASE("JSON output honours the output and tags properties", "[output]") {
    ScratchDir dir;
    auto c = quiet_config();
    c.json_output = true;
    c.file_output = {true, true, dir / "events.json"};
    Rule rule = test_rule();
    for (bool include : {true, false}) {
        c.json_include_output_property = c.json_include_tags_property = include;
        std::string error;
        auto hub = output::Outputs::create(c, "host1", error);
        REQUIRE(hub);
        hub->push(test_alert(rule, "x"));
        REQUIRE(hub->stop(5s));
    }
    auto lines = lines_of(dir / "events.json");
    REQUIRE(lines.size() == 2);
    auto with = nlohmann::json::parse(lines[0]), without = nlohmann::json::parse(lines[1]);
    CHECK(with["hostname"] == "host1");
    CHECK(with["rule"] == "Test rule");
    CHECK(with["output"] == output::clock_text(1) + ": Warning x");
    CHECK(with["tags"] == nlohmann::json::array({"a_tag", "b_tag"}));
    CHECK_FALSE(without.contains("output"));
    CHECK_FALSE(without.contains("tags"));
    CHECK(without["priority"] == "Warning");
}

TEST_CASE("a misconfigured sink is an error at creation", "[output]") {
    std::string error;
    auto c = quiet_config();
    c.http_output.enabled = true;
    CHECK_FALSE(output::Outputs::create(c, "h", error));
    CHECK(error == "http_output is enabled but http_output.url is empty");
    c = quiet_config();
    c.program_output.enabled = true;
    CHECK_FALSE(output::Outputs::create(c, "h", error));
    CHECK(error == "program_output is enabled but program_output.program is empty");
}

TEST_CASE("file sink with keep_alive reopens its file on request (log rotation)", "[output]") {
    ScratchDir dir;
    const std::string file = dir / "events.txt";
    auto c = quiet_config();
    c.file_output = {true, true, file};
    std::string error;
    auto hub = output::Outputs::create(c, "h", error);
    REQUIRE(hub);
    auto delivered = [&](uint64_t n) {
        return eventually([&] { return stats_of(*hub, "file").delivered == n; });
    };
    hub->push_line("one", Priority::Notice);
    REQUIRE(delivered(1));
    std::filesystem::rename(file, file + ".1"); // logrotate's move
    hub->push_line("two", Priority::Notice);    // still the open (renamed) file
    REQUIRE(delivered(2));
    hub->reopen(); // SIGUSR1
    hub->push_line("three", Priority::Notice);
    REQUIRE(hub->stop(5s));
    CHECK(lines_of(file + ".1") == std::vector<std::string>{"one", "two"});
    CHECK(lines_of(file) == std::vector<std::string>{"three"});
}

TEST_CASE("file sink without keep_alive opens the file per alert", "[output]") {
    ScratchDir dir;
    const std::string file = dir / "events.txt";
    auto c = quiet_config();
    c.file_output = {true, false, file};
    std::string error;
    auto hub = output::Outputs::create(c, "h", error);
    REQUIRE(hub);
    hub->push_line("one", Priority::Notice);
    REQUIRE(eventually([&] { return stats_of(*hub, "file").delivered == 1; }));
    std::filesystem::rename(file, file + ".1");
    hub->push_line("two", Priority::Notice); // no reopen needed: a new file appears
    REQUIRE(hub->stop(5s));
    CHECK(lines_of(file + ".1") == std::vector<std::string>{"one"});
    CHECK(lines_of(file) == std::vector<std::string>{"two"});
    // A file that cannot be opened fails the alert, counted, without stopping anything.
    c.file_output.filename = dir / "no/such/dir/events.txt";
    hub = output::Outputs::create(c, "h", error);
    hub->push_line("lost", Priority::Notice);
    REQUIRE(hub->stop(5s));
    CHECK(stats_of(*hub, "file").failed == 1);
}

namespace {

// Alert texts a shell would act on if they ever reached a command line.
std::vector<std::string> hostile_lines(const ScratchDir& dir) {
    return {"it's \"quoted\" ; touch " + dir / "pwned1", "$(touch " + dir / "pwned2" + ")",
            "`touch " + dir / "pwned3" + "`",
            "a | touch " + dir / "pwned4" + " && touch " + dir / "pwned5",
            "' ; touch " + dir / "pwned6" + " ; '\\"};
}

void check_nothing_ran(const ScratchDir& dir) {
    for (int i = 1; i <= 6; ++i)
        CHECK_FALSE(std::filesystem::exists(dir / ("pwned" + std::to_string(i))));
}

// Whether a live process has `arg` in its command line.
bool running_with_arg(const std::string& arg) {
    for (const auto& p : std::filesystem::directory_iterator("/proc")) {
        std::string cmdline = slurp(p.path() / "cmdline");
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find(arg) == std::string::npos) continue;
        std::string stat = slurp(p.path() / "stat"); // a zombie has exited
        if (stat.find(") Z ") == std::string::npos) return true;
    }
    return false;
}

} // namespace

TEST_CASE("program sink: alert lines arrive verbatim on stdin, hostile text runs nothing",
          "[output]") {
    for (bool keep_alive : {false, true}) {
        DYNAMIC_SECTION("keep_alive " << keep_alive) {
            ScratchDir dir;
            auto c = quiet_config();
            // Each process records that it started, then copies its input.
            c.program_output = {true, keep_alive,
                                "echo started >> " + dir / "starts" + "; cat >> " + dir / "out"};
            std::string error;
            auto hub = output::Outputs::create(c, "h", error);
            REQUIRE(hub);
            auto lines = hostile_lines(dir);
            for (const auto& l : lines)
                hub->push_line(l, Priority::Critical);
            REQUIRE(hub->stop(10s));
            CHECK(lines_of(dir / "out") == lines);
            CHECK(lines_of(dir / "starts").size() == (keep_alive ? 1 : lines.size()));
            check_nothing_ran(dir);
            auto s = stats_of(*hub, "program");
            CHECK(s.delivered == lines.size());
            check_accounted(s);
        }
    }
}

TEST_CASE("program sink: a program that exits is restarted and never takes the agent down",
          "[output]") {
    ScratchDir dir;
    auto c = quiet_config();
    // Reads one line, then exits: every later alert finds a dead reader (EPIPE, not SIGPIPE).
    // (`; true` keeps the shell, whose command line the test watches, until `head` is done.)
    c.program_output = {true, true, "head -n 1 >> " + dir / "out" + "; true"};
    std::string error;
    auto hub = output::Outputs::create(c, "h", error);
    REQUIRE(hub);
    for (int i = 1; i <= 3; ++i) {
        hub->push_line("line " + std::to_string(i), Priority::Error);
        REQUIRE(eventually([&] { return lines_of(dir / "out").size() == size_t(i); }));
        // Only once `head` has exited is the next alert sure to meet a closed pipe.
        REQUIRE(eventually([&] { return !running_with_arg(dir / "out"); }));
    }
    REQUIRE(hub->stop(5s));
    CHECK(lines_of(dir / "out") == std::vector<std::string>{"line 1", "line 2", "line 3"});
    auto s = stats_of(*hub, "program");
    CHECK(s.delivered == 3);
    CHECK(s.retries == 2); // two restarts
    check_accounted(s);
}

TEST_CASE("a full queue drops and counts, a stuck sink is abandoned at the stop deadline",
          "[output]") {
    auto c = quiet_config();
    c.outputs_queue_capacity = 4;
    // Never reads: the first long line fills the pipe and the delivery blocks.
    c.program_output = {true, true, "sleep 30"};
    std::string error;
    auto hub = output::Outputs::create(c, "h", error);
    REQUIRE(hub);
    hub->push_line(std::string(256 * 1024, 'x'), Priority::Error);
    REQUIRE(eventually([&] { return stats_of(*hub, "program").depth == 0; })); // in hand
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 14; ++i)
        hub->push_line("queued or dropped", Priority::Error);
    auto push_time = std::chrono::steady_clock::now() - start;
    auto s = stats_of(*hub, "program");
    CHECK(s.depth == 4);
    CHECK(s.dropped == 10);
    CHECK(push_time < 1s); // the sink is blocked indefinitely; pushing is not
    start = std::chrono::steady_clock::now();
    CHECK_FALSE(hub->stop(300ms));
    CHECK(std::chrono::steady_clock::now() - start < 3s); // not the program's 30 s
    s = stats_of(*hub, "program");
    CHECK(s.queued == 15);
    CHECK(s.delivered == 0);
    check_accounted(s);
}

TEST_CASE("stdout to a closed pipe fails the alert instead of killing the process", "[output]") {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    close(fds[0]);
    FILE* out = fdopen(fds[1], "w");
    auto c = quiet_config();
    c.stdout_output.enabled = true;
    std::string error;
    auto hub = output::Outputs::create(c, "h", error, out);
    hub->push_line("nobody reads this", Priority::Notice);
    REQUIRE(hub->stop(5s));
    CHECK(stats_of(*hub, "stdout").failed == 1);
    std::fclose(out);
}

TEST_CASE("syslog severities follow the rule priority", "[output]") {
    CHECK(output::syslog_level(Priority::Emergency) == LOG_EMERG);
    CHECK(output::syslog_level(Priority::Alert) == LOG_ALERT);
    CHECK(output::syslog_level(Priority::Critical) == LOG_CRIT);
    CHECK(output::syslog_level(Priority::Error) == LOG_ERR);
    CHECK(output::syslog_level(Priority::Warning) == LOG_WARNING);
    CHECK(output::syslog_level(Priority::Notice) == LOG_NOTICE);
    CHECK(output::syslog_level(Priority::Informational) == LOG_INFO);
    CHECK(output::syslog_level(Priority::Debug) == LOG_DEBUG);
}

TEST_CASE("syslog sink: syslog(3) datagrams reach /dev/log with facility user", "[output]") {
    // A private mount namespace in a child process gets its own /dev, where the test binds
    // /dev/log itself: no syslog daemon, and nothing outside the child is touched.
    SAKER_SKIP_UNLESS("the syslog test", geteuid() == 0 ? "" : "root for a private /dev/log");
    int report[2];
    REQUIRE(pipe(report) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(report[0]);
        auto say = [&](const std::string& s) {
            (void)!write(report[1], s.data(), s.size());
            _exit(0);
        };
        if (unshare(CLONE_NEWNS) != 0) say("unshare failed");
        if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) say("mount private");
        if (mount("tmpfs", "/dev", "tmpfs", 0, nullptr) != 0) say("mount /dev");
        int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, "/dev/log");
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) say("bind /dev/log");
        closelog();
        auto sink = output::make_syslog_sink();
        sink->deliver({"alert text; $(x)", Priority::Critical});
        char buf[512] = {};
        ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
        say(n > 0 ? std::string(buf, n) : "nothing received");
    }
    close(report[1]);
    std::string got;
    char buf[512];
    for (ssize_t n; (n = read(report[0], buf, sizeof buf)) > 0;)
        got.append(buf, n);
    close(report[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    INFO(got);
    // <facility * 8 + severity>: LOG_USER (1) and LOG_CRIT (2).
    CHECK(got.starts_with("<10>"));
    CHECK(got.ends_with(": alert text; $(x)"));
}
