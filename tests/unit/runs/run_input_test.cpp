// Validation of run bodies (POST and PATCH /results).
#include <gtest/gtest.h>

#include <set>

#include "common/errors.h"
#include "runs/run_input.h"

using namespace jogtrack;
using namespace jogtrack::runs;

namespace {

const Days kToday = *parse_date("2024-03-10");

std::set<std::string> error_fields(const std::function<void()>& f) {
  try {
    f();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    std::set<std::string> fields;
    for (const auto& fe : e.errors()) fields.insert(fe.field);
    return fields;
  }
  ADD_FAILURE() << "no error";
  return {};
}

std::set<std::string> create_errors(const std::string& body) {
  return error_fields([&] { parse_new_run(body, kToday); });
}

std::string body_with(const std::string& field, const std::string& json_value) {
  std::string body = "{";
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"date", "\"2015-01-01\""}, {"distance", "2000"}, {"time", "405"}, {"location", "\"32.0853 34.7818\""}}) {
    body += (body.size() > 1 ? "," : "") + ("\"" + name + "\":") + (name == field ? json_value : value);
  }
  return body + "}";
}

TEST(ParseNewRun, AcceptsTheSeedShape) {
  const auto run = parse_new_run(R"({"date":"2015-01-01","distance":2000,"time":405,"location":"32.0853 34.7818"})",
                                 kToday);
  EXPECT_EQ(format_date(run.date), "2015-01-01");
  EXPECT_EQ(run.distance, 2000);
  EXPECT_EQ(run.time, 405);
  EXPECT_EQ(run.location, "32.0853 34.7818");
  EXPECT_DOUBLE_EQ(run.where.latitude, 32.0853);
  EXPECT_DOUBLE_EQ(run.where.longitude, 34.7818);
  EXPECT_FALSE(run.user_id);
}

TEST(ParseNewRun, LimitsAreInclusive) {
  const auto run = parse_new_run(
      R"({"date":"1940-01-01","distance":1000000,"time":604800,"location":"-90 180","user_id":7})", kToday);
  EXPECT_EQ(run.distance, 1000000);
  EXPECT_EQ(run.time, 604800);
  EXPECT_EQ(run.user_id, 7);
  EXPECT_NO_THROW(parse_new_run(body_with("date", "\"2024-03-10\""), kToday));  // today
  EXPECT_NO_THROW(parse_new_run(body_with("distance", "1"), kToday));
  EXPECT_NO_THROW(parse_new_run(body_with("time", "1"), kToday));
}

struct Invalid {
  const char* field;
  const char* value;
};

class InvalidField : public ::testing::TestWithParam<Invalid> {};

TEST_P(InvalidField, IsReportedForThatFieldOnly) {
  const auto p = GetParam();
  EXPECT_EQ(create_errors(body_with(p.field, p.value)), std::set<std::string>{p.field}) << p.value;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidField,
    ::testing::Values(Invalid{"distance", "\"2000\""}, Invalid{"distance", "2000.5"}, Invalid{"distance", "2000.0"},
                      Invalid{"distance", "2e3"}, Invalid{"distance", "-1"}, Invalid{"distance", "0"},
                      Invalid{"distance", "1000001"}, Invalid{"distance", "true"}, Invalid{"distance", "null"},
                      Invalid{"distance", "99999999999999999999999"}, Invalid{"distance", "[1]"},
                      Invalid{"time", "0"}, Invalid{"time", "604801"}, Invalid{"time", "\"60\""},
                      Invalid{"time", "1.5"}, Invalid{"date", "\"2015-02-30\""}, Invalid{"date", "\"2023-02-29\""},
                      Invalid{"date", "\"1939-12-31\""}, Invalid{"date", "\"2024-03-11\""},
                      Invalid{"date", "\"2015-1-1\""}, Invalid{"date", "\"2015-01-01 \""},
                      Invalid{"date", "20150101"}, Invalid{"date", "\"\""}, Invalid{"location", "\"\""},
                      Invalid{"location", "\"91 0\""}, Invalid{"location", "\"0 -180.5\""},
                      Invalid{"location", "\"abc\""}, Invalid{"location", "\"1,2\""},
                      Invalid{"location", "\"1 2 3\""}, Invalid{"location", "\"1e1 2\""},
                      Invalid{"location", "32.1"}, Invalid{"location", "null"}));

TEST(ParseNewRun, EveryProblemIsReportedAtOnce) {
  EXPECT_EQ(create_errors("{}"), (std::set<std::string>{"date", "distance", "time", "location"}));
  EXPECT_EQ(create_errors(R"({"date":"x","distance":0,"time":"1","location":1,"speed":2,"Date":1})"),
            (std::set<std::string>{"date", "distance", "time", "location", "speed", "Date"}));
}

TEST(ParseNewRun, UnknownAndDuplicatedFields) {
  EXPECT_EQ(create_errors(body_with("date", "\"2015-01-01\",\"condition\":{}")), std::set<std::string>{"condition"});
  EXPECT_EQ(create_errors(body_with("distance", "1,\"distance\":2")), std::set<std::string>{"distance"});
  EXPECT_EQ(create_errors(body_with("distance", "1,\"user_id\":0")), std::set<std::string>{"user_id"});
  EXPECT_EQ(create_errors(body_with("distance", "1,\"user_id\":\"3\"")), std::set<std::string>{"user_id"});
}

TEST(ParseNewRun, BodyMustBeOneJsonObject) {
  for (const char* body : {"", "[]", "\"x\"", "1", "null", "{", "{\"date\":}", "{} {}", "\xff"}) {
    try {
      parse_new_run(body, kToday);
      ADD_FAILURE() << body;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Validation) << body;
      EXPECT_TRUE(e.errors().empty()) << body;
    }
  }
}

TEST(ParseNewRun, ErrorMessagesSayWhatIsExpected) {
  try {
    parse_new_run(body_with("date", "\"2024-03-11\""), kToday);
    FAIL();
  } catch (const ApiError& e) {
    ASSERT_EQ(e.errors().size(), 1u);
    EXPECT_NE(e.errors()[0].message.find("future"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("date"), std::string::npos);
  }
}

TEST(ParseRunPatch, AnySubset) {
  const auto empty = parse_run_patch("{}", kToday);
  EXPECT_TRUE(empty.empty());
  const auto p = parse_run_patch(R"({"distance":6000})", kToday);
  EXPECT_EQ(p.distance, 6000);
  EXPECT_FALSE(p.date || p.time || p.location || p.where);
  const auto q = parse_run_patch(R"({"date":"2016-01-09","location":"1.5 -2"})", kToday);
  EXPECT_EQ(format_date(*q.date), "2016-01-09");
  EXPECT_EQ(q.location, "1.5 -2");
  EXPECT_DOUBLE_EQ(q.where->longitude, -2);
}

TEST(ParseRunPatch, ValidatesLikeCreateAndRefusesUserId) {
  EXPECT_EQ(error_fields([] { parse_run_patch(R"({"distance":"1","time":0})", kToday); }),
            (std::set<std::string>{"distance", "time"}));
  EXPECT_EQ(error_fields([] { parse_run_patch(R"({"user_id":1})", kToday); }), std::set<std::string>{"user_id"});
  EXPECT_EQ(error_fields([] { parse_run_patch(R"({"date":null})", kToday); }), std::set<std::string>{"date"});
  EXPECT_EQ(error_fields([] { parse_run_patch(R"({"location":"x"})", kToday); }), std::set<std::string>{"location"});
}

}  // namespace
