// Falco's upstream rules, UNMODIFIED (SAKER_CORPUS_DIR/falco_rules.yaml), live: one `saker run`
// with the real probe, and for each rule tested a real action on the host or in a runc busybox
// container that Falco would alert on, plus a harmless look-alike Falco would not alert on. This
// shows saker evaluates the upstream macros (open_write, spawned_process, container, dup,
// container_entrypoint, ...) and renders the fields they use as Falco does. Attacks are safe:
// temp files and links, a log this test creates, processes of its own, a container with runc's
// minimal capabilities and its own network namespace.
// Reported skipped when not root or a tool is missing; FAILs instead with SAKER_REQUIRE_BPF=1.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/private_containerd.h" // add_sbin_to_path
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using namespace saker::test;

// A perl one-liner making one ptrace call (x86_64 syscall 101), tagged with `tag` so its alert
// can be told apart: perl is part of every Debian system (perl-base is essential).
std::vector<std::string> perl_ptrace(const std::string& perl, int request, pid_t pid,
                                     const std::string& tag) {
    return {perl, "-e",
            "syscall(101, " + std::to_string(request) + ", " + std::to_string(pid) +
                ", 0, 0); waitpid(" + std::to_string(pid) + ", 0) if " + std::to_string(request) +
                " == 16; syscall(101, 17, " + std::to_string(pid) + ", 0, 0); # " + tag};
}

// A child of the test that waits to be killed: something to attach to.
struct Sleeper {
    pid_t pid = fork();
    Sleeper() {
        if (pid == 0) {
            pause();
            _exit(0);
        }
    }
    ~Sleeper() {
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
    }
};

} // namespace

