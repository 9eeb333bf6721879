// How a run row and a run's written values bind to SOCI statements
// (storage-internal; shared by the runs store and its lists).
#pragma once
#include <soci/soci.h>

#include <cmath>
#include <optional>
#include <string>

#include "common/dates.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// A run row: the columns of queries::kRunColumns, in order, fetched straight
// into a RunRecord (one mapping, no copy from intermediate columns).
struct RunRow {
  RunRecord record;

  void bind(soci::statement& st) {
    st.exchange(soci::into(record.result_id));
    st.exchange(soci::into(record.user_id));
    st.exchange(soci::into(record.date));
    st.exchange(soci::into(record.distance));
    st.exchange(soci::into(record.time));
    st.exchange(soci::into(record.speed));
    st.exchange(soci::into(record.location));
    st.exchange(soci::into(record.condition_json));
    st.exchange(soci::into(record.created_at));
    st.exchange(soci::into(record.updated_at));
    st.exchange(soci::into(record.version));
  }
};

// The values written for a run (kept alive while a statement uses them).
struct RunParams {
  long long user_id, distance, time;
  double speed, latitude, longitude;
  std::string date, location, condition;
  double temperature_max = 0, temperature_min = 0, precipitation = 0, wind_speed = 0;
  int weather_code = 0, iso_year, iso_week;
  soci::indicator tmax_ind, tmin_ind, precip_ind, wind_ind, code_ind;
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
        iso_year(v.iso_year),
        iso_week(v.iso_week),
        tmax_ind(set(temperature_max, v.condition.temperature_max)),
        tmin_ind(set(temperature_min, v.condition.temperature_min)),
        precip_ind(set(precipitation, v.condition.precipitation_sum)),
        wind_ind(set(wind_speed, v.condition.wind_speed_max)),
        code_ind(set(weather_code, v.condition.weather_code)),
        now(now_timestamp()) {}

  template <class T>
  static soci::indicator set(T& out, const std::optional<T>& value) {
    if (!value || !std::isfinite(static_cast<double>(*value))) return soci::i_null;
    out = *value;
    return soci::i_ok;
  }

  // Every column but user_id and the timestamps.
  void bind_values(soci::statement& st) {
    st.exchange(soci::use(date, "date"));
    st.exchange(soci::use(distance, "distance"));
    st.exchange(soci::use(time, "time"));
    st.exchange(soci::use(speed, "speed"));
    st.exchange(soci::use(location, "location"));
    st.exchange(soci::use(latitude, "lat"));
    st.exchange(soci::use(longitude, "lon"));
    st.exchange(soci::use(condition, "cond"));
    st.exchange(soci::use(temperature_max, tmax_ind, "tmax"));
    st.exchange(soci::use(temperature_min, tmin_ind, "tmin"));
    st.exchange(soci::use(precipitation, precip_ind, "precip"));
    st.exchange(soci::use(wind_speed, wind_ind, "wind"));
    st.exchange(soci::use(weather_code, code_ind, "code"));
    st.exchange(soci::use(iso_year, "iso_year"));
    st.exchange(soci::use(iso_week, "iso_week"));
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
