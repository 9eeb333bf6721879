// Runs table: parameterised SQL only; runs of deleted users are invisible everywhere.
#include "storage/run_store.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "common/dates.h"
#include "storage/row_version.h"

namespace jogtrack::storage {

namespace {

constexpr const char* kRunColumns =
    "r.result_id, r.user_id, r.date, r.distance, r.time, r.speed, r.location, r.condition, r.created_at, "
    "r.updated_at, r.version";
// Only runs whose owner is a live account.
constexpr const char* kLiveRuns = " FROM runs r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL ";

// The columns of one run row, bound as SOCI into-targets.
struct RunRow {
  long long result_id = 0, user_id = 0, distance = 0, time = 0, version = 1;
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
    st.exchange(soci::into(version));
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
    r.version = version;
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

// Hot single-row statements, prepared once per pooled connection.
struct InsertRun final : CachedStatement {
  RunParams p{RunValues{}};
  long long id = 0;
  soci::statement st;
  explicit InsertRun(soci::session& sql) : st(sql) {
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
  }
};

struct FindRun final : CachedStatement {
  long long id = 0;
  RunRow row;
  soci::statement st;
  explicit FindRun(soci::session& sql) : st(sql) {
    row.bind(st);
    st.exchange(soci::use(id, "id"));
    st.alloc();
    st.prepare(std::string("SELECT ") + kRunColumns + kLiveRuns + "WHERE r.result_id = :id");
    st.define_and_bind();
  }
};

struct UpdateRun final : CachedStatement {
  RunParams p{RunValues{}};
  long long id = 0;
  soci::statement st;
  explicit UpdateRun(soci::session& sql) : st(sql) {
    p.bind_values(st);
    st.exchange(soci::use(p.now, "updated"));
    st.exchange(soci::use(id, "id"));
    st.alloc();
    st.prepare(
        "UPDATE runs SET date = :date, distance = :distance, time = :time, speed = :speed, "
        "location = :location, latitude = :lat, longitude = :lon, condition = :cond, "
        "temperature_max = :tmax, temperature_min = :tmin, precipitation = :precip, wind_speed = :wind, "
        "weather_code = :code, iso_year = :iso_year, iso_week = :iso_week, updated_at = :updated, "
        "version = version + 1 "
        "WHERE result_id = :id AND EXISTS (SELECT 1 FROM users u WHERE u.user_id = runs.user_id "
        "AND u.deleted_at IS NULL)");
    st.define_and_bind();
  }
};

// What a run contributed to weekly_totals, read (and on PostgreSQL locked)
// before it is changed or deleted.
struct OldRun final : CachedStatement {
  long long id = 0, user_id = 0, distance = 0, time = 0;
  int iso_year = 0, iso_week = 0;
  soci::statement st;
  OldRun(soci::session& sql, Dialect dialect) : st(sql) {
    st.exchange(soci::into(user_id));
    st.exchange(soci::into(iso_year));
    st.exchange(soci::into(iso_week));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(time));
    st.exchange(soci::use(id, "id"));
    st.alloc();
    st.prepare(std::string("SELECT user_id, iso_year, iso_week, distance, time FROM runs WHERE result_id = :id") +
               (dialect == Dialect::Postgres ? " FOR UPDATE" : ""));
    st.define_and_bind();
  }
};

// weekly_totals(user, week) += (runs, distance, time); the row is made if missing.
struct AdjustWeek final : CachedStatement {
  long long user_id = 0, runs = 0, distance = 0, time = 0;
  int iso_year = 0, iso_week = 0;
  soci::statement st;
  explicit AdjustWeek(soci::session& sql) : st(sql) {
    st.exchange(soci::use(user_id, "uid"));
    st.exchange(soci::use(iso_year, "y"));
    st.exchange(soci::use(iso_week, "w"));
    st.exchange(soci::use(runs, "n"));
    st.exchange(soci::use(distance, "d"));
    st.exchange(soci::use(time, "t"));
    st.alloc();
    st.prepare(
        "INSERT INTO weekly_totals (user_id, iso_year, iso_week, runs, total_distance, total_time) "
        "VALUES (:uid, :y, :w, :n, :d, :t) ON CONFLICT (user_id, iso_year, iso_week) DO UPDATE SET "
        "runs = weekly_totals.runs + excluded.runs, "
        "total_distance = weekly_totals.total_distance + excluded.total_distance, "
        "total_time = weekly_totals.total_time + excluded.total_time");
    st.define_and_bind();
  }
};

// A week left without runs disappears from the report.
struct PruneWeek final : CachedStatement {
  long long user_id = 0;
  int iso_year = 0, iso_week = 0;
  soci::statement st;
  explicit PruneWeek(soci::session& sql) : st(sql) {
    st.exchange(soci::use(user_id, "uid"));
    st.exchange(soci::use(iso_year, "y"));
    st.exchange(soci::use(iso_week, "w"));
    st.alloc();
    st.prepare("DELETE FROM weekly_totals WHERE user_id = :uid AND iso_year = :y AND iso_week = :w AND runs <= 0");
    st.define_and_bind();
  }
};

struct BumpRunsVersion final : CachedStatement {
  long long user_id = 0;
  soci::statement st;
  explicit BumpRunsVersion(soci::session& sql) : st(sql) {
    st.exchange(soci::use(user_id, "uid"));
    st.alloc();
    st.prepare("UPDATE users SET runs_version = runs_version + 1 WHERE user_id = :uid");
    st.define_and_bind();
  }
};

// The live owner's runs_version (no row: the owner is gone).
struct ReadRunsVersion final : CachedStatement {
  long long user_id = 0, version = 0;
  soci::statement st;
  explicit ReadRunsVersion(soci::session& sql) : st(sql) {
    st.exchange(soci::into(version));
    st.exchange(soci::use(user_id, "uid"));
    st.alloc();
    st.prepare("SELECT runs_version FROM users WHERE user_id = :uid AND deleted_at IS NULL");
    st.define_and_bind();
  }
};

void execute_cached(soci::statement& st, Dialect dialect) {
  st.execute(true);
  finish_cached(st, dialect);
}

void bump_runs_version(Database& db, soci::session& sql, long long user_id) {
  auto& bump = db.cached<BumpRunsVersion>(sql);
  bump.user_id = user_id;
  execute_cached(bump.st, db.dialect());
}

void adjust_week(Database& db, soci::session& sql, long long user_id, int iso_year, int iso_week, long long runs,
                 long long distance, long long time) {
  auto& q = db.cached<AdjustWeek>(sql);
  q.user_id = user_id;
  q.iso_year = iso_year;
  q.iso_week = iso_week;
  q.runs = runs;
  q.distance = distance;
  q.time = time;
  execute_cached(q.st, db.dialect());
}

void prune_week(Database& db, soci::session& sql, long long user_id, int iso_year, int iso_week) {
  auto& q = db.cached<PruneWeek>(sql);
  q.user_id = user_id;
  q.iso_year = iso_year;
  q.iso_week = iso_week;
  execute_cached(q.st, db.dialect());
}

// The run as it is before a change (nullopt: no such run). Copied out of the
// cached statement, which later statements of the transaction may reuse.
struct OldRunValues {
  long long user_id, distance, time;
  int iso_year, iso_week;
};

std::optional<OldRunValues> old_run(Database& db, soci::session& sql, long long result_id) {
  auto& q = db.cached<OldRun>(sql);
  q.id = result_id;
  q.st.execute(true);
  std::optional<OldRunValues> found;
  if (q.st.got_data()) found = OldRunValues{q.user_id, q.distance, q.time, q.iso_year, q.iso_week};
  finish_cached(q.st, db.dialect());
  return found;
}

// Removes a run's contribution from weekly_totals.
void subtract_week(Database& db, soci::session& sql, const OldRunValues& old) {
  adjust_week(db, sql, old.user_id, old.iso_year, old.iso_week, -1, -old.distance, -old.time);
}

// The weekly report's ORDER BY (built from reports::week_sort_fields() over
// the GROUP BY of runs) rewritten for weekly_totals, which holds the groups;
// nullopt if it names anything weekly_totals lacks (then the runs are grouped).
std::optional<std::string> totals_order_by(std::string order) {
  static const std::pair<const char*, const char*> kAggregates[] = {
      {"COUNT(*)", "r.runs"}, {"SUM(r.distance)", "r.total_distance"}, {"SUM(r.time)", "r.total_time"}};
  for (const auto& [from, to] : kAggregates) {
    const std::string f = from;
    for (auto pos = order.find(f); pos != std::string::npos; pos = order.find(f, pos + std::strlen(to)))
      order.replace(pos, f.size(), to);
  }
  static const std::string kColumns[] = {"iso_year", "iso_week", "runs", "total_distance", "total_time"};
  const auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (!ident(order[i])) continue;
    std::size_t end = i;
    while (end < order.size() && (ident(order[end]) || order[end] == '.')) ++end;
    const std::string word = order.substr(i, end - i);
    i = end;
    if (word.rfind("r.", 0) == 0) {
      if (std::find(std::begin(kColumns), std::end(kColumns), word.substr(2)) == std::end(kColumns))
        return std::nullopt;
    } else if (word != "ASC" && word != "DESC" && word != "NULLS" && word != "FIRST" && word != "LAST" &&
               word.find_first_not_of("0123456789.") != std::string::npos) {
      return std::nullopt;
    }
  }
  return order;
}

std::optional<RunRecord> find_live(Database& db, soci::session& sql, long long result_id) {
  auto& q = db.cached<FindRun>(sql);
  q.id = result_id;
  q.st.execute(true);
  std::optional<RunRecord> found;
  if (q.st.got_data()) found = q.row.record();
  finish_cached(q.st, db.dialect());
  return found;
}

// The columns of a COUNT(*) or of one week, as SOCI into-targets.
struct CountRow {
  long long total = 0;
  void bind(soci::statement& st) { st.exchange(soci::into(total)); }
};

struct WeekCols {
  int iso_year = 0, iso_week = 0;
  long long runs = 0, distance = 0, time = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(iso_year));
    st.exchange(soci::into(iso_week));
    st.exchange(soci::into(runs));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(time));
  }
};

