#include "storage/weekly_totals.h"

#include "storage/run_queries.h"

namespace jogtrack::storage {

namespace {

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
    st.prepare(dialect == Dialect::Postgres ? queries::kOldRunPostgres : queries::kOldRunSqlite);
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
    st.prepare(queries::kAdjustWeek);
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
    st.prepare(queries::kPruneWeek);
    st.define_and_bind();
  }
};

struct BumpRunsVersion final : CachedStatement {
  long long user_id = 0;
  soci::statement st;
  explicit BumpRunsVersion(soci::session& sql) : st(sql) {
    st.exchange(soci::use(user_id, "uid"));
    st.alloc();
    st.prepare(queries::kBumpRunsVersion);
    st.define_and_bind();
  }
};

void execute_cached(soci::statement& st, Dialect dialect) {
  st.execute(true);
  finish_cached(st, dialect);
}

}  // namespace

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

}  // namespace jogtrack::storage
