#include "common/dates.h"

#include <atomic>
#include <charconv>
#include <cstdio>
#include <limits>
#include <tuple>

namespace jogtrack {

using namespace std::chrono;

namespace {
bool parse_digits(std::string_view text, int& out) {
  for (char c : text)
    if (c < '0' || c > '9') return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}
}  // namespace

std::optional<Days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (!parse_digits(text.substr(0, 4), y) || !parse_digits(text.substr(5, 2), m) ||
      !parse_digits(text.substr(8, 2), d))
    return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_date(Days value) {
  year_month_day ymd{value};
  const int y = static_cast<int>(ymd.year());
  if (y >= 0 && y <= 9999) {
    // Every stored date, digit by digit: run lists render one per row, and snprintf costs 5x more.
    std::string text = "0000-00-00";
    const auto put = [&text](std::size_t end, unsigned value) {
      for (std::size_t i = end; value != 0; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
    };
    put(4, static_cast<unsigned>(y));
    put(7, static_cast<unsigned>(ymd.month()));
    put(10, static_cast<unsigned>(ymd.day()));
    return text;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

IsoWeek iso_week(Days value) {
  // The ISO week belongs to the year that holds its Thursday.
  const weekday wd{value};
  const int iso_weekday = static_cast<int>(wd.iso_encoding());  // Mon=1..Sun=7
  const Days thursday = value + days{4 - iso_weekday};
  const year iso_year = year_month_day{thursday}.year();
  const Days jan1 = sys_days{iso_year / January / 1};
  const int week = static_cast<int>((thursday - jan1).count() / 7) + 1;
  return IsoWeek{static_cast<int>(iso_year), week};
}

Days iso_week_monday(IsoWeek w) {
  // January 4th is always in ISO week 1.
  const Days jan4 = sys_days{year{w.year} / January / 4};
  const int jan4_weekday = static_cast<int>(weekday{jan4}.iso_encoding());
  const Days week1_monday = jan4 - days{jan4_weekday - 1};
  return week1_monday + days{7 * (w.week - 1)};
}

namespace {
// Seconds since the epoch of the fixed calendar instant; kNotFixed: the system clock.
constexpr std::int64_t kNotFixed = std::numeric_limits<std::int64_t>::min();
std::atomic<std::int64_t> fixed_calendar_now{kNotFixed};
}  // namespace

system_clock::time_point calendar_now() {
  const std::int64_t fixed = fixed_calendar_now.load(std::memory_order_relaxed);
  return fixed == kNotFixed ? system_clock::now() : system_clock::time_point{seconds{fixed}};
}

void set_calendar_now(std::optional<system_clock::time_point> fixed) {
  fixed_calendar_now = fixed ? duration_cast<seconds>(fixed->time_since_epoch()).count() : kNotFixed;
}

std::optional<system_clock::time_point> parse_utc_instant(std::string_view text) {
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  const auto day = parse_date(text.substr(0, 10));
  int h = 0, m = 0, s = 0;
  for (const auto& [pos, out, max] : {std::tuple{11, &h, 23}, std::tuple{14, &m, 59}, std::tuple{17, &s, 59}}) {
    const char a = text[pos], b = text[pos + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return std::nullopt;
    *out = (a - '0') * 10 + (b - '0');
    if (*out > max) return std::nullopt;
  }
  if (!day) return std::nullopt;
  return *day + hours{h} + minutes{m} + seconds{s};
}

Days today_utc() { return floor<days>(calendar_now()); }

Days latest_local_date(system_clock::time_point now) { return floor<days>(now + hours{14}); }

std::int64_t unix_now() {
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string format_timestamp(std::int64_t unix_seconds) {
  const sys_seconds t{seconds{unix_seconds}};
  const Days day = floor<days>(t);
  const hh_mm_ss<seconds> hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", format_date(day).c_str(),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string now_timestamp() { return format_timestamp(unix_now()); }

}  // namespace jogtrack
