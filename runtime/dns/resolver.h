// Domain names for the fd.*ip.name fields, resolved off the event path.
//
// Contract:
// - A name is resolved while some `Tracking` handle holds it: the rule engines take one for the
//   names their conditions compare against (`fd.sip.name = kubernetes.default...`) and keep it
//   as long as they live, so a load or a reload registers its names and dropping the old rules
//   forgets theirs. Nothing else is ever resolved: memory is bounded by the loaded rules and, in
//   addition, by `max_names` and `max_addresses` per name (names beyond the limit are refused
//   and counted; they never match).
// - Nothing is resolved before `start()`: the agent starts the process's resolver (`saker
//   run`); compiling rules elsewhere (`saker compile`, tests, benchmarks) registers names but
//   sends no query, and their comparisons see no address.
// - One background thread calls getaddrinfo (AF_UNSPEC), so the host's resolver configuration
//   applies: /etc/nsswitch.conf, /etc/hosts, /etc/resolv.conf. A new name is resolved at once;
//   afterwards every `base_refresh`, the interval doubling up to `max_refresh` while the answer
//   stays the same and going back to `base_refresh` when it changes (getaddrinfo reports no
//   TTL; these are Falco's intervals, 10 s and 320 s). A temporary failure (EAI_AGAIN) keeps
//   the previous addresses; any other failure empties the set.
// - The event thread only reads: `resolves_to` and `name_of` look at an immutable table the
//   thread publishes after each change (an atomic shared_ptr swap). They never wait for DNS and
//   never take a lock the resolving thread holds while resolving.
// - Addresses are 16 bytes, IPv4 in IPv4-mapped form, as `Value::of_ip` holds them.
// - `resolver()` is the process's instance; it lives until exit (its thread may be inside
//   getaddrinfo, which cannot be interrupted, so it is never joined). Other instances (tests)
//   stop and join their thread when destroyed.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace saker::dns {

using Address = std::array<uint8_t, 16>;

struct ResolverOptions {
    std::chrono::milliseconds base_refresh{10'000};
    std::chrono::milliseconds max_refresh{320'000};
    size_t max_names = 1024;
    size_t max_addresses = 64; // per name
};

struct ResolverStats {
    uint64_t resolutions = 0; // getaddrinfo calls
    uint64_t failures = 0;    // calls that gave no address
    uint64_t refused = 0;     // names not tracked because of max_names
    size_t names = 0;         // names tracked now
    size_t addresses = 0;     // addresses held now, all names
};

class Resolver {
  public:
    explicit Resolver(ResolverOptions options = {});
    ~Resolver();
    // Starts the resolving thread (once; later calls do nothing).
    void start();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // Holds its names tracked until destroyed.
    class Tracking {
      public:
        Tracking() = default;
        Tracking(Resolver* r, std::vector<std::string> names) : r_(r), names_(std::move(names)) {}
        Tracking(Tracking&& o) noexcept : r_(o.r_), names_(std::move(o.names_)) { o.r_ = nullptr; }
        Tracking& operator=(Tracking&& o) noexcept;
        ~Tracking();
        const std::vector<std::string>& names() const { return names_; }

      private:
        Resolver* r_ = nullptr;
        std::vector<std::string> names_; // the ones accepted (each counted once)
    };
    Tracking track(const std::vector<std::string>& names);

    // Whether `addr` is among the addresses `name` resolved to (false while unresolved).
    bool resolves_to(std::string_view name, const uint8_t addr[16]) const;
    // A tracked name that resolves to `addr` (the alphabetically first), or "".
    std::string name_of(const uint8_t addr[16]) const;
    // Waits until every tracked name was resolved at least once (tests; a bounded start-up).
    bool wait_resolved(std::chrono::milliseconds timeout) const;
    ResolverStats stats() const;

  private:
    struct Table {
        std::map<std::string, std::vector<Address>, std::less<>> by_name; // sorted addresses
        std::map<Address, std::string> name_of;
    };
    struct Entry {
        size_t holders = 0;
        bool resolved = false;
        std::vector<Address> addresses;
        std::chrono::milliseconds interval{};
        std::chrono::steady_clock::time_point due{};
    };

    void release(const std::vector<std::string>& names);
    void run();
    void publish(); // with mu_ held

    const ResolverOptions options_;
    mutable std::mutex mu_;
    mutable std::condition_variable
        cv_; // track/release/stop wake the thread; publish wakes waiters
    std::unordered_map<std::string, Entry> entries_;
    bool stop_ = false;
    std::once_flag started_;
    std::atomic<std::shared_ptr<const Table>> table_;
    std::atomic<uint64_t> resolutions_{0}, failures_{0}, refused_{0};
    std::thread thread_;
};

Resolver& resolver();

} // namespace saker::dns
