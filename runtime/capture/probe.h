// Probe: owns the loaded saker eBPF probe for its whole life (RAII).
//
// Contract:
// - The constructor runs open -> configure (ring size, rodata, which programs
//   load) -> load -> attach -> interest, checking every libbpf return. On any
//   failure it throws ProbeError whose what() names the step, the errno text
//   and what to do; nothing stays loaded or attached.
// - Attach modes (bpf/probe.bpf.c): `fexit`, one program per syscall on its
//   kernel entry point, attached while the syscall is in the interest set and
//   detached when it leaves it, so other syscalls cost nothing; `tracepoint`,
//   the global sys_exit dispatcher. AttachMode::Auto takes fexit when the
//   feature check allows it (fexit_support()) and falls back to the tracepoint
//   if fexit fails to load or attach (fallback_reason() says why).
// - The destructor detaches and unloads everything.
// - Not copyable, not movable: hand out references or hold it in a unique_ptr.
// - Thread-safety: one thread calls set_interest(); set_payload() and the drop readers may be
//   called from any thread (single map syscalls); the ring buffer is drained by Consumer.
#pragma once

#include "bpf/events.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

struct probe_bpf;
struct bpf_link;
struct bpf_program;

namespace saker::capture {

class ProbeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class AttachMode { Auto, Fexit, Tracepoint };
const char* attach_mode_name(AttachMode m); // "auto", "fexit", "tracepoint"

struct ProbeOptions {
    AttachMode attach = AttachMode::Auto;
    // Power of two and a multiple of the page size (kernel rule for ringbuf).
    size_t ring_buffer_bytes = 8u << 20;
    // Syscalls to emit; empty = handled_syscalls() (everything but read/write).
    std::vector<uint32_t> syscalls;
    // I/O syscalls whose records carry the buffer's first `snaplen` bytes (evt.buffer); only
    // those a loaded rule reads the buffer on (payload_syscalls_for()), so others pay nothing.
    std::vector<uint32_t> payload_syscalls;
    uint32_t snaplen = 80; // Falco's default (-s / snaplen)
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
    uint64_t ia32_dropped = 0; // wanted 32-bit syscalls the probe cannot decode (never misread)
};

// One loaded program's kernel statistics (bpf_prog_info): run counts and time are kept only
// while BPF_ENABLE_STATS is on (bpf_enable_stats(), or the kernel.bpf_stats_enabled sysctl).
struct ProgramStats {
    std::string name;
    uint64_t run_cnt = 0;
    uint64_t run_time_ns = 0;
};

class Probe {
  public:
    explicit Probe(const ProbeOptions& opts = {});
    ~Probe();
    Probe(const Probe&) = delete;
    Probe& operator=(const Probe&) = delete;

    int ring_buffer_fd() const;
    // Fexit or Tracepoint: what runs. With Auto, why fexit was not used ("" if it is).
    AttachMode attach_mode() const { return mode_; }
    const std::string& fallback_reason() const { return fallback_reason_; }
    // ProbeOptions::wakeup_ns as loaded: how long a record may wait without a forced wakeup.
    uint64_t wakeup_ns() const { return wakeup_ns_; }
    // Adds or removes a syscall; in fexit mode this attaches or detaches its program(s). Throws
    // ProbeError when fexit mode has no program for the syscall or attaching fails.
    void set_interest(uint32_t syscall_nr, bool on);
    // Syscalls in the interest set.
    size_t interest_count() const;
    // How many buffer bytes syscall_nr's records carry (0 = none); capped at SAKER_MAX_SNAPLEN.
    void set_payload(uint32_t syscall_nr, uint32_t snaplen);
    DropCounters drops() const;
    std::vector<DropCounters> drops_per_cpu() const;
    // Records lost to a full ring buffer by DropClass (drop_classes.h), summed over CPUs.
    std::array<uint64_t, SAKER_DROP_CLASSES> drops_by_class() const;
    // Every loaded program of the probe (attached or not), in the object's order.
    std::vector<ProgramStats> program_stats() const;

  private:
    void open_and_load(const ProbeOptions& opts, AttachMode mode);
    void configure(const ProbeOptions& opts);
    void select_programs();
    void load();
    void install_handlers();
    void apply_interest(const ProbeOptions& opts);
    void fill_drop_classes();
    void attach();
    void attach_fexit(uint32_t nr, bool on);
    uint8_t interest_bits(uint32_t k) const;
    void write_interest(uint32_t nr);
    void hold(bpf_program* prog, bool on);
    void destroy() noexcept;

    probe_bpf* skel_ = nullptr;
    AttachMode mode_ = AttachMode::Tracepoint;
    std::string fallback_reason_;
    std::vector<uint8_t> wanted_; // by syscall nr: in the interest set
    struct Held {
        bpf_link* link = nullptr;
        int users = 0; // wanted syscalls that need this fexit program
    };
    std::map<bpf_program*, Held> held_; // fexit mode
    uint64_t wakeup_ns_ = 0;
    std::vector<bpf_link*> links_;
};

} // namespace saker::capture
