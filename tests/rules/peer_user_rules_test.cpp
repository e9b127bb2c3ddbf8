// Falco's upstream rules, UNMODIFIED, that judge a connection's peer or a process's user: one
// `saker run` on the three upstream files (sandbox rules enabled with -o rules[].enable.rule=...),
// each rule with its real trigger and a quiet look-alike.
// Network: both halves of Falco's `outbound` macro (connect, and sendto on an unconnected UDP
// socket), of `inbound` (recvfrom on one) and `inbound_outbound` (connect on a UDP socket).
// Every address lives on the loopback interface of a private network namespace (one `unshare
// -n` per host-side action; `AttackContainer::add_address` for the runc container's own):
// 198.51.100.0/24 (documentation), 10.0.0.5 (RFC 1918, what `outbound` excludes) and
// 169.254.169.254 (the cloud metadata address). No packet leaves its namespace.
// - Disallowed SSH Connection Non Standard Port: the real ssh client connecting to port 8080
//   (and 443) vs port 22, and vs "ssh" sending a UDP datagram to port 53 (the rule asks tcp).
// - Unexpected UDP Traffic: connect() of a UDP socket to port 9999 vs to port 53 (expected).
// - System procs network activity: bash's /dev/udp vs the same from bash named `hostid`.
// - Interpreted procs outbound / inbound network activity: perl sending / receiving a datagram
//   on an unconnected socket, to / from 198.51.100.x vs 10.0.0.5 / loopback.
// - Detect outbound connections to common miner pool ports: xmr.pool.minergate.com maps to
//   198.51.100.9 in the agent's private hosts file (support/private_resolver.h); TCP to its port
//   3333 vs to 198.51.100.10 (no name), UDP to its port 14444 vs to its port 14445.
// - Contact EC2 Instance Metadata Service From Container / Contact cloud metadata service from
//   container: nc (TCP) and tftp (sendto, UDP) in the container to 169.254.169.254 vs the same
//   from a host process or to another address.
// - Unexpected K8s NodePort Connection: nc in the container to port 30080 vs port 29999.
// Users: - Non sudo setuid: setuid(bin) called by daemon vs setuid(nobody) by nobody (Falco's
//   `somebody_becoming_themselves`, which reads evt.arg.uid as a user name); in the container,
//   busybox httpd -u becoming a user its /etc/passwd names vs a uid it does not (<NA>, which
//   `known_user_in_container` excludes).
// - System user interactive: a command run as daemon below a process named sshd vs below worker.
// - Program run with disallowed http proxy env: curl with HTTP_PROXY set vs with HTTPS_PROXY.
#include "rules/attack_kit.h"
#include "rules/rule_scenarios.h"
#include "support/agent_process.h"
#include "support/private_containerd.h" // add_sbin_to_path
#include "support/private_resolver.h"
#include "support/process_runner.h"
#include "support/root_guard.h"
#include "support/wait.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace saker::test;

// A copy of `program` named `name` (proc.name is `name`, the program is the original).
std::string copy_as(const TempDir& dir, const std::string& program, const std::string& name) {
    const std::string path = dir / name;
    fs::copy_file(fs::canonical(program), path);
    fs::permissions(path, fs::perms::owner_all);
    return path;
}

// One datagram with perl, argv: mode ip port [from]. send: sendto() on an unconnected socket;
// connect: connect() of a UDP socket, then send(); recv: a server on ip:port receives (recvfrom)
// a datagram a client bound to `from` sends it.
constexpr const char* kUdpScript = R"(use IO::Socket::INET; use Socket;
my ($mode, $ip, $port, $from) = @ARGV;
if ($mode eq 'send') {
    my $s = IO::Socket::INET->new(Proto => 'udp') or die "socket: $!";
    defined send($s, 'q', 0, pack_sockaddr_in($port, inet_aton($ip))) or die "send: $!";
} elsif ($mode eq 'connect') {
    my $s = IO::Socket::INET->new(Proto => 'udp', PeerAddr => $ip, PeerPort => $port)
        or die "connect: $!";
    defined $s->send('q') or die "send: $!";
} else {
    my $s = IO::Socket::INET->new(Proto => 'udp', LocalAddr => "$ip:$port") or die "server: $!";
    my $c = IO::Socket::INET->new(Proto => 'udp', LocalAddr => "$from:0") or die "client: $!";
    defined send($c, 'q', 0, pack_sockaddr_in($port, inet_aton($ip))) or die "send: $!";
    my $b; defined $s->recv($b, 16) or die "recv: $!";
}
)";

