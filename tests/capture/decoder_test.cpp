// Decoder unit tests on hand-built records: the well-formed ones decode to
// exactly what was put in, every malformed one is rejected with its reason.
#include "record_builder.h"

#include "runtime/capture/consumer.h"
#include "runtime/capture/decoder.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstddef>
#include <cstring>
#include <sys/syscall.h>

using namespace saker::capture;
using namespace saker::capture::test;

namespace {

std::vector<uint8_t> open_record() {
    return RecordBuilder(SAKER_EVT_OPEN, SYS_openat, 3)
        .u64(uint64_t(-100))
        .str("/etc/passwd")
        .u64(0)
        .u64(0)
        .u64(2049)
        .u64(1234)
        .build();
}

DecodeError decode_bytes(const std::vector<uint8_t>& raw) {
    Event ev;
    return decode(raw, ev);
}

} // namespace

TEST_CASE("a well-formed record decodes to its params", "[decoder]") {
    auto raw = open_record();
    Event ev;
    REQUIRE(decode(raw, ev) == DecodeError::none);
    CHECK(ev.type() == EventType::OPEN);
    CHECK(ev.hdr.ret == 3);
    CHECK(ev.nparams == 6);
    CHECK(ev.s64("dirfd") == -100);
    CHECK(ev.str("path") == "/etc/passwd");
    CHECK(ev.u64("ino") == 1234u);
    CHECK(ev.param("nosuch") == nullptr);
    CHECK(ev.param(6) == nullptr);
    CHECK(ev.raw.size() == raw.size());
}

TEST_CASE("param_index finds a layout's params while compiling, and agrees with names",
          "[decoder]") {
    static_assert(param_index(EventType::OPEN, "dirfd") == 0);
    static_assert(param_index(EventType::OPEN, "ino") == 5);
    static_assert(param_index(EventType::EXECVE, "comm") == 17);
    static_assert(param_index(EventType::GENERIC, "a5") == 5);
    auto raw = open_record();
    Event ev;
    REQUIRE(decode(raw, ev) == DecodeError::none);
    for (std::string_view name : event_param_names(SAKER_EVT_OPEN)) {
        INFO(name);
        CHECK(ev.param(name) != nullptr);
    }
    CHECK(ev.s64(param_index(EventType::OPEN, "dirfd")) == -100);
    CHECK(ev.str(param_index(EventType::OPEN, "path")) == "/etc/passwd");
    CHECK(ev.u64(param_index(EventType::OPEN, "dev")) == ev.u64("dev"));
    CHECK(ev.u64(param_index(EventType::OPEN, "ino")) == 1234u);
    // Names within a layout are unique: param_index, which returns the first, is exact.
    for (uint16_t t = 0; t < SAKER_EVT_MAX; t++) {
        const auto& names = event_param_names(t);
        for (size_t i = 0; i < names.size(); i++)
            for (size_t j = 0; j < i; j++)
                CHECK(names[i] != names[j]);
    }
}

TEST_CASE("fewer params than the layout is allowed, absent ones read as missing", "[decoder]") {
    auto raw = RecordBuilder(SAKER_EVT_EXECVE, SYS_execve, -2).str("/x").build();
    Event ev;
    REQUIRE(decode(raw, ev) == DecodeError::none);
    CHECK(ev.str("filename") == "/x");
    CHECK(ev.param("argv") == nullptr);
}

TEST_CASE("type-mismatched accessors return nothing", "[decoder]") {
    auto raw = open_record();
    Event ev;
    REQUIRE(decode(raw, ev) == DecodeError::none);
    CHECK_FALSE(ev.param("path")->u64());
    CHECK_FALSE(ev.param("dirfd")->str());
    CHECK_FALSE(ev.param("dirfd")->tuple());
}

TEST_CASE("strlist splits on NUL and keeps a cut last string", "[decoder]") {
    const char argv[] = "a\0bc\0de";
    auto raw = RecordBuilder(SAKER_EVT_EXECVE, SYS_execve, 0)
                   .str("/bin/x")
                   .param(SAKER_PT_STRLIST, argv, sizeof(argv) - 1, SAKER_PF_TRUNCATED)
                   .build();
    Event ev;
    REQUIRE(decode(raw, ev) == DecodeError::none);
    auto list = ev.param("argv")->strlist();
    REQUIRE(list);
    CHECK(*list == std::vector<std::string_view>{"a", "bc", "de"});
    CHECK(ev.param("argv")->truncated());
}

