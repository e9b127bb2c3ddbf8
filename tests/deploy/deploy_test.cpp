// The deployment files: the plain Kubernetes manifests and the Helm chart (rendered by
// helm_render, Helm's template engine without Helm) describe an agent that can work - host
// pids, the mounts it reads, the BPF privileges, probes the kubelet can reach on the port and
// path the agent's own configuration serves - and that configuration loads with saker's own
// loader. The Dockerfile's stages, the files it copies, and its runtime libraries match what
// the built binary links. No image is built (no network in CI).
#include "runtime/config/config.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using saker::test::sh;
using saker::test::slurp;

namespace {

const std::string kSource = SAKER_SOURCE_DIR;
const std::string kChart = kSource + "/deploy/helm/saker";

std::vector<YAML::Node> load_documents(const std::string& text) {
    std::vector<YAML::Node> docs;
    for (auto& d : YAML::LoadAll(text))
        if (d.IsMap()) docs.push_back(d);
    return docs;
}

std::string helm(const std::vector<std::string>& args) {
    std::string cmd = HELM_RENDER;
    for (const auto& a : args)
        cmd += " '" + a + "'";
    auto r = sh(cmd + " " + kChart);
    INFO(cmd << "\n" << r.out);
    REQUIRE(r.status == 0);
    return r.out;
}

const YAML::Node& only(const std::vector<YAML::Node>& docs, const std::string& kind) {
    const YAML::Node* found = nullptr;
    for (const auto& d : docs)
        if (d["kind"].as<std::string>() == kind) {
            INFO("two documents of kind " << kind);
            REQUIRE(found == nullptr);
            found = &d;
        }
    INFO("no document of kind " << kind);
    REQUIRE(found);
    return *found;
}

YAML::Node by_name(const YAML::Node& list, const std::string& name) {
    for (const auto& item : list)
        if (item["name"] && item["name"].as<std::string>() == name) return item;
    return YAML::Node();
}

std::string str(const YAML::Node& n) {
    return n ? n.as<std::string>() : std::string();
}

struct Expect {
    bool privileged = true;
    bool host_network = false;
};

// Checks one set of manifests (ServiceAccount, ConfigMap, DaemonSet; a Namespace optional).
void check_agent(const std::vector<YAML::Node>& docs, const Expect& expect) {
    const YAML::Node& ds = only(docs, "DaemonSet");
    const YAML::Node& cm = only(docs, "ConfigMap");
    const YAML::Node& sa = only(docs, "ServiceAccount");
    CHECK(str(ds["apiVersion"]) == "apps/v1");
    CHECK(str(ds["spec"]["updateStrategy"]["type"]) == "RollingUpdate");

    // The selector selects the pods it creates.
    const YAML::Node tmpl = ds["spec"]["template"];
    for (const auto& kv : ds["spec"]["selector"]["matchLabels"])
        CHECK(str(tmpl["metadata"]["labels"][kv.first.as<std::string>()]) ==
              kv.second.as<std::string>());

    const YAML::Node pod = tmpl["spec"];
    CHECK(pod["hostPID"].as<bool>());
    CHECK(pod["hostNetwork"].as<bool>(false) == expect.host_network);
    CHECK(str(pod["serviceAccountName"]) == str(sa["metadata"]["name"]));
    CHECK(sa["automountServiceAccountToken"].as<bool>(true) == false);

    // A toleration with operator Exists and no key tolerates every taint: every node.
    bool everywhere = false;
    for (const auto& t : pod["tolerations"])
        everywhere |= str(t["operator"]) == "Exists" && !t["key"] && !t["effect"];
    CHECK(everywhere);

    REQUIRE(pod["containers"].size() == 1);
    const YAML::Node c = pod["containers"][0];
    CHECK(c["resources"]["requests"]["cpu"]);
    CHECK(c["resources"]["requests"]["memory"]);
    CHECK(c["resources"]["limits"]["cpu"]);
    CHECK(c["resources"]["limits"]["memory"]);

    // --- privileges
    const YAML::Node sc = c["securityContext"];
    if (expect.privileged) {
        CHECK(sc["privileged"].as<bool>(false));
    } else {
        CHECK(sc["privileged"].as<bool>(true) == false);
        std::set<std::string> add, drop;
        for (const auto& cap : sc["capabilities"]["add"])
            add.insert(cap.as<std::string>());
        for (const auto& cap : sc["capabilities"]["drop"])
            drop.insert(cap.as<std::string>());
        for (const char* need : {"BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE", "SYS_ADMIN",
                                 "DAC_READ_SEARCH", "SYS_NICE"}) {
            INFO("capability " << need);
            CHECK(add.count(need));
        }
        CHECK(drop.count("ALL"));
        // The runtimes' default profiles block bpf() and perf_event_open().
        CHECK(str(sc["seccompProfile"]["type"]) == "Unconfined");
        CHECK(str(tmpl["metadata"]["annotations"]
                      ["container.apparmor.security.beta.kubernetes.io/saker"]) == "unconfined");
    }

    // --- mounts: name -> mountPath, and the volumes behind them
    std::map<std::string, std::string> mount_of; // mountPath -> volume name
    for (const auto& m : c["volumeMounts"])
        mount_of[str(m["mountPath"])] = str(m["name"]);
    auto host_path_at = [&](const std::string& mount_path) {
        auto it = mount_of.find(mount_path);
        if (it == mount_of.end()) return std::string("(not mounted)");
        return str(by_name(pod["volumes"], it->second)["hostPath"]["path"]);
    };
    CHECK(host_path_at("/sys/fs/cgroup") == "/sys/fs/cgroup");
    // Host user names: the host's /etc under HOST_ROOT (runtime/fields: user_root).
    CHECK(host_path_at("/host/etc") == "/etc");
    std::string host_root;
    for (const auto& e : c["env"])
        if (str(e["name"]) == "HOST_ROOT") host_root = str(e["value"]);
    CHECK(host_root == "/host");

    // --- the configuration: mounted from the ConfigMap at the path given to -c
    std::vector<std::string> args;
    for (const auto& a : c["args"])
        args.push_back(a.as<std::string>());
    auto dash_c = std::find(args.begin(), args.end(), "-c");
    REQUIRE(dash_c != args.end());
    REQUIRE(dash_c + 1 != args.end());
    std::filesystem::path config_path = *(dash_c + 1);
    REQUIRE(args.front() == "run");
    auto cfg_volume = by_name(pod["volumes"], mount_of[config_path.parent_path().string()]);
    CHECK(str(cfg_volume["configMap"]["name"]) == str(cm["metadata"]["name"]));
    const std::string config_text = str(cm["data"][config_path.filename().string()]);
    REQUIRE(!config_text.empty());

    auto loaded = saker::config::load_config_text("configmap/saker.yaml", config_text);
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    CHECK(loaded.diags.warning_count() == 0);
    const auto& cfg = loaded.config;
    CHECK(cfg.json_output);
    CHECK(cfg.webserver.enabled);
    CHECK(cfg.webserver.prometheus_metrics_enabled);
    CHECK(cfg.metrics.enabled); // Falco serves /metrics only with both
    // Rules from the image (deploy/Dockerfile copies them there).
    REQUIRE(!cfg.rules_files.empty());
    CHECK(cfg.rules_files[0] == "/etc/saker/rules/saker_rules.yaml");

    // The containerd socket the agent asks is the host's, mounted where the config says.
    REQUIRE(cfg.containerd_sockets.size() == 1);
    CHECK(host_path_at(cfg.containerd_sockets[0]) == "/run/containerd/containerd.sock");
    CHECK(str(by_name(pod["volumes"], mount_of[cfg.containerd_sockets[0]])["hostPath"]["type"]) ==
          "Socket");

    // --- probes: the kubelet reaches the agent's health endpoint
    const YAML::Node web_port = by_name(c["ports"], "web");
    REQUIRE(web_port);
    CHECK(web_port["containerPort"].as<int>() == cfg.webserver.listen_port);
    for (const char* probe : {"startupProbe", "livenessProbe", "readinessProbe"}) {
        INFO(probe);
        const YAML::Node get = c[probe]["httpGet"];
        REQUIRE(get);
        CHECK(str(get["path"]) == cfg.webserver.k8s_healthz_endpoint);
        const std::string port = str(get["port"]);
        CHECK((port == "web" || port == std::to_string(cfg.webserver.listen_port)));
        // The kubelet connects from the node's network namespace: to the pod IP (the agent
        // must listen on every address of its own namespace) or, sharing the node's network,
        // to the loopback address the agent listens on.
        const std::string host = str(get["host"]);
        if (expect.host_network) {
            CHECK(host == "127.0.0.1");
            CHECK(cfg.webserver.listen_address == "127.0.0.1");
        } else {
            CHECK(host.empty());
            CHECK(cfg.webserver.listen_address == "0.0.0.0");
        }
    }
    // Liveness must not kill an agent that is still compiling its rules.
    CHECK(c["startupProbe"]["failureThreshold"].as<int>() *
              c["startupProbe"]["periodSeconds"].as<int>() >=
          120);
}

// The stages of a Dockerfile: name -> its lines (continuations joined).
std::map<std::string, std::vector<std::string>> dockerfile_stages(const std::string& text,
                                                                  std::string& last_stage) {
    std::map<std::string, std::vector<std::string>> stages;
    std::istringstream in(text);
    std::string line, logical;
    static const std::regex from(R"(FROM\s+(\S+)\s+AS\s+(\S+)\s*)", std::regex::icase);
    while (std::getline(in, line)) {
        if (line.starts_with("#")) continue;
        if (!line.empty() && line.back() == '\\') {
            logical += line.substr(0, line.size() - 1) + " ";
            continue;
        }
        logical += line;
        std::smatch m;
        if (std::regex_match(logical, m, from)) {
            INFO(logical);
            CHECK(m[1].str().starts_with("debian:12"));
            last_stage = m[2];
            stages[last_stage];
        } else if (!last_stage.empty() && !logical.empty()) {
            stages[last_stage].push_back(logical);
        }
        logical.clear();
    }
    return stages;
}

bool has_line(const std::vector<std::string>& lines, const std::string& re) {
    std::regex r(re);
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return std::regex_search(l, r); });
}

