// Capture files without a kernel: every record type written and read back field for field; a
// small capture cut at every byte offset; corrupt lengths, magic, version, wire identity,
// counts and payloads. The reader must report the damage with its byte offset and deliver
// exactly the complete records before it.
#include "runtime/record/capture_reader.h"
#include "runtime/record/capture_writer.h"
#include "support/process_runner.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace saker;
using namespace saker::record;

namespace {

std::string temp_path(const std::string& name) {
    return "/tmp/saker-record-test-" + std::to_string(getpid()) + "-" + name;
}

std::string bytes_of(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), {}};
}

// A real-format ring-buffer record: a close(fd) event (FD layout, one U64 param).
std::vector<uint8_t> fd_event(uint32_t pid, int64_t fd, uint64_t ts) {
    saker_event_hdr h{};
    h.ts_ns = ts;
    h.tid = h.pid = pid;
    h.ppid = 1;
    h.type = SAKER_EVT_FD;
    h.nparams = 1;
    h.syscall_nr = 3;
    h.len = sizeof h + sizeof(saker_param_hdr) + 8;
    saker_param_hdr ph{8, SAKER_PT_U64, 0};
    std::vector<uint8_t> raw(h.len);
    std::memcpy(raw.data(), &h, sizeof h);
    std::memcpy(raw.data() + sizeof h, &ph, sizeof ph);
    std::memcpy(raw.data() + sizeof h + sizeof ph, &fd, 8);
    return raw;
}

state::Process full_process(uint32_t pid) {
    state::Process p;
    p.pid = pid;
    p.ppid = 1;
    p.tid = pid + 1;
    p.vpid = 7;
    p.vtid = 8;
    p.start_ns = 123456789;
    p.image_known = true;
    p.comm = "cat";
    p.exe = "cat";
    p.exepath = "/usr/bin/cat";
    p.cwd = "/root";
    p.args = {"/etc/shadow", "", "a b"};
    p.env = std::vector<std::string>{"HOME=/root", "X=\n"};
    p.tty = 34816, p.sid = 10, p.pgid = 11, p.loginuid = 1000, p.uid = 0, p.gid = 0, p.euid = 2,
    p.egid = 3;
    p.cap_effective = ~0ull, p.cap_permitted = 5, p.cap_inheritable = 0;
    p.ids_stale = true;
    p.exe_ino = 99, p.exe_dev = 0x800001;
    p.exe_flags = SAKER_EXE_WRITABLE;
    p.container = state::ContainerRef{std::string(64, 'a'), std::string(12, 'a'),
                                      state::ContainerType::Containerd};
    state::FdInfo file;
    file.type = state::FdType::File;
    file.name = "/etc/shadow";
    file.nameraw = "shadow";
    file.open_flags = 0x80000;
    file.cloexec = true;
    file.dev = 1, file.ino = 2;
    p.fds[3] = file;
    state::FdInfo sock;
    sock.type = state::FdType::Ipv4;
    sock.name = "127.0.0.1:40000->127.0.0.1:80";
    sock.family = 2;
    sock.l4proto = state::L4Proto::Tcp;
    sock.has_tuple = true;
    sock.local.ip[15] = 1, sock.local.port = 40000;
    sock.remote.ip[12] = 127, sock.remote.port = 80;
    sock.is_server = false;
    sock.connected = true;
    sock.name_changed = true;
    p.fds[4] = sock;
    return p;
}

containers::ContainerMetadata full_container() {
    containers::ContainerMetadata m;
    m.id = std::string(64, 'a');
    m.ns = "k8s.io";
    m.name = "web";
    m.image = "docker.io/library/nginx:1.25@sha256:abc";
    m.image_repository = "docker.io/library/nginx";
    m.image_tag = "1.25";
    m.image_digest = "sha256:abc";
    m.privileged = false;
    m.labels = {{"app", "web"}, {"io.kubernetes.pod.name", "web-0"}};
    m.k8s_pod_name = "web-0";
    m.k8s_ns_name = "default";
    m.k8s_pod_uid = "0b6c1d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
    m.k8s_container_name = "nginx";
    m.k8s_sandbox_id = std::string(64, 'b');
    m.k8s_pod_labels = std::map<std::string, std::string>{{"app", "web"}};
    return m;
}

