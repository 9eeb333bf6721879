#include "storage/weekly_totals.h"

#include "storage/run_queries.h"

namespace jogtrack::storage {

namespace {

// What a run contributed to weekly_totals (kOldRun*).
struct OldRunVars {
  long long id = 0, user_id = 0, distance = 0, time = 0;
  int iso_year = 0, iso_week = 0;
  void bind(Binder& b) {
    b.into(user_id);
    b.into(iso_year);
    b.into(iso_week);
    b.into(distance);
    b.into(time);
    b.use(id, "id");
  }
};

// One user's week and what to add to it (kAdjustWeek).
struct WeekVars {
  long long user_id = 0, runs = 0, distance = 0, time = 0;
  int iso_year = 0, iso_week = 0;
  void bind(Binder& b) {
    b.use(user_id, "uid");
    b.use(iso_year, "y");
    b.use(iso_week, "w");
    b.use(runs, "n");
    b.use(distance, "d");
    b.use(time, "t");
  }
};

// One user's week (kPruneWeek).
struct WeekKeyVars {
  long long user_id = 0;
  int iso_year = 0, iso_week = 0;
  void bind(Binder& b) {
    b.use(user_id, "uid");
    b.use(iso_year, "y");
    b.use(iso_week, "w");
  }
};

struct UserIdVars {
  long long user_id = 0;
  void bind(Binder& b) { b.use(user_id, "uid"); }
};

void execute_cached(Statement& st, Dialect dialect) {
  st.execute(true);
  finish_cached(st, dialect);
}

}  // namespace

void bump_runs_version(Database& db, Connection& sql, long long user_id) {
  auto& bump = db.prepared<UserIdVars>(sql, queries::kBumpRunsVersion);
  bump.vars.user_id = user_id;
  execute_cached(bump.st, db.dialect());
}

void adjust_week(Database& db, Connection& sql, long long user_id, int iso_year, int iso_week, long long runs,
                 long long distance, long long time) {
  auto& q = db.prepared<WeekVars>(sql, queries::kAdjustWeek);
  q.vars.user_id = user_id;
  q.vars.iso_year = iso_year;
  q.vars.iso_week = iso_week;
  q.vars.runs = runs;
  q.vars.distance = distance;
  q.vars.time = time;
  execute_cached(q.st, db.dialect());
}

void prune_week(Database& db, Connection& sql, long long user_id, int iso_year, int iso_week) {
  auto& q = db.prepared<WeekKeyVars>(sql, queries::kPruneWeek);
  q.vars.user_id = user_id;
  q.vars.iso_year = iso_year;
  q.vars.iso_week = iso_week;
  execute_cached(q.st, db.dialect());
}

std::optional<OldRunValues> old_run(Database& db, Connection& sql, long long result_id) {
  auto& q = db.prepared<OldRunVars>(
      sql, db.dialect() == Dialect::Postgres ? queries::kOldRunPostgres : queries::kOldRunSqlite);
  auto& v = q.vars;
  v.id = result_id;
  q.st.execute(true);
  std::optional<OldRunValues> found;
  if (q.st.got_data()) found = OldRunValues{v.user_id, v.distance, v.time, v.iso_year, v.iso_week};
  finish_cached(q.st, db.dialect());
  return found;
}

// Removes a run's contribution from weekly_totals.
void subtract_week(Database& db, Connection& sql, const OldRunValues& old) {
  adjust_week(db, sql, old.user_id, old.iso_year, old.iso_week, -1, -old.distance, -old.time);
}

}  // namespace jogtrack::storage
