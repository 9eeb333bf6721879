#include "http/cors.h"

#include <gtest/gtest.h>

namespace jogtrack::http {
namespace {

std::string header(const Response& r, std::string_view name) {
  std::string out;
  int count = 0;
  for (const auto& [n, v] : r.headers)
    if (n == name) {
      out = v;
      ++count;
    }
  EXPECT_LE(count, 1) << name;
  return out;
}

const CorsPolicy kPolicy({"https://app.example.com", "http://127.0.0.1:5173"});

TEST(Cors, AllowsOnlyListedOriginsExactly) {
  EXPECT_TRUE(kPolicy.enabled());
  EXPECT_TRUE(kPolicy.allows("https://app.example.com"));
  EXPECT_TRUE(kPolicy.allows("http://127.0.0.1:5173"));
  EXPECT_FALSE(kPolicy.allows("http://app.example.com"));
  EXPECT_FALSE(kPolicy.allows("https://app.example.com:8443"));
  EXPECT_FALSE(kPolicy.allows("https://evil.app.example.com"));
  EXPECT_FALSE(kPolicy.allows("https://app.example.com.evil.net"));
  EXPECT_FALSE(kPolicy.allows("null"));
  EXPECT_FALSE(kPolicy.allows(""));
  EXPECT_FALSE(CorsPolicy().enabled());
  EXPECT_FALSE(CorsPolicy().allows("https://app.example.com"));
}

TEST(Cors, ListedOriginGetsAllowAndExposeHeaders) {
  Response r = Response::json(200, "{}");
  kPolicy.decorate(r, "https://app.example.com");
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(r, "Access-Control-Expose-Headers"),
            "Link, X-Total-Count, Location, ETag, Retry-After, X-Request-Id");
  EXPECT_EQ(header(r, "Vary"), "Origin");
  EXPECT_EQ(header(r, "Access-Control-Allow-Credentials"), "");
}

TEST(Cors, OtherOriginsGetNoCorsHeadersButVary) {
  for (const char* origin : {"https://evil.example", ""}) {
    Response r = Response::json(200, "{}");
    kPolicy.decorate(r, origin);
    EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "") << origin;
    EXPECT_EQ(header(r, "Access-Control-Expose-Headers"), "") << origin;
    EXPECT_EQ(header(r, "Vary"), "Origin") << origin;
  }
}

TEST(Cors, DisabledPolicyAddsNothing) {
  Response r = Response::json(200, "{}");
  CorsPolicy().decorate(r, "https://app.example.com");
  EXPECT_TRUE(r.headers.empty());
}

TEST(Cors, VaryIsMergedIntoAnExistingField) {
  Response r = Response::json(200, "{}");
  r.headers.emplace_back("vary", "Accept-Encoding");
  kPolicy.decorate(r, "https://app.example.com");
  EXPECT_EQ(header(r, "vary"), "Accept-Encoding, Origin");
  EXPECT_EQ(header(r, "Vary"), "");
}

TEST(Cors, Preflight) {
  EXPECT_TRUE(CorsPolicy::is_preflight("OPTIONS", "https://app.example.com", "PATCH"));
  EXPECT_FALSE(CorsPolicy::is_preflight("OPTIONS", "https://app.example.com", ""));
  EXPECT_FALSE(CorsPolicy::is_preflight("OPTIONS", "", "PATCH"));
  EXPECT_FALSE(CorsPolicy::is_preflight("GET", "https://app.example.com", "PATCH"));

  Response r = kPolicy.preflight({"DELETE", "GET", "PATCH"});
  kPolicy.decorate(r, "https://app.example.com");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(header(r, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header(r, "Access-Control-Allow-Methods"), "DELETE, GET, PATCH");
  EXPECT_EQ(header(r, "Access-Control-Allow-Headers"),
            "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id");
  EXPECT_EQ(header(r, "Access-Control-Max-Age"), "600");
  EXPECT_EQ(header(r, "Vary"), "Origin");
  EXPECT_EQ(header(r, "Access-Control-Allow-Credentials"), "");
}

}  // namespace
}  // namespace jogtrack::http
