#include "runtime/agent/memory_trim.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <malloc.h>
#include <string>
#include <sys/mman.h>

namespace saker::agent {

size_t release_compiler_memory() {
    malloc_trim(0);
    // /proc/self/smaps: each mapping's header line, then its counters. A read-only LLVM
    // mapping with no anonymous (copied-on-write) pages is byte for byte the file: dropping
    // our pages of it is invisible (they fault back in from the file), and it works even when
    // other processes map the same library, which MADV_PAGEOUT would refuse.
    std::ifstream smaps("/proc/self/smaps");
    size_t released = 0;
    unsigned long start = 0, end = 0;
    bool candidate = false;
    for (std::string line; std::getline(smaps, line);) {
        char perms[8] = {};
        unsigned long s = 0, e = 0; // sscanf stores a partial match ("Anonymous:" reads 0xA)
        if (std::sscanf(line.c_str(), "%lx-%lx %7s", &s, &e, perms) == 3) {
            start = s, end = e;
            candidate = line.find("libLLVM") != std::string::npos && perms[1] != 'w';
            continue;
        }
        unsigned long anon_kb = 0;
        if (candidate && std::sscanf(line.c_str(), "Anonymous: %lu kB", &anon_kb) == 1) {
            if (anon_kb == 0 &&
                madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED) == 0)
                released += end - start;
            candidate = false;
        }
    }
    return released;
}

} // namespace saker::agent
