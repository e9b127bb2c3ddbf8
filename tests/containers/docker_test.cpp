// Docker / Podman metadata through the Docker Engine API. No Docker-compatible daemon can run on
// this machine (neither dockerd nor podman is installed; see README), so the client talks to a
// unix-socket HTTP server written here that answers /containers/{id}/json and
// /images/{id}/json with bodies in the Engine API's format (the fields Docker 24 and Podman 4
// return for `docker run --privileged -v /proc:/host/proc:ro` and for a plain container), 404
// for anything else, and can be told to stall. Checked: every field as the container plugin
// derives it, the 404 = not found path, the deadline on a stalled daemon, chunked answers.
#include "runtime/containers/docker_client.h"
#include "runtime/containers/metadata_client.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace saker::containers;
using namespace std::chrono_literals;

namespace {

const std::string kPrivId = std::string(64, 'a');
const std::string kPlainId = std::string(64, 'b');
const std::string kImageId = "sha256:" + std::string(64, 'c');

const std::string kPrivInspect = R"({
  "Id": ")" + kPrivId + R"(",
  "Created": "2026-12-03T10:00:00.123456789Z",
  "State": {"Status": "running", "Running": true, "Pid": 4242,
            "StartedAt": "2026-12-03T10:00:01.5Z"},
  "Image": ")" + kImageId + R"(",
  "Name": "/wizardly_turing",
  "HostConfig": {"Privileged": true, "PidMode": "host", "NetworkMode": "host", "IpcMode": "private"},
  "Mounts": [{"Type": "bind", "Source": "/proc", "Destination": "/host/proc", "Mode": "ro",
              "RW": false, "Propagation": "rprivate"},
             {"Type": "bind", "Source": "/var/run/docker.sock",
              "Destination": "/var/run/docker.sock", "Mode": "", "RW": true,
              "Propagation": "rprivate"}],
  "Config": {"Hostname": "h", "Image": "nginx:1.25", "Labels": {"maintainer": "saker"}},
  "NetworkSettings": {"IPAddress": ""}
})";

const std::string kPlainInspect = R"({
  "Id": ")" + kPlainId + R"(",
  "Created": "2026-12-03T11:00:00+01:00",
  "State": {"StartedAt": "0001-01-01T00:00:00Z"},
  "Image": ")" + kImageId + R"(",
  "Name": "/web",
  "HostConfig": {"Privileged": false, "PidMode": "", "NetworkMode": "bridge", "IpcMode": "shareable"},
  "Mounts": [],
  "Config": {"Image": "nginx:1.25", "Labels": null},
  "NetworkSettings": {"IPAddress": "172.17.0.2"}
})";

const std::string kImageInspect = R"({
  "Id": ")" + kImageId + R"(",
  "RepoTags": ["nginx:1.25"],
  "RepoDigests": ["nginx@sha256:)" +
                                  std::string(64, 'd') + R"("]
})";

// One connection at a time, HTTP/1.0, canned bodies by path.
class FakeEngine {
  public:
    std::map<std::string, std::string> bodies;
    std::atomic<bool> stall{false};
    std::atomic<bool> chunked{false};
    std::atomic<int> requests{0};

    FakeEngine() {
        char tmpl[] = "/tmp/saker-docker-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir_ = tmpl;
        path_ = dir_ + "/docker.sock";
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, path_.c_str());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 8) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~FakeEngine() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    const std::string& socket() const { return path_; }

  private:
    void serve() {
        while (!stop_) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) return;
            std::string req;
            char buf[4096];
            while (req.find("\r\n\r\n") == std::string::npos) {
                ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                req.append(buf, static_cast<size_t>(n));
            }
            ++requests;
            if (stall) {
                std::this_thread::sleep_for(700ms); // longer than the client's deadline
                ::close(c);
                continue;
            }
            auto sp = req.find(' ');
            std::string path = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
            auto it = bodies.find(path);
            std::string body =
                it == bodies.end() ? R"({"message":"No such container"})" : it->second;
            std::string status = it == bodies.end() ? "404 Not Found" : "200 OK";
            std::string resp = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\n";
            if (chunked) {
                char hex[16];
                std::snprintf(hex, sizeof hex, "%zx", body.size() / 2);
                std::string a = body.substr(0, body.size() / 2), b = body.substr(body.size() / 2);
                char hex2[16];
                std::snprintf(hex2, sizeof hex2, "%zx", b.size());
                resp += "Transfer-Encoding: chunked\r\n\r\n" + std::string(hex) + "\r\n" + a +
                        "\r\n" + hex2 + "\r\n" + b + "\r\n0\r\n\r\n";
            } else {
                resp += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
            }
            ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }

    std::string dir_, path_;
    int fd_ = -1;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::unique_ptr<MetadataClient> client_for(const std::string& socket, const std::string& runtime,
                                           std::chrono::milliseconds timeout = 500ms) {
    std::vector<std::unique_ptr<MetadataBackend>> b;
    b.push_back(make_docker_backend({socket, runtime, timeout}));
    auto c = std::make_unique<MetadataClient>(std::move(b));
    c->start();
    return c;
}

} // namespace

