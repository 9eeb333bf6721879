#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>

#include "http/problems.h"

#include <fstream>
#include <set>
#include <sstream>

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

TEST(FromApiError, StatusTitleTypeDetail) {
  const Response r = from_api_error(ApiError(ErrorKind::UsernameTaken, "someone has it"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto d = parse(r.body);
  EXPECT_STREQ(d["type"].GetString(), "/docs/problems#username-taken");
  EXPECT_STREQ(d["title"].GetString(), "Username taken");
  EXPECT_STREQ(d["detail"].GetString(), "someone has it");
  EXPECT_TRUE(r.headers.empty());
}

TEST(FromApiError, KindWithoutDetailUsesItsOwnSentence) {
  // Storage raises bare facts; the words come from the kind.
  auto d = parse(from_api_error(ApiError(ErrorKind::LastAdmin)).body);
  EXPECT_STREQ(d["type"].GetString(), "/docs/problems#last-admin");
  EXPECT_STREQ(d["detail"].GetString(), "the last admin cannot give up the admin scope");
  EXPECT_STREQ(ApiError(ErrorKind::Unavailable, {}, {}, 1).what(), ApiError::default_detail(ErrorKind::Unavailable));
}

TEST(ProblemTypes, OneRowPerKindWithUniqueSlugs) {
  std::set<std::string_view> slugs;
  for (const auto& t : problem_types()) {
    EXPECT_EQ(&problem_type(t.kind), &t);
    EXPECT_TRUE(slugs.insert(t.slug).second) << t.slug;
    EXPECT_GE(t.status, 400);
    EXPECT_FALSE(t.title.empty());
    EXPECT_NE(std::string_view(ApiError::default_detail(t.kind)), "") << t.slug;
  }
  EXPECT_EQ(problem_type_uri(ErrorKind::Validation), "/docs/problems#validation");
}

// docs/problems.md is what /docs/problems shows clients: every kind must be
// explained there, with the status the server really sends.
TEST(ProblemTypes, DocumentedInDocsProblems) {
  std::ifstream in(JOGTRACK_SOURCE_DIR "/docs/problems.md");
  ASSERT_TRUE(in) << "docs/problems.md";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  for (const auto& t : problem_types()) {
    const std::string row = "| `" + std::string(t.slug) + "` | " + std::to_string(t.status) + " |";
    EXPECT_NE(doc.find(row), std::string::npos) << "docs/problems.md lacks the row starting " << row;
  }
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
  const Response r = from_api_error(ApiError(ErrorKind::TooManyAttempts, "slow down", {}, 42));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "42");
  EXPECT_FALSE(header(r, "WWW-Authenticate"));
  const Response u = from_api_error(ApiError(ErrorKind::WeatherUnavailable, "weather down", {}, 30));
  EXPECT_EQ(u.status, 503);
  EXPECT_EQ(header(u, "Retry-After"), "30");
}

// RFC 6750 §3: no error code when the request had no token; invalid_token for
// a bad one; insufficient_scope on 403.
TEST(FromApiError, BearerChallenges) {
  const Response expired = from_api_error(ApiError(ErrorKind::TokenExpired, "token expired"));
  EXPECT_EQ(expired.status, 401);
  EXPECT_EQ(header(expired, "WWW-Authenticate"), "Bearer realm=\"jogtrack\", error=\"invalid_token\"");
  EXPECT_FALSE(header(expired, "Retry-After"));
  EXPECT_EQ(header(from_api_error(ApiError(ErrorKind::InvalidToken)), "WWW-Authenticate"),
            "Bearer realm=\"jogtrack\", error=\"invalid_token\"");
  EXPECT_EQ(header(from_api_error(ApiError(ErrorKind::Unauthenticated)), "WWW-Authenticate"),
            "Bearer realm=\"jogtrack\"");
  EXPECT_EQ(header(from_api_error(ApiError(ErrorKind::InvalidCredentials)), "WWW-Authenticate"),
            "Bearer realm=\"jogtrack\"");
  EXPECT_EQ(header(from_api_error(ApiError(ErrorKind::Forbidden)), "WWW-Authenticate"),
            "Bearer realm=\"jogtrack\", error=\"insufficient_scope\"");
  EXPECT_FALSE(header(from_api_error(ApiError(ErrorKind::NotFound)), "WWW-Authenticate"));
}

}  // namespace
}  // namespace jogtrack::http
