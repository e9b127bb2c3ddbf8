// Falco's upstream rules, UNMODIFIED, that need the kernel's pid-namespace ids, the environment
// taken at exec, the peer of an unconnected UDP socket, or I/O payloads: one `saker run` on the
// three upstream files (sandbox rules enabled with -o rules[].enable.rule=...), each rule with
// its real trigger and a quiet look-alike.
// - Container Run as Root User: a container's first process (vpid 1, as container_started reads
//   it) vs a process runc execs into the same container later.
// - Basic Interactive Reconnaissance: `id` typed at a container's terminal (its own process
//   group: proc.is_vpgid_leader) vs the same `id` run by a shell script on that terminal.
// - Potential Local Privilege Escalation via Environment Variables Misuse: a short-lived process
//   with GLIBC_TUNABLES in its environment (gone before its event is evaluated) vs another var.
// - Unexpected inbound connection source: the UDP half of `inbound` (recvfrom on an unconnected
//   socket) from a source outside the allowed networks vs one inside 10.0.0.0/8. The addresses
//   live on the loopback interface of a private network namespace: nothing leaves the host.
// - Java Process Class File Download: a "java" (perl under that name) receiving a class file's
//   magic over loopback TCP, which needs evt.buffer (the probe's payload snapshot) vs other bytes.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/private_containerd.h" // add_sbin_to_path
#include "support/process_runner.h"
#include "support/root_guard.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using namespace saker::test;

// perl as `name`: argv[0] (proc.exe) ends in it, the program is perl's.
std::string perl_as(const TempDir& dir, const std::string& perl, const std::string& name) {
    const std::string path = dir / name;
    fs::copy_file(perl, path);
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

// A loopback TCP server that sends `payload` to one client; the "java" client reads it with
// recv() (the recvfrom syscall on x86_64).
std::vector<std::string> java_reads(const std::string& java, const std::string& payload_hex,
                                    const std::string& tag) {
    return {java, "-MIO::Socket::INET", "-e",
            "my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1:0') or die;"
            "my $p = $s->sockport; if (!fork) { my $c = $s->accept; print $c pack('H*', '" +
                payload_hex +
                "'); exit 0 } my $c = IO::Socket::INET->new('127.0.0.1:' . $p) or die;"
                "my $b; $c->recv($b, 256); wait; # " +
                tag};
}

// In a private network namespace whose loopback also carries 198.51.100.1/2 (documentation
// addresses) and 10.0.0.5: a UDP server receives one datagram from a client bound to `from`.
std::vector<std::string> udp_inbound(const TempDir& dir, const std::string& unshare,
                                     const std::string& shell, const std::string& perl,
                                     const std::string& from) {
    const std::string script = dir / ("udp-from-" + from + ".pl");
    std::ofstream(script)
        << "use IO::Socket::INET; use Socket;\n"
           "my $s = IO::Socket::INET->new(Proto => 'udp', LocalAddr => '198.51.100.1:5353') or "
           "die \"server: $!\";\n"
           "my $c = IO::Socket::INET->new(Proto => 'udp', LocalAddr => '"
        << from
        << ":0') or die \"client: $!\";\n"
           "$c->send('q', 0, pack_sockaddr_in(5353, inet_aton('198.51.100.1'))) or die;\n"
           "my $b; $s->recv($b, 16) or die;\n";
    return {unshare, "-n", shell, "-c",
            "ip link set lo up && ip addr add 198.51.100.1/32 dev lo && ip addr add "
            "198.51.100.2/32 dev lo && ip addr add 10.0.0.5/32 dev lo && exec " +
                perl + " " + script};
}

} // namespace

