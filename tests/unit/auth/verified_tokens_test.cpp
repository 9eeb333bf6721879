#include "auth/verified_tokens.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/passwords.h"

namespace jogtrack::auth {
namespace {

std::shared_ptr<const AuthenticToken> entry(std::int64_t user_id, std::int64_t expires_at) {
  auto e = std::make_shared<AuthenticToken>();
  e->claims.user_id = user_id;
  e->claims.expires_at = expires_at;
  return e;
}

TEST(VerifiedTokens, FindsOnlyTheExactBytesStored) {
  VerifiedTokens cache(4);
  cache.store("aaa.bbb.ccc", entry(7, 100), 0);
  ASSERT_NE(cache.find("aaa.bbb.ccc"), nullptr);
  EXPECT_EQ(cache.find("aaa.bbb.ccc")->claims.user_id, 7);
  EXPECT_EQ(cache.find("aaa.bbb.ccd"), nullptr);
  EXPECT_EQ(cache.find("aaa.bbb.cc"), nullptr);
  EXPECT_EQ(cache.find(""), nullptr);
}

TEST(VerifiedTokens, FullCacheDropsExpiredEntriesFirst) {
  VerifiedTokens cache(3);
  cache.store("old1", entry(1, 10), 0);
  cache.store("old2", entry(2, 10), 0);
  cache.store("live", entry(3, 1000), 0);
  cache.store("new", entry(4, 1000), 50);  // full at now=50: the two expired go
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.find("old1"), nullptr);
  EXPECT_NE(cache.find("live"), nullptr);
  EXPECT_NE(cache.find("new"), nullptr);
}

TEST(VerifiedTokens, FullCacheOfLiveTokensStartsOver) {
  VerifiedTokens cache(2);
  cache.store("a", entry(1, 1000), 0);
  cache.store("b", entry(2, 1000), 0);
  cache.store("c", entry(3, 1000), 0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.find("c"), nullptr);
}

constexpr std::int64_t kNow = 1'700'000'000;
const std::string kKey = "0123456789abcdef0123456789abcdef-cache-test";

// Through TokenService: a token verified once is still checked against the
// clock on every later use, and a cache never vouches for another key's tokens.
TEST(VerifiedTokens, CachedTokensStillExpireAndStayPerKey) {
  ensure_sodium();
  const TokenService svc(kKey, 60);
  const auto token = svc.issue(5, {"user"}, std::nullopt, std::nullopt, kNow);
  ASSERT_TRUE(svc.verify(token, kNow));
  ASSERT_TRUE(svc.verify(token, kNow + 59));
  bool expired = false;
  EXPECT_FALSE(svc.verify(token, kNow + 60, &expired));
  EXPECT_TRUE(expired);
  const TokenService other(std::string(40, 'k'), 60);
  EXPECT_FALSE(other.verify(token, kNow));
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(svc.verify(tampered, kNow));
}

}  // namespace
}  // namespace jogtrack::auth