TEST_CASE("Falco's upstream rules, unmodified, fire live on real actions and not on look-alikes",
          "[rules][upstream][agent][containers][root]") {
    const std::string missing = missing_tools(
        {"runc", "script", "perl", "sh", "cat", "ln", "find", "grep", "shred", "rm", "true"});
    SAKER_SKIP_UNLESS("the upstream rules test", missing);
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8);
    const std::string shell = find_tool("sh"), cat = find_tool("cat"), ln = find_tool("ln"),
                      find = find_tool("find"), grep = find_tool("grep"),
                      shred = find_tool("shred"), rm = find_tool("rm"), perl = find_tool("perl"),
                      truebin = find_tool("true"), script = find_tool("script");
    TempDir work("/tmp/saker-upstream-XXXXXX");
    REQUIRE(!work.path.empty());
    VarLogFiles logs;
    const std::string log = logs.make("saker-upstream-" + tok + ".log");
    write_file(work.path / "id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nsaker test\n");
    write_file(work.path / "credentials", "aws_secret_access_key = saker-test\n");
    const std::string notes = write_file(work.path / "notes.txt", "notes\n");
    const std::string data = write_file(work.path / "data.bin", random_hex(64));
    const std::string data2 = write_file(work.path / "data2.bin", random_hex(64));
    const std::string dropper = work / ("saker-dropper-" + tok);
    fs::copy_file(truebin, dropper);
    fs::permissions(dropper, fs::perms::owner_all);
    struct ShmFile { // an executable below /dev/shm, removed at the end
        std::string path;
        ~ShmFile() { std::remove(path.c_str()); }
    } shm{"/dev/shm/saker-upstream-" + tok};
    fs::copy_file(truebin, shm.path);
    fs::permissions(shm.path, fs::perms::owner_all);
    // The shell copied under a web server's name (protected) and a neutral one.
    const std::string nginx = work / "nginx", worker = work / "worker";
    fs::copy_file(fs::canonical(shell), nginx);
    fs::copy_file(fs::canonical(shell), worker);
    fs::permissions(nginx, fs::perms::owner_all);
    fs::permissions(worker, fs::perms::owner_all);

    AttackContainer c("saker-upstream-", {"sh", "sleep", "nc", "arping", "insmod", "cat", "chmod"});
    const std::string short_id = c.short_id();
    // The privileged one: CAP_SYS_MODULE and CAP_SYS_ADMIN, what the escape rules look for. It
    // only loads a random 64-byte "module" (the kernel rejects it) and writes a file of its own.
    AttackContainer priv("saker-upstream-priv-", {"sh", "sleep", "insmod"},
                         {"CAP_SYS_MODULE", "CAP_SYS_ADMIN"});
    for (const auto* box : {&c, &priv})
        write_file(box->rootfs() / "tmp" / "rootkit.ko", random_hex(64));
    auto in_container = [&](const std::string& args) { c.run(args); };
    const auto in_this_container = by_container(short_id);

    RulesAgent agent({std::string(SAKER_CORPUS_DIR) + "/falco_rules.yaml"},
                     "/tmp/saker-upstream-agent-");
    c.start();
    priv.start();

    pid_t la_pid = -1, atk_pid = -1;
    auto spawn_la = [&](std::vector<std::string> argv) { la_pid = spawn(argv).pid; };
    auto spawn_atk = [&](std::vector<std::string> argv) { atk_pid = spawn(argv).pid; };
    // Upstream outputs carry no pid: spawned processes are told apart by their command line.
    auto cmd_is = [](std::vector<std::string> argv) {
        std::string want = fs::path(argv[0]).filename().string();
        for (std::size_t i = 1; i < argv.size(); ++i)
            want += " " + argv[i];
        return [want](const Alert& a) { return field(a, "proc.cmdline") == want; };
    };
    auto on_host = [](const std::string& name) {
        return [name](const Alert& a) {
            CHECK(field(a, "proc.name") == name);
            CHECK(field(a, "container.id") == "host");
        };
    };
    Sleeper target;

    const std::vector<std::string> cat_shadow = {cat, "/etc/shadow"},
                                   cat_hostname = {cat, "/etc/hostname"},
                                   traversal = {cat, "/tmp/../etc/../etc/hostname"},
                                   symlink_shadow = {ln, "-s", "/etc/shadow", work / "l1"},
                                   symlink_hostname = {ln, "-s", "/etc/hostname", work / "l2"},
                                   hardlink_shadow = {ln, "/etc/shadow", work / "h1"},
                                   hardlink_notes = {ln, notes, work / "h2"},
                                   truncate_log = {shell, "-c", ": > " + log},
                                   append_log = {shell, "-c", "echo line >> " + log},
                                   shred_data = {shred, "-u", data}, rm_data = {rm, data2},
                                   find_key = {find, work.path, "-name", "id_rsa"},
                                   find_notes = {find, work.path, "-name", "notes.txt"},
                                   grep_key = {grep, "-rl", "BEGIN RSA PRIVATE", work.path},
                                   grep_cert = {grep, "-rl", "BEGIN CERTIFICATE", work.path},
                                   grep_aws = {grep, "-rl", "aws_secret_access_key", work.path},
                                   grep_region = {grep, "-rl", "aws_region", work.path},
                                   attach = perl_ptrace(perl, 16, target.pid, "atk-" + tok),
                                   traceme = perl_ptrace(perl, 0, 0, "la-" + tok),
                                   attach2 = perl_ptrace(perl, 16, target.pid, "la2-" + tok),
                                   traceme2 = perl_ptrace(perl, 0, 0, "atk2-" + tok),
                                   nginx_shell = {nginx, "-c",
                                                  shell + " -c ': atk-" + tok + "'; :"},
                                   worker_shell = {worker, "-c",
                                                   shell + " -c ': la-" + tok + "'; :"};

    std::vector<Scenario> scenarios = {
        {"Read sensitive file untrusted", "Warning", "cat /etc/shadow", "cat /etc/hostname",
         [&] { spawn_la(cat_hostname); }, [&] { spawn_atk(cat_shadow); },
         [&](const Alert& a) { return field(a, "fd.name") == "/etc/hostname"; }, cmd_is(cat_shadow),
         [&](const Alert& a) {
             on_host("cat")(a);
             CHECK(field(a, "fd.name") == "/etc/shadow");
             CHECK(field(a, "evt.type") == "openat");
             CHECK(field(a, "user.name") == "root");
         }},
        {"Directory traversal monitored file read", "Warning",
         "cat /tmp/../etc/../etc/hostname (started by the test, not a shell)", "cat /etc/hostname",
         [&] { spawn_la(cat_hostname); }, [&] { spawn_atk(traversal); }, cmd_is(cat_hostname),
         cmd_is(traversal),
         [&](const Alert& a) {
             CHECK(field(a, "fd.name") == "/etc/hostname");
             CHECK(field(a, "fd.nameraw") == "/tmp/../etc/../etc/hostname");
         }},
        {"Create Symlink Over Sensitive Files", "Warning", "ln -s /etc/shadow",
         "ln -s /etc/hostname", [&] { spawn_la(symlink_hostname); },
         [&] { spawn_atk(symlink_shadow); }, cmd_is(symlink_hostname), cmd_is(symlink_shadow),
         [&](const Alert& a) {
             on_host("ln")(a);
             CHECK(field(a, "evt.arg.target") == "/etc/shadow");
             CHECK(field(a, "evt.arg.linkpath") == work / "l1");
         }},
        {"Create Hardlink Over Sensitive Files", "Warning", "ln /etc/shadow",
         "ln of an ordinary file", [&] { spawn_la(hardlink_notes); },
         [&] { spawn_atk(hardlink_shadow); }, cmd_is(hardlink_notes), cmd_is(hardlink_shadow),
         [&](const Alert& a) {
             on_host("ln")(a);
             CHECK(field(a, "evt.arg.oldpath") == "/etc/shadow");
         }},
        {"Clear Log Activities", "Warning", ": > /var/log/saker-upstream-<tok>.log",
         "echo >> the same log", [&] { spawn_la(append_log); }, [&] { spawn_atk(truncate_log); },
         cmd_is(append_log), cmd_is(truncate_log),
         [&](const Alert& a) {
             on_host("sh")(a);
             CHECK(field(a, "fd.name") == log);
         }},
        {"Remove Bulk Data from Disk", "Warning", "shred -u a temp file", "rm a temp file",
         [&] { spawn_la(rm_data); }, [&] { spawn_atk(shred_data); }, cmd_is(rm_data),
         cmd_is(shred_data), on_host("shred")},
        {"Search Private Keys or Passwords", "Warning", "find <dir> -name id_rsa",
         "find <dir> -name notes.txt", [&] { spawn_la(find_notes); }, [&] { spawn_atk(find_key); },
         cmd_is(find_notes), cmd_is(find_key), on_host("find")},
        {"Search Private Keys or Passwords", "Warning", "grep -rl 'BEGIN RSA PRIVATE'",
         "grep -rl 'BEGIN CERTIFICATE'", [&] { spawn_la(grep_cert); }, [&] { spawn_atk(grep_key); },
         cmd_is(grep_cert), cmd_is(grep_key), on_host("grep")},
        {"Find AWS Credentials", "Warning", "grep -rl aws_secret_access_key", "grep -rl aws_region",
         [&] { spawn_la(grep_region); }, [&] { spawn_atk(grep_aws); }, cmd_is(grep_region),
         cmd_is(grep_aws), on_host("grep")},
        {"PTRACE attached to process", "Warning", "perl: ptrace(PTRACE_ATTACH) to a child",
         "perl: ptrace(PTRACE_TRACEME)", [&] { spawn_la(traceme); }, [&] { spawn_atk(attach); },
         cmd_is(traceme), cmd_is(attach), on_host("perl")},
        {"PTRACE anti-debug attempt", "Notice", "perl: ptrace(PTRACE_TRACEME)",
         "perl: ptrace(PTRACE_ATTACH)", [&] { spawn_la(attach2); }, [&] { spawn_atk(traceme2); },
         cmd_is(attach2), cmd_is(traceme2), on_host("perl")},
        {"Execution from /dev/shm", "Warning", "a copy of true run from /dev/shm",
         "the same copy run from /tmp", [&] { spawn_la({dropper}); },
         [&] { spawn_atk({shm.path}); },
         [&](const Alert& a) { return field(a, "proc.exepath") == dropper; },
         [&](const Alert& a) { return field(a, "proc.exepath") == shm.path; },
         [&](const Alert& a) { CHECK(field(a, "evt.type") == "execve"); }},
        {"Fileless execution via memfd_create", "Critical", "true run from a memfd (fexecve)",
         "true run from its path",
         [&] {
             spawn_la({truebin, "la-" + tok});
         },
         [&] { atk_pid = exec_from_memfd(truebin, "saker-" + tok).pid; },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "la-" + tok); },
         [&](const Alert& a) { return field_has(a, "proc.exepath", "memfd:saker-" + tok); },
         [&](const Alert& a) { CHECK(field(a, "container.id") == "host"); }},
        {"Run shell untrusted", "Notice", "a shell started by a process named nginx",
         "the same shell started by a process named worker", [&] { spawn_la(worker_shell); },
         [&] { spawn_atk(nginx_shell); },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "la-" + tok); },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "atk-" + tok); },
         [&](const Alert& a) {
             CHECK(field(a, "proc.pname") == "nginx");
             CHECK(field(a, "proc.name") == "sh");
         }},
        {"Terminal shell in container", "Notice",
         "runc exec -t <c> /bin/sh (a terminal from script(1))", "runc exec without -t",
         [&] { in_container("/bin/sh -c ': la-" + tok + "'"); },
         [&] {
             Cmd r = sh(script + " -qec \"" +
                        c.exec_command("/bin/sh -c ': atk-" + tok + "'", "-t") + "\" /dev/null");
             INFO(r.out);
             CHECK(r.status == 0);
         },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "la-" + tok); },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "atk-" + tok); },
         [&](const Alert& a) {
             CHECK(field(a, "proc.tty") != "0");
             CHECK(field(a, "proc.pname") == "runc");
             CHECK(field(a, "container.id") == short_id);
         }},
        {"Netcat Remote Code Execution in Container", "Warning",
         "nc ... -e /bin/true in the container", "nc without -e in the container",
         [&] { in_container("/bin/nc -w 1 127.0.0.1 7002"); },
         [&] { in_container("/bin/nc -w 1 127.0.0.1 7001 -e /bin/true"); },
         [&](const Alert& a) {
             return in_this_container(a) && field_has(a, "proc.cmdline", "7002");
         },
         [&](const Alert& a) {
             return in_this_container(a) && field_has(a, "proc.cmdline", "7001");
         },
         [&](const Alert& a) { CHECK(field(a, "proc.name") == "nc"); }},
        {"Redirect STDOUT/STDIN to Network Connection in Container", "Notice",
         "nc -e: a connected socket dup2()ed onto stdin/stdout in the container",
         "a connected nc without -e in the container",
         [&] {
             c.exec_detached("/bin/nc -l -p 7004");
             REQUIRE(wait_listening(7004, c.init_pid()));
             in_container("/bin/nc -w 1 127.0.0.1 7004");
         },
         [&] {
             c.exec_detached("/bin/nc -l -p 7000");
             REQUIRE(wait_listening(7000, c.init_pid()));
             in_container("/bin/nc -w 1 127.0.0.1 7000 -e /bin/true");
         },
         [&](const Alert& a) { return in_this_container(a) && field_has(a, "fd.name", ":7004"); },
         [&](const Alert& a) {
             return in_this_container(a) && field_has(a, "fd.name", "->127.0.0.1:7000");
         },
         [&](const Alert& a) {
             CHECK(field(a, "fd.type") == "ipv4");
             CHECK(field(a, "fd.l4proto") == "tcp");
             CHECK(field(a, "evt.type") == "dup2");
             CHECK(field(a, "proc.name") == "nc");
         }},
        {"Packet socket created in container", "Notice",
         "arping in the container: socket(AF_PACKET) (EPERM: the attempt fires)",
         "nc in the container: socket(AF_INET)",
         [&] { in_container("/bin/nc -w 1 127.0.0.1 7005"); },
         [&] { in_container("/bin/arping -c 1 -I lo 127.0.0.1"); },
         [&](const Alert& a) { return in_this_container(a) && field(a, "proc.name") == "nc"; },
         [&](const Alert& a) { return in_this_container(a) && field(a, "proc.name") == "arping"; },
         [&](const Alert& a) { CHECK(field_has(a, "evt.args", "AF_PACKET")); }},
        {"Drop and execute new binary in container", "Critical",
         "a binary written into the container (its upper layer) and run",
         "a binary of the image (lower layer) run",
         [&] { in_container("/bin/cat /etc/hostname la-" + tok); },
         [&] {
             in_container("/bin/sh -c 'cat /bin/busybox > /tmp/dropped-" + tok +
                          "; chmod 755 /tmp/dropped-" + tok + "'");
             in_container("/tmp/dropped-" + tok + " true");
         },
         [&](const Alert& a) { return field_has(a, "proc.cmdline", "la-" + tok); },
         [&](const Alert& a) { return field(a, "proc.exe") == "/tmp/dropped-" + tok; },
         [&](const Alert& a) {
             CHECK(field(a, "container.id") == short_id);
             CHECK(field(a, "proc.cwd") == "/");
         }},
        {"Linux Kernel Module Injection Detected", "Warning",
         "insmod of a random image in a container with CAP_SYS_MODULE (rejected: still fires)",
         "the same insmod in a container without CAP_SYS_MODULE",
         [&] { in_container("/bin/insmod /tmp/rootkit.ko"); },
         [&] { CHECK(priv.exec("/bin/insmod /tmp/rootkit.ko").started); }, in_this_container,
         [&](const Alert& a) { return field(a, "container.id") == priv.short_id(); },
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "insmod");
             CHECK(field(a, "evt.res") != "SUCCESS");
             CHECK(field(a, "proc.args") == "/tmp/rootkit.ko");
         }},
        {"Detect release_agent File Container Escapes", "Critical",
         "a file named release_agent written in a container with CAP_SYS_ADMIN",
         "the same write in a container without CAP_SYS_ADMIN",
         [&] { in_container("/bin/sh -c 'echo /x > /tmp/release_agent'"); },
         [&] { CHECK(priv.exec("/bin/sh -c 'echo /x > /tmp/release_agent'").status == 0); },
         in_this_container,
         [&](const Alert& a) { return field(a, "container.id") == priv.short_id(); },
         [&](const Alert& a) {
             CHECK(field(a, "fd.name") == "/tmp/release_agent");
             CHECK(field_has(a, "thread.cap_effective", "CAP_SYS_ADMIN"));
         }},
    };

    run_scenarios(agent, scenarios, "falco_rules.yaml", started);
}
