#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "http/router.h"

namespace jogtrack::http {
namespace {

rapidjson::Document parse(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

std::optional<std::string> header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

TEST(Problem, Shape) {
  const Response r = problem_response(404, "Not Found", "no such run");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(r.body, R"({"type":"about:blank","title":"Not Found","status":404,"detail":"no such run"})");
  EXPECT_TRUE(r.headers.empty());
}

TEST(Problem, FieldErrorsAndType) {
  const Response r = problem_response(400, "Bad Request", "invalid input",
                                      {{"distance", "must be positive"}, {"date", "bad format"}},
                                      "https://example.com/probs/validation");
  auto d = parse(r.body);
  ASSERT_TRUE(d.IsObject());
  EXPECT_STREQ(d["type"].GetString(), "https://example.com/probs/validation");
  EXPECT_EQ(d["status"].GetInt(), 400);
  ASSERT_TRUE(d["errors"].IsArray());
  ASSERT_EQ(d["errors"].Size(), 2u);
  EXPECT_STREQ(d["errors"][0]["field"].GetString(), "distance");
  EXPECT_STREQ(d["errors"][0]["message"].GetString(), "must be positive");
  EXPECT_STREQ(d["errors"][1]["field"].GetString(), "date");
  EXPECT_EQ(d["errors"][0].MemberCount(), 2u);
  EXPECT_EQ(d.MemberCount(), 5u);
}

TEST(Problem, NoErrorsKeyWhenEmpty) {
  auto d = parse(problem_response(409, "Conflict", "taken").body);
  EXPECT_FALSE(d.HasMember("errors"));
  EXPECT_EQ(d.MemberCount(), 4u);
}

TEST(Problem, Escaping) {
  const std::string nasty = "quote\" backslash\\ newline\n tab\t ctrl\x01 </script> é";
  const Response r = problem_response(400, "Bad \"Request\"", nasty, {{"a\"b", "c\\d"}});
  auto d = parse(r.body);
  EXPECT_EQ(std::string(d["detail"].GetString()), nasty);
  EXPECT_STREQ(d["title"].GetString(), "Bad \"Request\"");
  EXPECT_STREQ(d["errors"][0]["field"].GetString(), "a\"b");
  EXPECT_STREQ(d["errors"][0]["message"].GetString(), "c\\d");
  EXPECT_EQ(r.body.find('\n'), std::string::npos);
}

TEST(Problem, InvalidUtf8IsReplaced) {
  const Response r = problem_response(400, "Bad Request", std::string("ab\xff\xc3(cd"));
  auto d = parse(r.body);
  EXPECT_EQ(std::string(d["detail"].GetString()), "ab\xEF\xBF\xBD\xEF\xBF\xBD(cd");
}

TEST(FromApiError, StatusTitleDetail) {
  const Response r = from_api_error(ApiError(ErrorKind::Conflict, "username taken"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto d = parse(r.body);
  EXPECT_STREQ(d["title"].GetString(), "Conflict");
  EXPECT_STREQ(d["detail"].GetString(), "username taken");
  EXPECT_TRUE(r.headers.empty());
}

TEST(FromApiError, ValidationErrors) {
  try {
    throw_invalid("distance", "must be positive");
  } catch (const ApiError& e) {
    const Response r = from_api_error(e);
    EXPECT_EQ(r.status, 400);
    auto d = parse(r.body);
    EXPECT_STREQ(d["errors"][0]["field"].GetString(), "distance");
    EXPECT_STREQ(d["errors"][0]["message"].GetString(), "must be positive");
  }
}

TEST(FromApiError, RetryAfter) {
  const Response r = from_api_error(ApiError(ErrorKind::TooManyRequests, "slow down", {}, 42));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "42");
  EXPECT_FALSE(header(r, "WWW-Authenticate"));
  const Response u = from_api_error(ApiError(ErrorKind::Unavailable, "weather down", {}, 30));
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(header(u, "Retry-After"), "30");
}

TEST(FromApiError, UnauthorizedHasWwwAuthenticate) {
  const Response r = from_api_error(ApiError(ErrorKind::Unauthorized, "token expired"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer error=\"invalid_token\"");
  EXPECT_FALSE(header(r, "Retry-After"));
}

}  // namespace
}  // namespace jogtrack::http
