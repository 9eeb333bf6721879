// Upkeep of weekly_totals, the weekly report's per-(user, ISO week) sums, and
// of users.runs_version (storage-internal). Every run write calls these inside
// its transaction, so the report and the count cache never see a half-done write.
#pragma once
#include <optional>

#include "storage/database.h"

namespace jogtrack::storage {

// The run as it is before a change. Copied out of the cached statement, which
// later statements of the transaction may reuse.
struct OldRunValues {
  long long user_id, distance, time;
  int iso_year, iso_week;
};

// nullopt: no such run. On PostgreSQL the row is locked until the transaction ends.
std::optional<OldRunValues> old_run(Database& db, Connection& sql, long long result_id);
void bump_runs_version(Database& db, Connection& sql, long long user_id);
// weekly_totals(user, week) += (runs, distance, time).
void adjust_week(Database& db, Connection& sql, long long user_id, int iso_year, int iso_week, long long runs,
                 long long distance, long long time);
// Removes a run's contribution.
void subtract_week(Database& db, Connection& sql, const OldRunValues& old);
// Drops the week if no run is left in it.
void prune_week(Database& db, Connection& sql, long long user_id, int iso_year, int iso_week);

}  // namespace jogtrack::storage
