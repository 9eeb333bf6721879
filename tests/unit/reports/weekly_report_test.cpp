// Rendering of the weekly report and its ?format parameter.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "reports/weekly_report.h"

using namespace jogtrack;
using namespace jogtrack::reports;
using storage::WeekRow;

namespace {

TEST(WeeklyFormat, Parses) {
  EXPECT_EQ(parse_weekly_format(std::nullopt), WeeklyFormat::Seed);
  EXPECT_EQ(parse_weekly_format("seed"), WeeklyFormat::Seed);
  EXPECT_EQ(parse_weekly_format("list"), WeeklyFormat::List);
  for (const char* bad : {"", "LIST", "xml", "list ", "csv"}) {
    try {
      parse_weekly_format(bad);
      ADD_FAILURE() << bad;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Validation);
      ASSERT_EQ(e.errors().size(), 1u);
      EXPECT_EQ(e.errors()[0].field, "format");
    }
  }
}

TEST(RenderWeekly, SeedShapeGroupsWeeksByYear) {
  const std::vector<WeekRow> rows = {
      {2015, 1, 4, 8100, 1728}, {2015, 2, 4, 8100, 1728}, {2016, 1, 1, 2000, 410}, {2016, 52, 1, 2000, 500},
      {2019, 5, 1, 100, 20}};
  EXPECT_EQ(render_weekly(rows, WeeklyFormat::Seed),
            R"({"2015":[{"1":[4.6875,8100]},{"2":[4.6875,8100]}],)"
            R"("2016":[{"1":[4.878048780487805,2000]},{"52":[4.0,2000]}],"2019":[{"5":[5.0,100]}]})");
}

TEST(RenderWeekly, ListShape) {
  const std::vector<WeekRow> rows = {{2015, 1, 4, 8100, 1728}, {2020, 53, 3, 1000, 400}};
  EXPECT_EQ(render_weekly(rows, WeeklyFormat::List),
            R"([{"year":2015,"week":1,"week_start":"2014-12-29","runs":4,"total_distance":8100,)"
            R"("total_time":1728,"average_speed":4.6875,"average_distance":2025.0},)"
            R"({"year":2020,"week":53,"week_start":"2020-12-28","runs":3,"total_distance":1000,)"
            R"("total_time":400,"average_speed":2.5,"average_distance":333.3333333333333}])");
}

TEST(RenderWeekly, Empty) {
  EXPECT_EQ(render_weekly({}, WeeklyFormat::Seed), "{}");
  EXPECT_EQ(render_weekly({}, WeeklyFormat::List), "[]");
}

TEST(AverageSpeed, IsTotalDistanceOverTotalTime) {
  EXPECT_DOUBLE_EQ(average_speed({2015, 1, 4, 8100, 1728}), 4.6875);
  // Not the mean of the runs' speeds: 100 m in 10 s and 100 m in 90 s -> 2 m/s.
  EXPECT_DOUBLE_EQ(average_speed({2015, 1, 2, 200, 100}), 2.0);
  EXPECT_DOUBLE_EQ(average_speed({2015, 1, 0, 0, 0}), 0.0);
}

}  // namespace
