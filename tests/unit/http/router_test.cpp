#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace jogtrack::http {
namespace {

Handler ok() {
  return [](const Request&) { return Response::json(200, "{}"); };
}

Router make_router() {
  Router r;
  r.add({"GET", "/users", ok(), Pool::Worker});
  r.add({"POST", "/users", ok(), Pool::Worker});
  r.add({"GET", "/users/{id}", ok(), Pool::Worker});
  r.add({"PATCH", "/users/{id}", ok(), Pool::Worker});
  r.add({"DELETE", "/users/{id}", ok(), Pool::Worker});
  r.add({"GET", "/results/reports/weekly", ok(), Pool::Worker});
  r.add({"GET", "/results/{id}", ok(), Pool::Worker});
  r.add({"GET", "/users/{id}/results/{rid}", ok(), Pool::Worker});
  r.add({"PUT", "/users/{id}/scopes", ok(), Pool::Worker});
  r.add({"GET", "/healthz", ok(), Pool::Inline});
  return r;
}

TEST(Router, LiteralMatch) {
  const Router r = make_router();
  auto m = r.match("GET", "/users");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/users");
  EXPECT_EQ(m.route->method, "GET");
  EXPECT_EQ(m.pattern, "/users");
  EXPECT_TRUE(m.params.empty());
  EXPECT_FALSE(m.path_known);

  m = r.match("POST", "/users");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->method, "POST");
}

TEST(Router, ParamMatch) {
  const Router r = make_router();
  auto m = r.match("GET", "/users/42");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/users/{id}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"42"}));

  m = r.match("GET", "/users/7/results/99");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/users/{id}/results/{rid}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"7", "99"}));

  // Params match any non-empty segment; validating it is the handler's job.
  m = r.match("GET", "/users/abc");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params, (std::vector<std::string>{"abc"}));
}

TEST(Router, LiteralBeatsParam) {
  const Router r = make_router();
  auto m = r.match("GET", "/results/reports/weekly");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/results/reports/weekly");
  EXPECT_TRUE(m.params.empty());

  m = r.match("GET", "/results/12");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/results/{id}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"12"}));

  // "reports" alone is not a route of its own: it falls back to the param route.
  m = r.match("GET", "/results/reports");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/results/{id}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"reports"}));
}

TEST(Router, BacktracksFromLiteralToParam) {
  Router r;
  r.add({"GET", "/a/b/d", ok(), Pool::Inline});
  r.add({"POST", "/a/{x}/c", ok(), Pool::Inline});
  auto m = r.match("POST", "/a/b/c");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/a/{x}/c");
  EXPECT_EQ(m.params, (std::vector<std::string>{"b"}));
  // The most specific existing path decides; then the method.
  m = r.match("POST", "/a/b/d");
  EXPECT_FALSE(m.found());
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow_header(), "GET, HEAD");
  EXPECT_TRUE(m.params.empty());
}

TEST(Router, MethodNotAllowedListsAllowed) {
  const Router r = make_router();
  auto m = r.match("PUT", "/users/5");
  EXPECT_FALSE(m.found());
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"DELETE", "GET", "HEAD", "PATCH"}));
  EXPECT_EQ(m.allow_header(), "DELETE, GET, HEAD, PATCH");
  EXPECT_EQ(m.pattern, "/users/{id}");
  EXPECT_TRUE(m.params.empty());

  m = r.match("DELETE", "/users");
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow_header(), "GET, HEAD, POST");
}

TEST(Router, HeadTakesTheGetRouteAndOptionsIsNotSpecial) {
  const Router r = make_router();
  auto m = r.match("HEAD", "/healthz");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->method, "GET");
  m = r.match("POST", "/healthz");
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow_header(), "GET, HEAD");
  m = r.match("OPTIONS", "/users");
  EXPECT_FALSE(m.found());
  EXPECT_TRUE(m.path_known);
}

TEST(Router, NotFound) {
  const Router r = make_router();
  for (const char* path : {"/nope", "/users/1/2", "/users/1/results", "/results", "/", "", "users",
                           "/results/reports/weekly/x", "/USERS"}) {
    auto m = r.match("GET", path);
    EXPECT_FALSE(m.found()) << path;
    EXPECT_FALSE(m.path_known) << path;
    EXPECT_TRUE(m.params.empty()) << path;
  }
}

