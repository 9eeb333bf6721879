// Reading a run from a request body: strict JSON, every problem reported as a
// field error of one 400 (RFC 9457 problem with an "errors" list).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/dates.h"
#include "weather/weather.h"

namespace jogtrack::runs {

inline constexpr std::int64_t kMaxDistance = 1'000'000;  // metres
inline constexpr std::int64_t kMaxTime = 604'800;        // seconds (one week)

// The earliest accepted run date (Open-Meteo's archive starts there).
Days earliest_run_date();

// POST /results: {date, distance, time, location[, user_id]}.
struct NewRun {
  Days date{};
  std::int64_t distance = 0;
  std::int64_t time = 0;
  std::string location;  // as sent (validated)
  weather::Location where{};
  std::optional<std::int64_t> user_id;  // only admins may send it (checked by RunService)
};

// PATCH /results/{id}: any subset of the four fields.
struct RunPatch {
  std::optional<Days> date;
  std::optional<std::int64_t> distance;
  std::optional<std::int64_t> time;
  std::optional<std::string> location;
  std::optional<weather::Location> where;  // set with location

  bool empty() const { return !date && !distance && !time && !location; }
};

// Both throw ApiError BadRequest: malformed JSON or not an object (detail
// only), otherwise one error per offending field — unknown or duplicated
// member, missing required field, wrong JSON type, or a value out of range:
//   date      "YYYY-MM-DD", a real calendar day, 1940-01-01 .. today (the caller passes
//             latest_local_date(): today in UTC+14)
//   distance  JSON integer, 1 .. 1,000,000
//   time      JSON integer, 1 .. 604,800
//   location  "LAT LON" (weather::parse_location)
//   user_id   (create only) JSON integer >= 1
NewRun parse_new_run(std::string_view body, Days today);
RunPatch parse_run_patch(std::string_view body, Days today);

}  // namespace jogtrack::runs
