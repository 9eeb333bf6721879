// CIDR parsing and matching, and the X-Forwarded-For walk.
#include "common/trusted_proxies.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace jogtrack {
namespace {

bool trusts(const TrustedProxies& t, const char* address) { return t.contains(*IpAddress::parse(address)); }

TEST(IpAddress, ParsesBothFamiliesCanonically) {
  EXPECT_EQ(IpAddress::parse("192.0.2.1")->to_string(), "192.0.2.1");
  EXPECT_EQ(IpAddress::parse("2001:DB8:0:0::1")->to_string(), "2001:db8::1");
  EXPECT_EQ(IpAddress::parse("[::1]")->to_string(), "::1");
  EXPECT_EQ(IpAddress::parse("::ffff:192.0.2.1")->to_string(), "192.0.2.1");  // mapped = IPv4
  for (const char* bad : {"", "192.0.2", "192.0.2.256", "192.0.2.1:80", "example.com", "1.2.3.4 ", "::1/128", "[::1"})
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
}

TEST(TrustedProxies, EmptyListTrustsNobody) {
  EXPECT_TRUE(TrustedProxies::parse("").empty());
  EXPECT_TRUE(TrustedProxies::parse("  ").empty());
  EXPECT_FALSE(trusts(TrustedProxies{}, "127.0.0.1"));
}

TEST(TrustedProxies, MatchesIpv4Blocks) {
  const auto t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7,172.16.0.0/12");
  EXPECT_TRUE(trusts(t, "10.255.1.2"));
  EXPECT_FALSE(trusts(t, "11.0.0.1"));
  EXPECT_TRUE(trusts(t, "192.168.1.7"));
  EXPECT_FALSE(trusts(t, "192.168.1.8"));
  EXPECT_TRUE(trusts(t, "172.31.255.255"));
  EXPECT_FALSE(trusts(t, "172.32.0.0"));
  EXPECT_TRUE(trusts(t, "::ffff:10.0.0.1"));
  EXPECT_FALSE(trusts(t, "::a00:1"));  // IPv4-compatible, not mapped: an IPv6 address
}

TEST(TrustedProxies, MatchesIpv6Blocks) {
  const auto t = TrustedProxies::parse("2001:db8:abcd::/48, ::1");
  EXPECT_TRUE(trusts(t, "2001:db8:abcd:12::1"));
  EXPECT_FALSE(trusts(t, "2001:db8:abce::1"));
  EXPECT_TRUE(trusts(t, "::1"));
  EXPECT_FALSE(trusts(t, "::2"));
  EXPECT_FALSE(trusts(t, "127.0.0.1"));
}

TEST(TrustedProxies, OddPrefixLengthsAndHostBits) {
  const auto t = TrustedProxies::parse("192.0.2.130/25, 0.0.0.0/0");
  EXPECT_TRUE(trusts(t, "8.8.8.8"));  // /0: everything IPv4
  EXPECT_FALSE(trusts(t, "::1"));
  const auto u = TrustedProxies::parse("192.0.2.130/25");  // host bits ignored: 192.0.2.128/25
  EXPECT_TRUE(trusts(u, "192.0.2.129"));
  EXPECT_FALSE(trusts(u, "192.0.2.127"));
  const auto v = TrustedProxies::parse("2001:db8::/33");
  EXPECT_TRUE(trusts(v, "2001:db8:7fff::1"));
  EXPECT_FALSE(trusts(v, "2001:db8:8000::1"));
}

TEST(TrustedProxies, RejectsBadEntries) {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0/8",
                          "10.0.0.0/8,", "localhost", "10.0.0.0/8, nonsense"})
    EXPECT_THROW(TrustedProxies::parse(bad), std::invalid_argument) << bad;
}

TEST(TrustedProxies, UntrustedPeerIsTheClient) {
  const auto t = TrustedProxies::parse("10.0.0.0/8");
  EXPECT_EQ(t.client_address("192.0.2.1", "198.51.100.7"), "192.0.2.1");
  EXPECT_EQ(TrustedProxies{}.client_address("127.0.0.1", "198.51.100.7"), "127.0.0.1");
}

TEST(TrustedProxies, TrustedPeerNamesTheRightMostUntrustedAddress) {
  const auto t = TrustedProxies::parse("10.0.0.0/8, 2001:db8::/32");
  EXPECT_EQ(t.client_address("10.0.0.1", "198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(t.client_address("10.0.0.1", "203.0.113.9, 198.51.100.7"), "198.51.100.7");  // left is client-made
  EXPECT_EQ(t.client_address("10.0.0.1", "203.0.113.9,198.51.100.7 , 10.1.1.1, 2001:db8::5"), "198.51.100.7");
  EXPECT_EQ(t.client_address("::ffff:10.0.0.1", "2001:DB8:1::, 2001:0DB9::1"), "2001:db9::1");
  EXPECT_EQ(t.client_address("10.0.0.1", "10.0.0.3, 10.0.0.2"), "10.0.0.3");  // all trusted: left-most
  EXPECT_EQ(t.client_address("10.0.0.1", ""), "10.0.0.1");
}

TEST(TrustedProxies, GarbageStopsAtTheLastTrustedHop) {
  const auto t = TrustedProxies::parse("10.0.0.0/8");
  EXPECT_EQ(t.client_address("10.0.0.1", "198.51.100.7, unknown"), "10.0.0.1");
  EXPECT_EQ(t.client_address("10.0.0.1", "unknown, 10.0.0.2"), "10.0.0.2");
  EXPECT_EQ(t.client_address("10.0.0.1", "198.51.100.7, , 10.0.0.2"), "10.0.0.2");
}

}  // namespace
}  // namespace jogtrack
