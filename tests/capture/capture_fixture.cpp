#include "capture_fixture.h"

#include "runtime/capture/features.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace saker::capture::test {

const std::string& probe_unusable_reason() {
    static const std::string reason = [] {
        FeatureReport f = check_kernel_features();
        if (!f.ok()) return f.message();
        try {
            Probe p;
        } catch (const ProbeError& e) {
            return std::string(e.what());
        }
        return std::string();
    }();
    return reason;
}

CaptureFixture::CaptureFixture(const ProbeOptions& opts)
    : probe_(opts), consumer_(probe_, [this](const Event& ev) { keep(ev); }),
      self_(static_cast<uint32_t>(getpid())) {
    thread_ = std::thread([this] {
        while (!stop_.load())
            consumer_.poll(20);
    });
}

CaptureFixture::~CaptureFixture() {
    stop_ = true;
    thread_.join();
}

void CaptureFixture::keep(const Event& ev) {
    std::lock_guard lock(mu_);
    if (ev.hdr.pid != self_ && ev.hdr.ppid != self_ && !watched_.count(ev.hdr.pid)) return;
    records_.emplace_back(ev.raw.begin(), ev.raw.end());
}

void CaptureFixture::watch(uint32_t pid) {
    std::lock_guard lock(mu_);
    watched_.insert(pid);
}

std::unique_ptr<OwnedEvent> CaptureFixture::find(const Pred& pred) {
    std::lock_guard lock(mu_);
    for (const auto& raw : records_) {
        auto owned = std::make_unique<OwnedEvent>();
        owned->raw = raw;
        if (decode(owned->raw, owned->ev) == DecodeError::none && pred(owned->ev)) return owned;
    }
    return nullptr;
}

std::unique_ptr<OwnedEvent> CaptureFixture::wait_for(const Pred& pred,
                                                     std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        if (auto e = find(pred)) return e;
        if (std::chrono::steady_clock::now() > deadline) return nullptr;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

CaptureFixture::Pred syscall_from(uint32_t pid, EventType type, uint32_t nr) {
    return [=](const Event& ev) {
        return ev.hdr.pid == pid && ev.type() == type && ev.hdr.syscall_nr == nr;
    };
}

} // namespace saker::capture::test