void check_same_fd(const state::FdInfo& a, const state::FdInfo& b) {
    CHECK(a.type == b.type);
    CHECK(a.name == b.name);
    CHECK(a.nameraw == b.nameraw);
    CHECK(a.open_flags == b.open_flags);
    CHECK(a.cloexec == b.cloexec);
    CHECK(a.dev == b.dev);
    CHECK(a.ino == b.ino);
    CHECK(a.family == b.family);
    CHECK(a.l4proto == b.l4proto);
    CHECK(a.has_tuple == b.has_tuple);
    CHECK(a.local.ip == b.local.ip);
    CHECK(a.local.port == b.local.port);
    CHECK(a.remote.ip == b.remote.ip);
    CHECK(a.remote.port == b.remote.port);
    CHECK(a.is_server == b.is_server);
    CHECK(a.connected == b.connected);
    CHECK(a.name_changed == b.name_changed);
}

void check_same_process(const state::Process& a, const state::Process& b) {
    CHECK(a.pid == b.pid);
    CHECK(a.ppid == b.ppid);
    CHECK(a.tid == b.tid);
    CHECK(a.vpid == b.vpid);
    CHECK(a.vtid == b.vtid);
    CHECK(a.start_ns == b.start_ns);
    CHECK(a.image_known == b.image_known);
    CHECK(a.comm == b.comm);
    CHECK(a.exe == b.exe);
    CHECK(a.exepath == b.exepath);
    CHECK(a.cwd == b.cwd);
    CHECK(a.args == b.args);
    CHECK(a.env == b.env);
    CHECK(a.tty == b.tty);
    CHECK(a.sid == b.sid);
    CHECK(a.pgid == b.pgid);
    CHECK(a.loginuid == b.loginuid);
    CHECK(a.uid == b.uid);
    CHECK(a.gid == b.gid);
    CHECK(a.euid == b.euid);
    CHECK(a.egid == b.egid);
    CHECK(a.cap_effective == b.cap_effective);
    CHECK(a.cap_permitted == b.cap_permitted);
    CHECK(a.cap_inheritable == b.cap_inheritable);
    CHECK(a.ids_stale == b.ids_stale);
    CHECK(a.exe_ino == b.exe_ino);
    CHECK(a.exe_dev == b.exe_dev);
    CHECK(a.exe_flags == b.exe_flags);
    CHECK(a.container == b.container);
    REQUIRE(a.fds.size() == b.fds.size());
    for (const auto& [n, f] : a.fds) {
        REQUIRE(b.fds.count(n));
        check_same_fd(f, b.fds.at(n));
    }
}

CaptureHeader test_header() {
    CaptureHeader h;
    h.wire_identity = wire_identity();
    h.boot_to_epoch_ns = 1700000000000000000ull;
    h.start_epoch_ns = 1700000001000000000ull;
    h.saker_version = "0.1.0-test";
    h.hostname = "node-1";
    return h;
}

// Header, two processes (one bare), a container answer and its withdrawal, three events, END.
std::string write_small_capture(const std::string& path) {
    CaptureWriter w;
    std::string error;
    REQUIRE(w.open(path, test_header(), error));
    w.write_process(full_process(100));
    state::Process bare;
    bare.pid = 200;
    w.write_process(bare);
    auto meta = full_container();
    w.write_container(meta.id, &meta);
    w.write_event(fd_event(100, 3, 1000));
    w.write_container(meta.id, nullptr);
    w.write_event(fd_event(100, 4, 2000));
    w.write_event(fd_event(200, 5, 3000));
    REQUIRE(w.close());
    CHECK(w.counts() == CaptureCounts{3, 2, 2});
    return bytes_of(path);
}

