// How a run row and a run's written values bind to statements
// (storage-internal; shared by the runs store and its lists).
#pragma once
#include <cmath>
#include <optional>
#include <string>

#include "common/dates.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// A run row: the columns of queries::kRunColumns, in order, fetched straight
// into a RunRecord (one mapping, no copy from intermediate columns).
struct RunRow {
  RunRecord record;

  void bind(Binder& b) {
    b.into(record.result_id);
    b.into(record.user_id);
    b.into(record.date);
    b.into(record.distance);
    b.into(record.time);
    b.into(record.speed);
    b.into(record.location);
    b.into(record.condition_json);
    b.into(record.created_at);
    b.into(record.updated_at);
    b.into(record.version);
  }
};

// The values written for a run (kept alive while a statement uses them).
struct RunParams {
  long long user_id, distance, time;
  double speed, latitude, longitude;
  std::string date, location, condition;
  // NULL when unknown (or not finite).
  std::optional<double> temperature_max, temperature_min, precipitation, wind_speed;
  std::optional<int> weather_code;
  int iso_year, iso_week;
  std::string now;

  explicit RunParams(const RunValues& v)
      : user_id(v.user_id),
        distance(v.distance),
        time(v.time),
        speed(v.speed),
        latitude(v.latitude),
        longitude(v.longitude),
        date(v.date),
        location(v.location),
        condition(weather::condition_to_json(v.condition)),
        temperature_max(finite(v.condition.temperature_max)),
        temperature_min(finite(v.condition.temperature_min)),
        precipitation(finite(v.condition.precipitation_sum)),
        wind_speed(finite(v.condition.wind_speed_max)),
        weather_code(finite(v.condition.weather_code)),
        iso_year(v.iso_year),
        iso_week(v.iso_week),
        now(now_timestamp()) {}

  template <class T>
  static std::optional<T> finite(const std::optional<T>& value) {
    if (!value || !std::isfinite(static_cast<double>(*value))) return std::nullopt;
    return value;
  }

  // Every column but user_id and the timestamps.
  void bind_values(Binder& b) {
    b.use(date, "date");
    b.use(distance, "distance");
    b.use(time, "time");
    b.use(speed, "speed");
    b.use(location, "location");
    b.use(latitude, "lat");
    b.use(longitude, "lon");
    b.use(condition, "cond");
    b.use(temperature_max, "tmax");
    b.use(temperature_min, "tmin");
    b.use(precipitation, "precip");
    b.use(wind_speed, "wind");
    b.use(weather_code, "code");
    b.use(iso_year, "iso_year");
    b.use(iso_week, "iso_week");
  }

  RunRecord record(long long result_id) const {
    RunRecord r;
    r.result_id = result_id;
    r.user_id = user_id;
    r.date = date;
    r.distance = distance;
    r.time = time;
    r.speed = speed;
    r.location = location;
    r.condition_json = condition;
    r.created_at = now;
    r.updated_at = now;
    return r;
  }
};

}  // namespace jogtrack::storage
