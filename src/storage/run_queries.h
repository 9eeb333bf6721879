// Every fixed statement on runs and weekly_totals, by name (storage-internal):
// grep here to see what the runs store sends. Lists are built from a typed
// request in list_queries.cpp over these same pieces.
#pragma once

namespace jogtrack::storage::queries {

// The columns of a run row, in the order RunRow binds them (a macro only so
// that kFindLiveRun is one constant spelled with the same text).
#define JT_RUN_COLUMNS                                                                                      \
  "r.result_id, r.user_id, r.date, r.distance, r.time, r.speed, r.location, r.latitude, r.longitude, "    \
  "r.condition, r.iso_year, r.iso_week, r.created_at, r.updated_at, r.version"
#define JT_LIVE_RUNS " FROM runs r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL "
inline constexpr const char* kRunColumns = JT_RUN_COLUMNS;
// Only runs whose owner is a live account (runs of deleted users are invisible everywhere).
inline constexpr const char* kLiveRuns = JT_LIVE_RUNS;
// The weeks of a live owner, kept by every run write.
inline constexpr const char* kLiveWeeks =
    " FROM weekly_totals r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL WHERE r.user_id = :owner";

inline constexpr const char* kInsertRun =
    "INSERT INTO runs (user_id, date, distance, time, speed, location, latitude, longitude, condition, "
    "temperature_max, temperature_min, precipitation, wind_speed, weather_code, iso_year, iso_week, "
    "created_at, updated_at) VALUES (:user_id, :date, :distance, :time, :speed, :location, :lat, :lon, "
    ":cond, :tmax, :tmin, :precip, :wind, :code, :iso_year, :iso_week, :created, :updated) "
    "RETURNING result_id";

inline constexpr const char* kFindLiveRun = "SELECT " JT_RUN_COLUMNS JT_LIVE_RUNS "WHERE r.result_id = :id";
#undef JT_LIVE_RUNS
#undef JT_RUN_COLUMNS

inline constexpr const char* kUpdateLiveRun =
    "UPDATE runs SET date = :date, distance = :distance, time = :time, speed = :speed, "
    "location = :location, latitude = :lat, longitude = :lon, condition = :cond, "
    "temperature_max = :tmax, temperature_min = :tmin, precipitation = :precip, wind_speed = :wind, "
    "weather_code = :code, iso_year = :iso_year, iso_week = :iso_week, updated_at = :updated, "
    "version = version + 1 "  // the ETag (SPEC §6): every write makes a new one
    "WHERE result_id = :id AND EXISTS (SELECT 1 FROM users u WHERE u.user_id = runs.user_id "
    "AND u.deleted_at IS NULL)";

inline constexpr const char* kDeleteLiveRun =
    "DELETE FROM runs WHERE result_id = :id AND EXISTS "
    "(SELECT 1 FROM users u WHERE u.user_id = runs.user_id AND u.deleted_at IS NULL)";

// What a run contributed to weekly_totals, read before it is changed or
// deleted; PostgreSQL also locks the row (SQLite's BEGIN IMMEDIATE already has).
inline constexpr const char* kOldRunSqlite =
    "SELECT user_id, iso_year, iso_week, distance, time FROM runs WHERE result_id = :id";
inline constexpr const char* kOldRunPostgres =
    "SELECT user_id, iso_year, iso_week, distance, time FROM runs WHERE result_id = :id FOR UPDATE";

// weekly_totals(user, week) += (runs, distance, time); the row is made if missing.
inline constexpr const char* kAdjustWeek =
    "INSERT INTO weekly_totals (user_id, iso_year, iso_week, runs, total_distance, total_time) "
    "VALUES (:uid, :y, :w, :n, :d, :t) ON CONFLICT (user_id, iso_year, iso_week) DO UPDATE SET "
    "runs = weekly_totals.runs + excluded.runs, "
    "total_distance = weekly_totals.total_distance + excluded.total_distance, "
    "total_time = weekly_totals.total_time + excluded.total_time";

// A week left without runs disappears from the report.
inline constexpr const char* kPruneWeek =
    "DELETE FROM weekly_totals WHERE user_id = :uid AND iso_year = :y AND iso_week = :w AND runs <= 0";

// users.runs_version: bumped in the transaction of every run write; the count cache compares it.
inline constexpr const char* kBumpRunsVersion = "UPDATE users SET runs_version = runs_version + 1 WHERE user_id = :uid";
inline constexpr const char* kReadRunsVersion =
    "SELECT runs_version FROM users WHERE user_id = :uid AND deleted_at IS NULL";

}  // namespace jogtrack::storage::queries
