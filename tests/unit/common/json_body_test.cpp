// JsonBody: what counts as one JSON object body.
#include "common/json_body.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

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


// ---- fields: every problem is collected, then reported at once ------------------------------

std::vector<FieldError> errors_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    return e.errors();
  }
  ADD_FAILURE() << "no ApiError";
  return {};
}

TEST(JsonBody, ReadsEachTypeOfField) {
  JsonBody body(R"({"s":"x","n":null,"i":42,"a":["p","q"],"e":[]})");
  body.allow_only({"s", "n", "i", "a", "e"});
  EXPECT_EQ(body.string("s", true), std::optional<std::string>("x"));
  const auto n = body.nullable_string("n");
  ASSERT_TRUE(n);
  EXPECT_FALSE(*n);  // present and null
  EXPECT_FALSE(body.nullable_string("absent"));  // absent
  EXPECT_EQ(body.integer("i", true), 42);
  EXPECT_EQ(body.string_array("a", true), (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(body.string_array("e", true), std::vector<std::string>{});
  EXPECT_FALSE(body.string("absent", false));
  EXPECT_NO_THROW(body.finish());
}

TEST(JsonBody, CollectsEveryFieldErrorBeforeFailing) {
  const auto errors = errors_of([] {
    JsonBody body(R"({"name":5,"count":1.5,"tags":["a",1],"extra":true})");
    body.allow_only({"name", "count", "tags", "needed"});
    body.string("name", true);
    body.integer("count", true);
    body.string_array("tags", true);
    body.string("needed", true);
    body.finish();
  });
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(errors[0].field, "extra");
  EXPECT_EQ(errors[0].message, "unknown field");
  EXPECT_EQ(errors[1].field, "name");
  EXPECT_EQ(errors[2].field, "count");  // 1.5 is not an integer
  EXPECT_EQ(errors[3].field, "tags");
  EXPECT_EQ(errors[4].field, "needed");
  EXPECT_EQ(errors[4].message, "is required");
}

TEST(JsonBody, ARepeatedKnownKeyIsAmbiguous) {
  const auto errors = errors_of([] {
    JsonBody body(R"({"a":"1","a":"2","a":"3"})");
    body.allow_only({"a"});
    body.finish();
  });
  ASSERT_EQ(errors.size(), 1u);  // reported once, however often it repeats
  EXPECT_EQ(errors[0].message, "appears more than once");
}

TEST(JsonBody, DetailNamesTheFirstErrorAndCountsTheRest) {
  try {
    JsonBody body(R"({"x":1,"y":2})");
    body.allow_only({});
    body.finish("bad run");
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_STREQ(e.what(), "bad run: x unknown field (and 1 more)");
  }
}

}  // namespace
}  // namespace jogtrack