// soname -> the file the loader picks, from `ldd` output.
std::map<std::string, std::string> ldd_paths(const std::string& ldd_out) {
    std::map<std::string, std::string> paths;
    std::istringstream in(ldd_out);
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string so, arrow, path;
        if (words >> so >> arrow >> path && arrow == "=>") paths[so] = path;
    }
    return paths;
}

// The Debian package shipping each file (one dpkg query for all: each costs a database read).
// A file dpkg does not know under its real path is looked up under its merged-/usr twin.
std::map<std::string, std::string> packages_of(const std::vector<std::string>& files) {
    std::map<std::string, std::string> spelling; // what dpkg may know -> our file
    std::string query = "dpkg -S";
    for (const auto& f : files) {
        std::string twin = f.starts_with("/usr/") ? f.substr(4) : "/usr" + f;
        for (const auto& s : {f, twin}) {
            spelling[s] = f;
            query += " '" + s + "'";
        }
    }
    std::map<std::string, std::string> package;
    std::istringstream in(sh(query).out); // status 1: some spellings are unknown, as expected
    for (std::string line; std::getline(in, line);) {
        auto sep = line.rfind(": ");
        if (sep == std::string::npos || !spelling.count(line.substr(sep + 2))) continue;
        std::string pkg = line.substr(0, sep);
        package[spelling[line.substr(sep + 2)]] = pkg.substr(0, pkg.find(':'));
    }
    return package;
}

} // namespace