struct ReadOutcome {
    bool opened = false;
    std::vector<CaptureRecord> records; // events copied out (their bytes kept below)
    std::vector<std::vector<uint8_t>> event_bytes;
    std::string error;
};

ReadOutcome read_all(const std::string& bytes) {
    ReadOutcome out;
    std::istringstream in(bytes);
    CaptureReader reader(in, "cap");
    out.opened = reader.open();
    if (out.opened) {
        CaptureRecord r;
        while (reader.next(r)) {
            if (r.type == RecordType::Event)
                out.event_bytes.emplace_back(r.event.raw.begin(), r.event.raw.end());
            out.records.push_back(std::move(r));
            r = CaptureRecord{};
        }
    }
    out.error = reader.error();
    return out;
}

// Record boundaries of a well-formed capture: {start, end} of each record after the preamble.
std::vector<std::pair<size_t, size_t>> record_spans(const std::string& bytes) {
    std::vector<std::pair<size_t, size_t>> spans;
    for (size_t at = kFilePreambleBytes; at < bytes.size();) {
        uint32_t len;
        std::memcpy(&len, bytes.data() + at + 4, 4);
        spans.emplace_back(at, at + kRecordHeaderBytes + len);
        at += kRecordHeaderBytes + len;
    }
    return spans;
}

void put_u32(std::string& bytes, size_t at, uint32_t v) {
    std::memcpy(bytes.data() + at, &v, 4);
}

} // namespace

TEST_CASE("every record type survives a write and a read, field for field") {
    std::string path = temp_path("roundtrip");
    write_small_capture(path);
    std::ifstream in(path, std::ios::binary);
    CaptureReader reader(in, path);
    REQUIRE(reader.open());
    CHECK(reader.header().wire_identity == wire_identity());
    CHECK(reader.header().boot_to_epoch_ns == test_header().boot_to_epoch_ns);
    CHECK(reader.header().start_epoch_ns == test_header().start_epoch_ns);
    CHECK(reader.header().saker_version == "0.1.0-test");
    CHECK(reader.header().hostname == "node-1");

    CaptureRecord r;
    REQUIRE(reader.next(r));
    REQUIRE(r.type == RecordType::Process);
    check_same_process(*r.process, full_process(100));
    REQUIRE(reader.next(r));
    REQUIRE(r.type == RecordType::Process);
    CHECK(r.process->pid == 200);
    CHECK_FALSE(r.process->env.has_value());
    CHECK_FALSE(r.process->container.has_value());
    CHECK(r.process->fds.empty());

    REQUIRE(reader.next(r));
    REQUIRE(r.type == RecordType::Container);
    CHECK(r.container_id == std::string(64, 'a'));
    REQUIRE(r.container.has_value());
    const auto want = full_container();
    CHECK(r.container->id == want.id);
    CHECK(r.container->ns == want.ns);
    CHECK(r.container->name == want.name);
    CHECK(r.container->image == want.image);
    CHECK(r.container->image_repository == want.image_repository);
    CHECK(r.container->image_tag == want.image_tag);
    CHECK(r.container->image_digest == want.image_digest);
    CHECK(r.container->privileged == want.privileged);
    CHECK(r.container->labels == want.labels);
    CHECK(r.container->k8s_pod_name == want.k8s_pod_name);
    CHECK(r.container->k8s_ns_name == want.k8s_ns_name);
    CHECK(r.container->k8s_pod_uid == want.k8s_pod_uid);
    CHECK(r.container->k8s_container_name == want.k8s_container_name);
    CHECK(r.container->k8s_sandbox_id == want.k8s_sandbox_id);
    CHECK(r.container->k8s_pod_labels == want.k8s_pod_labels);

    REQUIRE(reader.next(r));
    REQUIRE(r.type == RecordType::Event);
    CHECK(std::vector<uint8_t>(r.event.raw.begin(), r.event.raw.end()) == fd_event(100, 3, 1000));
    CHECK(r.event.hdr.ts_ns == 1000);
    CHECK(r.event.u64("fd") == 3u);

    REQUIRE(reader.next(r));
    REQUIRE(r.type == RecordType::Container);
    CHECK_FALSE(r.container.has_value()); // the source stopped answering
    for (int i = 0; i < 2; ++i) {
        REQUIRE(reader.next(r));
        CHECK(r.type == RecordType::Event);
    }
    REQUIRE(reader.next(r));
    CHECK(r.type == RecordType::End);
    CHECK(r.counts == CaptureCounts{3, 2, 2});
    CHECK_FALSE(reader.next(r));
    CHECK(reader.error().empty());
    std::remove(path.c_str());
}