TEST_CASE("malformed records are rejected with their reason", "[decoder]") {
    auto good = open_record();

    SECTION("shorter than the header") {
        std::vector<uint8_t> raw(good.begin(), good.begin() + 47);
        CHECK(decode_bytes(raw) == DecodeError::short_header);
    }
    SECTION("empty") {
        CHECK(decode_bytes({}) == DecodeError::short_header);
    }
    SECTION("hdr.len larger than the record") {
        poke<uint32_t>(good, offsetof(saker_event_hdr, len), good.size() + 1);
        CHECK(decode_bytes(good) == DecodeError::length_mismatch);
    }
    SECTION("hdr.len smaller than the record") {
        poke<uint32_t>(good, offsetof(saker_event_hdr, len), good.size() - 1);
        CHECK(decode_bytes(good) == DecodeError::length_mismatch);
    }
    SECTION("unknown event type") {
        poke<uint16_t>(good, offsetof(saker_event_hdr, type), SAKER_EVT_MAX);
        CHECK(decode_bytes(good) == DecodeError::bad_event_type);
    }
    SECTION("syscall nr out of table") {
        poke<uint32_t>(good, offsetof(saker_event_hdr, syscall_nr), SAKER_SYSCALL_TABLE_SIZE);
        CHECK(decode_bytes(good) == DecodeError::bad_syscall_nr);
    }
    SECTION("more params than the layout has") {
        poke<uint16_t>(good, offsetof(saker_event_hdr, nparams), 7);
        CHECK(decode_bytes(good) == DecodeError::too_many_params);
    }
    SECTION("more params than the record holds") {
        poke<uint16_t>(good, offsetof(saker_event_hdr, type), SAKER_EVT_EXECVE);
        poke<uint16_t>(good, offsetof(saker_event_hdr, nparams), 7);
        CHECK(decode_bytes(good) == DecodeError::param_overrun);
    }
    SECTION("a param length running past the end") {
        poke<uint16_t>(good, sizeof(saker_event_hdr) + 12, 0xffff); // path's len
        CHECK(decode_bytes(good) == DecodeError::param_overrun);
    }
    SECTION("fewer params declared than present") {
        poke<uint16_t>(good, offsetof(saker_event_hdr, nparams), 5);
        CHECK(decode_bytes(good) == DecodeError::trailing_bytes);
    }
}

TEST_CASE("malformed params are rejected", "[decoder]") {
    uint64_t v = 1;
    SECTION("unknown param type") {
        auto raw = RecordBuilder(SAKER_EVT_FD, SYS_close, 0).param(SAKER_PT_MAX, &v, 8).build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
    SECTION("U64 of the wrong size") {
        auto raw = RecordBuilder(SAKER_EVT_FD, SYS_close, 0).param(SAKER_PT_U64, &v, 4).build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
    SECTION("NONE carrying bytes") {
        auto raw = RecordBuilder(SAKER_EVT_FD, SYS_close, 0).param(SAKER_PT_NONE, &v, 8).build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
    SECTION("tuple of the wrong size") {
        saker_tuple t{};
        auto raw = RecordBuilder(SAKER_EVT_SOCKADDR_OP, SYS_connect, 0)
                       .u64(3)
                       .none()
                       .param(SAKER_PT_TUPLE, &t, sizeof(t) - 1)
                       .build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
    SECTION("unknown param flags") {
        auto raw =
            RecordBuilder(SAKER_EVT_FD, SYS_close, 0).param(SAKER_PT_U64, &v, 8, 0x80).build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
    SECTION("string longer than the probe can send") {
        std::string big(SAKER_MAX_STR + 1, 'a');
        auto raw = RecordBuilder(SAKER_EVT_MEMFD, 319, 3).str(big).build();
        CHECK(decode_bytes(raw) == DecodeError::bad_param);
    }
}

TEST_CASE("format_sockaddr renders each family", "[decoder]") {
    saker_sockaddr sa{};
    sa.family = SAKER_AF_INET;
    sa.port = htons(8080);
    sa.u.ip[0] = 127;
    sa.u.ip[3] = 1;
    CHECK(format_sockaddr(sa) == "127.0.0.1:8080");
    sa = {};
    sa.family = SAKER_AF_INET6;
    sa.port = htons(443);
    sa.u.ip[15] = 1;
    CHECK(format_sockaddr(sa) == "[::1]:443");
    sa = {};
    sa.family = SAKER_AF_UNIX;
    std::memcpy(sa.u.path, "\0abstract", 9);
    CHECK(format_sockaddr(sa) == "@abstract");
}

TEST_CASE("every layout has a name and at most SAKER_MAX_PARAMS params", "[decoder]") {
    for (uint16_t t = 0; t < SAKER_EVT_MAX; t++) {
        CHECK(event_type_name(t) != "unknown");
        CHECK(!event_param_names(t).empty());
        CHECK(event_param_names(t).size() <= SAKER_MAX_PARAMS);
    }
    CHECK(event_type_name(SAKER_EVT_MAX) == "unknown");
}

TEST_CASE("the record handler counts and skips malformed records, and keeps going", "[decoder]") {
    int seen = 0;
    RecordHandler h([&](const Event& ev) {
        seen++;
        CHECK(ev.type() == EventType::OPEN);
    });
    auto good = open_record();
    auto bad = good;
    poke<uint16_t>(bad, offsetof(saker_event_hdr, type), 0xffff);
    h.handle(good);
    h.handle(bad);
    h.handle({});
    h.handle(good);
    CHECK(seen == 2);
    CHECK(h.received() == 2);
    CHECK(h.malformed() == 2);
}
