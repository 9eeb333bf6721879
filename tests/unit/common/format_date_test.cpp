// format_date writes the digits itself for years 0..9999 (every date a run can
// have): the same text as the printf it replaced, and parse_date's inverse.
#include <gtest/gtest.h>

#include <cstdio>

#include "common/dates.h"

namespace jogtrack {
namespace {

using namespace std::chrono;

std::string printf_date(Days day) {
  const year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

TEST(FormatDate, EveryDayOfFourDigitYearsMatchesPrintfAndParsesBack) {
  for (Days d = sys_days{year{0} / January / 1}; d <= sys_days{year{9999} / December / 31}; d += days{1}) {
    const std::string text = format_date(d);
    ASSERT_EQ(text, printf_date(d));
    ASSERT_EQ(parse_date(text), d) << text;
  }
  EXPECT_EQ(format_date(sys_days{year{1940} / January / 1}), "1940-01-01");
  EXPECT_EQ(format_date(sys_days{year{2016} / February / 29}), "2016-02-29");
  // Outside four digits it is printf's text, as before.
  EXPECT_EQ(format_date(sys_days{year{10000} / January / 2}), "10000-01-02");
  EXPECT_EQ(format_date(sys_days{year{-1} / March / 4}), "-001-03-04");
}

}  // namespace
}  // namespace jogtrack