TEST(Router, TrailingAndEmptySegmentsAreNotFound) {
  const Router r = make_router();
  for (const char* path : {"/users/", "//users", "/users//", "/users/1/", "/users//results/2", "/healthz/"}) {
    auto m = r.match("GET", path);
    EXPECT_FALSE(m.found()) << path;
    EXPECT_FALSE(m.path_known) << path;
  }
}

TEST(Router, RootRoute) {
  Router r;
  r.add({"GET", "/", ok(), Pool::Inline});
  EXPECT_TRUE(r.match("GET", "/").found());
  EXPECT_FALSE(r.match("GET", "//").found());
  EXPECT_TRUE(r.match("POST", "/").path_known);
}

TEST(Router, RejectsBadRoutes) {
  Router r;
  r.add({"GET", "/users/{id}", ok(), Pool::Worker});
  EXPECT_THROW(r.add({"GET", "/users/{id}", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/users/{other}", ok(), Pool::Worker}), std::invalid_argument);  // same shape
  EXPECT_THROW(r.add({"GET", "users", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/users/", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a//b", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a/{}", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a/x{id}", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"get", "/a", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"", "/a", ok(), Pool::Worker}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a", Handler{}, Pool::Worker}), std::invalid_argument);
  EXPECT_NO_THROW(r.add({"DELETE", "/users/{id}", ok(), Pool::Worker}));
}

TEST(Router, TailMatchesTheRestOfThePath) {
  Router r;
  r.add({"GET", "/app/{path*}", ok(), Pool::Inline});
  r.add({"GET", "/app", ok(), Pool::Inline});
  auto m = r.match("GET", "/app/");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/app/{path*}");
  EXPECT_EQ(m.params, (std::vector<std::string>{""}));
  m = r.match("GET", "/app/runs");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params, (std::vector<std::string>{"runs"}));
  m = r.match("GET", "/app/assets/index-1a2b.js");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params, (std::vector<std::string>{"assets/index-1a2b.js"}));
  // Empty segments inside the tail are the handler's business.
  m = r.match("GET", "/app//users/12/");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.params, (std::vector<std::string>{"/users/12/"}));
  // "/app" is a route of its own, not an empty tail.
  m = r.match("GET", "/app");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/app");
  EXPECT_FALSE(r.match("GET", "/apps").found());
  EXPECT_FALSE(r.match("GET", "/").found());
}

TEST(Router, TailComesAfterLiteralsAndParams) {
  Router r;
  r.add({"GET", "/app/{path*}", ok(), Pool::Inline});
  r.add({"GET", "/app/{id}/edit", ok(), Pool::Inline});
  r.add({"POST", "/app/x", ok(), Pool::Inline});
  auto m = r.match("GET", "/app/7/edit");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/app/{id}/edit");
  EXPECT_EQ(m.params, (std::vector<std::string>{"7"}));
  // The param branch fails deeper: backtrack to the tail, with no stale params.
  m = r.match("GET", "/app/7/view");
  ASSERT_TRUE(m.found());
  EXPECT_EQ(m.route->pattern, "/app/{path*}");
  EXPECT_EQ(m.params, (std::vector<std::string>{"7/view"}));
  // A literal that exists only for another method decides the path: 405.
  m = r.match("GET", "/app/x");
  EXPECT_FALSE(m.found());
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow_header(), "POST");
  // Method mismatch on the tail itself.
  m = r.match("DELETE", "/app/runs/3");
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.pattern, "/app/{path*}");
  EXPECT_EQ(m.allow_header(), "GET, HEAD");
}

TEST(Router, TailMustBeLastAndWellFormed) {
  Router r;
  EXPECT_THROW(r.add({"GET", "/a/{rest*}/b", ok(), Pool::Inline}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a/{*}", ok(), Pool::Inline}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a/{re*st*}", ok(), Pool::Inline}), std::invalid_argument);
  EXPECT_THROW(r.add({"GET", "/a/x{rest*}", ok(), Pool::Inline}), std::invalid_argument);
  r.add({"GET", "/a/{rest*}", ok(), Pool::Inline});
  EXPECT_THROW(r.add({"GET", "/a/{other*}", ok(), Pool::Inline}), std::invalid_argument);  // same shape
  EXPECT_NO_THROW(r.add({"HEAD", "/a/{rest*}", ok(), Pool::Inline}));
}

