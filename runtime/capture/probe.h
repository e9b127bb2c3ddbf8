// Probe: owns the loaded saker eBPF probe for its whole life (RAII).
//
// Contract:
// - The constructor runs open -> configure (ring size, rodata, interest map) ->
//   load -> fill the tail-call table -> attach, checking every libbpf return.
//   On any failure it throws ProbeError whose what() names the step, the errno
//   text and what to do; nothing stays loaded or attached.
// - The destructor detaches and unloads everything.
// - Not copyable, not movable: hand out references or hold it in a unique_ptr.
// - Thread-safety: set_interest() and the drop readers may be called from any thread
//   (they are single map syscalls); the ring buffer is drained by Consumer.
#pragma once

#include "bpf/events.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

struct probe_bpf;
struct bpf_link;

namespace saker::capture {

class ProbeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct ProbeOptions {
    // Power of two and a multiple of the page size (kernel rule for ringbuf).
    size_t ring_buffer_bytes = 8u << 20;
    // Syscalls to emit; empty = handled_syscalls() (everything but read/write).
    std::vector<uint32_t> syscalls;
    // A tgid whose syscalls the probe drops (the agent itself); 0 = none.
    uint32_t ignore_tgid = 0;
    // Wake the consumer once this many bytes are queued; 0 = ring size / 16.
    // Below that, records wait for the consumer's poll timeout (Consumer::poll)...
    uint32_t wakeup_bytes = 0;
    // ...or until a record finds the last wakeup older than this (0: never), which bounds
    // how long a record waits at any steady rate (alert latency) to about this much.
    uint64_t wakeup_ns = 1000000;
};

// Summed over CPUs (drops()) or one CPU's share (drops_per_cpu()).
struct DropCounters {
    uint64_t events = 0;
    uint64_t ringbuf_full = 0;
    uint64_t truncated_args = 0;
    uint64_t read_faults = 0;
    uint64_t tail_call_miss = 0;
};

class Probe {
  public:
    explicit Probe(const ProbeOptions& opts = {});
    ~Probe();
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    int ring_buffer_fd() const;
    // ProbeOptions::wakeup_ns as loaded: how long a record may wait without a forced wakeup.
    uint64_t wakeup_ns() const { return wakeup_ns_; }
    void set_interest(uint32_t syscall_nr, bool on);
    DropCounters drops() const;
    std::vector<DropCounters> drops_per_cpu() const;
    // Records lost to a full ring buffer by DropClass (drop_classes.h), summed over CPUs.
    std::array<uint64_t, SAKER_DROP_CLASSES> drops_by_class() const;

  private:
    void configure(const ProbeOptions& opts);
    void load();
    void install_handlers();
    void apply_interest(const ProbeOptions& opts);
    void fill_drop_classes();
    void attach();
    void destroy() noexcept;

    probe_bpf* skel_ = nullptr;
    uint64_t wakeup_ns_ = 0;
    std::vector<bpf_link*> links_;
};

} // namespace saker::capture
