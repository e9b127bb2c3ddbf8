#include "runtime/agent/file_watch.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/inotify.h>
#include <unistd.h>

namespace saker::agent {

FileWatch::FileWatch(const std::vector<std::string>& files, std::chrono::milliseconds settle)
    : settle_(settle) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) {
        spdlog::warn("watch_config_files: inotify unavailable ({}); reload with SIGHUP",
                     std::strerror(errno));
        return;
    }
    std::set<std::string> dirs;
    for (const auto& f : files) {
        std::filesystem::path p = std::filesystem::absolute(f);
        names_.insert(p.filename().string());
        dirs.insert(p.parent_path().string());
    }
    constexpr uint32_t kMask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_ATTRIB;
    for (const auto& d : dirs)
        if (inotify_add_watch(fd_, d.c_str(), kMask) < 0)
            spdlog::warn("watch_config_files: cannot watch {}: {}", d, std::strerror(errno));
}

FileWatch::~FileWatch() {
    if (fd_ >= 0) close(fd_);
}

bool FileWatch::changed(std::chrono::steady_clock::time_point now) {
    if (fd_ < 0) return false;
    alignas(inotify_event) char buf[4096];
    for (;;) {
        ssize_t n = read(fd_, buf, sizeof buf);
        if (n <= 0) break;
        for (ssize_t at = 0; at < n;) {
            const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
            // Kubernetes swaps a ConfigMap through a `..data` symlink; any name of ours counts.
            std::string name = e->len ? e->name : "";
            if (names_.count(name) || name == "..data") {
                pending_ = true;
                last_change_ = now;
            }
            at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        }
    }
    if (pending_ && now - last_change_ >= settle_) {
        pending_ = false;
        return true;
    }
    return false;
}

} // namespace saker::agent
