// Runs table: creating, reading, changing and deleting runs; parameterised SQL
// only (run_queries.h); runs of deleted users are invisible everywhere. Lists
// are in run_list.cpp, weekly_totals upkeep in weekly_totals.cpp.
#include "storage/run_store.h"

#include <algorithm>

#include "storage/run_queries.h"
#include "storage/row_version.h"
#include "storage/run_rows.h"
#include "storage/weekly_totals.h"

namespace jogtrack::storage {

namespace {

// The variables of the hot single-row statements (Prepared once per pooled connection).
struct InsertRunVars {
  RunParams p{RunValues{}};
  long long id = 0;
  void bind(Binder& b) {
    b.into(id);
    b.use(p.user_id, "user_id");
    p.bind_values(b);
    b.use(p.now, "created");
    b.use(p.now, "updated");
  }
};

struct FindRunVars {
  long long id = 0;
  RunRow row;
  void bind(Binder& b) {
    row.bind(b);
    b.use(id, "id");
  }
};

struct UpdateRunVars {
  RunParams p{RunValues{}};
  long long id = 0;
  void bind(Binder& b) {
    p.bind_values(b);
    b.use(p.now, "updated");
    b.use(id, "id");
  }
};

std::optional<RunRecord> find_live(Database& db, Connection& sql, long long result_id) {
  auto& q = db.prepared<FindRunVars>(sql, queries::kFindLiveRun);
  q.vars.id = result_id;
  q.st.execute(true);
  const bool found = q.st.got_data();
  finish_cached(q.st, db.dialect());
  if (!found) return std::nullopt;
  return q.vars.row.take();  // after the reset: an unreadable row leaves no statement open
}

}  // namespace

RunRecord SociRunStore::create(const RunValues& run, const Deadline& deadline) {
  return db_.run("create run", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    auto& q = db_.prepared<InsertRunVars>(sql, queries::kInsertRun);
    q.vars.p = RunParams(run);
    q.st.execute(true);
    // SQLite keeps a RETURNING statement open until it is reset: finish (reset) it before COMMIT.
    finish_cached(q.st, db_.dialect());
    const RunParams& p = q.vars.p;
    const long long id = q.vars.id;
    bump_runs_version(db_, sql, p.user_id);
    adjust_week(db_, sql, p.user_id, p.iso_year, p.iso_week, 1, p.distance, p.time);
    deadline.check();  // throws: the transaction rolls back
    tx.commit();
    return p.record(id);
  });
}

std::vector<RunRecord> SociRunStore::create_many(const std::vector<RunValues>& runs, const Deadline& deadline) {
  return db_.run("import runs", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    std::vector<RunRecord> created;
    created.reserve(runs.size());
    std::vector<long long> owners;
    for (const auto& run : runs) {
      auto& q = db_.prepared<InsertRunVars>(sql, queries::kInsertRun);
      q.vars.p = RunParams(run);
      q.st.execute(true);
      finish_cached(q.st, db_.dialect());  // as in create(): reset before the next statement
      const RunParams& p = q.vars.p;
      created.push_back(p.record(q.vars.id));
      adjust_week(db_, sql, p.user_id, p.iso_year, p.iso_week, 1, p.distance, p.time);
      if (std::find(owners.begin(), owners.end(), p.user_id) == owners.end()) owners.push_back(p.user_id);
    }
    for (const long long owner : owners) bump_runs_version(db_, sql, owner);
    deadline.check();  // throws: the transaction rolls back, nothing is stored
    tx.commit();
    return created;
  });
}

std::optional<RunRecord> SociRunStore::find(std::int64_t result_id) {
  return db_.run("find run", Retry::Safe, [&](Connection& sql) {
    return find_live(db_, sql, result_id);
  });
}

std::optional<RunRecord> SociRunStore::update(std::int64_t result_id, const RunValues& run,
                                             const Deadline& deadline, const VersionCheck& check) {
  return db_.run("update run", Retry::BeforeSend, [&](Connection& sql) -> std::optional<RunRecord> {
    long long id = result_id;
    WriteTransaction tx(db_, sql);
    require_version(sql, "runs", "result_id", id, check);
    const auto old = old_run(db_, sql, id);
    if (!old) return std::nullopt;
    auto& q = db_.prepared<UpdateRunVars>(sql, queries::kUpdateLiveRun);
    q.vars.p = RunParams(run);
    q.vars.id = id;
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
  return db_.run("delete run", Retry::BeforeSend, [&](Connection& sql) {
    long long id = result_id;
    WriteTransaction tx(db_, sql);
    require_version(sql, "runs", "result_id", id, check);
    const auto old = old_run(db_, sql, id);
    if (!old) return false;
    const bool changed = exec_count(sql, queries::kDeleteLiveRun, use(id, "id")) > 0;
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

}  // namespace jogtrack::storage
