#include "observability/logging.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace jogtrack::observability {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class LoggingTest : public ::testing::Test {
 protected:
  void TearDown() override { setup_logging("info", "text"); }
};

TEST_F(LoggingTest, RejectsBadValues) {
  EXPECT_THROW(setup_logging("verbose", "text"), std::invalid_argument);
  EXPECT_THROW(setup_logging("INFO", "text"), std::invalid_argument);
  EXPECT_THROW(setup_logging("", "text"), std::invalid_argument);
  EXPECT_THROW(setup_logging("info", "xml"), std::invalid_argument);
  EXPECT_THROW(setup_logging("info", ""), std::invalid_argument);
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_NO_THROW(setup_logging(level, "text")) << level;
    EXPECT_NO_THROW(setup_logging(level, "json")) << level;
  }
}

TEST_F(LoggingTest, LevelIsApplied) {
  setup_logging("warn", "text");
  EXPECT_FALSE(spdlog::default_logger()->should_log(spdlog::level::info));
  EXPECT_TRUE(spdlog::default_logger()->should_log(spdlog::level::warn));
  testing::internal::CaptureStderr();
  spdlog::info("hidden");
  log_access({"GET", "/x", 200, 1.0, "id", "127.0.0.1"});
  spdlog::warn("shown");
  const std::string out = testing::internal::GetCapturedStderr();
  EXPECT_EQ(out.find("hidden"), std::string::npos) << out;
  EXPECT_EQ(out.find("access"), std::string::npos) << out;
  EXPECT_NE(out.find("shown"), std::string::npos) << out;
}

TEST_F(LoggingTest, JsonLinesAreValidJson) {
  setup_logging("debug", "json");
  testing::internal::CaptureStderr();
  spdlog::info("hello \"world\"\nsecond line\ttab \x01 end");
  spdlog::error("boom {}", 42);
  log_access({"POST", "/users/{id}", 201, 12.3456, "abc123", "10.0.0.1"});
  const std::string out = testing::internal::GetCapturedStderr();
  const auto ls = lines(out);
  ASSERT_EQ(ls.size(), 3u) << out;

  rapidjson::Document d;
  d.Parse(ls[0].c_str());
  ASSERT_FALSE(d.HasParseError()) << ls[0];
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["msg"].GetString(), "hello \"world\"\nsecond line\ttab \x01 end");
  const std::string ts = d["ts"].GetString();
  ASSERT_EQ(ts.size(), 24u) << ts;  // 2024-05-01T12:00:00.123Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts.back(), 'Z');

  d.Parse(ls[1].c_str());
  ASSERT_FALSE(d.HasParseError()) << ls[1];
  EXPECT_STREQ(d["level"].GetString(), "error");
  EXPECT_STREQ(d["msg"].GetString(), "boom 42");

  d.Parse(ls[2].c_str());
  ASSERT_FALSE(d.HasParseError()) << ls[2];
  EXPECT_STREQ(d["msg"].GetString(), "access");
  EXPECT_STREQ(d["level"].GetString(), "info");
  EXPECT_STREQ(d["method"].GetString(), "POST");
  EXPECT_STREQ(d["route"].GetString(), "/users/{id}");
  EXPECT_EQ(d["status"].GetInt(), 201);
  EXPECT_NEAR(d["duration_ms"].GetDouble(), 12.346, 1e-9);
  EXPECT_STREQ(d["request_id"].GetString(), "abc123");
  EXPECT_STREQ(d["remote_ip"].GetString(), "10.0.0.1");
  EXPECT_EQ(d.MemberCount(), 9u);
}

TEST_F(LoggingTest, AccessFieldsAreEscapedInJson) {
  setup_logging("info", "json");
  testing::internal::CaptureStderr();
  log_access({"GET", "/a\"b", 200, 0.5, "x\\y", "::1"});
  const std::string out = testing::internal::GetCapturedStderr();
  rapidjson::Document d;
  d.Parse(out.c_str());
  ASSERT_FALSE(d.HasParseError()) << out;
  EXPECT_STREQ(d["route"].GetString(), "/a\"b");
  EXPECT_STREQ(d["request_id"].GetString(), "x\\y");
}

TEST_F(LoggingTest, TextFormat) {
  setup_logging("info", "text");
  testing::internal::CaptureStderr();
  spdlog::info("plain message");
  log_access({"GET", "/healthz", 200, 0.25, "rid-1", "127.0.0.1"});
  const std::string out = testing::internal::GetCapturedStderr();
  const auto ls = lines(out);
  ASSERT_EQ(ls.size(), 2u) << out;
  EXPECT_NE(ls[0].find(" info plain message"), std::string::npos) << ls[0];
  EXPECT_NE(ls[1].find("access GET /healthz 200 0.250ms id=rid-1 ip=127.0.0.1"), std::string::npos) << ls[1];
}

TEST(JsonEscape, Escapes) {
  std::string out;
  append_json_escaped(out, "a\"b\\c\nd\x1f\xc3\xa9");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\u001f\xc3\xa9");
}

}  // namespace
}  // namespace jogtrack::observability