// A TCP listener on ip:port, then a connection to it; argv: ip port.
constexpr const char* kTcpScript = R"(use IO::Socket::INET;
my ($ip, $port) = @ARGV;
my $l = IO::Socket::INET->new(Listen => 1, LocalAddr => "$ip:$port", ReuseAddr => 1)
    or die "listen: $!";
IO::Socket::INET->new(PeerAddr => "$ip:$port") or die "connect: $!";
)";

// A TCP listener on ip:port that answers one client with a line that is not an SSH banner; the
// client is the command after ip port (forked, so it connects once the listener is up).
constexpr const char* kBannerScript = R"(use IO::Socket::INET;
my ($ip, $port, @client) = @ARGV;
my $l = IO::Socket::INET->new(Listen => 1, LocalAddr => "$ip:$port", ReuseAddr => 1)
    or die "listen: $!";
my $pid = fork // die;
if (!$pid) { exec @client or die "exec: $!" }
my $c = $l->accept or die "accept: $!";
print $c "not ssh\r\n"; close $c; waitpid($pid, 0);
)";

// argv run in a new network namespace whose loopback (up) carries the test's addresses.
std::vector<std::string> in_private_netns(const std::string& unshare, const std::string& shell,
                                          const std::vector<std::string>& argv) {
    std::string cmd = "ip link set lo up";
    for (const char* ip : {"198.51.100.1", "198.51.100.2", "198.51.100.9", "198.51.100.10",
                           "10.0.0.5", "169.254.169.254"})
        cmd += std::string(" && ip addr add ") + ip + "/32 dev lo";
    cmd += " && exec";
    for (const auto& a : argv)
        cmd += " '" + a + "'";
    return {unshare, "-n", shell, "-c", cmd};
}

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
// Alerts for a connection whose server end (the right of fd.name) is `server` ("ip:port").
auto to_server(const std::string& server) {
    return [server](const Alert& a) { return ends_with(field(a, "fd.name"), "->" + server); };
}

} // namespace

