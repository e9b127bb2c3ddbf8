// Contract: what the dns tests share: addresses parsed by inet_pton as the kernel would give
// them (IPv4 mapped into IPv6, like Value::of_ip), and entering a private resolver
// configuration (support/private_resolver.h) with the reason it could not be entered ("" when
// it was).
#pragma once

#include "runtime/dns/resolver.h"
#include "support/private_resolver.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <cstring>
#include <string>
#include <unistd.h>

namespace saker::test {

inline dns::Address addr(const char* text) {
    dns::Address a{};
    in_addr v4;
    if (inet_pton(AF_INET, text, &v4) == 1) {
        a[10] = a[11] = 0xff;
        std::memcpy(&a[12], &v4, 4);
    } else {
        REQUIRE(inet_pton(AF_INET6, text, a.data()) == 1);
    }
    return a;
}

inline std::string enter_private_resolver(const PrivateResolverFiles& files) {
    if (geteuid() != 0) return "not root";
    if (!files.ok() || !files.enter()) return "cannot make a private mount namespace";
    return {};
}

} // namespace saker::test
