// Calendar dates, ISO-8601 weeks and RFC 3339 timestamps, all in UTC.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jogtrack {

using Days = std::chrono::sys_days;

// Parses a strict "YYYY-MM-DD" that names a real calendar day.
std::optional<Days> parse_date(std::string_view text);
std::string format_date(Days day);

struct IsoWeek {
  int year;  // ISO week-numbering year (may differ from the calendar year)
  int week;  // 1..53
  bool operator==(const IsoWeek&) const = default;
};
IsoWeek iso_week(Days day);
Days iso_week_monday(IsoWeek week);

// The clock the calendar rules read ("today" below): the system clock, unless
// fixed by set_calendar_now. FOR TESTS ONLY: `jogtrack serve` fixes it from
// JOGTRACK_TEST_NOW=YYYY-MM-DDTHH:MM:SSZ (and logs a warning), so black-box
// tests can check the date rules at a chosen instant. Tokens, throttles and
// stored timestamps never read it.
std::chrono::system_clock::time_point calendar_now();
void set_calendar_now(std::optional<std::chrono::system_clock::time_point> fixed);
// "YYYY-MM-DDTHH:MM:SSZ" (UTC), as JOGTRACK_TEST_NOW takes it.
std::optional<std::chrono::system_clock::time_point> parse_utc_instant(std::string_view text);

Days today_utc();
// The latest date that is already "today" somewhere on Earth: today in UTC+14
// (Kiribati's Line Islands). A run's date is its runner's local calendar date,
// so a runner in Auckland can record this morning's run while it is still
// yesterday in UTC; nothing later can be a real past or present day.
Days latest_local_date(std::chrono::system_clock::time_point now = calendar_now());
// Seconds since the epoch, and the same as "YYYY-MM-DDTHH:MM:SSZ".
std::int64_t unix_now();
std::string format_timestamp(std::int64_t unix_seconds);
std::string now_timestamp();

}  // namespace jogtrack