TEST_CASE("Falco's upstream rules on pid namespaces, exec env, UDP peers and payloads fire live",
          "[rules][upstream][agent][containers][root]") {
    const std::string missing =
        missing_tools({"runc", "script", "perl", "sh", "true", "env", "unshare", "ip"});
    SAKER_SKIP_UNLESS("the namespace/payload rules test", missing);
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8);
    const std::string shell = find_tool("sh"), perl = find_tool("perl"),
                      truebin = find_tool("true"), envbin = find_tool("env"),
                      script = find_tool("script"), unshare = find_tool("unshare");
    TempDir work("/tmp/saker-nsrules-XXXXXX");
    REQUIRE(!work.path.empty());
    const std::string java = perl_as(work, perl, "java");

    const std::string corpus = SAKER_CORPUS_DIR;
    RulesAgent agent({corpus + "/falco_rules.yaml", corpus + "/falco-incubating_rules.yaml",
                      corpus + "/falco-sandbox_rules.yaml"},
                     "/tmp/saker-nsrules-agent-",
                     {"-o", "rules[].enable.rule=Container Run as Root User", "-o",
                      "rules[].enable.rule=Unexpected inbound connection source", "-o",
                      "rules[].enable.rule=Java Process Class File Download"},
                     std::chrono::seconds(40));

    AttackContainer c("saker-nsrules-", {"sh", "sleep", "id"});
    const std::string short_id = c.short_id();
    const auto in_this_container = by_container(short_id);

    std::vector<Scenario> scenarios = {
        {"Container Run as Root User", "Informational",
         "the container's first process (runc run: sleep as root, vpid 1)",
         "sleep run in the same container by runc exec (not vpid 1)",
         [&] {}, // the look-alike runs after the attack: the container must exist first
         [&] {
             c.start();
             c.run("/bin/sleep 0");
         },
         [&](const Alert& a) {
             return in_this_container(a) && field(a, "proc.cmdline") == "sleep 0";
         },
         [&](const Alert& a) {
             return in_this_container(a) && field(a, "proc.cmdline") == "sleep 300";
         },
         [&](const Alert& a) {
             CHECK(field(a, "user.uid") == "0");
             CHECK(field(a, "proc.name") == "sleep");
         }},
        {"Basic Interactive Reconnaissance", "Notice",
         "id typed at the container's terminal (runc exec -t, its own process group)",
         "the same id run by a shell script on that terminal",
         [&] {
             Cmd r =
                 sh(script + " -qec \"" +
                    c.exec_command("/bin/sh -c 'id -u; : la-" + tok + "'", "-t") + "\" /dev/null");
             INFO(r.out);
             CHECK(r.status == 0);
         },
         [&] {
             Cmd r = sh(script + " -qec \"" + c.exec_command("/bin/id -g", "-t") + "\" /dev/null");
             INFO(r.out);
             CHECK(r.status == 0);
         },
         [&](const Alert& a) {
             return in_this_container(a) && field(a, "proc.cmdline") == "id -u";
         },
         [&](const Alert& a) {
             return in_this_container(a) && field(a, "proc.cmdline") == "id -g";
         },
         [&](const Alert& a) {
             CHECK(field(a, "proc.tty") != "0");
             CHECK(field(a, "proc.name") == "id");
         }},
        {"Potential Local Privilege Escalation via Environment Variables Misuse", "Notice",
         "true run with GLIBC_TUNABLES set (exits at once)", "true run with another variable",
         [&] {
             spawn({envbin, "SAKER_TUNABLES_" + tok + "=1", truebin, "la-" + tok});
         },
         [&] {
             spawn({envbin, "GLIBC_TUNABLES=glibc.malloc.mxfast=0", truebin, "atk-" + tok});
         },
         by_cmdline("la-" + tok), by_cmdline("atk-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "true");
             CHECK(field_has(a, "proc.env", "GLIBC_TUNABLES=glibc.malloc.mxfast=0"));
         }},
        {"Unexpected inbound connection source", "Notice",
         "UDP datagram from 198.51.100.2 received on an unconnected socket",
         "the same datagram from 10.0.0.5 (an allowed network)",
         [&] { CHECK(spawn(udp_inbound(work, unshare, shell, perl, "10.0.0.5")).status == 0); },
         [&] { CHECK(spawn(udp_inbound(work, unshare, shell, perl, "198.51.100.2")).status == 0); },
         [&](const Alert& a) { return field_has(a, "fd.name", "10.0.0.5"); },
         [&](const Alert& a) { return field_has(a, "fd.name", "198.51.100.2:"); },
         [&](const Alert& a) {
             CHECK(field(a, "fd.l4proto") == "udp");
             CHECK(field(a, "evt.type") == "recvfrom");
             CHECK(field(a, "fd.name") ==
                   "198.51.100.2:" + field(a, "fd.rport") + "->198.51.100.1:5353");
             CHECK(field(a, "fd.lport") == "5353");
         }},
        {"Java Process Class File Download", "Critical",
         "a java process receiving CAFEBABE... over loopback TCP",
         "the same java receiving other bytes",
         [&] { CHECK(spawn(java_reads(java, "0badf00d0000003d", "la-" + tok)).status == 0); },
         [&] { CHECK(spawn(java_reads(java, "cafebabe0000003d", "atk-" + tok)).status == 0); },
         by_cmdline("la-" + tok), by_cmdline("atk-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "evt.type") == "recvfrom");
             CHECK(field(a, "fd.l4proto") == "tcp");
             CHECK(field(a, "fd.sip") == "127.0.0.1");
         }},
    };
    run_scenarios(agent, scenarios, "upstream namespace/payload rules", started);
}
