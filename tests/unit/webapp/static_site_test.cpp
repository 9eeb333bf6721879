#include "webapp/static_site.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "webapp/assets.h"

namespace jogtrack::webapp {
namespace {

std::string header(const http::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

http::Request request(std::string accept_encoding = "", std::string if_none_match = "") {
  http::Request r;
  r.method = "GET";
  r.accept_encoding = std::move(accept_encoding);
  r.if_none_match = std::move(if_none_match);
  return r;
}

TEST(AcceptsGzip, Codings) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("identity, *;q=0.1"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("br, deflate"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000, br"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));  // named beats the wildcard
  EXPECT_FALSE(accepts_gzip("gzipped"));
}

TEST(NoneMatch, WeakComparisonAndLists) {
  EXPECT_TRUE(none_match("\"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match("W/\"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match("\"x\", \"abc\"", "\"abc\""));
  EXPECT_TRUE(none_match(" * ", "\"abc\""));
  EXPECT_FALSE(none_match("", "\"abc\""));
  EXPECT_FALSE(none_match("\"abcd\"", "\"abc\""));
  EXPECT_FALSE(none_match("abc", "\"abc\""));
}

TEST(EmbeddedAssets, SortedUniqueAndComplete) {
  const auto all = embedded_assets();
  ASSERT_FALSE(all.empty()) << "built with JOGTRACK_WEB=OFF?";
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const Asset& a, const Asset& b) { return a.path < b.path; }));
  for (std::size_t i = 1; i < all.size(); ++i) EXPECT_NE(all[i - 1].path, all[i].path);
  for (const Asset& a : all) {
    EXPECT_EQ(find_asset(a.path), &a) << a.path;
    EXPECT_FALSE(a.content_type.empty()) << a.path;
    EXPECT_EQ(a.etag.size(), 34u) << a.path;
    EXPECT_EQ(a.gzip.empty(), a.gzip_etag.empty()) << a.path;
    if (!a.gzip.empty()) {
      EXPECT_LT(a.gzip.size(), a.bytes.size()) << a.path;
    }
  }
  ASSERT_NE(find_asset("index.html"), nullptr);
  ASSERT_NE(find_asset("docs.html"), nullptr);
  EXPECT_EQ(find_asset("/index.html"), nullptr);
  EXPECT_EQ(find_asset("nope.html"), nullptr);
}

TEST(AppPage, ClientRoutesGetIndexHtmlButMissingAssetsAre404) {
  const Asset* index = find_asset("index.html");
  ASSERT_NE(index, nullptr);
  for (const char* path : {"", "runs", "users/12", "report/", "index.html"}) {
    const auto r = app_page(request(), path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.body, index->bytes) << path;
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8") << path;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << path;
    EXPECT_EQ(header(r, "ETag"), index->etag) << path;
    EXPECT_EQ(header(r, "Content-Security-Policy"), kContentSecurityPolicy) << path;
  }
  const auto missing = app_page(request(), "assets/missing-0000.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/problem+json");
  EXPECT_EQ(header(missing, "X-Content-Type-Options"), "nosniff");
}

TEST(AppPage, HashedAssetsAreImmutableAndGzippedOnRequest) {
  const auto all = embedded_assets();
  const auto it = std::find_if(all.begin(), all.end(),
                               [](const Asset& a) { return a.path.starts_with("assets/") && !a.gzip.empty(); });
  ASSERT_NE(it, all.end()) << "no compressible hashed asset embedded";
  const auto plain = app_page(request("br"), it->path);
  EXPECT_EQ(plain.body, it->bytes);
  EXPECT_EQ(header(plain, "Content-Encoding"), "");
  EXPECT_EQ(header(plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(plain, "Vary"), "Accept-Encoding");
  const auto gz = app_page(request("gzip, br"), it->path);
  EXPECT_EQ(gz.body, it->gzip);
  EXPECT_EQ(gz.content_type, it->content_type);
  EXPECT_EQ(header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(header(gz, "ETag"), it->gzip_etag);
  EXPECT_NE(it->gzip_etag, it->etag);

  const auto not_modified = app_page(request("gzip", std::string(it->gzip_etag)), it->path);
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
  EXPECT_EQ(header(not_modified, "ETag"), it->gzip_etag);
  // The identity variant's tag does not validate the gzip one.
  EXPECT_EQ(app_page(request("gzip", std::string(it->etag)), it->path).status, 200);
}

TEST(Redirect, KeepsTheQuery) {
  auto r = request();
  EXPECT_EQ(header(redirect(r, "/app/"), "Location"), "/app/");
  r.raw_query = "next=%2Fapp%2Fruns";
  const auto with_query = redirect(r, "/app/");
  EXPECT_EQ(with_query.status, 302);
  EXPECT_EQ(header(with_query, "Location"), "/app/?next=%2Fapp%2Fruns");
}

}  // namespace
}  // namespace jogtrack::webapp
