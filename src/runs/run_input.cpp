#include "runs/run_input.h"

#include "common/json_body.h"

namespace jogtrack::runs {

namespace {

using namespace std::chrono;

// The run-specific checks on top of JsonBody's typed getters; each records a
// field error in `in` and yields nullopt when the value is unusable.

std::optional<Days> read_date(JsonBody& in, bool required, Days today) {
  const auto text = in.string("date", required);
  if (!text) return std::nullopt;
  const auto day = parse_date(*text);
  const char* problem = !day                        ? "must be a real calendar date written YYYY-MM-DD"
                        : *day < earliest_run_date() ? "must not be before 1940-01-01"
                        : *day > today               ? "must not be in the future (not after today in UTC+14)"
                                                     : nullptr;
  if (!problem) return day;
  in.add_error("date", problem);
  return std::nullopt;
}

std::optional<std::int64_t> read_bounded(JsonBody& in, const char* name, bool required, std::int64_t max,
                                         const char* unit) {
  const auto value = in.integer(name, required);
  if (!value) return std::nullopt;
  if (*value >= 1 && *value <= max) return value;
  in.add_error(name, "must be a positive integer of at most " + std::to_string(max) + " " + unit);
  return std::nullopt;
}

std::optional<std::pair<std::string, weather::Location>> read_location(JsonBody& in, bool required) {
  auto text = in.string("location", required);
  if (!text) return std::nullopt;
  if (const auto where = weather::parse_location(*text)) return std::pair{std::move(*text), *where};
  in.add_error("location", "must be \"LAT LON\" in decimal degrees (latitude -90..90, longitude -180..180)");
  return std::nullopt;
}

std::optional<std::int64_t> read_user_id(JsonBody& in) {
  const auto value = in.integer("user_id", false);
  if (!value || *value >= 1) return value;
  in.add_error("user_id", "must be a positive integer");
  return std::nullopt;
}

}  // namespace

Days earliest_run_date() { return sys_days{year{1940} / January / 1}; }

NewRun parse_new_run(std::string_view body, Days today) {
  JsonBody in(body);
  in.allow_only({"date", "distance", "time", "location", "user_id"});
  auto date = read_date(in, true, today);
  auto distance = read_bounded(in, "distance", true, kMaxDistance, "metres");
  auto time = read_bounded(in, "time", true, kMaxTime, "seconds");
  auto location = read_location(in, true);
  auto user_id = read_user_id(in);
  in.finish("invalid run");
  NewRun run;
  run.date = *date;
  run.distance = *distance;
  run.time = *time;
  run.location = std::move(location->first);
  run.where = location->second;
  run.user_id = user_id;
  return run;
}

RunPatch parse_run_patch(std::string_view body, Days today) {
  JsonBody in(body);
  in.allow_only({"date", "distance", "time", "location"});
  RunPatch patch;
  patch.date = read_date(in, false, today);
  patch.distance = read_bounded(in, "distance", false, kMaxDistance, "metres");
  patch.time = read_bounded(in, "time", false, kMaxTime, "seconds");
  if (auto location = read_location(in, false)) {
    patch.location = std::move(location->first);
    patch.where = location->second;
  }
  in.finish("invalid run");
  return patch;
}

}  // namespace jogtrack::runs
