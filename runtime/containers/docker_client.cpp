#include "runtime/containers/docker_client.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace saker::containers {

using Clock = std::chrono::steady_clock;

namespace {

// Waits for `events` on fd until the deadline; false on timeout or error.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, events, 0};
        int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r > 0) return true;
        if (r < 0 && errno != EINTR) return false;
    }
}

std::string dechunk(std::string_view body) {
    std::string out;
    while (!body.empty()) {
        auto eol = body.find("\r\n");
        if (eol == std::string_view::npos) break;
        std::size_t n = std::strtoul(std::string(body.substr(0, eol)).c_str(), nullptr, 16);
        body.remove_prefix(eol + 2);
        if (n == 0 || n > body.size()) break;
        out.append(body.substr(0, n));
        body.remove_prefix(std::min(body.size(), n + 2));
    }
    return out;
}

} // namespace

std::optional<HttpResponse> unix_http_get(const std::string& socket_path, const std::string& path,
                                          std::chrono::milliseconds timeout, std::string& error) {
    const auto deadline = Clock::now() + timeout;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) {
        error = "socket path too long";
        return std::nullopt;
    }
    std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = std::strerror(errno);
        return std::nullopt;
    }
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS && errno != EAGAIN) {
            error = std::string("connect: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (!wait_fd(fd, POLLOUT, deadline)) {
            error = "connect: timed out";
            return std::nullopt;
        }
    }
    // HTTP/1.0: the daemon closes the connection after the answer, so EOF ends the body.
    std::string req =
        "GET " + path + " HTTP/1.0\r\nHost: docker\r\nAccept: application/json\r\n\r\n";
    for (std::size_t sent = 0; sent < req.size();) {
        ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            error = std::string("send: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (!wait_fd(fd, POLLOUT, deadline)) {
            error = "send: timed out";
            return std::nullopt;
        }
    }
    std::string raw;
    char buf[16384];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            raw.append(buf, static_cast<std::size_t>(n));
            if (raw.size() > (64u << 20)) {
                error = "answer too large";
                return std::nullopt;
            }
            continue;
        }
        if (n == 0) break;
        if (errno != EAGAIN && errno != EINTR) {
            error = std::string("recv: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (!wait_fd(fd, POLLIN, deadline)) {
            error = "recv: timed out";
            return std::nullopt;
        }
    }
    auto head_end = raw.find("\r\n\r\n");
    if (!raw.starts_with("HTTP/") || head_end == std::string::npos) {
        error = "not an HTTP answer";
        return std::nullopt;
    }
    HttpResponse r;
    auto sp = raw.find(' ');
    r.status = std::atoi(raw.c_str() + sp + 1);
    std::string head = raw.substr(0, head_end);
    for (auto& c : head)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.body = raw.substr(head_end + 4);
    if (head.find("transfer-encoding: chunked") != std::string::npos) r.body = dechunk(r.body);
    return r;
}

