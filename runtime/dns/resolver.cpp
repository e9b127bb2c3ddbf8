#include "runtime/dns/resolver.h"

#include <algorithm>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace saker::dns {

namespace {

struct Lookup {
    std::vector<Address> addresses; // sorted, unique
    bool temporary_failure = false;
};

// getaddrinfo with AF_UNSPEC: every address of every family, IPv4 mapped into IPv6.
Lookup lookup(const std::string& name, size_t max) {
    Lookup out;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM; // one entry per address instead of one per socket type
    addrinfo* res = nullptr;
    int rc = getaddrinfo(name.c_str(), nullptr, &hints, &res);
    if (rc != 0) {
        out.temporary_failure = rc == EAI_AGAIN;
        return out;
    }
    for (addrinfo* p = res; p; p = p->ai_next) {
        Address a{};
        if (p->ai_family == AF_INET) {
            a[10] = a[11] = 0xff;
            std::memcpy(&a[12], &reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr, 4);
        } else if (p->ai_family == AF_INET6) {
            std::memcpy(a.data(), &reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr, 16);
        } else {
            continue;
        }
        out.addresses.push_back(a);
    }
    freeaddrinfo(res);
    std::sort(out.addresses.begin(), out.addresses.end());
    out.addresses.erase(std::unique(out.addresses.begin(), out.addresses.end()),
                        out.addresses.end());
    if (out.addresses.size() > max) out.addresses.resize(max);
    return out;
}

Address to_address(const uint8_t addr[16]) {
    Address a;
    std::memcpy(a.data(), addr, 16);
    return a;
}

} // namespace

Resolver::Resolver(ResolverOptions options)
    : options_(options), table_(std::make_shared<const Table>()) {}

void Resolver::start() {
    std::call_once(started_, [this] { thread_ = std::thread([this] { run(); }); });
}

Resolver::~Resolver() {
    {
        std::lock_guard lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
}

Resolver::Tracking& Resolver::Tracking::operator=(Tracking&& o) noexcept {
    if (this != &o) {
        if (r_) r_->release(names_);
        r_ = o.r_;
        names_ = std::move(o.names_);
        o.r_ = nullptr;
    }
    return *this;
}

Resolver::Tracking::~Tracking() {
    if (r_) r_->release(names_);
}

Resolver::Tracking Resolver::track(const std::vector<std::string>& names) {
    std::vector<std::string> accepted;
    {
        std::lock_guard lock(mu_);
        for (const auto& n : names) {
            if (n.empty() || std::find(accepted.begin(), accepted.end(), n) != accepted.end())
                continue;
            auto it = entries_.find(n);
            if (it == entries_.end()) {
                if (entries_.size() >= options_.max_names) {
                    refused_.fetch_add(1, std::memory_order_relaxed);
                    continue;
                }
                it = entries_.emplace(n, Entry{}).first; // due now: resolved at once
            }
            ++it->second.holders;
            accepted.push_back(n);
        }
    }
    cv_.notify_all();
    return Tracking(this, std::move(accepted));
}

void Resolver::release(const std::vector<std::string>& names) {
    std::lock_guard lock(mu_);
    bool dropped = false;
    for (const auto& n : names) {
        auto it = entries_.find(n);
        if (it == entries_.end() || --it->second.holders > 0) continue;
        entries_.erase(it);
        dropped = true;
    }
    if (dropped) publish();
}

bool Resolver::resolves_to(std::string_view name, const uint8_t addr[16]) const {
    auto table = table_.load(std::memory_order_acquire);
    auto it = table->by_name.find(name);
    if (it == table->by_name.end()) return false;
    return std::binary_search(it->second.begin(), it->second.end(), to_address(addr));
}

std::string Resolver::name_of(const uint8_t addr[16]) const {
    auto table = table_.load(std::memory_order_acquire);
    auto it = table->name_of.find(to_address(addr));
    return it == table->name_of.end() ? std::string() : it->second;
}

bool Resolver::wait_resolved(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] {
        return std::all_of(entries_.begin(), entries_.end(),
                           [](const auto& e) { return e.second.resolved; });
    });
}

ResolverStats Resolver::stats() const {
    ResolverStats s;
    s.resolutions = resolutions_.load(std::memory_order_relaxed);
    s.failures = failures_.load(std::memory_order_relaxed);
    s.refused = refused_.load(std::memory_order_relaxed);
    std::lock_guard lock(mu_);
    s.names = entries_.size();
    for (const auto& [name, e] : entries_)
        s.addresses += e.addresses.size();
    return s;
}

void Resolver::publish() {
    auto t = std::make_shared<Table>();
    for (const auto& [name, e] : entries_) {
        if (e.addresses.empty()) continue;
        t->by_name.emplace(name, e.addresses);
        for (const auto& a : e.addresses) {
            auto [it, fresh] = t->name_of.emplace(a, name);
            if (!fresh && name < it->second) it->second = name;
        }
    }
    table_.store(std::move(t), std::memory_order_release);
    cv_.notify_all();
}

void Resolver::run() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock lock(mu_);
    while (!stop_) {
        // Resolve every due name, one at a time, without holding the lock while resolving.
        const auto now = Clock::now();
        std::string due;
        for (const auto& [name, e] : entries_)
            if (!e.resolved || e.due <= now) {
                due = name;
                break;
            }
        if (!due.empty()) {
            lock.unlock();
            Lookup found = lookup(due, options_.max_addresses);
            resolutions_.fetch_add(1, std::memory_order_relaxed);
            if (found.addresses.empty()) failures_.fetch_add(1, std::memory_order_relaxed);
            lock.lock();
            auto it = entries_.find(due);
            if (it == entries_.end()) continue; // released meanwhile
            Entry& e = it->second;
            const bool keep_old = found.temporary_failure && e.resolved;
            const bool changed = !keep_old && found.addresses != e.addresses;
            if (!e.resolved || changed)
                e.interval = options_.base_refresh;
            else
                e.interval = std::min(e.interval * 2, options_.max_refresh);
            if (changed) e.addresses = std::move(found.addresses);
            const bool first = !e.resolved;
            e.resolved = true;
            e.due = Clock::now() + e.interval;
            if (changed || first) publish();
            continue;
        }
        auto next = Clock::time_point::max();
        for (const auto& [name, e] : entries_)
            next = std::min(next, e.due);
        if (next == Clock::time_point::max())
            cv_.wait(lock);
        else
            cv_.wait_until(lock, next);
    }
}

Resolver& resolver() {
    // Never destroyed: its thread may be inside getaddrinfo at exit (see the header).
    static Resolver* instance = new Resolver();
    return *instance;
}

} // namespace saker::dns
