// Contract: a private resolver configuration for a test or a test's child, the host's files
// untouched. PrivateResolverFiles writes a hosts file (the test's known truth), a resolv.conf
// naming only 127.0.0.1, and a copy of the host's nsswitch.conf whose `hosts:` line is `files`
// alone: a name missing from the hosts file is not found, and no DNS query is sent at all (not
// even to loopback, where a host's own forwarder could pass it on). A test that runs its own
// DNS server on 127.0.0.1:53 asks for `DnsQueries::to_loopback`, which keeps the host's hosts
// line (files, then DNS to 127.0.0.1 only). The temp dir is removed at the end. write_hosts()
// rewrites the hosts file in place (same inode: a bind mount of it sees the change). enter() puts
// the calling process in a new mount namespace that is a slave of the host's (later host mounts
// still arrive, nothing goes back) and bind-mounts both files over /etc/hosts and /etc/resolv.conf.
// enter() makes only system calls, so it is safe between fork and exec; it needs CAP_SYS_ADMIN
// and a single-threaded process, and returns false when a step failed.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sched.h>
#include <string>
#include <sys/mount.h>

namespace saker::test {

// Loopback names only: what a test agent resolves when the test says nothing else.
inline constexpr const char* kLoopbackHosts = "127.0.0.1 localhost\n::1 localhost\n";

// Whether names missing from the hosts file are asked of a DNS server on 127.0.0.1.
enum class DnsQueries { none, to_loopback };

class PrivateResolverFiles {
  public:
    explicit PrivateResolverFiles(const std::string& hosts = kLoopbackHosts,
                                  DnsQueries dns = DnsQueries::none) {
        std::string tmpl = "/tmp/saker-resolver-XXXXXX";
        if (!::mkdtemp(tmpl.data())) return;
        dir_ = tmpl;
        hosts_ = (dir_ / "hosts").string();
        resolv_ = (dir_ / "resolv.conf").string();
        write_hosts(hosts);
        std::ofstream(resolv_) << "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n";
        nsswitch_ = (dir_ / "nsswitch.conf").string();
        std::ifstream host_nsswitch("/etc/nsswitch.conf");
        std::ofstream out(nsswitch_);
        for (std::string line; std::getline(host_nsswitch, line);)
            if (line.rfind("hosts:", 0) != 0) out << line << '\n';
        out << (dns == DnsQueries::none ? "hosts: files\n" : "hosts: files dns\n");
    }
    PrivateResolverFiles(const PrivateResolverFiles&) = delete;
    PrivateResolverFiles& operator=(const PrivateResolverFiles&) = delete;
    ~PrivateResolverFiles() {
        std::error_code ec;
        if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    }

    bool ok() const { return !dir_.empty(); }
    void write_hosts(const std::string& content) const {
        std::ofstream(hosts_, std::ios::trunc) << content;
    }

    bool enter() const {
        if (!ok() || ::unshare(CLONE_NEWNS) != 0) return false;
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) return false;
        if (entered_) { // an earlier test's files, maybe deleted by now, are mounted there
            ::umount2("/etc/hosts", MNT_DETACH);
            ::umount2("/etc/resolv.conf", MNT_DETACH);
            ::umount2("/etc/nsswitch.conf", MNT_DETACH);
        }
        entered_ = true;
        return ::mount(hosts_.c_str(), "/etc/hosts", nullptr, MS_BIND, nullptr) == 0 &&
               ::mount(resolv_.c_str(), "/etc/resolv.conf", nullptr, MS_BIND, nullptr) == 0 &&
               ::mount(nsswitch_.c_str(), "/etc/nsswitch.conf", nullptr, MS_BIND, nullptr) == 0;
    }

  private:
    static inline bool entered_ = false; // this process bound files over /etc already
    std::filesystem::path dir_;
    std::string hosts_, resolv_, nsswitch_;
};

} // namespace saker::test
