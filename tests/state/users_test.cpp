#include "runtime/state/users.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

using saker::state::UserDb;
using saker::state::UserDbOptions;
namespace fs = std::filesystem;

namespace {

// A throwaway root directory with an etc/ inside, removed at scope exit.
struct TempRoot {
    fs::path dir;
    TempRoot() {
        char tmpl[] = "/tmp/saker-users-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        fs::create_directories(dir / "etc");
    }
    ~TempRoot() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string root() const { return dir.string(); }
    fs::path etc(const char* name) const { return dir / "etc" / name; }
    void write(const char* name, const std::string& text) const {
        std::ofstream(etc(name), std::ios::binary | std::ios::trunc) << text;
    }
    // How passwd tools update: write a sibling, then rename over (a new inode).
    void replace(const char* name, const std::string& text) const {
        const auto tmp = etc(name).string() + "+";
        std::ofstream(tmp, std::ios::binary) << text;
        fs::rename(tmp, etc(name));
    }
};

UserDbOptions no_throttle() {
    UserDbOptions o;
    o.recheck_interval = std::chrono::milliseconds(0);
    return o;
}

std::string user_name(UserDb& db, const std::string& root, uint32_t uid) {
    const auto u = db.user(root, uid);
    return u ? u->name : "<unknown>";
}

std::string group_name(UserDb& db, const std::string& root, uint32_t gid) {
    const auto g = db.group(root, gid);
    return g ? g->name : "<unknown>";
}

} // namespace

TEST_CASE("passwd parsing is strict and first entry wins") {
    TempRoot r;
    const std::string long_line = "long:x:11:11:" + std::string(5000, 'g') + ":/:/bin/sh\n";
    r.write("passwd", "root:x:0:0:root:/root:/bin/bash\n"
                      "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                      "impostor:x:0:0::/evil:/bin/sh\n" // duplicate uid: ignored
                      "short:x:5:5\n"                   // too few fields
                      "extra:x:6:6:a:/b:/c:d\n"         // too many fields
                      "nonnum:x:abc:1::/:/bin/sh\n"
                      "neg:x:-7:1::/:/bin/sh\n"
                      "plus:x:+8:1::/:/bin/sh\n"
                      "space:x: 9:1::/:/bin/sh\n"
                      "minus1:x:4294967295:1::/:/bin/sh\n"
                      "huge:x:99999999999:1::/:/bin/sh\n"
                      "badgid:x:10:x::/:/bin/sh\n"
                      ":x:12:12::/:/bin/sh\n" // empty name
                      "+nisuser::::::\n"
                      "-nisuser::::::\n"
                      "esc\x1b[31m:x:13:13::/:/bin/sh\n" // control character
                      "\n" +
                          long_line +
                          "after:x:14:14::/home/after:/bin/sh\n"
                          "max:x:4294967294:100::/:/bin/sh\n"
                          "last:x:15:100:Last, User:/home/last:/bin/zsh"); // no final newline
    UserDb db;
    const auto root = db.user(r.root(), 0);
    REQUIRE(root);
    CHECK(root->name == "root");
    CHECK(root->gid == 0);
    CHECK(root->home == "/root");
    CHECK(root->shell == "/bin/bash");
    CHECK(user_name(db, r.root(), 1) == "daemon");
    for (uint32_t uid : {5u, 6u, 7u, 8u, 9u, 10u, 11u, 12u, 13u, 4294967295u})
        CHECK(user_name(db, r.root(), uid) == "<unknown>");
    CHECK(user_name(db, r.root(), 14) == "after"); // the line after an over-long one survives
    CHECK(user_name(db, r.root(), 4294967294u) == "max");
    const auto last = db.user(r.root(), 15);
    REQUIRE(last);
    CHECK(last->name == "last");
    CHECK(last->shell == "/bin/zsh");
}

TEST_CASE("group parsing is strict and first entry wins") {
    TempRoot r;
    r.write("group", "root:x:0:\n"
                     "wheel:x:10:alice,bob\n"
                     "dupe:x:10:\n"
                     "three:x:11\n"
                     "five:x:12::extra\n"
                     "nonnum:x:1e3:\n"
                     ":x:13:\n"
                     "docker:x:999:\n");
    UserDb db;
    CHECK(group_name(db, r.root(), 0) == "root");
    CHECK(group_name(db, r.root(), 10) == "wheel");
    CHECK(group_name(db, r.root(), 11) == "<unknown>");
    CHECK(group_name(db, r.root(), 12) == "<unknown>");
    CHECK(group_name(db, r.root(), 1000) == "<unknown>");
    CHECK(group_name(db, r.root(), 13) == "<unknown>");
    CHECK(group_name(db, r.root(), 999) == "docker");
}