TEST_CASE("RFC 3339 times from the Engine API", "[containers][docker]") {
    CHECK(parse_rfc3339_ns("2026-12-03T10:00:01.5Z") == 1796292001500000000ull);
    CHECK(parse_rfc3339_ns("2026-12-03T11:00:00+01:00") == 1796292000000000000ull);
    CHECK(parse_rfc3339_ns("0001-01-01T00:00:00Z") == 0);
    CHECK(parse_rfc3339_ns("yesterday") == 0);
}

TEST_CASE("Docker Engine API: a privileged and a plain container", "[containers][docker]") {
    FakeEngine engine;
    engine.bodies["/containers/" + kPrivId + "/json"] = kPrivInspect;
    engine.bodies["/containers/" + kPlainId + "/json"] = kPlainInspect;
    engine.bodies["/images/" + kImageId + "/json"] = kImageInspect;
    auto client = client_for(engine.socket(), "docker");

    client->request(kPrivId);
    auto p = client->wait_for(kPrivId, 5s);
    REQUIRE(p.has_value());
    CHECK(p->runtime == "docker");
    CHECK(p->name == "wizardly_turing");
    CHECK(p->privileged == true);
    CHECK(p->image == "nginx:1.25");
    CHECK(p->image_repository == "nginx");
    CHECK(p->image_tag == "1.25");
    CHECK(p->image_digest == "sha256:" + std::string(64, 'd'));
    CHECK(p->image_id == std::string(64, 'c'));
    REQUIRE(p->mounts.size() == 2);
    CHECK(p->mounts[0].to_string() == "/proc:/host/proc:ro:false:rprivate");
    CHECK(p->mounts[1].to_string() == "/var/run/docker.sock:/var/run/docker.sock::true:rprivate");
    CHECK(p->host_pid == true);
    CHECK(p->host_network == true);
    CHECK(p->host_ipc == false);
    CHECK(p->start_ns == 1796292001500000000ull);
    CHECK(p->labels.at("maintainer") == "saker");
    CHECK_FALSE(p->is_k8s());

    engine.chunked = true; // Docker answers HTTP/1.1 clients chunked; the client copes
    client->request(kPlainId);
    auto u = client->wait_for(kPlainId, 5s);
    REQUIRE(u.has_value());
    CHECK(u->name == "web");
    CHECK(u->privileged == false);
    CHECK(u->mounts.empty());
    CHECK(u->host_network == false);
    CHECK(u->ip == "172.17.0.2");
    CHECK(u->start_ns == 1796292000000000000ull); // StartedAt unset: Created, offset applied

    // 404: not found, no error.
    const std::string ghost(64, 'e');
    client->request(ghost);
    CHECK_FALSE(client->wait_for(ghost, 5s).has_value());
    CHECK(client->stats().not_found == 1);
    CHECK(client->stats().rpc_errors == 0);
}

TEST_CASE("Docker Engine API: Podman's socket, and a daemon that stalls", "[containers][docker]") {
    FakeEngine engine;
    engine.bodies["/containers/" + kPlainId + "/json"] = kPlainInspect;
    auto podman = client_for(engine.socket(), "podman");
    podman->request(kPlainId);
    auto u = podman->wait_for(kPlainId, 5s);
    REQUIRE(u.has_value());
    CHECK(u->runtime == "podman");
    CHECK(u->image_repository == "nginx"); // no image answer: from Config.Image
    CHECK(u->image_tag == "1.25");

    engine.stall = true;
    auto stalled = client_for(engine.socket(), "docker", 200ms);
    auto t0 = std::chrono::steady_clock::now();
    stalled->request(kPrivId);
    CHECK_FALSE(stalled->wait_for(kPrivId, 5s).has_value());
    auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < 650ms); // the client's deadline, not the daemon's stall, ended it
    CHECK(stalled->stats().rpc_errors == 1);
}
