// saker's default rules (rules/saker_rules.yaml) end to end, as root: one `saker run` with the
// real probe, real attacks performed on the host and inside a real runc busybox container (a
// kubelet-named cgroup, its own network namespace, no capabilities beyond runc's defaults), and
// for each rule a harmless look-alike that must stay quiet. Every attack is safe by
// construction: temp files, loopback, logs this test creates under /var/log, a ptrace attach to
// its own child, a module load of a random 64-byte image, mounts and a release_agent write the
// container is not allowed to do, connections that cannot leave a fresh network namespace.
// Reported skipped when not root or a tool is missing; FAILs instead with SAKER_REQUIRE_BPF=1.
//
// The second test case loads Falco's stable rules (the corpus' falco_rules.yaml), then
// saker_rules.yaml, then a Falco user's custom file (appends to sensitive_file_names, adds an
// exception to "Read sensitive file untrusted"), and runs the same attacks plus those saker
// leaves to Falco's rules. Every rule matching an event fires (rule_matching: all), and no
// event of an attack may raise alerts of two rules: the two files never report one thing twice.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/private_containerd.h" // add_sbin_to_path
#include "support/process_runner.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <sys/syscall.h>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using namespace saker::test;

// `with_falco`: Falco's stable rules load first and a custom file last (see the header).
void attack_suite(bool with_falco) {
    const std::string missing = missing_tools({"runc", "bash", "sh", "cat", "rm", "chmod", "true"});
    SAKER_SKIP_UNLESS("the rules test", missing);
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8); // in every path and command line of this run
    const std::string bash = find_tool("bash"), shell = find_tool("sh"), cat = find_tool("cat"),
                      rm = find_tool("rm"), chmod = find_tool("chmod"), truebin = find_tool("true");
    const pid_t self = getpid();
    TempDir work("/tmp/saker-rules-XXXXXX");
    REQUIRE(!work.path.empty());
    VarLogFiles logs;

    // The container: busybox with the applets the attacks use (pip3 is busybox under another
    // name: the exec succeeds, which is all a package-manager rule sees).
    AttackContainer c("saker-rules-", {"sh", "sleep", "cat", "dpkg", "pip3", "mount", "nc"});
    const std::string short_id = c.short_id();
    // An init that starts the entrypoint shell, as tini does (a script: its comm is "tini").
    write_file(c.rootfs() / "bin" / "tini", "#!/bin/sh\n/bin/sh -c ': saker-la-" + tok + "'\n");
    fs::permissions(c.rootfs() / "bin" / "tini", fs::perms::owner_all);
    auto in_container = [&](const std::string& args) { c.run(args); };
    const auto in_this_container = by_container(short_id);

    const std::string saker_rules = std::string(SAKER_SOURCE_DIR) + "/rules/saker_rules.yaml";
    // A Falco user's custom rules: one more sensitive file, and one reader excepted.
    const std::string secret = write_file(work.path / ("secret-" + tok), "s3cret\n");
    const std::string excepted = work / "backup-agent";
    fs::copy_file(cat, excepted);
    const std::string custom = write_file(work.path / "custom_rules.yaml", R"(
- list: sensitive_file_names
  items: [)" + secret + R"(]
  append: true

- rule: Read sensitive file untrusted
  exceptions:
    - name: backup_agent_reads_secret
      fields: [proc.name, fd.name]
      values: [[backup-agent, )" + secret + R"(]]
  override:
    exceptions: append
)");
    std::vector<std::string> rules_files{saker_rules};
    if (with_falco)
        rules_files = {std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml", saker_rules, custom};
    RulesAgent agent(rules_files, "/tmp/saker-rules-agent-");
    c.start();

    // Pids of spawned look-alikes and attacks, filled in when they run.
    pid_t la_pid = -1, atk_pid = -1;
    auto spawn_la = [&](std::vector<std::string> argv, const std::string& cwd = {}) {
        la_pid = spawn(argv, cwd).pid;
    };
    auto spawn_atk = [&](std::vector<std::string> argv) { atk_pid = spawn(argv).pid; };
    auto host_process = [&](const std::string& name) {
        return [&, name](const Alert& a) {
            CHECK(field(a, "proc.name") == name);
            CHECK(field(a, "container.id") == "host");
        };
    };

    // Fixtures the attacks use.
    const std::string key = work / ".ssh/id_ed25519";
    fs::create_directories(work.path / ".ssh");
    write_file(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nsaker test\n");
    write_file(key + ".pub", "ssh-ed25519 AAAA saker-test\n");
    const std::string log = logs.make("saker-test-" + tok + ".log");
    const std::string app_log = logs.make("saker-test-" + tok + "/app.log");
    const std::string old_log = logs.make("saker-test-" + tok + "-old.log");
    const std::string history = write_file(work.path / ".bash_history", "ls\n");
    const std::string notes = write_file(work.path / "notes.txt", "notes\n");
    const std::string setuid_file = write_file(work.path / "tool", "#!/bin/sh\n");
    const std::string module = write_file(work.path / "rootkit.ko", random_hex(64));
    const std::string dropper = work / ("saker-dropper-" + tok);
    fs::copy_file(truebin, dropper);
    fs::permissions(dropper, fs::perms::owner_all);
    const std::string fake_dpkg = work / "dpkg"; // dpkg by name, on the host
    fs::create_symlink(static_busybox(), fake_dpkg);
    TcpListener plain; // a port no rule cares about
    REQUIRE(plain.fd >= 0);
    std::optional<TcpListener> miner;
    for (uint16_t p : {3333, 4444, 5555, 7777, 14444}) {
        miner.emplace(p);
        if (miner->fd >= 0) break;
    }
    REQUIRE(miner->fd >= 0);
    const std::string miner_port = std::to_string(miner->port);
    const std::string plain_port = std::to_string(plain.port);

    // A host shell appends to `path` (look-alike), then empties it with O_TRUNC (attack);
    // `flags`: the rule's output shows the open flags.
    auto truncation = [&](const std::string& rule, const std::string& path, bool flags) {
        return Scenario{rule,
                        "Warning",
                        ": > " + path,
                        "echo >> the same file",
                        [&, path] {
                            spawn_la({shell, "-c", "echo line >> " + path});
                        },
                        [&, path] {
                            spawn_atk({shell, "-c", ": > " + path});
                        },
                        by_pid(la_pid),
                        by_pid(atk_pid),
                        [&, path, flags](const Alert& a) {
                            host_process("sh")(a);
                            CHECK(field(a, "fd.name") == path);
                            if (flags) CHECK(field_has(a, "evt.arg.flags", "O_TRUNC"));
                        }};
    };

    std::vector<Scenario> scenarios = {
        {"Shell spawned in a container", "Warning", "runc exec <c> /bin/sh -c ': saker-atk-<tok>'",
         "the same shell on the host, started by a non-shell; and in the container, started by "
         "its init (a script named tini)",
         [&] {
             spawn({shell, "-c", ": saker-la-" + tok});
             in_container("/bin/tini");
         },
         [&] { in_container("/bin/sh -c ': saker-atk-" + tok + "'"); },
         by_cmdline("saker-la-" + tok), by_cmdline("saker-atk-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "sh");
             CHECK(field(a, "container.id") == short_id);
             CHECK(field(a, "proc.cmdline") == "sh -c : saker-atk-" + tok);
         }},
        {"Sensitive file read by untrusted program", "Warning", "cat /etc/gshadow",
         "cat /etc/hostname",
         [&] {
             spawn_la({cat, "/etc/hostname"});
         },
         [&] {
             spawn_atk({cat, "/etc/gshadow"});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             host_process("cat")(a);
             CHECK(field(a, "fd.name") == "/etc/gshadow");
             CHECK(field(a, "user.uid") == "0");
             CHECK(field(a, "proc.exepath") == fs::canonical(cat).string());
         }},
        {"Sensitive file read by untrusted program", "Warning", "cat ~/.ssh/id_ed25519",
         "cat ~/.ssh/id_ed25519.pub",
         [&] {
             spawn_la({cat, key + ".pub"});
         },
         [&] {
             spawn_atk({cat, key});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             host_process("cat")(a);
             CHECK(field(a, "fd.name") == key);
         }},
        {"Write below etc", "Error", "echo > /etc/saker-<tok>.conf in the container",
         "cat /etc/hostname > /tmp/x in the container",
         [&] { in_container("/bin/sh -c 'cat /etc/hostname > /tmp/saker-la-" + tok + "'"); },
         [&] { in_container("/bin/sh -c 'echo saker > /etc/saker-" + tok + ".conf'"); },
         by_cmdline("saker-la-" + tok),
         [&](const Alert& a) { return field(a, "fd.name") == "/etc/saker-" + tok + ".conf"; },
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "sh");
             CHECK(field(a, "container.id") == short_id);
             CHECK(field_has(a, "evt.arg.flags", "O_WRONLY"));
         }},
        {"Write below binary directory", "Error", "a binary dropped into /bin in the container",
         "the same binary dropped into /tmp",
         [&] { in_container("/bin/sh -c 'cat /bin/busybox > /tmp/saker-la-" + tok + "'"); },
         [&] { in_container("/bin/sh -c 'cat /bin/busybox > /bin/saker-" + tok + "'"); },
         by_cmdline("saker-la-" + tok),
         [&](const Alert& a) { return field(a, "fd.name") == "/bin/saker-" + tok; },
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "sh");
             CHECK(field(a, "container.id") == short_id);
         }},
        {"Package manager run in a container", "Error", "dpkg -l in the container",
         "a program named dpkg on the host",
         [&] {
             spawn({fake_dpkg, "--version", "saker-la-" + tok});
         },
         [&] { in_container("/bin/dpkg -l saker-atk-" + tok); }, by_cmdline("saker-la-" + tok),
         by_cmdline("saker-atk-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "dpkg");
             CHECK(field(a, "container.id") == short_id);
         }},
        {"Package manager run in a container", "Error", "pip3 install in the container",
         "pip3 --version in the container",
         [&] { in_container("/bin/pip3 --version saker-la2-" + tok); },
         [&] { in_container("/bin/pip3 install saker-atk2-" + tok); },
         by_cmdline("saker-la2-" + tok), by_cmdline("saker-atk2-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "pip3");
             CHECK(field(a, "proc.cmdline") == "pip3 install saker-atk2-" + tok);
         }},
        {"Reverse shell", "Critical", "bash: echo >& /dev/tcp/127.0.0.1/<port>",
         "bash: a /dev/tcp socket on fd 5, not stdio",
         [&] {
             spawn_la({bash, "-c", "exec 5<>/dev/tcp/127.0.0.1/" + plain_port + "; exec 5>&-"});
         },
         [&] {
             spawn_atk({bash, "-c", "echo hi >& /dev/tcp/127.0.0.1/" + plain_port});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             host_process("bash")(a);
             CHECK((field(a, "evt.rawres") == "1" || field(a, "evt.rawres") == "2"));
             CHECK(field(a, "evt.type") == "dup2");
             CHECK(field_has(a, "fd.name", "->127.0.0.1:" + plain_port));
             CHECK(field(a, "fd.l4proto") == "tcp");
         }},
        {"Kernel module load", "Critical",
         "finit_module of a random 64-byte image (fails: a failed attempt still fires)",
         "reading the same .ko file, as modinfo would",
         [&] {
             spawn_la({cat, module});
         },
         [&] {
             int fd = ::open(module.c_str(), O_RDONLY | O_CLOEXEC);
             CHECK(syscall(SYS_finit_module, fd, "", 0) != 0); // never a loaded module
             ::close(fd);
         },
         by_pid(la_pid),
         [&](const Alert& a) { return by_pid(self)(a) && field(a, "evt.type") == "finit_module"; },
         [&](const Alert& a) {
             CHECK(field(a, "evt.res") != "SUCCESS");
             CHECK(field(a, "evt.res").starts_with("E"));
             CHECK(field(a, "container.id") == "host");
         }},
        {"Execution from a temporary directory", "Critical", "a copy of true run from /tmp",
         "/usr/bin/true run with its cwd in /tmp",
         [&] {
             spawn_la({truebin, "saker-la-" + tok}, work.path.string());
         },
         [&] { spawn_atk({dropper}); }, by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) { CHECK(field(a, "proc.exepath") == dropper); }},
        truncation("Log or shell history truncated", app_log, true),
        truncation("Log or shell history truncated", history, true),
        {"Log or shell history deleted", "Warning", "rm /var/log/saker-test-<tok>-old.log",
         "rm of a file in /tmp",
         [&] {
             spawn_la({rm, notes});
         },
         [&] {
             spawn_atk({rm, old_log});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             host_process("rm")(a);
             CHECK(field(a, "fs.path.name") == old_log);
         }},
        {"Container escape via cgroup release_agent", "Critical",
         "echo > /sys/fs/cgroup/release_agent in the container (refused: the attempt fires)",
         "reading release_agent in the container",
         [&] { in_container("/bin/cat /sys/fs/cgroup/release_agent /tmp/saker-la-" + tok); },
         [&] {
             in_container("/bin/sh -c 'echo /saker-" + tok + " > /sys/fs/cgroup/release_agent'");
         },
         by_cmdline("saker-la-" + tok), by_cmdline("/saker-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "fd.name") == "/sys/fs/cgroup/release_agent");
             CHECK(field(a, "evt.res") != "SUCCESS");
             CHECK(field(a, "container.id") == short_id);
         }},
        {"Host filesystem mounted from a container", "Critical",
         "mount -t ext4 /dev/saker-<tok> /mnt in the container (EPERM: the attempt fires)",
         "mount -t tmpfs in the container",
         [&] { in_container("/bin/mount -t tmpfs saker-la-" + tok + " /mnt"); },
         [&] { in_container("/bin/mount -t ext4 /dev/saker-atk-" + tok + " /mnt"); },
         [&](const Alert& a) { return field(a, "evt.arg.dev") == "saker-la-" + tok; },
         [&](const Alert& a) { return field(a, "evt.arg.dev") == "/dev/saker-atk-" + tok; },
         [&](const Alert& a) {
             CHECK(field(a, "evt.arg.type") == "ext4");
             CHECK(field(a, "evt.arg.dir") == "/mnt");
             CHECK(field(a, "evt.res") != "SUCCESS");
             CHECK(field(a, "proc.name") == "mount");
             CHECK(field(a, "container.id") == short_id);
         }},
        {"Crypto-miner pool port contacted", "Critical", "connect to 127.0.0.1:<stratum port>",
         "connect to 127.0.0.1:<an ephemeral port>",
         [&] { CHECK(connect_to("127.0.0.1", plain.port) == 0); },
         [&] { CHECK(connect_to("127.0.0.1", miner->port) == 0); },
         [&](const Alert& a) { return by_pid(self)(a) && field(a, "fd.sport") == plain_port; },
         [&](const Alert& a) { return by_pid(self)(a) && field(a, "fd.sport") == miner_port; },
         [&](const Alert& a) {
             CHECK(field(a, "fd.sip") == "127.0.0.1");
             CHECK(field(a, "evt.res") == "SUCCESS");
             CHECK(field_has(a, "fd.name", "->127.0.0.1:" + miner_port));
         }},
        {"Crypto-miner started", "Critical", "sh -c ': stratum+tcp://pool.invalid:3333'",
         "sh -c ': tcp://pool.invalid:3333'",
         [&] {
             spawn_la({shell, "-c", ": tcp://pool.invalid:3333"});
         },
         [&] {
             spawn_atk({shell, "-c", ": stratum+tcp://pool.invalid:3333"});
         },
         by_pid(la_pid), by_pid(atk_pid), [&](const Alert& a) { host_process("sh")(a); }},
        {"Kubernetes API contacted from a container", "Notice",
         "nc 10.96.0.1 443 in the container (no route out of its network namespace)",
         "nc 192.0.2.10 443 in the container, and 127.0.0.1:6443 from the host",
         [&] {
             in_container("/bin/nc -w 1 192.0.2.10 443");
             connect_to("127.0.0.1", 6443);
         },
         [&] { in_container("/bin/nc -w 1 10.96.0.1 443"); },
         [&](const Alert& a) {
             return (in_this_container(a) && field(a, "fd.sip") == "192.0.2.10") ||
                    (by_pid(self)(a) && field(a, "fd.sport") == "6443");
         },
         [&](const Alert& a) { return in_this_container(a) && field(a, "fd.sip") == "10.96.0.1"; },
         [&](const Alert& a) {
             CHECK(field(a, "fd.sport") == "443");
             CHECK(field(a, "proc.name") == "nc");
         }},
        {"Kubernetes API contacted from a container", "Notice",
         "nc 127.0.0.1 6443 in the container", "nc 127.0.0.1 6444 in the container",
         [&] { in_container("/bin/nc -w 1 127.0.0.1 6444"); },
         [&] { in_container("/bin/nc -w 1 127.0.0.1 6443"); },
         [&](const Alert& a) { return in_this_container(a) && field(a, "fd.sport") == "6444"; },
         [&](const Alert& a) { return in_this_container(a) && field(a, "fd.sport") == "6443"; },
         [&](const Alert& a) { CHECK(field(a, "fd.sip") == "127.0.0.1"); }},
        {"Setuid or setgid bit set", "Error", "chmod u+s", "chmod 755",
         [&] {
             spawn_la({chmod, "755", setuid_file});
         },
         [&] {
             spawn_atk({chmod, "u+s", setuid_file});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             host_process("chmod")(a);
             CHECK(field_has(a, "evt.arg.mode", "S_ISUID"));
             CHECK(field(a, "fs.path.name") == setuid_file);
         }},
        {"Setuid or setgid bit set", "Error", "chmod g+s", "chmod 0640 (clears the setuid bit)",
         [&] {
             spawn_la({chmod, "0640", setuid_file});
         },
         [&] {
             spawn_atk({chmod, "g+s", setuid_file});
         },
         by_pid(la_pid), by_pid(atk_pid),
         [&](const Alert& a) {
             CHECK(field_has(a, "evt.arg.mode", "S_ISGID"));
             CHECK(field(a, "evt.res") == "SUCCESS");
         }},
    };

    // What saker_rules.yaml leaves to Falco's stable rules, and the custom file on top.
    if (with_falco) {
        const std::vector<Scenario> falcos = {
            {"Read sensitive file untrusted", "Warning", "cat /etc/shadow", "cat /etc/hostname",
             [&] {
                 spawn_la({cat, "/etc/hostname"});
             },
             [&] {
                 spawn_atk({cat, "/etc/shadow"});
             },
             by_pid(la_pid), by_pid(atk_pid),
             [&](const Alert& a) {
                 host_process("cat")(a);
                 CHECK(field(a, "fd.name") == "/etc/shadow");
             }},
            {"Read sensitive file untrusted", "Warning",
             "cat of a file the custom rules append to sensitive_file_names",
             "the same file read by the reader the custom rules except",
             [&] {
                 spawn_la({excepted, secret});
             },
             [&] {
                 spawn_atk({cat, secret});
             },
             by_pid(la_pid), by_pid(atk_pid),
             [&](const Alert& a) { CHECK(field(a, "fd.name") == secret); }},
            {"PTRACE attached to process", "Warning", "PTRACE_ATTACH to a child of the test",
             "PTRACE_TRACEME in a child", [&] { la_pid = ptrace_traceme_child(); },
             [&] {
                 long rc = 0;
                 std::tie(atk_pid, rc) = ptrace_attach_child();
                 CHECK(rc == 0);
             },
             by_pid(la_pid),
             [&](const Alert& a) {
                 return by_pid(self)(a) && field(a, "evt.type") == "ptrace" &&
                        field(a, "evt.rawarg.pid") == std::to_string(atk_pid);
             },
             [&](const Alert& a) { CHECK(field(a, "container.id") == "host"); }},
            {"Fileless execution via memfd_create", "Critical",
             "true copied into a memfd and run with fexecve", "true run from its own path",
             [&] {
                 spawn_la({truebin, "saker-la2-" + tok});
             },
             [&] {
                 Spawned m = exec_from_memfd(truebin, "saker-" + tok);
                 atk_pid = m.pid;
                 CHECK(m.status == 0);
             },
             by_pid(la_pid), by_pid(atk_pid),
             [&](const Alert& a) { CHECK(field_has(a, "proc.exepath", "memfd:saker-" + tok)); }},
            truncation("Clear Log Activities", log, false),
        };
        scenarios.insert(scenarios.end(), falcos.begin(), falcos.end());
    }

    // Every rule of saker's file is exercised.
    std::set<std::string> covered;
    for (const auto& s : scenarios)
        covered.insert(s.rule);
    Cmd list = sh(std::string(SAKER_BIN) + " list-rules -r " + saker_rules + " --json");
    REQUIRE(list.status == 0);
    for (const auto& r : nlohmann::json::parse(list.out)) {
        INFO("rule without a scenario: " << r.dump());
        CHECK(covered.count(r["name"].get<std::string>()) == 1);
    }

    run_scenarios(agent, scenarios,
                  with_falco ? "falco_rules.yaml + saker_rules.yaml + custom" : "saker_rules.yaml",
                  started, with_falco);
}

} // namespace

TEST_CASE("saker_rules.yaml: every rule fires within 1 s on its attack, with its fields, and "
          "not on a harmless look-alike",
          "[rules][agent][containers][root]") {
    attack_suite(false);
}

TEST_CASE("falco_rules.yaml + saker_rules.yaml + a custom file: no event alerts twice",
          "[rules][agent][containers][root]") {
    attack_suite(true);
}
