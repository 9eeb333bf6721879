#include "storage/legacy_import.h"

#include <map>
#include <set>

#include "storage/database.h"

namespace jogtrack::storage {

namespace {

std::optional<long long> imported_as(Connection& sql, const std::string& kind, long long source_id) {
  std::optional<long long> target;
  if (!exec(sql, "SELECT target_id FROM legacy_imports WHERE kind = :k AND source_id = :s", use(kind, "k"),
            use(source_id, "s"), into(target)))
    return std::nullopt;
  return target.value_or(0);
}

void remember(Connection& sql, const std::string& kind, long long source_id, long long target_id) {
  exec(sql, "INSERT INTO legacy_imports (kind, source_id, target_id) VALUES (:k, :s, :t)", use(kind, "k"),
       use(source_id, "s"), use(target_id, "t"));
}

std::string join(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) out += (out.empty() ? "" : " ") + s;
  return out;
}

long long insert_user(Connection& sql, const LegacyUser& u) {
  std::string scopes = join(u.scopes);
  long long id = 0;
  exec(sql,
       "INSERT INTO users (username, username_key, email, name, scopes, role, password_hash, created_at, "
       "deleted_at) VALUES (:u, :k, :e, :n, :s, :r, :h, :c, :d) RETURNING user_id",
       use(u.username, "u"), use(u.username_key, "k"), use(u.email, "e"), use(u.name, "n"), use(scopes, "s"),
       use(u.role, "r"), use(u.password_hash, "h"), use(u.created_at, "c"), use(u.deleted_at, "d"), into(id));
  return id;
}

long long insert_run(Connection& sql, long long owner, const LegacyRun& r) {
  long long distance = r.distance, time = r.time, id = 0;
  double speed = static_cast<double>(r.distance) / static_cast<double>(r.time);
  double latitude = r.latitude, longitude = r.longitude;
  int iso_year = r.iso_year, iso_week = r.iso_week;
  // The Open-Meteo columns (temperatures, precipitation, wind, code) stay null:
  // Dark Sky's data is kept whole in condition.legacy instead.
  exec(sql,
       "INSERT INTO runs (user_id, date, distance, time, speed, location, latitude, longitude, condition, "
       "iso_year, iso_week, created_at, updated_at) VALUES (:o, :date, :dist, :time, :speed, :loc, :lat, :lon, "
       ":cond, :y, :w, :c, :c2) RETURNING result_id",
       use(owner, "o"), use(r.date, "date"), use(distance, "dist"), use(time, "time"), use(speed, "speed"),
       use(r.location, "loc"), use(latitude, "lat"), use(longitude, "lon"), use(r.condition_json, "cond"),
       use(iso_year, "y"), use(iso_week, "w"), use(r.created_at, "c"), use(r.created_at, "c2"), into(id));
  return id;
}

// weekly_totals of an owner whose runs just changed, recomputed from the runs.
void rebuild_weeks(Connection& sql, long long owner) {
  exec(sql, "DELETE FROM weekly_totals WHERE user_id = :o", use(owner, "o"));
  exec(sql,
       "INSERT INTO weekly_totals (user_id, iso_year, iso_week, runs, total_distance, total_time) "
       "SELECT user_id, iso_year, iso_week, COUNT(*), SUM(distance), SUM(time) FROM runs WHERE user_id = :o "
       "GROUP BY user_id, iso_year, iso_week",
       use(owner, "o"));
  exec(sql, "UPDATE users SET runs_version = runs_version + 1 WHERE user_id = :o", use(owner, "o"));
}

}  // namespace

LegacyImportReport import_legacy(const std::string& url, const std::vector<LegacyUser>& users,
                                 const std::vector<LegacyRun>& runs, Logger log) {
  Database db(url, 1, 0, std::move(log));
  db.migrate();
  return db.run("import-seed", Retry::BeforeSend, [&](Connection& sql) {
    LegacyImportReport report;
    WriteTransaction tx(db, sql);
    std::map<long long, long long> owner_of;  // source user id -> jogtrack user id
    for (const auto& u : users) {
      if (const auto done = imported_as(sql, "user", u.source_id)) {
        owner_of[u.source_id] = *done;
        ++report.users_already;
        continue;
      }
      long long taken = 0;
      exec(sql, "SELECT COUNT(*) FROM users WHERE username_key = :k AND deleted_at IS NULL", use(u.username_key, "k"),
           into(taken));
      // A deleted account never clashes: deleted usernames may be taken again.
      if (taken > 0 && !u.deleted_at) {
        report.users_clashing.push_back(u.username);
        continue;
      }
      const long long id = insert_user(sql, u);
      remember(sql, "user", u.source_id, id);
      owner_of[u.source_id] = id;
      ++report.users_imported;
    }
    std::set<long long> changed;
    for (const auto& r : runs) {
      if (imported_as(sql, "run", r.source_id)) {
        ++report.runs_already;
        continue;
      }
      const auto owner = owner_of.find(r.source_user_id);
      if (owner == owner_of.end()) {
        ++report.runs_skipped;
        continue;
      }
      remember(sql, "run", r.source_id, insert_run(sql, owner->second, r));
      changed.insert(owner->second);
      ++report.runs_imported;
    }
    for (const long long owner : changed) rebuild_weeks(sql, owner);
    tx.commit();
    return report;
  });
}

}  // namespace jogtrack::storage
