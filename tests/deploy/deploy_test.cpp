// The deployment files: the plain Kubernetes manifests and the Helm chart (rendered by
// helm_render, Helm's template engine without Helm) describe an agent that can work - host
// pids, the mounts it reads, the BPF privileges, probes the kubelet can reach on the port and
// path the agent's own configuration serves - and that configuration loads with saker's own
// loader. The chart takes a Falco chart user's values (tests/deploy/values/) and rejects a
// mistyped key through values.schema.json. The Dockerfile's stages, the files it copies, the
// checksum-pinned Falco rules and its runtime libraries match what the built binary links. No
// image is built (no network in CI).
#include "runtime/config/config.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

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

const std::string kValues = kSource + "/tests/deploy/values/";

saker::test::Cmd helm_run(const std::vector<std::string>& args) {
    std::string cmd = HELM_RENDER;
    for (const auto& a : args)
        cmd += " '" + a + "'";
    return sh(cmd + " " + kChart + " 2>&1");
}

std::string helm(const std::vector<std::string>& args) {
    auto r = helm_run(args);
    INFO(r.out);
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

// The ConfigMap holding saker.yaml (customRules have their own).
const YAML::Node& config_map(const std::vector<YAML::Node>& docs) {
    const YAML::Node* found = nullptr;
    for (const auto& d : docs)
        if (d["kind"].as<std::string>() == "ConfigMap" && d["data"]["saker.yaml"]) {
            REQUIRE(found == nullptr);
            found = &d;
        }
    REQUIRE(found);
    return *found;
}

// The other ConfigMap: customRules.
const YAML::Node& rules_map(const std::vector<YAML::Node>& docs) {
    for (const auto& d : docs)
        if (d["kind"].as<std::string>() == "ConfigMap" && !d["data"]["saker.yaml"]) return d;
    FAIL("no customRules ConfigMap");
    return docs.front();
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
    bool everywhere = true; // a toleration of every taint
};

// Checks one set of manifests (ServiceAccount, ConfigMap, DaemonSet; a Namespace optional).
void check_agent(const std::vector<YAML::Node>& docs, const Expect& expect) {
    const YAML::Node& ds = only(docs, "DaemonSet");
    const YAML::Node& cm = config_map(docs);
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
    CHECK(everywhere == expect.everywhere);

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
    // Rules from the image (deploy/Dockerfile puts them there): Falco's, then saker's add-on.
    REQUIRE(cfg.rules_files.size() >= 2);
    CHECK(cfg.rules_files[0] == "/etc/falco/falco_rules.yaml");
    CHECK(cfg.rules_files[1] == "/etc/saker/rules/saker_rules.yaml");

    // Each runtime socket an enabled engine asks is the host's, mounted where the config says,
    // once (a mountPath twice is refused by Kubernetes), and nothing else is mounted as one.
    std::set<std::string> asked;
    for (const auto& [on, sockets] : {std::pair{cfg.cri_enabled, &cfg.cri_sockets},
                                      {cfg.containerd_enabled, &cfg.containerd_sockets},
                                      {cfg.docker_enabled, &cfg.docker_sockets},
                                      {cfg.podman_enabled, &cfg.podman_sockets}})
        if (on) asked.insert(sockets->begin(), sockets->end());
    for (const auto& s : asked) {
        INFO("runtime socket " << s);
        CHECK(host_path_at(s) == s);
        CHECK(str(by_name(pod["volumes"], mount_of[s])["hostPath"]["type"]) == "Socket");
    }
    std::size_t socket_volumes = 0;
    for (const auto& v : pod["volumes"])
        if (const YAML::Node hp = v["hostPath"]) socket_volumes += str(hp["type"]) == "Socket";
    CHECK(socket_volumes == asked.size());
    CHECK(mount_of.size() == c["volumeMounts"].size());

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
    REQUIRE(docs.size() == 5);
    const YAML::Node& ns = only(docs, "Namespace");
    for (const auto& d : docs)
        if (str(d["kind"]) != "Namespace")
            CHECK(str(d["metadata"]["namespace"]) == str(ns["metadata"]["name"]));
    check_agent(docs, Expect{.privileged = true, .host_network = false});
}

TEST_CASE("the Helm chart renders a working agent with its defaults") {
    auto docs = load_documents(helm({}));
    REQUIRE(docs.size() == 4); // ConfigMap, DaemonSet, the metrics Service, ServiceAccount
    check_agent(docs, Expect{.privileged = true, .host_network = false});

    // The plain manifests are this rendering: the same pod and the same configuration.
    auto plain = load_documents(slurp(kSource + "/deploy/kubernetes/daemonset.yaml"));
    CHECK(YAML::Dump(only(plain, "DaemonSet")["spec"]["template"]["spec"]) ==
          YAML::Dump(only(docs, "DaemonSet")["spec"]["template"]["spec"]));
    CHECK(YAML::Dump(only(plain, "ConfigMap")["data"]) ==
          YAML::Dump(only(docs, "ConfigMap")["data"]));
    CHECK(YAML::Dump(only(plain, "Service")["spec"]["ports"]) ==
          YAML::Dump(only(docs, "Service")["spec"]["ports"]));
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
    auto docs = load_documents(helm({"--set", "falco.webserver.listen_port=9376", "--set",
                                     "falco.webserver.k8s_healthz_endpoint=/live", "--set",
                                     "customRules.extra\\.yaml=- list: [a]", "--set",
                                     "image.tag=1.2.3", "--set", "serviceAccount.create=false"}));
    const YAML::Node& ds = only(docs, "DaemonSet");
    const YAML::Node c = ds["spec"]["template"]["spec"]["containers"][0];
    CHECK(str(c["image"]) == "saker:1.2.3");
    CHECK(str(c["livenessProbe"]["httpGet"]["path"]) == "/live");
    CHECK(by_name(c["ports"], "web")["containerPort"].as<int>() == 9376);
    CHECK(str(ds["spec"]["template"]["spec"]["serviceAccountName"]) == "default");
    CHECK(std::none_of(docs.begin(), docs.end(),
                       [](const YAML::Node& d) { return str(d["kind"]) == "ServiceAccount"; }));

    // customRules: a ConfigMap mounted at /etc/falco/rules.d, which rules_files loads.
    const YAML::Node* rules = &rules_map(docs);
    const YAML::Node* config = &config_map(docs);
    CHECK(str((*rules)["data"]["extra.yaml"]) == "- list: [a]");
    const YAML::Node pod = ds["spec"]["template"]["spec"];
    std::string rules_dir;
    for (const auto& m : c["volumeMounts"])
        if (str(by_name(pod["volumes"], str(m["name"]))["configMap"]["name"]) ==
            str((*rules)["metadata"]["name"]))
            rules_dir = str(m["mountPath"]);
    CHECK(rules_dir == "/etc/falco/rules.d");
    auto loaded =
        saker::config::load_config_text("saker.yaml", str((*config)["data"]["saker.yaml"]));
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    CHECK(loaded.config.webserver.listen_port == 9376);
    CHECK(loaded.config.webserver.k8s_healthz_endpoint == "/live");
    CHECK(std::count(loaded.config.rules_files.begin(), loaded.config.rules_files.end(),
                     rules_dir) == 1);
    // The metrics Service forwards to the port the agent listens on.
    CHECK(only(docs, "Service")["spec"]["ports"][0]["targetPort"].as<int>() == 9376);
}

TEST_CASE("the Helm chart takes a Falco chart user's values") {
    auto docs = load_documents(helm({"-f", kValues + "falco-user.yaml"}));
    check_agent(docs, Expect{.privileged = true, .host_network = false, .everywhere = false});
    const YAML::Node& ds = only(docs, "DaemonSet");
    const YAML::Node pod = ds["spec"]["template"]["spec"];
    const YAML::Node c = pod["containers"][0];

    // The configuration: falco.* merged in, falcosidekick wired as the Falco chart does.
    const YAML::Node* config = &config_map(docs);
    const YAML::Node* rules = &rules_map(docs);
    auto loaded =
        saker::config::load_config_text("saker.yaml", str((*config)["data"]["saker.yaml"]));
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    const auto& cfg = loaded.config;
    CHECK(cfg.http_output.enabled);
    CHECK(cfg.http_output.url == "http://saker-falcosidekick:2801");
    CHECK(cfg.http_output.user_agent == "falcosecurity/falco");
    CHECK(cfg.json_output);
    CHECK(cfg.json_include_output_property);
    CHECK(cfg.priority == saker::Priority::Notice);
    // collectors.containerd (chart 4.x): asked over CRI and over containerd's own API.
    CHECK(cfg.containerd_sockets ==
          std::vector<std::string>{"/run/k3s/containerd/containerd.sock"});
    CHECK(cfg.cri_sockets == cfg.containerd_sockets);
    CHECK_FALSE(cfg.docker_enabled);

    // The custom rules file loads on top of Falco's stable rules and saker's.
    const std::string custom = str((*rules)["data"]["custom-rules.yaml"]);
    REQUIRE(!custom.empty());
    const std::string tmp = "/tmp/saker-deploy-custom-" + std::to_string(getpid()) + ".yaml";
    std::ofstream(tmp) << custom;
    auto compiled =
        sh(std::string(SAKER_BIN) + " compile -r " + SAKER_CORPUS_DIR + "/falco_rules.yaml -r " +
           kSource + "/rules/saker_rules.yaml -r " + tmp + " --validate 2>&1");
    std::filesystem::remove(tmp);
    INFO(compiled.out);
    CHECK(compiled.status == 0);

    // The pod: the hostname from the node's name, the user's env and args, priority class,
    // tolerations and resources as given.
    const YAML::Node hostname = by_name(c["env"], "FALCO_HOSTNAME");
    CHECK(str(hostname["valueFrom"]["fieldRef"]["fieldPath"]) == "spec.nodeName");
    CHECK(str(by_name(c["env"], "TZ")["value"]) == "Europe/Paris");
    std::vector<std::string> args;
    for (const auto& a : c["args"])
        args.push_back(a.as<std::string>());
    CHECK(args == std::vector<std::string>{"run", "-c", "/etc/saker/config/saker.yaml", "-o",
                                           "outputs_queue.capacity=1000"});
    CHECK(str(pod["priorityClassName"]) == "system-node-critical");
    CHECK(pod["tolerations"].size() == 2);
    CHECK(str(c["resources"]["limits"]["memory"]) == "2Gi");

    // Prometheus: the ServiceMonitor selects the metrics Service, whose port reaches the pods.
    const YAML::Node& svc = only(docs, "Service");
    const YAML::Node& sm = only(docs, "ServiceMonitor");
    CHECK(str(sm["apiVersion"]) == "monitoring.coreos.com/v1");
    CHECK(str(sm["metadata"]["labels"]["release"]) == "kube-prometheus-stack");
    for (const auto& kv : sm["spec"]["selector"]["matchLabels"])
        CHECK(str(svc["metadata"]["labels"][kv.first.as<std::string>()]) ==
              kv.second.as<std::string>());
    CHECK(str(sm["spec"]["endpoints"][0]["port"]) == str(svc["spec"]["ports"][0]["name"]));
    CHECK(str(sm["spec"]["endpoints"][0]["path"]) == "/metrics");
    CHECK(str(sm["spec"]["endpoints"][0]["interval"]) == "30s");
    for (const auto& kv : svc["spec"]["selector"])
        CHECK(str(ds["spec"]["template"]["metadata"]["labels"][kv.first.as<std::string>()]) ==
              kv.second.as<std::string>());
    CHECK(svc["spec"]["ports"][0]["targetPort"].as<int>() ==
          by_name(c["ports"], "web")["containerPort"].as<int>());
    CHECK(cfg.webserver.prometheus_metrics_enabled);
    CHECK(cfg.metrics.interval_ms == 15 * 60 * 1000); // metrics.interval, Falco chart's name
    CHECK(cfg.metrics.interval_ms == 15 * 60 * 1000); // metrics.interval, Falco chart's name

    // NOTES: the driver is saker's one probe.
    CHECK_THAT(helm({"--notes", "-f", kValues + "falco-user.yaml"}),
               Catch::Contains("falcosidekick"));
    CHECK_THAT(helm({"--notes", "--set", "driver.kind=kmod"}),
               Catch::Contains("saker has one driver"));
}

TEST_CASE("the Helm chart's collectors become the agent's container runtimes") {
    auto config_of = [](const std::vector<YAML::Node>& docs) {
        auto loaded = saker::config::load_config_text("saker.yaml",
                                                      str(config_map(docs)["data"]["saker.yaml"]));
        INFO(loaded.render());
        REQUIRE(loaded.ok());
        return loaded.config;
    };
    using V = std::vector<std::string>;
    // Defaults: containerd, over CRI and its own API, one mount for both.
    auto defaults = load_documents(helm({}));
    auto d = config_of(defaults);
    CHECK(d.cri_sockets == V{"/run/containerd/containerd.sock"});
    CHECK(d.containerd_sockets == V{"/run/containerd/containerd.sock"});
    CHECK((d.cri_enabled && d.containerd_enabled && !d.docker_enabled && !d.podman_enabled));

    // Chart 4.x: CRI-O and Docker on as well.
    auto four = load_documents(
        helm({"--set", "collectors.crio.enabled=true", "--set", "collectors.docker.enabled=true",
              "--set", "collectors.docker.socket=/run/docker.sock"}));
    check_agent(four, Expect{.privileged = true, .host_network = false});
    auto f = config_of(four);
    CHECK(f.cri_sockets == V{"/run/containerd/containerd.sock", "/run/crio/crio.sock"});
    CHECK(f.containerd_sockets == V{"/run/containerd/containerd.sock"});
    CHECK((f.docker_enabled && f.docker_sockets == V{"/run/docker.sock"}));
    CHECK_FALSE(f.podman_enabled);

    // Chart 5+: the container plugin's engines by name; one saker lacks is ignored, and the
    // NOTES say so.
    const std::vector<std::string> five = {"-f", kValues + "falco-chart5-engines.yaml"};
    auto docs5 = load_documents(helm(five));
    check_agent(docs5, Expect{.privileged = true, .host_network = false});
    auto g = config_of(docs5);
    CHECK((g.cri_enabled && g.cri_sockets == V{"/run/crio/crio.sock"}));
    CHECK((g.podman_enabled && g.podman_sockets == V{"/run/podman/podman.sock"}));
    CHECK_FALSE(g.containerd_enabled);
    CHECK_FALSE(g.docker_enabled);
    std::vector<std::string> notes_args = five;
    notes_args.insert(notes_args.begin(), "--notes");
    const std::string notes = helm(notes_args);
    CHECK_THAT(notes, Catch::Contains("cri: /run/crio/crio.sock"));
    CHECK_THAT(notes, Catch::Contains("podman: /run/podman/podman.sock"));
    CHECK_THAT(notes, Catch::Contains("saker has no lxc engine"));
    CHECK_THAT(notes, !Catch::Contains("containerd only"));

    // Collectors off: no runtime asked, no socket mounted.
    auto off = load_documents(helm({"--set", "collectors.enabled=false"}));
    check_agent(off, Expect{.privileged = true, .host_network = false});
    auto o = config_of(off);
    CHECK_FALSE((o.cri_enabled || o.containerd_enabled || o.docker_enabled || o.podman_enabled));
    CHECK_THAT(helm({"--notes", "--set", "collectors.enabled=false"}),
               Catch::Contains("No container runtime socket"));
}

TEST_CASE("the Helm chart refuses a mistyped or mistyped-type value, naming it") {
    auto typo = helm_run({"-f", kValues + "mistyped.yaml"});
    CHECK(typo.status != 0);
    CHECK_THAT(typo.out, Catch::Contains("falcosidekik"));
    auto type = helm_run({"-f", kValues + "wrong-type.yaml"});
    CHECK(type.status != 0);
    CHECK_THAT(type.out, Catch::Contains("serviceMonitor.create"));
    auto kind = helm_run({"--set", "driver.kind=ebpff"});
    CHECK(kind.status != 0);
    CHECK_THAT(kind.out, Catch::Contains("driver.kind"));
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
    CHECK(has_line(runtime, R"(^RUN\s+ln\s+-s\s+saker\s+/usr/bin/falco$)"));
    CHECK(has_line(runtime, R"(^COPY\s+saker\.yaml\s+/etc/saker/saker\.yaml$)"));
    CHECK(has_line(runtime, R"(^CMD\s+\["run",\s*"-c",\s*"/etc/saker/saker\.yaml"\])"));
    // saker.yaml's rules there: Falco's, saker's add-on (relative to /etc/saker), local, rules.d.
    auto image_config = saker::config::load_config_text(
        "/etc/saker/saker.yaml", saker::test::slurp(kSource + "/saker.yaml"));
    REQUIRE(image_config.ok());
    CHECK(image_config.config.rules_files ==
          std::vector<std::string>{"/etc/falco/falco_rules.yaml",
                                   "/etc/saker/rules/saker_rules.yaml",
                                   "/etc/falco/falco_rules.local.yaml", "/etc/falco/rules.d"});

    // Falco's rules: a pinned release, checked against the SHA-256 of that release's file,
    // which is the compatibility corpus' file (the same bytes the tests load).
    REQUIRE(stages.count("rules"));
    const auto& rules = stages["rules"];
    CHECK(has_line(rules, R"(curl\s.*falcosecurity/rules/falco-rules-\$\{FALCO_RULES_VERSION\}/)"
                          R"(rules/falco_rules\.yaml)"));
    CHECK(has_line(rules, R"(sha256sum\s+-c)"));
    std::smatch pinned;
    std::string all_rules;
    for (const auto& l : rules)
        all_rules += l + "\n";
    REQUIRE(
        std::regex_search(all_rules, pinned, std::regex(R"(FALCO_RULES_SHA256=([0-9a-f]{64}))")));
    auto corpus_sum = sh("sha256sum " SAKER_CORPUS_DIR "/falco_rules.yaml");
    REQUIRE(corpus_sum.status == 0);
    CHECK(corpus_sum.out.substr(0, 64) == pinned[1].str());
    CHECK(has_line(runtime,
                   R"(^COPY\s+--from=rules\s+/falco_rules\.yaml\s+/etc/falco/falco_rules\.yaml$)"));
    auto loaded = saker::config::load_config(kSource + "/saker.yaml");
    INFO(loaded.render());
    REQUIRE(loaded.ok());
    // Falco's paths in saker.yaml: the rules stage and the local file and rules.d made here.
    CHECK(has_line(runtime, R"(^RUN\s+mkdir\s+-p\s+/etc/falco/rules\.d\s.*>\s*)"
                            R"(/etc/falco/falco_rules\.local\.yaml$)"));
    for (auto rules : loaded.config.rules_files) {
        if (rules.starts_with("/etc/falco/")) continue;
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
