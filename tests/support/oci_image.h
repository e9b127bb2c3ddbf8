// Contract: build, without any registry or daemon, an OCI image layout tar holding one layer: a
// busybox rootfs made by make_busybox_rootfs(spec). The image config runs /bin/sleep 300 with
// PATH=/bin and carries `labels` (omitted when null); the index names it `image_name:tag` for
// `ctr images import`. Scratch files go below `work`; REQUIREs that tar and sha256sum succeed.
// Returns the manifest digest ("sha256:<hex>").
#pragma once

#include "support/busybox_rootfs.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/utsname.h>

namespace saker::test {

struct Blob {
    std::string digest; // sha256:<hex>
    std::uintmax_t size = 0;
};

// Copies `file` into the OCI layout's blob store under its digest.
inline Blob store_blob(const std::filesystem::path& layout, const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    Cmd c = sh("sha256sum '" + file.string() + "'");
    REQUIRE(c.status == 0);
    std::string hex = c.out.substr(0, 64);
    Blob b{"sha256:" + hex, fs::file_size(file)};
    fs::create_directories(layout / "blobs" / "sha256");
    fs::copy_file(file, layout / "blobs" / "sha256" / hex, fs::copy_options::overwrite_existing);
    return b;
}

inline std::string oci_arch() {
    utsname u{};
    uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64") return "arm64";
    return m;
}

inline std::string build_busybox_image(const std::filesystem::path& work,
                                       const std::string& busybox, const RootfsSpec& spec,
                                       const std::string& image_name, const std::string& tag,
                                       const nlohmann::json& labels,
                                       const std::filesystem::path& out_tar) {
    namespace fs = std::filesystem;
    fs::path rootfs = work / "rootfs";
    make_busybox_rootfs(rootfs, busybox, spec);

    fs::path layer_tar = work / "layer.tar";
    Cmd t = sh("tar --numeric-owner --owner=0 --group=0 -C '" + rootfs.string() + "' -cf '" +
               layer_tar.string() + "' .");
    REQUIRE(t.status == 0);

    fs::path layout = work / "layout";
    fs::create_directories(layout);
    Blob layer = store_blob(layout, layer_tar);

    nlohmann::json run_config = {{"Cmd", {"/bin/sleep", "300"}}, {"Env", {"PATH=/bin"}}};
    if (!labels.is_null()) run_config["Labels"] = labels;
    nlohmann::json config = {{"architecture", oci_arch()},
                             {"os", "linux"},
                             {"config", run_config},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", {layer.digest}}}}};
    Blob cfg = store_blob(layout, write_file(work / "config.json", config.dump()));

    nlohmann::json manifest = {{"schemaVersion", 2},
                               {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"config",
                                {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                 {"digest", cfg.digest},
                                 {"size", cfg.size}}},
                               {"layers",
                                {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                                  {"digest", layer.digest},
                                  {"size", layer.size}}}}};
    Blob man = store_blob(layout, write_file(work / "manifest.json", manifest.dump()));

    nlohmann::json index = {{"schemaVersion", 2},
                            {"manifests",
                             {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"digest", man.digest},
                               {"size", man.size},
                               {"annotations",
                                {{"io.containerd.image.name", image_name + ":" + tag},
                                 {"org.opencontainers.image.ref.name", tag}}}}}}};
    write_file(layout / "index.json", index.dump());
    write_file(layout / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");

    Cmd a = sh("tar -C '" + layout.string() + "' -cf '" + out_tar.string() +
               "' oci-layout index.json blobs");
    REQUIRE(a.status == 0);
    return man.digest;
}

} // namespace saker::test
