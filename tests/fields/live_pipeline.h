// Test support: the real probe feeding a StateUpdater and EventFields on one consumer thread
// (as the agent will run them), with hooks that inspect each event's fields while they are
// valid (watch(): the fields of the first matching event), and a marker to wait until
// everything before it has been applied.
#pragma once

#include "frontend/fields.h"
#include "runtime/capture/consumer.h"
#include "runtime/capture/probe.h"
#include "runtime/fields/event_fields.h"
#include "runtime/state/process_table.h"
#include "runtime/state/state_updater.h"
#include "runtime/state/users.h"

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

namespace saker::test {

// "proc.aname[2]", "evt.arg.flags", "fd.name" -> a request; field 0xffff when unknown.
inline FieldRequest request_for(std::string_view text) {
    FieldRequest r;
    const FieldRegistry& reg = FieldRegistry::instance();
    std::string_view name = text, arg;
    bool has_arg = false;
    if (auto open = text.find('['); open != std::string_view::npos && text.back() == ']') {
        name = text.substr(0, open);
        arg = text.substr(open + 1, text.size() - open - 2);
        has_arg = true;
    }
    const FieldInfo* info = reg.find(name);
    if (!info && (info = reg.find_dotted(name, &arg))) has_arg = true;
    r.field = info ? info->id : 0xffff;
    r.has_arg = has_arg;
    r.key = arg;
    r.index = -1;
    if (has_arg && !arg.empty() && arg.find_first_not_of("0123456789") == std::string_view::npos)
        r.index = std::stoll(std::string(arg));
    return r;
}

inline std::string render(const Value& v) {
    switch (v.kind) {
    case ValueKind::Absent:
        return "<NA>";
    case ValueKind::Int:
        return std::to_string(v.i);
    case ValueKind::Str:
        return std::string(v.str());
    case ValueKind::Ip: {
        std::array<uint8_t, 16> ip{};
        std::memcpy(ip.data(), v.ptr, 16);
        return state::format_ip(ip);
    }
    case ValueKind::List: {
        std::string s = "[";
        auto* items = static_cast<const Value*>(v.ptr);
        for (uint32_t i = 0; i < v.len; ++i)
            s += (i ? "," : "") + render(items[i]);
        return s + "]";
    }
    }
    return "?";
}

inline std::string get(FieldSource& src, std::string_view field) {
    FieldRequest r = request_for(field);
    Value v;
    src.extract(r, v);
    return render(v);
}

class LivePipeline {
  public:
    using Hook = std::function<void(const state::EventContext&, FieldSource&)>;

    explicit LivePipeline(state::ProcessTableOptions opts = {})
        : table_(std::move(opts)), updater_(table_, &users_), fields_(table_, &users_) {
        seeded_ = table_.seed();
        probe_ = std::make_unique<capture::Probe>();
        consumer_ = std::make_unique<capture::Consumer>(
            *probe_, [this](const capture::Event& ev) { apply(ev); });
        thread_ = std::thread([this] {
            while (!stop_.load())
                consumer_->poll(20);
        });
    }
    ~LivePipeline() {
        stop_ = true;
        thread_.join();
    }

    void add_hook(Hook h) {
        std::lock_guard lock(mu_);
        hooks_.push_back(std::move(h));
    }
    template <typename Fn> auto locked(Fn fn) {
        std::lock_guard lock(mu_);
        return fn(table_);
    }
    // Opens a unique missing path and waits until its (failed) openat has been applied: every
    // event before it has been applied too (the ring buffer is one ordered queue).
    bool sync(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
        std::string path =
            "/saker-sync-marker-" + std::to_string(getpid()) + "-" + std::to_string(++marker_n_);
        {
            std::lock_guard lock(mu_);
            marker_ = path;
            marker_seen_ = false;
        }
        auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int fd = ::open(path.c_str(), O_RDONLY);
            if (fd >= 0) ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            std::lock_guard lock(mu_);
            if (marker_seen_) return true;
        }
        return false;
    }
    std::size_t seeded() const { return seeded_; }
    capture::Probe& probe() { return *probe_; }

  private:
    void apply(const capture::Event& ev) {
        std::lock_guard lock(mu_);
        const state::EventContext& ctx = updater_.apply(ev);
        fields_.set_event(ctx);
        for (auto& h : hooks_)
            h(ctx, fields_);
        if (!marker_.empty() && ev.type() == capture::EventType::OPEN &&
            ev.str("path").value_or("") == marker_)
            marker_seen_ = true;
    }

    std::mutex mu_;
    state::UserDb users_;
    state::ProcessTable table_;
    state::StateUpdater updater_;
    fields::EventFields fields_;
    std::size_t seeded_ = 0;
    std::unique_ptr<capture::Probe> probe_;
    std::unique_ptr<capture::Consumer> consumer_;
    std::vector<Hook> hooks_;
    std::string marker_;
    bool marker_seen_ = false;
    int marker_n_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Records the named fields of the first event matching `pred`.
struct Capture {
    std::mutex mu;
    std::map<std::string, std::string> values;
    bool seen = false;
};

inline void watch(LivePipeline& lp, std::shared_ptr<Capture> cap,
                  std::function<bool(const state::EventContext&, FieldSource&)> pred,
                  std::vector<std::string> names) {
    lp.add_hook([=](const state::EventContext& ctx, FieldSource& src) {
        std::lock_guard lock(cap->mu);
        if (cap->seen || !pred(ctx, src)) return;
        cap->seen = true;
        for (const auto& n : names)
            cap->values[n] = get(src, n);
    });
}

} // namespace saker::test