// A list, count or report query whose SQL depends on the request's filter and
// sort, cached per connection by its SQL and parameter names and types
// (query_key). Re-run it by assigning owner, limit, offset and parameter values.
template <class Row>
struct FilteredQuery final : CachedStatement {
  Row row;
  long long owner = 0, limit = 0, offset = 0;
  std::vector<std::pair<std::string, SqlValue>> params;
  soci::statement st;

  FilteredQuery(soci::session& sql, const std::string& text, const std::vector<std::pair<std::string, SqlValue>>& p,
                bool paged)
      : params(p), st(sql) {
    row.bind(st);
    st.exchange(soci::use(owner, "owner"));
    bind_params(st, params);
    if (paged) {
      st.exchange(soci::use(limit, "lim"));
      st.exchange(soci::use(offset, "off"));
    }
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
  }

  // Runs the statement with the request's values; each(row) per row fetched.
  template <class Each>
  void run(Dialect dialect, long long owner_id, const std::vector<std::pair<std::string, SqlValue>>& values,
           long long lim, long long off, Each&& each) {
    owner = owner_id;
    limit = lim;
    offset = off;
    // Same names and types as when bound (they are part of the cache key), so
    // assigning keeps every bound address.
    for (std::size_t i = 0; i < params.size(); ++i) params[i].second = values[i].second;
    if (st.execute(true)) {
      do {
        each(row);
      } while (st.fetch());
    }
    finish_cached(st, dialect);
  }
};

