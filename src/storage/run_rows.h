// How a run row and a run's written values bind to statements
// (storage-internal; shared by the runs store and its lists).
#pragma once
#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/dates.h"
#include "storage/sql.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// A run row: the columns of queries::kRunColumns, in order, fetched straight
// into a RunRecord, except the two stored as text: take() types the date and
// keeps the condition's text as it is (decoded only if someone asks for it).
struct RunRow {
  RunRecord record;
  std::string date, condition;  // reused from row to row

  void bind(Binder& b) {
    b.into(record.result_id);
    b.into(record.user_id);
    b.into(date);
    b.into(record.distance);
    b.into(record.time);
    b.into(record.speed);
    b.into(record.location);
    b.into(record.where.latitude);
    b.into(record.where.longitude);
    b.into(condition);
    b.into(record.iso_year);
    b.into(record.iso_week);
    b.into(record.created_at);
    b.into(record.updated_at);
    b.into(record.version);
  }

  // The fetched row, typed and moved out (the next fetch assigns every column
  // again). The date column is only ever written by RunParams, so one that
  // does not read back is corruption: std::runtime_error naming the run.
  RunRecord take();
};

// The values written for a run (kept alive while a statement uses them).
struct RunParams {
  RunValues values;
  long long user_id, distance, time;
  std::string date;
  int iso_year, iso_week;
  // NULL when unknown (or not finite).
  std::optional<double> temperature_max, temperature_min, precipitation, wind_speed;
  std::optional<int> weather_code;
  std::string now;

  explicit RunParams(const RunValues& v)
      : values(v),
        user_id(v.user_id),
        distance(v.distance),
        time(v.time),
        date(format_date(v.date)),
        iso_year(v.iso_year),
        iso_week(v.iso_week),
        temperature_max(finite(typed(v).temperature_max)),
        temperature_min(finite(typed(v).temperature_min)),
        precipitation(finite(typed(v).precipitation_sum)),
        wind_speed(finite(typed(v).wind_speed_max)),
        weather_code(finite(typed(v).weather_code)),
        now(now_timestamp()) {}

  // The condition's typed values fill the filterable columns. A condition made
  // by a lookup always reads back; one carried over from its row was checked
  // by the service (RunService::update names the run).
  static const weather::Condition& typed(const RunValues& v) {
    const weather::Condition* c = v.condition.typed();
    if (c == nullptr) throw std::runtime_error("a run's stored condition does not read back");
    return *c;
  }

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
    b.use(values.speed, "speed");
    b.use(values.location, "location");
    b.use(values.where.latitude, "lat");
    b.use(values.where.longitude, "lon");
    b.use(values.condition.json(), "cond");  // as stored, encoded once
    b.use(temperature_max, "tmax");
    b.use(temperature_min, "tmin");
    b.use(precipitation, "precip");
    b.use(wind_speed, "wind");
    b.use(weather_code, "code");
    b.use(iso_year, "iso_year");
    b.use(iso_week, "iso_week");
  }

  // What was written, as the row now stored (a new row: version 1).
  RunRecord record(long long result_id) const { return RunRecord{values, result_id, now, now, 1}; }
};

}  // namespace jogtrack::storage
