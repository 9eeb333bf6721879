// How a run row and a run's written values bind to SOCI statements
// (storage-internal; shared by the runs store and its lists).
#pragma once
#include <soci/soci.h>

#include <cmath>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/dates.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// A run row: the columns of queries::kRunColumns, in order, fetched straight
// into a RunRecord, except the two stored as text: take() types the date and
// keeps the condition's text as it is (decoded only if someone asks for it).
struct RunRow {
  RunRecord record;
  std::string date, condition;  // reused from row to row

  void bind(soci::statement& st) {
    st.exchange(soci::into(record.result_id));
    st.exchange(soci::into(record.user_id));
    st.exchange(soci::into(date));
    st.exchange(soci::into(record.distance));
    st.exchange(soci::into(record.time));
    st.exchange(soci::into(record.speed));
    st.exchange(soci::into(record.location));
    st.exchange(soci::into(record.where.latitude));
    st.exchange(soci::into(record.where.longitude));
    st.exchange(soci::into(condition));
    st.exchange(soci::into(record.iso_year));
    st.exchange(soci::into(record.iso_week));
    st.exchange(soci::into(record.created_at));
    st.exchange(soci::into(record.updated_at));
    st.exchange(soci::into(record.version));
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
  double temperature_max = 0, temperature_min = 0, precipitation = 0, wind_speed = 0;
  int weather_code = 0, iso_year, iso_week;
  soci::indicator tmax_ind, tmin_ind, precip_ind, wind_ind, code_ind;
  std::string now;

  explicit RunParams(const RunValues& v)
      : values(v),
        user_id(v.user_id),
        distance(v.distance),
        time(v.time),
        date(format_date(v.date)),
        iso_year(v.iso_year),
        iso_week(v.iso_week),
        tmax_ind(set(temperature_max, typed(v).temperature_max)),
        tmin_ind(set(temperature_min, typed(v).temperature_min)),
        precip_ind(set(precipitation, typed(v).precipitation_sum)),
        wind_ind(set(wind_speed, typed(v).wind_speed_max)),
        code_ind(set(weather_code, typed(v).weather_code)),
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
    st.exchange(soci::use(values.speed, "speed"));
    st.exchange(soci::use(values.location, "location"));
    st.exchange(soci::use(values.where.latitude, "lat"));
    st.exchange(soci::use(values.where.longitude, "lon"));
    st.exchange(soci::use(values.condition.json(), "cond"));  // as stored, encoded once
    st.exchange(soci::use(temperature_max, tmax_ind, "tmax"));
    st.exchange(soci::use(temperature_min, tmin_ind, "tmin"));
    st.exchange(soci::use(precipitation, precip_ind, "precip"));
    st.exchange(soci::use(wind_speed, wind_ind, "wind"));
    st.exchange(soci::use(weather_code, code_ind, "code"));
    st.exchange(soci::use(iso_year, "iso_year"));
    st.exchange(soci::use(iso_week, "iso_week"));
  }

  // What was written, as the row now stored (a new row: version 1).
  RunRecord record(long long result_id) const { return RunRecord{values, result_id, now, now, 1}; }
};

}  // namespace jogtrack::storage
