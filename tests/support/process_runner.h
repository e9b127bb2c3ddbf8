// Contract: run a shell command line with popen, stdout and stderr merged (" 2>&1" is appended),
// and return everything it printed plus its exit status (-1 when it did not exit normally or
// could not be started; `started` tells the latter apart). Also small file helpers the
// process-driving tests share: find_tool (PATH plus the usual sbin/bin dirs), slurp, write_file.
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace saker::test {

struct Cmd {
    bool started = false; // popen succeeded
    int status = -1;      // exit code, -1 if not started or not exited normally
    std::string out;      // stdout and stderr, interleaved
};

inline Cmd sh(const std::string& cmd) {
    Cmd r;
    std::string full = cmd + " 2>&1";
    FILE* p = popen(full.c_str(), "r");
    if (!p) return r;
    r.started = true;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

// Absolute path of an executable `name` in PATH or the usual sbin/bin dirs, "" when absent.
inline std::string find_tool(const std::string& name) {
    std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    path += ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::stringstream ss(path);
    std::string dir;
    while (std::getline(ss, dir, ':')) {
        if (dir.empty()) continue;
        std::string p = dir + "/" + name;
        if (access(p.c_str(), X_OK) == 0) return p;
    }
    return {};
}

// The whole file, "" when it cannot be read.
inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

// Writes `text` to `p` (binary, truncating) and returns the path as a string.
inline std::string write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
}

} // namespace saker::test