std::string query_key(const char* kind, const std::string& text,
                      const std::vector<std::pair<std::string, SqlValue>>& params) {
  std::string key = kind;
  key += '\x1f';
  key += text;
  for (const auto& [name, value] : params) {
    key += '\x1f';
    key += name;
    key += static_cast<char>('0' + value.index());
  }
  return key;
}

// Statements of long filters are not kept (bounded memory per connection).
constexpr std::size_t kMaxCachedQueryKey = 2048;

template <class Row, class Each>
void run_filtered(Database& db, soci::session& sql, const char* kind, const std::string& text, bool paged,
                  long long owner, const ListQuery& query, Each&& each) {
  const std::string key = query_key(kind, text, query.filter.params);
  if (key.size() > kMaxCachedQueryKey) {
    FilteredQuery<Row> once(sql, text, query.filter.params, paged);
    once.run(db.dialect(), owner, query.filter.params, query.limit, query.offset, std::forward<Each>(each));
    return;
  }
  auto& q = db.cached_keyed<FilteredQuery<Row>>(sql, key, text, query.filter.params, paged);
  q.run(db.dialect(), owner, query.filter.params, query.limit, query.offset, std::forward<Each>(each));
}

// The key of a cached total: owner, filter SQL and every parameter's value.
std::string totals_key(long long owner, const ListQuery& query) {
  std::string key = std::to_string(owner);
  key += '\x1f';
  key += query.filter.sql;
  for (const auto& [name, value] : query.filter.params) {
    key += '\x1f';
    key += name;
    if (auto* i = std::get_if<std::int64_t>(&value)) {
      key += "=i" + std::to_string(*i);
    } else if (auto* d = std::get_if<double>(&value)) {
      char bytes[sizeof(double)];
      std::memcpy(bytes, d, sizeof bytes);
      key += "=d";
      key.append(bytes, sizeof bytes);
    } else {
      key += "=s" + std::get<std::string>(value);
    }
  }
  return key;
}