TEST_CASE("the plain manifests describe a working agent") {
    auto docs = load_documents(slurp(kSource + "/deploy/kubernetes/daemonset.yaml"));
    REQUIRE(docs.size() == 4);
    const YAML::Node& ns = only(docs, "Namespace");
    for (const auto& d : docs)
        if (str(d["kind"]) != "Namespace")
            CHECK(str(d["metadata"]["namespace"]) == str(ns["metadata"]["name"]));
    check_agent(docs, Expect{.privileged = true, .host_network = false});
}

TEST_CASE("the Helm chart renders a working agent with its defaults") {
    auto docs = load_documents(helm({}));
    REQUIRE(docs.size() == 3);
    check_agent(docs, Expect{.privileged = true, .host_network = false});

    // The plain manifests are this rendering: the same pod and the same configuration.
    auto plain = load_documents(slurp(kSource + "/deploy/kubernetes/daemonset.yaml"));
    CHECK(YAML::Dump(only(plain, "DaemonSet")["spec"]["template"]["spec"]) ==
          YAML::Dump(only(docs, "DaemonSet")["spec"]["template"]["spec"]));
    CHECK(YAML::Dump(only(plain, "ConfigMap")["data"]) ==
          YAML::Dump(only(docs, "ConfigMap")["data"]));
}

TEST_CASE("the Helm chart without privileged mode grants the BPF capabilities") {
    check_agent(load_documents(helm({"--set", "privileged=false"})),
                Expect{.privileged = false, .host_network = false});
}

TEST_CASE("the Helm chart on the node's network probes the loopback address") {
    check_agent(load_documents(helm({"--set", "hostNetwork=true", "--set", "privileged=false"})),
                Expect{.privileged = false, .host_network = true});
}

