// JsonBody: what counts as one JSON object body.
#include "common/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace jogtrack {
namespace {

using namespace std::string_literals;

void expect_bad_request(const std::string& body) {
  try {
    JsonBody parsed(body);
    FAIL() << "accepted: " << body;
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation) << body;
  }
}

TEST(JsonBody, AcceptsAnObjectWithSurroundingWhitespace) {
  JsonBody body(" \t\r\n{\"a\":\"x\"} \r\n\t ");
  body.allow_only({"a"});
  EXPECT_EQ(body.string("a", true), "x");
  EXPECT_NO_THROW(body.finish());
}

TEST(JsonBody, RefusesANulByteAfterTheValue) {
  expect_bad_request("{\"a\":\"x\"}\0garbage"s);
  expect_bad_request("{\"a\":\"x\"}\0"s);
  expect_bad_request("{\"a\":\"x\"} \0 "s);
}

TEST(JsonBody, RefusesANulByteInsideTheValue) {
  expect_bad_request("{\"a\":\"x\0y\"}"s);
  expect_bad_request("{\"a\":\0\"x\"}"s);
}

TEST(JsonBody, RefusesTrailingData) {
  expect_bad_request("{\"a\":\"x\"} {}");
  expect_bad_request("{\"a\":\"x\"}x");
}

TEST(JsonBody, NamesTheOffsetOfTrailingData) {
  try {
    JsonBody body("{} \0junk"s);
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_NE(std::string(e.what()).find("offset 3"), std::string::npos) << e.what();
  }
}

TEST(JsonBody, RefusesNonObjectsAndInvalidUtf8) {
  expect_bad_request("[]");
  expect_bad_request("");
  expect_bad_request("{\"a\":\"\xff\"}");
}

}  // namespace
}  // namespace jogtrack