std::string owner_where(const ListQuery& query) {
  std::string where = "r.user_id = :owner";
  if (!query.filter.sql.empty()) where += " AND " + query.filter.sql;
  return where;
}

}  // namespace

RunRecord SociRunStore::create(const RunValues& run, const Deadline& deadline) {
  return db_.run("create run", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    auto& q = db_.cached<InsertRun>(sql);
    q.p = RunParams(run);
    q.st.execute(true);
    // SQLite keeps a RETURNING statement open until it is reset: finish (reset) it before COMMIT.
    finish_cached(q.st, db_.dialect());
    const RunParams& p = q.p;
    const long long id = q.id;
    bump_runs_version(db_, sql, p.user_id);
    adjust_week(db_, sql, p.user_id, p.iso_year, p.iso_week, 1, p.distance, p.time);
    deadline.check();  // throws: the transaction rolls back
    tx.commit();
    return p.record(id);
  });
}

std::optional<RunRecord> SociRunStore::find(std::int64_t result_id) {
  return db_.run("find run", Retry::Safe, [&](soci::session& sql) {
    return find_live(db_, sql, result_id);
  });
}

std::optional<RunRecord> SociRunStore::update(std::int64_t result_id, const RunValues& run,
                                             const Deadline& deadline, const VersionCheck& check) {
  return db_.run("update run", Retry::BeforeSend, [&](soci::session& sql) -> std::optional<RunRecord> {
    long long id = result_id;
    WriteTransaction tx(db_, sql);
    require_version(sql, db_.dialect(), "runs", "result_id", id, check);
    const auto old = old_run(db_, sql, id);
    if (!old) return std::nullopt;
    auto& q = db_.cached<UpdateRun>(sql);
    q.p = RunParams(run);
    q.id = id;
    q.st.execute(true);
    const bool changed = q.st.get_affected_rows() > 0;
    finish_cached(q.st, db_.dialect());
    if (!changed) return std::nullopt;
    bump_runs_version(db_, sql, old->user_id);
    subtract_week(db_, sql, *old);
    adjust_week(db_, sql, old->user_id, run.iso_year, run.iso_week, 1, run.distance, run.time);
    prune_week(db_, sql, old->user_id, old->iso_year, old->iso_week);
    auto record = find_live(db_, sql, id);
    deadline.check();  // throws: the transaction rolls back
    tx.commit();
    return record;
  });
}

bool SociRunStore::remove(std::int64_t result_id, const Deadline& deadline, const VersionCheck& check) {
  return db_.run("delete run", Retry::BeforeSend, [&](soci::session& sql) {
    long long id = result_id;
    WriteTransaction tx(db_, sql);
    require_version(sql, db_.dialect(), "runs", "result_id", id, check);
    const auto old = old_run(db_, sql, id);
    if (!old) return false;
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
    if (changed) {
      bump_runs_version(db_, sql, old->user_id);
      subtract_week(db_, sql, *old);
      prune_week(db_, sql, old->user_id, old->iso_year, old->iso_week);
    }
    deadline.check();  // throws: the transaction rolls back
    tx.commit();
    return changed;
  });
}