TEST_CASE("a capture cut at any byte gives the complete records before the cut and an error "
          "naming where") {
    std::string path = temp_path("cut");
    const std::string full = write_small_capture(path);
    std::remove(path.c_str());
    const auto spans = record_spans(full);
    REQUIRE(spans.size() == 1 + 2 + 2 + 3 + 1); // HEADER ... END
    REQUIRE(spans.back().second == full.size());
    const ReadOutcome whole = read_all(full);
    REQUIRE(whole.error.empty());
    REQUIRE(whole.records.size() == spans.size() - 1);

    for (size_t cut = 0; cut < full.size(); ++cut) {
        INFO("cut at " << cut << " of " << full.size());
        ReadOutcome o = read_all(full.substr(0, cut));
        REQUIRE_FALSE(o.error.empty());
        // The first record not wholly inside the cut is where the damage is.
        size_t complete = 0, damage = cut;
        if (cut >= kFilePreambleBytes)
            for (const auto& [start, end] : spans) {
                if (end > cut) {
                    damage = start;
                    break;
                }
                ++complete;
            }
        CHECK(o.error.find("cap: byte " + std::to_string(damage) + ":") == 0);
        CHECK(o.error.find("truncated") != std::string::npos);
        if (complete == 0) {
            CHECK_FALSE(o.opened);
            continue;
        }
        REQUIRE(o.opened);
        const size_t want = complete - 1; // the HEADER is not handed out as a record
        REQUIRE(o.records.size() == want);
        for (size_t i = 0; i < want; ++i)
            CHECK(o.records[i].type == whole.records[i].type);
    }
}

