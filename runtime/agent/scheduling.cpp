#include "runtime/agent/scheduling.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sys/resource.h>

namespace saker::agent {

bool set_nice(int nice, std::string& error) {
    std::error_code ec;
    bool ok = true;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        int tid = std::atoi(task.path().filename().c_str());
        if (tid > 0 && setpriority(PRIO_PROCESS, static_cast<id_t>(tid), nice) != 0 && ok) {
            error = std::strerror(errno);
            ok = false;
        }
    }
    if (ec) {
        error = ec.message();
        return false;
    }
    return ok;
}

void run_at_normal_priority() {
    setpriority(PRIO_PROCESS, 0, 0); // who = 0: the calling thread, on Linux
}

} // namespace saker::agent