Page<RunRecord> SociRunStore::list(std::int64_t user_id, const ListQuery& query) {
  return db_.run("list runs", Retry::Safe, [&](soci::session& sql) {
    long long owner = user_id;
    const std::string where = owner_where(query);

    Page<RunRecord> page;
    auto& version = db_.cached<ReadRunsVersion>(sql);
    version.user_id = owner;
    version.st.execute(true);
    const bool live = version.st.got_data();
    const long long runs_version = version.version;
    finish_cached(version.st, db_.dialect());
    if (!live) return page;  // a deleted (or unknown) owner has no visible runs

    const std::string key = totals_key(owner, query);
    std::optional<long long> cached_total;
    {
      std::lock_guard lock(totals_mutex_);
      if (auto it = totals_.find(key); it != totals_.end() && it->second.runs_version == runs_version)
        cached_total = it->second.total;
    }
    if (cached_total) {
      page.total = *cached_total;
    } else {
      long long total = 0;
      run_filtered<CountRow>(db_, sql, "list count", std::string("SELECT COUNT(*)") + kLiveRuns + "WHERE " + where,
                             false, owner, query, [&](const CountRow& row) { total = row.total; });
      page.total = total;
      // Counted after reading runs_version: a write committed in between is
      // at worst already counted, and its new version makes the entry stale.
      std::lock_guard lock(totals_mutex_);
      if (totals_.find(key) == totals_.end()) {
        if (totals_.size() >= kMaxCachedTotals || totals_bytes_ + key.size() > kMaxCachedTotalsBytes) {
          totals_.clear();
          totals_bytes_ = 0;
        }
        totals_bytes_ += key.size();
      }
      totals_[key] = CachedTotal{runs_version, total};
    }
    if (page.total <= query.offset) return page;
    run_filtered<RunRow>(db_, sql, "list page",
                         std::string("SELECT ") + kRunColumns + kLiveRuns + "WHERE " + where + " ORDER BY " +
                             query.order_by + " LIMIT :lim OFFSET :off",
                         true, owner, query, [&](const RunRow& row) { page.items.push_back(row.record()); });
    return page;
  });
}

Page<WeekRow> SociRunStore::weekly(std::int64_t user_id, const ListQuery& query) {
  return db_.run("weekly report", Retry::Safe, [&](soci::session& sql) {
    long long owner = user_id;
    const std::string where = owner_where(query);

    // Unfiltered: the weeks are kept in weekly_totals by every run write.
    // Filtered: grouped from the matching runs.
    const auto totals_order = query.filter.sql.empty() ? totals_order_by(query.order_by) : std::nullopt;
    const bool from_totals = totals_order.has_value();
    const std::string totals_from =
        " FROM weekly_totals r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL WHERE r.user_id = :owner";

    Page<WeekRow> page;
    const std::string count_sql =
        from_totals ? "SELECT COUNT(*)" + totals_from
                    : std::string("SELECT COUNT(*) FROM (SELECT r.iso_year") + kLiveRuns + "WHERE " + where +
                          " GROUP BY r.iso_year, r.iso_week) weeks";
    run_filtered<CountRow>(db_, sql, "weekly count", count_sql, false, owner, query,
                           [&](const CountRow& row) { page.total = row.total; });
    if (page.total <= query.offset) return page;
    const std::string page_sql =
        from_totals ? "SELECT r.iso_year, r.iso_week, r.runs, r.total_distance, r.total_time" + totals_from +
                          " ORDER BY " + *totals_order + " LIMIT :lim OFFSET :off"
                    : std::string("SELECT r.iso_year, r.iso_week, COUNT(*), CAST(SUM(r.distance) AS BIGINT), "
                                  "CAST(SUM(r.time) AS BIGINT)") +
                          kLiveRuns + "WHERE " + where + " GROUP BY r.iso_year, r.iso_week ORDER BY " +
                          query.order_by + " LIMIT :lim OFFSET :off";
    run_filtered<WeekCols>(db_, sql, "weekly page", page_sql, true, owner, query, [&](const WeekCols& row) {
      page.items.push_back(WeekRow{row.iso_year, row.iso_week, row.runs, row.distance, row.time});
    });
    return page;
  });
}

}  // namespace jogtrack::storage
