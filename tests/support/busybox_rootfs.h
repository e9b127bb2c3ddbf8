// Contract: find a statically linked busybox and lay out a container rootfs from it. The rootfs
// gets bin/busybox (a copy), the requested extra dirs, bin/<applet> symlinks to busybox for each
// requested applet, and etc/hostname when a hostname is given; nothing else. Callers own `rootfs`.
#pragma once

#include <cstring>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace saker::test {

// True for an ELF executable without a PT_INTERP segment (statically linked).
inline bool is_static_elf(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    Elf64_Ehdr eh{};
    if (!f.read(reinterpret_cast<char*>(&eh), sizeof(eh))) return false;
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
        return false;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        f.seekg(static_cast<std::streamoff>(eh.e_phoff + i * eh.e_phentsize));
        if (!f.read(reinterpret_cast<char*>(&ph), sizeof(ph))) return false;
        if (ph.p_type == PT_INTERP) return false;
    }
    return true;
}

// The first executable, static busybox of /bin/busybox and /usr/bin/busybox, "" when none.
inline std::string static_busybox() {
    for (const char* p : {"/bin/busybox", "/usr/bin/busybox"})
        if (access(p, X_OK) == 0 && is_static_elf(p)) return p;
    return {};
}

struct RootfsSpec {
    std::vector<std::string> dirs;    // made below the rootfs, besides bin
    std::vector<std::string> applets; // bin/<applet> -> busybox symlinks
    std::string hostname;             // written to etc/hostname (plus "\n") when not empty
};

inline void make_busybox_rootfs(const std::filesystem::path& rootfs, const std::string& busybox,
                                const RootfsSpec& spec) {
    namespace fs = std::filesystem;
    fs::create_directories(rootfs / "bin");
    for (const auto& d : spec.dirs)
        fs::create_directories(rootfs / d);
    fs::copy_file(busybox, rootfs / "bin" / "busybox", fs::copy_options::overwrite_existing);
    for (const auto& applet : spec.applets)
        fs::create_symlink("busybox", rootfs / "bin" / applet);
    if (!spec.hostname.empty()) {
        fs::create_directories(rootfs / "etc");
        std::ofstream(rootfs / "etc" / "hostname", std::ios::binary) << spec.hostname << "\n";
    }
}

} // namespace saker::test
