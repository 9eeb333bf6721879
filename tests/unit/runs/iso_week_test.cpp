// ISO-8601 week numbering (common/dates), as the runs and the weekly report use it.
#include <gtest/gtest.h>

#include "common/dates.h"

using namespace jogtrack;
using namespace std::chrono;

namespace {

Days day(const char* text) { return *parse_date(text); }

struct Case {
  const char* date;
  int year;
  int week;
};

class IsoWeekCase : public ::testing::TestWithParam<Case> {};

TEST_P(IsoWeekCase, MatchesTheCalendar) {
  const Case c = GetParam();
  EXPECT_EQ(iso_week(day(c.date)), (IsoWeek{c.year, c.week})) << c.date;
}

INSTANTIATE_TEST_SUITE_P(
    EdgeCases, IsoWeekCase,
    ::testing::Values(
        // The seed: 2015-01-01 (Thursday) opens 2015-W01; 2017-01-01 (Sunday) closes 2016-W52.
        Case{"2015-01-01", 2015, 1}, Case{"2015-01-04", 2015, 1}, Case{"2015-01-05", 2015, 2},
        Case{"2017-01-01", 2016, 52}, Case{"2017-01-02", 2017, 1},
        // A December day in week 1 of the next ISO year.
        Case{"2014-12-29", 2015, 1}, Case{"2008-12-29", 2009, 1}, Case{"2019-12-30", 2020, 1},
        // 53-week years (a Thursday on Jan 1, or a leap year starting on Wednesday).
        Case{"2015-12-31", 2015, 53}, Case{"2016-01-03", 2015, 53}, Case{"2020-12-31", 2020, 53},
        Case{"2021-01-03", 2020, 53}, Case{"2021-01-04", 2021, 1}, Case{"2004-12-31", 2004, 53},
        Case{"2009-12-31", 2009, 53}, Case{"2010-01-03", 2009, 53}, Case{"2026-12-31", 2026, 53},
        // Ordinary days, leap days, the earliest accepted date.
        Case{"2016-02-29", 2016, 9}, Case{"2024-02-29", 2024, 9}, Case{"2019-06-15", 2019, 24},
        Case{"1940-01-01", 1940, 1}, Case{"2000-01-01", 1999, 52}, Case{"2000-01-03", 2000, 1},
        Case{"2018-12-31", 2019, 1}, Case{"2022-01-02", 2021, 52}));

TEST(IsoWeekMonday, KnownWeeks) {
  EXPECT_EQ(format_date(iso_week_monday({2015, 1})), "2014-12-29");
  EXPECT_EQ(format_date(iso_week_monday({2016, 52})), "2016-12-26");
  EXPECT_EQ(format_date(iso_week_monday({2020, 53})), "2020-12-28");
  EXPECT_EQ(format_date(iso_week_monday({2021, 1})), "2021-01-04");
  EXPECT_EQ(format_date(iso_week_monday({2009, 1})), "2008-12-29");
  EXPECT_EQ(format_date(iso_week_monday({1940, 1})), "1940-01-01");
}

// Every day from 1940 to 2100: its week's Monday is a Monday at most six days
// earlier, weeks never skip, and only some years have a week 53.
TEST(IsoWeek, ConsistentOverTwoCenturies) {
  const Days first = day("1940-01-01"), last = day("2100-12-31");
  IsoWeek previous = iso_week(first);
  int years_with_53 = 0;
  for (Days d = first; d <= last; d += days{1}) {
    const IsoWeek w = iso_week(d);
    ASSERT_GE(w.week, 1);
    ASSERT_LE(w.week, 53);
    const Days monday = iso_week_monday(w);
    ASSERT_EQ(weekday{monday}, Monday) << format_date(d);
    ASSERT_LE(monday, d);
    ASSERT_LT(d - monday, days{7}) << format_date(d);
    if (weekday{d} == Monday && d != first) {
      const bool next_week = w.year == previous.year && w.week == previous.week + 1;
      const bool next_year = w.year == previous.year + 1 && w.week == 1 && previous.week >= 52;
      ASSERT_TRUE(next_week || next_year) << format_date(d);
      if (next_year && previous.week == 53) ++years_with_53;
    } else {
      ASSERT_EQ(w, previous) << format_date(d);
    }
    previous = w;
  }
  // 71 of every 400 years are long; 1940..2100 holds 28 or so of them.
  EXPECT_GT(years_with_53, 25);
  EXPECT_LT(years_with_53, 32);
}

// A run's date is local: the latest acceptable one is today in UTC+14, which
// becomes UTC's tomorrow at 10:00 UTC.
TEST(LatestLocalDate, IsTodayInUtcPlus14) {
  const sys_days nov30 = year{2026} / November / 30;
  EXPECT_EQ(latest_local_date(nov30 + 0h), Days{nov30});
  EXPECT_EQ(latest_local_date(nov30 + 9h + 59min + 59s), Days{nov30});
  EXPECT_EQ(latest_local_date(nov30 + 10h), Days{nov30 + days{1}});
  EXPECT_EQ(latest_local_date(nov30 + 23h + 59min), Days{nov30 + days{1}});
  const sys_days dec31 = year{2026} / December / 31;
  EXPECT_EQ(latest_local_date(dec31 + 12h), Days{sys_days{year{2027} / January / 1}});
}

}  // namespace
