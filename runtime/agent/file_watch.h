// FileWatch: notices that configuration or rules files changed (Falco's watch_config_files).
//
// Contract:
// - Watches the directories holding the given files with inotify, so a file replaced by rename
//   (what editors and Kubernetes ConfigMap updates do) is seen as well as one written in place.
// - changed() never blocks: it drains pending notifications and returns true once the watched
//   files have been quiet for `settle` after a change, so a burst of writes is one reload.
// - A directory that cannot be watched is logged once and skipped; nothing here throws.
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <vector>

namespace saker::agent {

class FileWatch {
  public:
    explicit FileWatch(const std::vector<std::string>& files,
                       std::chrono::milliseconds settle = std::chrono::milliseconds(200));
    ~FileWatch();
    FileWatch(const FileWatch&) = delete;
    FileWatch& operator=(const FileWatch&) = delete;

    bool changed(std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now());

  private:
    int fd_ = -1;
    std::set<std::string> names_; // base names of the watched files (per-directory events)
    std::chrono::milliseconds settle_;
    bool pending_ = false;
    std::chrono::steady_clock::time_point last_change_{};
};

} // namespace saker::agent