uint64_t parse_rfc3339_ns(std::string_view t) {
    // 2024-05-01T10:11:12.123456789Z or ...+02:00
    struct tm tm {};
    if (t.size() < 19) return 0;
    std::string s(t);
    if (!::strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    if (tm.tm_year < 71) return 0; // Docker's zero time, 0001-01-01
    int64_t secs = ::timegm(&tm);
    std::size_t i = 19;
    uint64_t frac = 0;
    if (i < s.size() && s[i] == '.') {
        uint64_t scale = 100000000;
        for (++i; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) {
            frac += static_cast<uint64_t>(s[i] - '0') * scale;
            scale /= 10;
        }
    }
    if (i + 6 <= s.size() && (s[i] == '+' || s[i] == '-')) {
        int sign = s[i] == '+' ? 1 : -1;
        int hh = std::atoi(s.substr(i + 1, 2).c_str()), mm = std::atoi(s.substr(i + 4, 2).c_str());
        secs -= sign * (hh * 3600 + mm * 60);
    }
    if (secs < 0) return 0;
    return static_cast<uint64_t>(secs) * 1000000000ull + frac;
}

bool parse_docker_inspect(std::string_view text, ContainerMetadata& m) {
    auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (!j.is_object()) return false;
    auto obj = [&](const nlohmann::json& o, const char* key) -> const nlohmann::json& {
        static const nlohmann::json empty = nlohmann::json::object();
        auto it = o.find(key);
        return it != o.end() && it->is_object() ? *it : empty;
    };
    auto str = [](const nlohmann::json& o, const char* key) {
        auto it = o.find(key);
        return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    m.id = str(j, "Id");
    m.name = str(j, "Name");
    if (m.name.starts_with("/")) m.name.erase(0, 1);
    const auto& cfg = obj(j, "Config");
    const auto& host = obj(j, "HostConfig");
    m.image = str(cfg, "Image");
    m.image_id = str(j, "Image");
    if (m.image_id.starts_with("sha256:")) m.image_id.erase(0, 7);
    if (auto l = cfg.find("Labels"); l != cfg.end() && l->is_object())
        for (const auto& [k, v] : l->items())
            if (v.is_string()) m.labels[k] = v.get<std::string>();
    apply_k8s_labels(m);
    auto priv = host.find("Privileged");
    m.privileged = priv != host.end() && priv->is_boolean() && priv->get<bool>();
    m.host_pid = str(host, "PidMode") == "host";
    m.host_network = str(host, "NetworkMode") == "host";
    m.host_ipc = str(host, "IpcMode") == "host";
    if (auto ms = j.find("Mounts"); ms != j.end() && ms->is_array()) {
        for (const auto& mj : *ms) {
            if (!mj.is_object()) continue;
            auto rw = mj.find("RW");
            m.mounts.push_back({str(mj, "Source"), str(mj, "Destination"), str(mj, "Mode"),
                                rw == mj.end() || !rw->is_boolean() || rw->get<bool>(),
                                str(mj, "Propagation")});
        }
    }
    m.ip = str(obj(j, "NetworkSettings"), "IPAddress");
    m.start_ns = parse_rfc3339_ns(str(obj(j, "State"), "StartedAt"));
    if (!m.start_ns) m.start_ns = parse_rfc3339_ns(str(j, "Created"));
    return true;
}

namespace {

using Outcome = MetadataBackend::Outcome;

class DockerBackend final : public MetadataBackend {
  public:
    explicit DockerBackend(const DockerOptions& o) : opts_(o), log_(std::chrono::seconds(10)) {}

    std::string describe() const override { return opts_.runtime + " at " + opts_.socket_path; }
    void cancel() override { cancelled_ = true; }

    Outcome fetch(const std::string& id, ContainerMetadata& out) override {
        if (cancelled_) return Outcome::Error;
        std::string error;
        auto r =
            unix_http_get(opts_.socket_path, "/containers/" + id + "/json", opts_.timeout, error);
        if (!r) {
            log_.warn(describe() + ": inspect " + id + ": " + error);
            return Outcome::Error;
        }
        if (r->status == 404) return Outcome::NotFound;
        if (r->status != 200 || !parse_docker_inspect(r->body, out)) {
            log_.warn(describe() + ": inspect " + id + ": HTTP " + std::to_string(r->status));
            return Outcome::Error;
        }
        out.runtime = opts_.runtime;
        image_facts(out);
        return Outcome::Found;
    }

  private:
    // Repository, tag and digest from the image's RepoTags / RepoDigests, as Falco reads them;
    // the reference in Config.Image when the image is not there to ask.
    void image_facts(ContainerMetadata& m) {
        apply_image_reference(m);
        if (m.image_id.empty()) return;
        std::string error;
        auto r = unix_http_get(opts_.socket_path, "/images/sha256:" + m.image_id + "/json",
                               opts_.timeout, error);
        if (!r || r->status != 200) return;
        auto j = nlohmann::json::parse(r->body, nullptr, false);
        if (!j.is_object()) return;
        std::string repo;
        if (auto ds = j.find("RepoDigests"); ds != j.end() && ds->is_array()) {
            for (const auto& d : *ds) {
                if (!d.is_string()) continue;
                const auto& s = d.get_ref<const std::string&>();
                auto at = s.find('@');
                if (at == std::string::npos) continue;
                if (repo.empty()) repo = s.substr(0, at);
                if (s.starts_with(repo + "@")) {
                    m.image_digest = s.substr(at + 1);
                    break;
                }
            }
        }
        if (auto ts = j.find("RepoTags"); ts != j.end() && ts->is_array()) {
            for (const auto& t : *ts) {
                if (!t.is_string()) continue;
                ImageReference ref = split_image_reference(t.get_ref<const std::string&>());
                if (ref.repository.empty() || ref.tag.empty()) continue;
                if (repo.empty()) repo = ref.repository;
                if (ref.repository == repo) {
                    m.image_tag = ref.tag;
                    break;
                }
            }
        }
        if (!repo.empty()) m.image_repository = repo;
    }

    DockerOptions opts_;
    RateLimitedLog log_;
    std::atomic<bool> cancelled_{false};
};

} // namespace

std::unique_ptr<MetadataBackend> make_docker_backend(const DockerOptions& options) {
    return std::make_unique<DockerBackend>(options);
}

} // namespace saker::containers