TEST(Router, ListInRegistrationOrder) {
  const Router r = make_router();
  const auto l = r.list();
  ASSERT_EQ(l.size(), 10u);
  EXPECT_EQ(l[0], (std::pair<std::string, std::string>{"GET", "/users"}));
  EXPECT_EQ(l[5], (std::pair<std::string, std::string>{"GET", "/results/reports/weekly"}));
  EXPECT_EQ(l[9], (std::pair<std::string, std::string>{"GET", "/healthz"}));
}

TEST(Router, RouteAddressesStayValidAfterMoreAdds) {
  Router r;
  r.add({"GET", "/a", ok(), Pool::Inline});
  const Route* first = r.match("GET", "/a").route;
  for (int i = 0; i < 200; ++i) r.add({"GET", "/r" + std::to_string(i), ok(), Pool::Inline});
  EXPECT_EQ(r.match("GET", "/a").route, first);
  Router moved = std::move(r);
  EXPECT_EQ(moved.match("GET", "/a").route, first);
}

TEST(PercentDecode, Basics) {
  EXPECT_EQ(percent_decode("plain", false), "plain");
  EXPECT_EQ(percent_decode("a%20b", false), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("%41%62%2f%2F", false), "Ab//");
  EXPECT_EQ(percent_decode("%C3%A9", false), "\xC3\xA9");
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_EQ(percent_decode("100%25", true), "100%");
}

TEST(PercentDecode, Malformed) {
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("abc%", true));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("%g0", false));
  EXPECT_FALSE(percent_decode("a%00b", false));  // an escaped NUL is never legitimate here
}

TEST(Router, BodyLimitIsTheMatchedRoutesOwn) {
  Router r = make_router();
  EXPECT_EQ(r.body_limit("POST", "/users"), 0u);  // no route has a limit of its own yet
  r.add({"POST", "/results/import", ok(), Pool::Worker, 10u << 20});
  r.add({"POST", "/results/{id}", ok(), Pool::Worker});
  EXPECT_EQ(r.body_limit("POST", "/results/import"), 10u << 20);
  EXPECT_EQ(r.body_limit("POST", "/results/other"), 0u);     // the {id} route: the default
  EXPECT_EQ(r.body_limit("PUT", "/results/import"), 0u);     // 405: the default
  EXPECT_EQ(r.body_limit("POST", "/results/import/x"), 0u);  // 404: the default
  EXPECT_EQ(r.max_route_body_bytes(), 10u << 20);
}

TEST(ParseQuery, PairsInOrder) {
  auto q = parse_query("b=2&a=1&b=3");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ((*q)[1], (std::pair<std::string, std::string>{"a", "1"}));
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"b", "3"}));
}

TEST(ParseQuery, DecodingAndEdgeCases) {
  auto q = parse_query("filter=(date+eq+%272024-01-01%27)&flag&&empty=&x=a%3Db");
  ASSERT_TRUE(q);
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0].second, "(date eq '2024-01-01')");
  EXPECT_EQ((*q)[1], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>{"x", "a=b"}));
  EXPECT_TRUE(parse_query("")->empty());
  EXPECT_FALSE(parse_query("a=%zz"));
  EXPECT_FALSE(parse_query("%=1"));
}

TEST(RepeatedQueryParam, NamesTheFirstRepeat) {
  EXPECT_FALSE(repeated_query_param({}));
  EXPECT_FALSE(repeated_query_param(*parse_query("a=1&b=2&c")));
  EXPECT_EQ(repeated_query_param(*parse_query("count=5&page=1&count=5000")), "count");
  EXPECT_EQ(repeated_query_param(*parse_query("b=1&a=1&a=2&b=2")), "a");
  EXPECT_EQ(repeated_query_param(*parse_query("f%69lter=x&filter=y")), "filter");  // compared decoded
}

}  // namespace
}  // namespace jogtrack::http
