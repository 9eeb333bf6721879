// Runs table: parameterised SQL only; runs of deleted users are invisible everywhere.
#include "storage/run_store.h"

#include <cmath>

#include "common/dates.h"

namespace jogtrack::storage {

namespace {

constexpr const char* kRunColumns =
    "r.result_id, r.user_id, r.date, r.distance, r.time, r.speed, r.location, r.condition, r.created_at, "
    "r.updated_at";
// Only runs whose owner is a live account.
constexpr const char* kLiveRuns = " FROM runs r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL ";

// The columns of one run row, bound as SOCI into-targets.
struct RunRow {
  long long result_id = 0, user_id = 0, distance = 0, time = 0;
  double speed = 0;
  std::string date, location, condition, created_at, updated_at;

  void bind(soci::statement& st) {
    st.exchange(soci::into(result_id));
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(date));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(time));
    st.exchange(soci::into(speed));
    st.exchange(soci::into(location));
    st.exchange(soci::into(condition));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(updated_at));
  }

  RunRecord record() const {
    RunRecord r;
    r.result_id = result_id;
    r.user_id = user_id;
    r.date = date;
    r.distance = distance;
    r.time = time;
    r.speed = speed;
    r.location = location;
    r.condition_json = condition;
    r.created_at = created_at;
    r.updated_at = updated_at;
    return r;
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
        speed(v.time > 0 ? static_cast<double>(v.distance) / static_cast<double>(v.time) : 0.0),
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

std::optional<RunRecord> find_live(soci::session& sql, long long result_id) {
  RunRow row;
  soci::statement st(sql);
  row.bind(st);
  st.exchange(soci::use(result_id, "id"));
  st.alloc();
  st.prepare(std::string("SELECT ") + kRunColumns + kLiveRuns + "WHERE r.result_id = :id");
  st.define_and_bind();
  st.execute(true);
  if (!st.got_data()) return std::nullopt;
  return row.record();
}

std::string owner_where(const ListQuery& query) {
  std::string where = "r.user_id = :owner";
  if (!query.filter.sql.empty()) where += " AND " + query.filter.sql;
  return where;
}

}  // namespace

RunRecord SociRunStore::create(const RunValues& run) {
  return guarded("create run", [&] {
    soci::session sql(db_.pool());
    RunParams p(run);
    long long id = 0;
    WriteTransaction tx(sql, db_.dialect());
    {
      soci::statement st(sql);
      st.exchange(soci::into(id));
      st.exchange(soci::use(p.user_id, "user_id"));
      p.bind_values(st);
      st.exchange(soci::use(p.now, "created"));
      st.exchange(soci::use(p.now, "updated"));
      st.alloc();
      st.prepare(
          "INSERT INTO runs (user_id, date, distance, time, speed, location, latitude, longitude, condition, "
          "temperature_max, temperature_min, precipitation, wind_speed, weather_code, iso_year, iso_week, "
          "created_at, updated_at) VALUES (:user_id, :date, :distance, :time, :speed, :location, :lat, :lon, "
          ":cond, :tmax, :tmin, :precip, :wind, :code, :iso_year, :iso_week, :created, :updated) "
          "RETURNING result_id");
      st.define_and_bind();
      st.execute(true);
      // SQLite keeps a RETURNING statement open until it is reset: finish it before COMMIT.
      st.clean_up();
    }
    tx.commit();
    return p.record(id);
  });
}

std::optional<RunRecord> SociRunStore::find(std::int64_t result_id) {
  return guarded("find run", [&] {
    soci::session sql(db_.pool());
    return find_live(sql, result_id);
  });
}

std::optional<RunRecord> SociRunStore::update(std::int64_t result_id, const RunValues& run) {
  return guarded("update run", [&]() -> std::optional<RunRecord> {
    soci::session sql(db_.pool());
    RunParams p(run);
    long long id = result_id;
    WriteTransaction tx(sql, db_.dialect());
    bool changed = false;
    {
      soci::statement st(sql);
      p.bind_values(st);
      st.exchange(soci::use(p.now, "updated"));
      st.exchange(soci::use(id, "id"));
      st.alloc();
      st.prepare(
          "UPDATE runs SET date = :date, distance = :distance, time = :time, speed = :speed, "
          "location = :location, latitude = :lat, longitude = :lon, condition = :cond, "
          "temperature_max = :tmax, temperature_min = :tmin, precipitation = :precip, wind_speed = :wind, "
          "weather_code = :code, iso_year = :iso_year, iso_week = :iso_week, updated_at = :updated "
          "WHERE result_id = :id AND EXISTS (SELECT 1 FROM users u WHERE u.user_id = runs.user_id "
          "AND u.deleted_at IS NULL)");
      st.define_and_bind();
      st.execute(true);
      changed = st.get_affected_rows() > 0;
      st.clean_up();
    }
    if (!changed) return std::nullopt;
    auto record = find_live(sql, id);
    tx.commit();
    return record;
  });
}