TEST_CASE("the Helm chart's values reach the manifests") {
    auto docs =
        load_documents(helm({"--set", "webserver.port=9376", "--set", "webserver.healthzPath=/live",
                             "--set", "customRules.extra\\.yaml=- list: [a]", "--set",
                             "image.tag=1.2.3", "--set", "serviceAccount.create=false"}));
    const YAML::Node& ds = only(docs, "DaemonSet");
    const YAML::Node c = ds["spec"]["template"]["spec"]["containers"][0];
    CHECK(str(c["image"]) == "saker:1.2.3");
    CHECK(str(c["livenessProbe"]["httpGet"]["path"]) == "/live");
    CHECK(by_name(c["ports"], "web")["containerPort"].as<int>() == 9376);
    CHECK(str(ds["spec"]["template"]["spec"]["serviceAccountName"]) == "default");
    CHECK(std::none_of(docs.begin(), docs.end(),
                       [](const YAML::Node& d) { return str(d["kind"]) == "ServiceAccount"; }));

    const YAML::Node& cm = only(docs, "ConfigMap");
    CHECK(str(cm["data"]["extra.yaml"]) == "- list: [a]");
    auto loaded = saker::config::load_config_text("saker.yaml", str(cm["data"]["saker.yaml"]));
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    CHECK(loaded.config.webserver.listen_port == 9376);
    CHECK(loaded.config.webserver.k8s_healthz_endpoint == "/live");
    REQUIRE(loaded.config.rules_files.size() == 2);
    CHECK(loaded.config.rules_files[1] == "/etc/saker/config/extra.yaml");
}

TEST_CASE("the Helm chart's notes render") {
    CHECK_THAT(helm({"--notes"}), Catch::Contains("kubectl logs"));
    CHECK_THAT(helm({"--notes", "--set", "hostNetwork=true"}), Catch::Contains("loopback"));
}

TEST_CASE("the Dockerfile builds with the Makefile's packages and ships what the agent needs") {
    std::string last;
    auto stages = dockerfile_stages(slurp(kSource + "/deploy/Dockerfile"), last);
    REQUIRE(stages.count("build"));
    REQUIRE(stages.count("runtime"));
    CHECK(last == "runtime"); // the image is the runtime stage
    const auto& build = stages["build"];
    const auto& runtime = stages["runtime"];

    // The build stage installs the Makefile's DEBIAN_PACKAGES through `make deps`.
    CHECK(has_line(build, R"(^COPY\s+Makefile\s)"));
    CHECK(has_line(build, R"(\bmake\s+deps\b)"));
    CHECK(has_line(build, R"(--target\s+saker\b)"));

    // The runtime stage carries the binary, saker.yaml and the rules where saker.yaml (whose
    // rules_files are relative to its directory) and the DaemonSet look for them.
    CHECK(has_line(runtime, R"(^COPY\s+--from=build\s+\S+/runtime/saker\s+/usr/bin/saker$)"));
    CHECK(has_line(runtime, R"(^COPY\s+saker\.yaml\s+/etc/saker/saker\.yaml$)"));
    CHECK(has_line(runtime, R"(^CMD\s+\["run",\s*"-c",\s*"/etc/saker/saker\.yaml"\])"));
    auto loaded = saker::config::load_config(kSource + "/saker.yaml");
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    for (auto rules : loaded.config.rules_files) {
        // The loader resolves relative paths against the file's directory (kSource here).
        std::filesystem::path p = rules;
        std::string relative =
            (p.is_relative() ? p : std::filesystem::relative(p, kSource)).string();
        INFO(rules);
        CHECK(std::filesystem::exists(kSource + "/" + relative));
        CHECK(has_line(runtime, "^COPY\\s+" +
                                    std::regex_replace(relative, std::regex("\\."), "\\.") +
                                    "\\s+/etc/saker/" + relative + "$"));
    }

    // Every library the built binary links directly comes from a package the runtime stage
    // installs (or one every Debian image has).
    std::string installs;
    for (const auto& l : runtime)
        if (l.find("apt-get install") != std::string::npos) installs += l + " ";
    std::set<std::string> listed;
    std::istringstream words(installs);
    for (std::string w; words >> w;)
        listed.insert(w);
    const std::set<std::string> base{"libc6", "libgcc-s1", "libstdc++6"};
    auto needed =
        sh("readelf -d " SAKER_BIN " | sed -n 's/.*Shared library: \\[\\(.*\\)\\]/\\1/p'");
    REQUIRE(needed.status == 0);
    auto ldd = sh("ldd " SAKER_BIN);
    REQUIRE(ldd.status == 0);
    auto where = ldd_paths(ldd.out);
    std::vector<std::string> sonames, files;
    std::istringstream lines(needed.out);
    for (std::string so; std::getline(lines, so);) {
        INFO(so << " not resolved by ldd");
        REQUIRE(where.count(so));
        sonames.push_back(so);
        files.push_back(std::filesystem::canonical(where[so]).string());
    }
    auto package = packages_of(files);
    size_t checked = 0;
    for (size_t i = 0; i < sonames.size(); ++i) {
        const std::string& pkg = package[files[i]];
        INFO(sonames[i] << " = " << files[i] << " from package '" << pkg << "'");
        REQUIRE(!pkg.empty());
        CHECK((listed.count(pkg) || base.count(pkg)));
        ++checked;
    }
    CHECK(checked >= 10);
}
