// `saker run` end to end, as root: start the agent with rules, perform an action, and find the
// alert it must print (or must not print) as Falco-compatible JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;

bool can_run_probe(std::string& why) {
    if (geteuid() != 0) {
        why = "not root";
        return false;
    }
    if (access("/sys/kernel/btf/vmlinux", R_OK) != 0) {
        why = "no kernel BTF";
        return false;
    }
    return true;
}

#define SAKER_REQUIRE_AGENT()                                                                      \
    do {                                                                                           \
        std::string why;                                                                           \
        if (!can_run_probe(why)) {                                                                 \
            if (std::getenv("SAKER_REQUIRE_BPF")) FAIL("agent test cannot run: " << why);          \
            WARN("SKIPPED: agent test needs root and BPF: " << why);                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// The agent as a child process writing alerts and logs to files.
class Agent {
  public:
    explicit Agent(std::vector<std::string> args) {
        std::string base =
            "/tmp/saker-agent-test-" + std::to_string(getpid()) + "-" + std::to_string(counter_++);
        out_ = base + ".out";
        err_ = base + ".err";
        pid_ = fork();
        if (pid_ == 0) {
            int o = open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            int e = open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            dup2(o, 1);
            dup2(e, 2);
            std::vector<char*> argv{const_cast<char*>(SAKER_BIN), const_cast<char*>("run")};
            for (auto& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(SAKER_BIN, argv.data());
            _exit(127);
        }
    }
    ~Agent() {
        stop();
        std::remove(out_.c_str());
        std::remove(err_.c_str());
    }
    // Waits until the probe is attached (the agent logs it), or fails.
    bool ready() {
        for (int i = 0; i < 200; ++i) {
            if (slurp(err_).find("probe attached") != std::string::npos) return true;
            std::this_thread::sleep_for(50ms);
        }
        return false;
    }
    // Waits for the agent to exit by itself (up to 10 s), then stops it.
    int wait_exit() {
        for (int i = 0; i < 200 && pid_ > 0; ++i) {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
                pid_ = -1;
                status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                return status_;
            }
            std::this_thread::sleep_for(50ms);
        }
        return stop();
    }
    int stop() {
        if (pid_ <= 0) return status_;
        kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return status_;
    }
    std::vector<nlohmann::json> alerts() const {
        std::vector<nlohmann::json> out;
        std::istringstream in(slurp(out_));
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    std::string log() const { return slurp(err_); }

  private:
    static inline int counter_ = 0;
    pid_t pid_ = -1;
    int status_ = -1;
    std::string out_, err_;
};

int sh(const std::string& cmd) {
    return std::system(cmd.c_str());
}

const std::string kCorpus = std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml";

std::vector<nlohmann::json> with_rule(const std::vector<nlohmann::json>& alerts,
                                      const std::string& rule) {
    std::vector<nlohmann::json> out;
    for (const auto& a : alerts)
        if (a["rule"] == rule) out.push_back(a);
    return out;
}

} // namespace

TEST_CASE("saker run fires the upstream rule for reading /etc/shadow, as Falco's JSON") {
    SAKER_REQUIRE_AGENT();
    Agent agent({"-r", kCorpus, "-o", "json_output=true"});
    REQUIRE(agent.ready());
    sh("cat /etc/shadow > /dev/null");
    std::this_thread::sleep_for(1s); // alerts must come within a second
    REQUIRE(agent.stop() == 0);
    INFO(agent.log());
    std::vector<nlohmann::json> hits;
    for (const auto& a : with_rule(agent.alerts(), "Read sensitive file untrusted"))
        if (a["output_fields"]["proc.cmdline"] == "cat /etc/shadow") hits.push_back(a);
    REQUIRE(hits.size() >= 1);
    const auto& a = hits.front();
    CHECK(a["priority"] == "Warning");
    CHECK(a["source"] == "syscall");
    CHECK(a["output_fields"]["fd.name"] == "/etc/shadow");
    CHECK(a["output_fields"]["proc.name"] == "cat");
    CHECK(a["output_fields"]["user.uid"] == 0);
    CHECK(a["output_fields"]["container.id"] == "host");
    CHECK(a["output_fields"]["evt.time"].is_number_unsigned());
    CHECK(a["tags"].size() == 6);
    CHECK(a["time"].get<std::string>().size() == 30); // 2026-11-27T20:40:21.213210587Z
    CHECK(agent.log().find("stopped:") != std::string::npos);
}

TEST_CASE("a harmless read of /etc/hostname does not fire") {
    SAKER_REQUIRE_AGENT();
    Agent agent({"-r", kCorpus, "-o", "json_output=true"});
    REQUIRE(agent.ready());
    sh("cat /etc/hostname > /dev/null");
    std::this_thread::sleep_for(1s);
    REQUIRE(agent.stop() == 0);
    // Only this test's read counts: other processes on the machine may read what they like.
    for (const auto& a : with_rule(agent.alerts(), "Read sensitive file untrusted"))
        CHECK(a["output_fields"]["fd.name"] != "/etc/hostname");
}

TEST_CASE("saker run with a broken rules file fails with file:line:col and does not start") {
    std::string bad = "/tmp/saker-bad-rules-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(bad) << "- rule: r\n  desc: d\n  condition: evt.type = open and proc.nme = x\n"
                          "  output: o\n  priority: INFO\n";
    Agent agent({"-r", bad});
    int rc = agent.wait_exit();
    std::remove(bad.c_str());
    CHECK(rc == 1);
    CHECK(agent.log().find(":3:34: error: unknown field 'proc.nme'") != std::string::npos);
    CHECK(agent.log().find("probe attached") == std::string::npos);
}