bool SociRunStore::remove(std::int64_t result_id) {
  return guarded("delete run", [&] {
    soci::session sql(db_.pool());
    long long id = result_id;
    WriteTransaction tx(sql, db_.dialect());
    bool changed = false;
    {
      soci::statement st = (sql.prepare << "DELETE FROM runs WHERE result_id = :id AND EXISTS "
                                           "(SELECT 1 FROM users u WHERE u.user_id = runs.user_id "
                                           "AND u.deleted_at IS NULL)",
                            soci::use(id, "id"));
      st.execute(true);
      changed = st.get_affected_rows() > 0;
      st.clean_up();
    }
    tx.commit();
    return changed;
  });
}

Page<RunRecord> SociRunStore::list(std::int64_t user_id, const ListQuery& query) {
  return guarded("list runs", [&] {
    soci::session sql(db_.pool());
    long long owner = user_id;
    const std::string where = owner_where(query);
    auto params = query.filter.params;

    Page<RunRecord> page;
    {
      long long total = 0;
      soci::statement st(sql);
      st.exchange(soci::into(total));
      st.exchange(soci::use(owner, "owner"));
      bind_params(st, params);
      st.alloc();
      st.prepare(std::string("SELECT COUNT(*)") + kLiveRuns + "WHERE " + where);
      st.define_and_bind();
      st.execute(true);
      page.total = total;
    }
    if (page.total <= query.offset) return page;
    long long limit = query.limit, offset = query.offset;
    RunRow row;
    soci::statement st(sql);
    row.bind(st);
    st.exchange(soci::use(owner, "owner"));
    bind_params(st, params);
    st.exchange(soci::use(limit, "lim"));
    st.exchange(soci::use(offset, "off"));
    st.alloc();
    st.prepare(std::string("SELECT ") + kRunColumns + kLiveRuns + "WHERE " + where + " ORDER BY " +
               query.order_by + " LIMIT :lim OFFSET :off");
    st.define_and_bind();
    if (st.execute(true)) {
      do {
        page.items.push_back(row.record());
      } while (st.fetch());
    }
    return page;
  });
}

Page<WeekRow> SociRunStore::weekly(std::int64_t user_id, const ListQuery& query) {
  return guarded("weekly report", [&] {
    soci::session sql(db_.pool());
    long long owner = user_id;
    const std::string where = owner_where(query);
    auto params = query.filter.params;

    Page<WeekRow> page;
    {
      long long total = 0;
      soci::statement st(sql);
      st.exchange(soci::into(total));
      st.exchange(soci::use(owner, "owner"));
      bind_params(st, params);
      st.alloc();
      st.prepare(std::string("SELECT COUNT(*) FROM (SELECT r.iso_year") + kLiveRuns + "WHERE " + where +
                 " GROUP BY r.iso_year, r.iso_week) weeks");
      st.define_and_bind();
      st.execute(true);
      page.total = total;
    }
    if (page.total <= query.offset) return page;
    long long limit = query.limit, offset = query.offset;
    int iso_year = 0, iso_week = 0;
    long long runs = 0, distance = 0, time = 0;
    soci::statement st(sql);
    st.exchange(soci::into(iso_year));
    st.exchange(soci::into(iso_week));
    st.exchange(soci::into(runs));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(time));
    st.exchange(soci::use(owner, "owner"));
    bind_params(st, params);
    st.exchange(soci::use(limit, "lim"));
    st.exchange(soci::use(offset, "off"));
    st.alloc();
    st.prepare(std::string("SELECT r.iso_year, r.iso_week, COUNT(*), CAST(SUM(r.distance) AS BIGINT), "
                           "CAST(SUM(r.time) AS BIGINT)") +
               kLiveRuns + "WHERE " + where +
               " GROUP BY r.iso_year, r.iso_week ORDER BY r.iso_year, r.iso_week LIMIT :lim OFFSET :off");
    st.define_and_bind();
    if (st.execute(true)) {
      do {
        page.items.push_back(WeekRow{iso_year, iso_week, runs, distance, time});
      } while (st.fetch());
    }
    return page;
  });
}

}  // namespace jogtrack::storage