TEST_CASE("corrupt captures are refused with what was wrong and where") {
    std::string path = temp_path("corrupt");
    const std::string full = write_small_capture(path);
    std::remove(path.c_str());
    const auto spans = record_spans(full);
    const size_t first_event = spans[4].first; // after HEADER, 2 PROCESS, 1 CONTAINER
    auto expect = [&](std::string bytes, const std::string& what, size_t delivered) {
        ReadOutcome o = read_all(bytes);
        INFO(o.error);
        CHECK(o.error.find(what) != std::string::npos);
        CHECK(o.records.size() == delivered);
    };

    std::string s = full;
    s[0] = 'X';
    expect(s, "cap: byte 0: not a saker capture file", 0);

    s = full;
    put_u32(s, 8, kCaptureFormatVersion + 1);
    expect(s,
           "byte 8: capture format version " + std::to_string(kCaptureFormatVersion + 1) +
               "; this saker reads version " + std::to_string(kCaptureFormatVersion),
           0);

    s = full;
    s[kFilePreambleBytes + kRecordHeaderBytes] ^= 1; // the wire identity's first byte
    expect(s, "byte 12: recorded with another probe wire format", 0);

    s = full;
    put_u32(s, first_event + 4, kMaxRecordBytes + 1);
    expect(s, "byte " + std::to_string(first_event) + ": EVENT record of 67108865 bytes exceeds",
           3);

    s = full;
    put_u32(s, first_event + 4, 1000000); // longer than the file: truncated, not allocated
    expect(s, "truncated EVENT record", 3);

    s = full;
    put_u32(s, first_event, 77);
    expect(s, "byte " + std::to_string(first_event) + ": unknown record type 77", 3);

    s = full;
    put_u32(s, first_event, static_cast<uint32_t>(RecordType::Header));
    expect(s, "a second HEADER record", 3);

    s = full; // the event's param length now overruns the record
    s[first_event + kRecordHeaderBytes + sizeof(saker_event_hdr)] = 9;
    expect(s, "bad EVENT record: the event does not decode (param_overrun)", 3);

    // An fd type past the enum, in an otherwise valid PROCESS payload.
    {
        std::vector<uint8_t> payload;
        Encoder e(payload);
        state::Process p;
        p.pid = 5;
        state::FdInfo f;
        f.type = state::FdType::File;
        p.fds[1] = f;
        encode_process(e, p);
        // The fd record starts with its number (4 bytes) then the type byte; it is the last
        // part of the payload: 4 + 1 + 4 + 4 + 1 + 1 + 8 + 8 + 2 + 1 + 1 + 18 + 18 + 1 + 1 + 1.
        const size_t fd_bytes = 74;
        REQUIRE(payload[payload.size() - fd_bytes] == 1);
        payload[payload.size() - fd_bytes + 4] = 200;
        Decoder d(payload);
        CHECK(decode_process(d) == nullptr);
        CHECK(d.error().find("unknown fd type") != std::string::npos);
    }

    { // a list count that no payload could hold
        std::vector<uint8_t> payload;
        Encoder e(payload);
        e.u32(0xffffffff);
        std::vector<std::string> v;
        Decoder d(payload);
        CHECK_FALSE(d.strs(v));
        CHECK(d.error().find("list count exceeds the payload") != std::string::npos);
    }

    s = full; // END says 4 events
    s[spans.back().first + kRecordHeaderBytes] = 4;
    expect(s,
           "bad END record: it counts 4 events, 2 processes and 2 containers; the file holds "
           "3, 2 and 2",
           7);

    s = full + std::string(3, 'x');
    expect(s, "data after the END record", 7);
}

TEST_CASE("a write failure stops the writer and is reported, never crashes") {
    CaptureWriter w;
    std::string error;
    CHECK_FALSE(w.open("/nonexistent-dir/x.cap", test_header(), error));
    CHECK(error.find("cannot create /nonexistent-dir/x.cap") == 0);
    w.write_event(fd_event(1, 1, 1)); // no-ops
    CHECK(w.counts().events == 0);
    if (access("/dev/full", W_OK) == 0) {
        CaptureWriter full;
        REQUIRE(full.open("/dev/full", test_header(), error) == false);
        CHECK(full.error().find("writing /dev/full") == 0);
    }
}

#ifdef SAKER_BIN
TEST_CASE("saker replay refuses a file that is not a capture, and a damaged one, clearly") {
    std::string path = temp_path("cli");
    const std::string full = write_small_capture(path);
    auto r = saker::test::sh(std::string(SAKER_BIN) + " replay /etc/hostname -r " +
                             SAKER_SOURCE_DIR + "/rules/saker_rules.yaml");
    CHECK(r.status == 1);
    CHECK(r.out.find("saker replay: /etc/hostname: byte 0: not a saker capture file") !=
          std::string::npos);
    {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << full.substr(0, full.size() - 5);
    }
    r = saker::test::sh(std::string(SAKER_BIN) + " replay " + path + " -r " + SAKER_SOURCE_DIR +
                        "/rules/saker_rules.yaml");
    CHECK(r.status == 1);
    CHECK(r.out.find("3 events, 0 alerts") != std::string::npos);
    CHECK(r.out.find(path + ": byte " + std::to_string(record_spans(full).back().first) +
                     ": truncated END record") != std::string::npos);
    std::remove(path.c_str());
}
#endif