TEST_CASE("Falco's upstream rules on connection peers and users fire live",
          "[rules][upstream][agent][containers][root]") {
    const std::string missing = missing_tools({"runc", "perl", "sh", "bash", "ssh", "curl", "env",
                                               "setpriv", "unshare", "ip", "nsenter", "busybox"});
    SAKER_SKIP_UNLESS("the peer/user rules test", missing);
    add_sbin_to_path();
    const auto started = Clock::now();
    const std::string tok = random_hex(8);
    const std::string shell = find_tool("sh"), bash = find_tool("bash"), perl = find_tool("perl"),
                      ssh = find_tool("ssh"), curl = find_tool("curl"), envbin = find_tool("env"),
                      setpriv = find_tool("setpriv"), unshare = find_tool("unshare"),
                      busybox = find_tool("busybox"), truebin = find_tool("true");
    TempDir work("/tmp/saker-peerrules-XXXXXX");
    REQUIRE(!work.path.empty());
    fs::permissions(work.path, fs::perms::owner_all | fs::perms::others_exec);
    const std::string udp = write_file(work.path / "udp.pl", kUdpScript),
                      tcp = write_file(work.path / "tcp.pl", kTcpScript),
                      banner = write_file(work.path / "banner.pl", kBannerScript);
    const std::string fake_ssh = copy_as(work, perl, "ssh"), hostid = copy_as(work, bash, "hostid"),
                      sshd = copy_as(work, shell, "sshd"), worker = copy_as(work, shell, "worker");
    // `expect`: the exit status (-1: killed, as tftp without an answer is by `timeout`).
    auto netns = [&](const std::vector<std::string>& argv, int expect = 0) {
        Spawned s = spawn(in_private_netns(unshare, shell, argv));
        CHECK(s.status == expect);
    };
    // The real ssh client, which fails at once on the listener's non-banner.
    auto ssh_to = [&](const std::string& port) {
        netns({perl, banner, "198.51.100.1", port, ssh, "-o", "BatchMode=yes", "-o",
               "ConnectTimeout=2", "-p", port, "saker@198.51.100.1"});
    };
    auto by_tag = [](const std::string& tag) { return by_cmdline(tag); };

    // The agent resolves the miner pool names in its own hosts file: one of them is ours.
    PrivateResolverFiles resolver("127.0.0.1 localhost\n198.51.100.9 xmr.pool.minergate.com\n");
    REQUIRE(resolver.ok());
    const std::string corpus = SAKER_CORPUS_DIR;
    RulesAgent agent({corpus + "/falco_rules.yaml", corpus + "/falco-incubating_rules.yaml",
                      corpus + "/falco-sandbox_rules.yaml"},
                     "/tmp/saker-peerrules-agent-",
                     {"-o", "rules[].enable.rule=Interpreted procs inbound network activity", "-o",
                      "rules[].enable.rule=Interpreted procs outbound network activity", "-o",
                      "rules[].enable.rule=Unexpected K8s NodePort Connection", "-o",
                      "rules[].enable.rule=Detect outbound connections to common miner pool ports"},
                     std::chrono::seconds(40), &resolver);

    // CAP_SETUID/CAP_SETGID (Docker's defaults have them) for httpd -u.
    AttackContainer c("saker-peerrules-", {"sh", "sleep", "nc", "tftp", "timeout", "httpd"},
                      {"CAP_SETUID", "CAP_SETGID"});
    // The image's users: root and saker (1234); uid 4321 has no name in the container.
    write_file(c.rootfs() / "etc" / "passwd",
               "root:x:0:0:root:/root:/bin/sh\nsaker:x:1234:1234:saker:/:/bin/sh\n");
    c.start();
    const std::string short_id = c.short_id();
    const auto in_this_container = by_container(short_id);
    for (const char* ip : {"169.254.169.254", "198.51.100.1"})
        c.add_address(ip);
    // nc listening in the container for one client on `port`, up before the client runs.
    auto listen_in_container = [&](uint16_t port) {
        c.exec_detached("/bin/nc -l -p " + std::to_string(port));
        REQUIRE(wait_listening(port, c.init_pid()));
    };
    auto tftp = [](const std::string& ip, const std::string& port) {
        return "/bin/timeout 1 /bin/tftp -g -r x -l /dev/null " + ip + " " + port;
    };
    // busybox httpd serving on `port` for 1 s (then stopped by timeout: 143), as `uid` once bound.
    auto httpd_as = [&](const std::string& uid, const std::string& port) {
        Cmd r =
            c.exec("/bin/timeout 1 /bin/httpd -f -p " + port + " -h /tmp -u " + uid + ":" + uid);
        INFO("httpd -u " << uid << ": " << r.out);
        CHECK(r.status == 143);
    };
    auto from_host = [](const Alert& a) { return field(a, "container.id") == "host"; };
    auto udp_sent = [](const std::string& evt_type) {
        return [evt_type](const Alert& a) {
            CHECK(field(a, "evt.type") == evt_type);
            CHECK(field(a, "fd.l4proto") == "udp");
        };
    };

    std::vector<Scenario> scenarios = {
        {"Disallowed SSH Connection Non Standard Port", "Notice",
         "ssh -p 8080 to 198.51.100.1 (TCP)", "the same ssh to port 22", [&] { ssh_to("22"); },
         [&] { ssh_to("8080"); }, to_server("198.51.100.1:22"), to_server("198.51.100.1:8080"),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "ssh");
             CHECK(field(a, "evt.type") == "connect");
             CHECK(field(a, "fd.l4proto") == "tcp");
             CHECK(field(a, "fd.rport") == "8080");
             CHECK(field(a, "fd.sip") == "198.51.100.1");
         }},
        {"Disallowed SSH Connection Non Standard Port", "Notice",
         "ssh -p 443 to 198.51.100.1 (TCP)",
         "a process named ssh sending a UDP datagram to port 53 (outbound's UDP half; the rule "
         "asks for tcp)",
         [&] {
             netns({fake_ssh, udp, "send", "198.51.100.1", "53", "la2-" + tok});
         },
         [&] { ssh_to("443"); }, [](const Alert& a) { return field(a, "fd.l4proto") == "udp"; },
         to_server("198.51.100.1:443"),
         [&](const Alert& a) { CHECK(field(a, "fd.rport") == "443"); }},
        {"Unexpected UDP Traffic", "Notice", "connect() of a UDP socket to 198.51.100.1:9999",
         "the same to port 53 (expected_udp_ports)",
         [&] {
             netns({perl, udp, "connect", "198.51.100.1", "53", "la3-" + tok});
         },
         [&] {
             netns({perl, udp, "connect", "198.51.100.1", "9999", "atk3-" + tok});
         },
         by_tag("la3-" + tok), by_tag("atk3-" + tok),
         [&](const Alert& a) {
             udp_sent("connect")(a);
             CHECK(field(a, "fd.name") ==
                   "198.51.100.1:" + field(a, "fd.lport") + "->198.51.100.1:9999");
         }},
        {"System procs network activity", "Notice", "bash: echo > /dev/udp/198.51.100.1/9998",
         "the same from bash named hostid (known_system_procs_network_activity_binaries)",
         [&] {
             netns({hostid, "-c", "echo q > /dev/udp/198.51.100.1/9998; : la4-" + tok});
         },
         [&] {
             netns({bash, "-c", "echo q > /dev/udp/198.51.100.1/9998; : atk4-" + tok});
         },
         by_tag("la4-" + tok), by_tag("atk4-" + tok),
         [&](const Alert& a) {
             udp_sent("connect")(a);
             CHECK(field(a, "proc.name") == "bash");
             CHECK(field(a, "fd.sport") == "9998");
         }},
        {"Interpreted procs outbound network activity", "Notice",
         "perl: sendto() 198.51.100.1:9996 on an unconnected UDP socket",
         "the same to 10.0.0.5 (an RFC 1918 address)",
         [&] {
             netns({perl, udp, "send", "10.0.0.5", "9996", "la5-" + tok});
         },
         [&] {
             netns({perl, udp, "send", "198.51.100.1", "9996", "atk5-" + tok});
         },
         by_tag("la5-" + tok), by_tag("atk5-" + tok),
         [&](const Alert& a) {
             udp_sent("sendto")(a);
             CHECK(field(a, "fd.sip") == "198.51.100.1");
             CHECK(field(a, "fd.sport") == "9996");
         }},
        {"Interpreted procs inbound network activity", "Notice",
         "perl: recvfrom() on 198.51.100.1:9995 of a datagram from 198.51.100.2",
         "the same on 127.0.0.1 from 127.0.0.2 (loopback)",
         [&] {
             netns({perl, udp, "recv", "127.0.0.1", "9995", "127.0.0.2", "la6-" + tok});
         },
         [&] {
             netns({perl, udp, "recv", "198.51.100.1", "9995", "198.51.100.2", "atk6-" + tok});
         },
         by_tag("la6-" + tok), by_tag("atk6-" + tok),
         [&](const Alert& a) {
             udp_sent("recvfrom")(a);
             CHECK(field(a, "fd.name") ==
                   "198.51.100.2:" + field(a, "fd.rport") + "->198.51.100.1:9995");
         }},
        {"Detect outbound connections to common miner pool ports", "Critical",
         "TCP connect to xmr.pool.minergate.com (198.51.100.9 in the hosts file) port 3333",
         "the same to 198.51.100.10 (no name)",
         [&] {
             netns({perl, tcp, "198.51.100.10", "3333", "la7-" + tok});
         },
         [&] {
             netns({perl, tcp, "198.51.100.9", "3333", "atk7-" + tok});
         },
         to_server("198.51.100.10:3333"), to_server("198.51.100.9:3333"),
         [&](const Alert& a) {
             CHECK(field(a, "evt.type") == "connect");
             CHECK(field(a, "fd.rip") == "198.51.100.9");
         }},
        {"Detect outbound connections to common miner pool ports", "Critical",
         "UDP sendto() xmr.pool.minergate.com port 14444", "the same to its port 14445",
         [&] {
             netns({perl, udp, "send", "198.51.100.9", "14445", "la8-" + tok});
         },
         [&] {
             netns({perl, udp, "send", "198.51.100.9", "14444", "atk8-" + tok});
         },
         to_server("198.51.100.9:14445"), to_server("198.51.100.9:14444"), udp_sent("sendto")},
        {"Non sudo setuid", "Notice",
         "setuid(2) (bin) called by user daemon (refused: still fires)",
         "setuid(65534) called by nobody (somebody_becoming_themselves)",
         [&] {
             spawn({setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", perl, "-e",
                    "syscall(105, 65534); # la9-" + tok});
         },
         [&] {
             spawn({setpriv, "--reuid=daemon", "--regid=daemon", "--clear-groups", perl, "-e",
                    "syscall(105, 2); # atk9-" + tok});
         },
         by_tag("la9-" + tok), by_tag("atk9-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "evt.type") == "setuid");
             CHECK(field(a, "user.name") == "daemon");
             CHECK(field(a, "user.uid") == "1");
             CHECK(field(a, "evt.arg.uid") == "bin");
         }},
        {"Non sudo setuid", "Notice",
         "httpd -u 1234 in the container: setuid() to saker, a user the container's passwd "
         "names (known_user_in_container)",
         "the same with -u 4321, a uid it does not name (user.name <NA>)",
         [&] { httpd_as("4321", "8081"); }, [&] { httpd_as("1234", "8082"); },
         [&](const Alert& a) { return in_this_container(a) && by_cmdline("-u 4321")(a); },
         [&](const Alert& a) { return in_this_container(a) && by_cmdline("-u 1234")(a); },
         [&](const Alert& a) {
             // Falco evaluates a successful setuid with the process's new user.
             CHECK(field(a, "evt.type") == "setuid");
             CHECK(field(a, "proc.name") == "httpd");
             CHECK(field(a, "user.name") == "saker");
             CHECK(field(a, "user.uid") == "1234");
             CHECK(field(a, "evt.arg.uid") == "saker");
         }},
        {"System user interactive", "Informational",
         "true run as daemon by a shell named sshd (interactive: an sshd ancestor)",
         "the same run by a shell named worker",
         [&] {
             spawn({worker, "-c",
                    setpriv + " --reuid=daemon --regid=daemon --clear-groups " + truebin +
                        " la10-" + tok + "; :"});
         },
         [&] {
             spawn({sshd, "-c",
                    setpriv + " --reuid=daemon --regid=daemon --clear-groups " + truebin +
                        " atk10-" + tok + "; :"});
         },
         by_tag("la10-" + tok), by_tag("atk10-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "user.name") == "daemon");
             CHECK(field(a, "proc.name") == "true");
             CHECK(field(a, "proc.pname") == "sshd");
         }},
        {"Program run with disallowed http proxy env", "Notice",
         "curl run with HTTP_PROXY set (exits at once)", "the same curl with HTTPS_PROXY set",
         [&] {
             spawn({envbin, "HTTPS_PROXY=http://127.0.0.1:9", curl, "-s",
                    "file:///nonexistent/la11-" + tok});
         },
         [&] {
             spawn({envbin, "HTTP_PROXY=http://127.0.0.1:9", curl, "-s",
                    "file:///nonexistent/atk11-" + tok});
         },
         by_tag("la11-" + tok), by_tag("atk11-" + tok),
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "curl");
             CHECK(field_has(a, "proc.env", "HTTP_PROXY=http://127.0.0.1:9"));
         }},
        {"Contact EC2 Instance Metadata Service From Container", "Notice",
         "nc in the container connecting to 169.254.169.254:80",
         "a host process connecting to 169.254.169.254:80 (its own network namespace)",
         [&] {
             netns({perl, tcp, "169.254.169.254", "80", "la12-" + tok});
         },
         [&] {
             listen_in_container(80);
             c.run("/bin/nc -w 1 169.254.169.254 80");
         },
         [&](const Alert& a) { return from_host(a) && by_tag("la12-" + tok)(a); },
         [&](const Alert& a) { return in_this_container(a) && to_server("169.254.169.254:80")(a); },
         [&](const Alert& a) {
             CHECK(field(a, "proc.name") == "nc");
             CHECK(field(a, "evt.type") == "connect");
             CHECK(field(a, "fd.l4proto") == "tcp");
         }},
        {"Contact EC2 Instance Metadata Service From Container", "Notice",
         "tftp in the container: sendto() 169.254.169.254:6969 (unconnected UDP)",
         "the same tftp to 198.51.100.1", [&] { c.run(tftp("198.51.100.1", "6969")); },
         [&] { c.run(tftp("169.254.169.254", "6969")); }, to_server("198.51.100.1:6969"),
         [&](const Alert& a) {
             return in_this_container(a) && to_server("169.254.169.254:6969")(a);
         },
         [&](const Alert& a) {
             udp_sent("sendto")(a);
             CHECK(field(a, "proc.name") == "tftp");
         }},
        {"Contact cloud metadata service from container", "Notice",
         "nc in the container connecting to 169.254.169.254:8775",
         "the same nc to 198.51.100.1:8776",
         [&] {
             listen_in_container(8776);
             c.run("/bin/nc -w 1 198.51.100.1 8776");
         },
         [&] {
             listen_in_container(8775);
             c.run("/bin/nc -w 1 169.254.169.254 8775");
         },
         to_server("198.51.100.1:8776"),
         [&](const Alert& a) {
             return in_this_container(a) && to_server("169.254.169.254:8775")(a);
         },
         [&](const Alert& a) { CHECK(field(a, "fd.l4proto") == "tcp"); }},
        {"Contact cloud metadata service from container", "Notice",
         "tftp in the container: sendto() 169.254.169.254:6970 (unconnected UDP)",
         "busybox tftp on the host sending the same (its own network namespace)",
         [&] {
             netns({busybox, "timeout", "1", busybox, "tftp", "-g", "-r", "la15-" + tok, "-l",
                    "/dev/null", "169.254.169.254", "6970"},
                   -1);
         },
         [&] { c.run(tftp("169.254.169.254", "6970")); },
         [&](const Alert& a) { return from_host(a) && to_server("169.254.169.254:6970")(a); },
         [&](const Alert& a) {
             return in_this_container(a) && to_server("169.254.169.254:6970")(a);
         },
         udp_sent("sendto")},
        {"Unexpected K8s NodePort Connection", "Notice",
         "nc in the container connecting to 198.51.100.1:30080 (a NodePort)",
         "the same nc to port 29999",
         [&] {
             listen_in_container(29999);
             c.run("/bin/nc -w 1 198.51.100.1 29999");
         },
         [&] {
             listen_in_container(30080);
             c.run("/bin/nc -w 1 198.51.100.1 30080");
         },
         [&](const Alert& a) { return field_has(a, "fd.name", ":29999"); },
         [&](const Alert& a) {
             return in_this_container(a) && to_server("198.51.100.1:30080")(a) &&
                    field(a, "evt.type") == "connect";
         },
         [&](const Alert& a) { CHECK(field(a, "proc.name") == "nc"); }},
    };
    run_scenarios(agent, scenarios, "upstream peer/user rules", started);
}
