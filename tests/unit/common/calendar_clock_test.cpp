// The calendar clock (common/dates): JOGTRACK_TEST_NOW's parser and what fixing the clock changes.
#include <gtest/gtest.h>

#include "common/dates.h"

using namespace jogtrack;
using namespace std::chrono;

namespace {

TEST(CalendarClock, ParsesOnlyStrictUtcInstants) {
  const auto t = parse_utc_instant("2026-03-01T10:30:05Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, sys_days{year{2026} / March / 1} + hours{10} + minutes{30} + seconds{5});
  for (const char* bad : {"2026-03-01", "2026-03-01T10:30:05", "2026-03-01T10:30:05+01:00", "2026-02-30T10:30:05Z",
                          "2026-03-01T24:00:00Z", "2026-03-01T10:60:00Z", "2026-03-01 10:30:05Z", ""})
    EXPECT_FALSE(parse_utc_instant(bad)) << bad;
}

TEST(CalendarClock, FixingItMovesTodayAndTheLatestLocalDate) {
  // 10:00 UTC on March 1st: already March 2nd in UTC+14 (from 10:00 UTC on), never March 3rd.
  set_calendar_now(parse_utc_instant("2026-03-01T10:00:00Z"));
  EXPECT_EQ(format_date(today_utc()), "2026-03-01");
  EXPECT_EQ(format_date(latest_local_date()), "2026-03-02");
  set_calendar_now(parse_utc_instant("2026-03-01T09:59:59Z"));
  EXPECT_EQ(format_date(latest_local_date()), "2026-03-01");
  set_calendar_now(std::nullopt);
  EXPECT_EQ(today_utc(), floor<days>(system_clock::now()));
}

}  // namespace
