// ETags of runs and users, and If-Match read as the row versions a write may replace.
#include "api/conditional.h"

#include <gtest/gtest.h>

namespace jogtrack::api {
namespace {

storage::VersionCheck check(std::string header) {
  http::Request r;
  r.if_match = std::move(header);
  return if_match(r);
}

TEST(Conditional, EtagIsTheQuotedVersion) {
  const auto r = with_etag(http::Response::json(200, "{}"), 42);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "ETag");
  EXPECT_EQ(r.headers[0].second, "\"v42\"");
}

TEST(Conditional, AbsentOrStarChecksNothing) {
  EXPECT_FALSE(check("").versions);
  EXPECT_FALSE(check(" * ").versions);
  EXPECT_TRUE(check("").allows(7));
}

TEST(Conditional, StrongTagsOfOursBecomeVersions) {
  const auto c = check("\"v3\", \"v5-gzip\" , \"x\"");
  ASSERT_TRUE(c.versions);
  EXPECT_EQ(*c.versions, (std::vector<std::int64_t>{3, 5}));
  EXPECT_TRUE(c.allows(3));
  EXPECT_TRUE(c.allows(5));
  EXPECT_FALSE(c.allows(4));
}

TEST(Conditional, WeakForeignOrMalformedTagsMatchNothing) {
  for (const char* header :
       {"W/\"v3\"", "\"3\"", "v3", "\"v\"", "\"v-1\"", "\"v0\"", "\"v3x\"", "\"v99999999999999999999\""}) {
    const auto c = check(header);
    ASSERT_TRUE(c.versions) << header;
    EXPECT_TRUE(c.versions->empty()) << header;
    EXPECT_FALSE(c.allows(3)) << header;
    EXPECT_THROW(c.enforce(3), ApiError) << header;
  }
}

}  // namespace
}  // namespace jogtrack::api