TEST_CASE("missing roots, missing files, FIFOs and oversized files are unknown") {
    UserDb db;
    CHECK(!db.user("/nonexistent/saker/root", 0));
    CHECK(!db.user("", 0));

    TempRoot r;
    CHECK(!db.user(r.root(), 0)); // no etc/passwd
    REQUIRE(::mkfifo(r.etc("group").c_str(), 0600) == 0);
    CHECK(!db.group(r.root(), 0)); // must not block on the FIFO

    UserDbOptions small;
    small.max_file_bytes = 64;
    UserDb capped(small);
    TempRoot big;
    big.write("passwd", "root:x:0:0:root:/root:/bin/bash\n" + std::string(100, '#') + "\n");
    CHECK(!capped.user(big.root(), 0));
}

TEST_CASE("symlinks resolve inside the given root, never on the host") {
    TempRoot r;
    // Absolute target: inside the root, this is <root>/etc/real-passwd, not the host's file.
    r.write("real-passwd", "inside:x:0:0::/:/bin/sh\n");
    fs::create_symlink("/etc/real-passwd", r.etc("passwd"));
    // Climbing out with ../ stops at the root: this points back at itself (ELOOP), whereas an
    // escape would read the host's group file, where gid 0 is "root".
    fs::create_symlink("../../../../../../../../../etc/group", r.etc("group"));
    UserDb db;
    CHECK(user_name(db, r.root(), 0) == "inside");
    CHECK(group_name(db, r.root(), 0) == "<unknown>");
}

TEST_CASE("tables are re-read when the file changes") {
    TempRoot r;
    r.write("passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
    UserDb db(no_throttle());
    CHECK(user_name(db, r.root(), 1000) == "alice");
    const auto reloads = db.reloads();

    CHECK(user_name(db, r.root(), 1000) == "alice"); // unchanged: no re-parse
    CHECK(db.reloads() == reloads);

    r.write("passwd", "alice2:x:1000:1000::/home/alice:/bin/sh\n"); // in place, new size
    CHECK(user_name(db, r.root(), 1000) == "alice2");

    r.replace("passwd", "bobby2:x:1000:1000::/home/alice:/bin/sh\n"); // same size, new inode
    CHECK(user_name(db, r.root(), 1000) == "bobby2");

    fs::remove(r.etc("passwd")); // gone: unknown, not the last value seen
    CHECK(user_name(db, r.root(), 1000) == "<unknown>");
}

TEST_CASE("changes are noticed at most once per recheck interval") {
    TempRoot r;
    r.write("passwd", "alice:x:1000:1000::/home/alice:/bin/sh\n");
    UserDbOptions slow;
    slow.recheck_interval = std::chrono::hours(1);
    UserDb db(slow);
    CHECK(user_name(db, r.root(), 1000) == "alice");
    r.write("passwd", "carol-the-second:x:1000:1000::/:/bin/sh\n");
    CHECK(user_name(db, r.root(), 1000) == "alice"); // within the interval: cached answer
    db.forget(r.root());
    CHECK(user_name(db, r.root(), 1000) == "carol-the-second");
}

TEST_CASE("roots are bounded with LRU eviction") {
    TempRoot a, b, c;
    a.write("passwd", "a:x:1:1::/:/bin/sh\n");
    b.write("passwd", "b:x:1:1::/:/bin/sh\n");
    c.write("passwd", "c:x:1:1::/:/bin/sh\n");
    UserDbOptions o;
    o.max_roots = 2;
    UserDb db(o);
    CHECK(user_name(db, a.root(), 1) == "a");
    CHECK(user_name(db, b.root(), 1) == "b");
    CHECK(user_name(db, a.root(), 1) == "a"); // a is now the most recent
    CHECK(user_name(db, c.root(), 1) == "c"); // evicts b
    CHECK(db.cached_roots() == 2);
    CHECK(db.evictions() == 1);

    const auto reloads = db.reloads();
    CHECK(user_name(db, a.root(), 1) == "a"); // still cached
    CHECK(db.reloads() == reloads);
    CHECK(user_name(db, b.root(), 1) == "b"); // re-read after eviction
    CHECK(db.reloads() > reloads);
    CHECK(db.evictions() == 2);

    db.forget(b.root());
    CHECK(db.cached_roots() == 1);
    CHECK(db.evictions() == 2); // forget is not an eviction
}

TEST_CASE("the host's uid 0 is root") {
    UserDb db;
    const auto root = db.user("/", 0);
    REQUIRE(root);
    CHECK(root->name == "root");
    CHECK(root->home == "/root");
    CHECK(group_name(db, "/", 0) == "root");
    // Through /proc/self/root too, the form used for other processes' roots.
    CHECK(user_name(db, "/proc/self/root", 0) == "root");
}
