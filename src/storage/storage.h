// Storage: the narrow repository interfaces the domain uses (SQLite and PostgreSQL implement them via
// SOCI, refresh tokens and attempts also via Redis), and the factories the composition root builds them with.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/dates.h"
#include "common/deadline.h"
#include "common/errors.h"
#include "filter/filter.h"
#include "weather/weather.h"

namespace spdlog {
class logger;
}

namespace jogtrack::storage {

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
};

// A filtered, sorted, paged list request, typed all the way down: the api
// parses it against a service's filter::Schema, the service adds its rules as
// typed scopes (the owner of runs, the role of listed users), and only the
// store turns it into SQL over its own columns (storage/list_sql.h).
struct ListRequest {
  std::optional<filter::Expr> filter;  // nullopt: all
  std::vector<filter::SortKey> sort;   // the store adds the tie-breaking column
  std::int64_t page = 0;
  std::int64_t count = 10;
  std::int64_t offset() const { return page * count; }
};

// If-Match as row versions (SPEC §6): a write happens only while the row's
// version is one of `versions`, checked inside the write transaction (row
// locked), so a lost update is impossible. nullopt: unconditional.
struct VersionCheck {
  std::optional<std::vector<std::int64_t>> versions;
  bool allows(std::int64_t version) const {
    if (!versions) return true;
    for (auto v : *versions)
      if (v == version) return true;
    return false;
  }
  // Throws ApiError(PreconditionFailed) unless allows(version).
  void enforce(std::int64_t version) const {
    if (!allows(version))
      throw ApiError(ErrorKind::PreconditionFailed,
                     "the resource has changed since it was read (If-Match does not match its ETag)");
  }
};

// ---- users ---------------------------------------------------------------
struct UserRecord {
  std::int64_t user_id = 0;
  std::string username;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::vector<std::string> scopes;
  std::string role;
  std::string password_hash;
  std::string created_at;
  std::optional<std::string> updated_at;
  std::int64_t version = 1;  // bumped by every write to the row (the ETag)
};

struct NewUser {
  std::string username;
  std::string username_key;  // lower-cased: unique among live accounts
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::vector<std::string> scopes;
  std::string role;
  std::string password_hash;
};

struct UserChanges {
  // Outer optional: change this field? Inner: the new value (nullopt = null).
  std::optional<std::optional<std::string>> email;
  std::optional<std::optional<std::string>> name;
  std::optional<std::string> password_hash;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Throws ApiError(UsernameTaken) when the username key is taken by a live account.
  virtual UserRecord create(const NewUser& user) = 0;
  // Live (not deleted) accounts only.
  virtual std::optional<UserRecord> find(std::int64_t user_id) = 0;
  virtual std::optional<UserRecord> find_by_username_key(const std::string& key) = 0;
  // Returns false if the account is gone. Password changes revoke nothing here:
  // the caller revokes refresh tokens through TokenStore.
  // Both throw ApiError(PreconditionFailed) when `check` refuses the current version.
  virtual bool update(std::int64_t user_id, const UserChanges& changes, std::int64_t modified_by,
                      const VersionCheck& check = {}) = 0;
  // Atomically refuses (ApiError LastAdmin) to leave no live admin.
  virtual bool set_scopes(std::int64_t user_id, const std::vector<std::string>& scopes,
                          const std::string& role, std::int64_t modified_by) = 0;
  // Soft delete; also refuses to delete the last live admin (Conflict).
  virtual bool remove(std::int64_t user_id, std::int64_t modified_by, const VersionCheck& check = {}) = 0;
  // only_role: restrict to accounts with exactly that role (managers see "user").
  virtual Page<UserRecord> list(const ListRequest& request, const std::optional<std::string>& only_role) = 0;
};

// ---- refresh tokens --------------------------------------------------------
// A refresh token's life, as stored (the SQL column refresh_tokens.state and
// the Redis hash field 's' hold these numbers): written and compared only
// through this enum, never as literals.
enum class TokenState : int { Active = 0, Rotated = 1, Revoked = 2 };

enum class RotateOutcome { Rotated, Unknown, Reused, Expired };
struct RotateResult {
  RotateOutcome outcome = RotateOutcome::Unknown;
  std::int64_t user_id = 0;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // family groups every token issued from one login (for reuse detection).
  virtual void save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
                    std::int64_t expires_at, std::int64_t now) = 0;
  // Marks old_hash rotated and saves new_hash in the same family, atomically.
  // Presenting a rotated or revoked token revokes its whole family (Reused).
  virtual RotateResult rotate(const std::string& old_hash, const std::string& new_hash,
                              std::int64_t new_expires_at, std::int64_t now) = 0;
  virtual bool revoke(const std::string& token_hash) = 0;
  virtual void revoke_all_for_user(std::int64_t user_id) = 0;
};

// ---- attempt limits (login throttling, registrations) ------------------------
// Events per key in a sliding window: each event counts for window_seconds after it happened.
struct Reservation {
  bool granted = false;
  std::int64_t oldest_at = 0;  // refused: time of the oldest event still inside the window
};

class AttemptStore {
 public:
  virtual ~AttemptStore() = default;
  // Atomically (across threads and instances): if fewer than `limit` events of
  // `key` happened after now - window_seconds, records one at `now` and grants
  // it; otherwise records nothing. Deciding and recording in one step is what
  // keeps parallel attempts from overshooting the limit.
  virtual Reservation reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                              std::int64_t window_seconds) = 0;
  // Takes back one event of `key` recorded at `at` (a reservation that did not count after all).
  virtual void release(const std::string& key, std::int64_t at) = 0;
  virtual void clear(const std::string& key) = 0;
};

// ---- idempotency keys (SPEC §6) ---------------------------------------------
// One row per key (key_hash binds the client's key to the route and caller).
enum class ClaimOutcome {
  Started,    // the key is new (or expired, or its first request was abandoned): go ahead
  InFlight,   // the first request with this key is still running (409)
  Mismatch,   // the key was used with another request (422)
  Completed,  // `response` holds the first request's answer (replay it)
};
struct IdempotencyClaim {
  ClaimOutcome outcome = ClaimOutcome::Started;
  std::string response;  // Completed: what complete() stored
};

class IdempotencyStore {
 public:
  virtual ~IdempotencyStore() = default;
  // Atomically (across threads and instances) decides what a request with
  // this key may do, and when Started records it as in flight until
  // now + ttl_seconds. An in-flight row older than stale_seconds (its process
  // died) is taken over; an expired row counts as absent.
  virtual IdempotencyClaim claim(const std::string& key_hash, const std::string& fingerprint, std::int64_t now,
                                 std::int64_t ttl_seconds, std::int64_t stale_seconds) = 0;
  // The first request finished: replays answer with `response` from now on.
  virtual void complete(const std::string& key_hash, const std::string& response) = 0;
  // The first request failed: forget the key, so a retry runs afresh.
  virtual void release(const std::string& key_hash) = 0;
};

// ---- runs ----------------------------------------------------------------
// Everything stored for a run, typed: the caller computes the derived values
// (speed, ISO week: runs::make_run_values is the one place). Storage converts
// the text columns at the row (run_rows.h); the condition stays its stored
// text until someone asks for its typed value (weather::StoredCondition).
struct RunValues {
  std::int64_t user_id = 0;
  Days date{};
  std::int64_t distance = 0;
  std::int64_t time = 0;
  double speed = 0;           // m/s
  std::string location;       // as the user wrote it (rendered as given)
  weather::Location where{};  // the coordinates it names (the latitude/longitude columns)
  weather::StoredCondition condition;
  int iso_year = 0;
  int iso_week = 0;
  bool operator==(const RunValues&) const = default;
};

// A stored run: its values as written, and what the store adds.
struct RunRecord : RunValues {
  std::int64_t result_id = 0;
  std::string created_at;
  std::string updated_at;
  std::int64_t version = 1;  // bumped by every write to the row (the ETag)
  bool operator==(const RunRecord&) const = default;
};

struct WeekRow {
  int year = 0;
  int week = 0;
  std::int64_t runs = 0;
  std::int64_t total_distance = 0;
  std::int64_t total_time = 0;
};

// A list total (runs, or weeks of the report) already known to the caller (a
// cache in front of the store): it holds while the owner's runs_version is
// still `runs_version`.
struct KnownTotal {
  std::int64_t runs_version = 0;
  std::int64_t total = 0;
};

// A page with what the store read to get its total, in the same session as
// the page: the owner's runs_version (nullopt: the owner is gone, the page is
// empty), and whether the total was counted (false: `known` held).
template <class Row>
struct VersionedPage {
  Page<Row> page;
  std::optional<std::int64_t> runs_version;
  bool counted = false;
};
using VersionedRunPage = VersionedPage<RunRecord>;

class RunStore {
 public:
  virtual ~RunStore() = default;
  // Writes check `deadline` inside their transaction, right before COMMIT: a
  // write whose client is about to get 503 is rolled back (ApiError
  // Unavailable), so no run is stored that its client was not told about.
  virtual RunRecord create(const RunValues& run, const Deadline& deadline) = 0;
  // All of them in ONE transaction, or none (an import: SPEC §7); in order.
  virtual std::vector<RunRecord> create_many(const std::vector<RunValues>& runs, const Deadline& deadline) = 0;
  // Runs of live users only.
  virtual std::optional<RunRecord> find(std::int64_t result_id) = 0;
  // Both throw ApiError(PreconditionFailed) when `check` refuses the current version.
  virtual std::optional<RunRecord> update(std::int64_t result_id, const RunValues& run, const Deadline& deadline,
                                          const VersionCheck& check = {}) = 0;
  virtual bool remove(std::int64_t result_id, const Deadline& deadline, const VersionCheck& check = {}) = 0;
  // The runs of one owner (the service's visibility rule, as a typed scope).
  Page<RunRecord> list(std::int64_t owner, const ListRequest& request) {
    return list_versioned(owner, request, std::nullopt).page;
  }
  // The same, with what a totals cache needs: the SQL store reads the owner's
  // runs_version on the page's own connection and counts unless `known`
  // was taken at exactly that version. So a cache in front of it
  // (count_caching_run_store) costs no second connection lease, and its totals
  // stay right across instances on one PostgreSQL. known = nullopt: a cache
  // looks its own total up; the SQL store counts.
  virtual VersionedRunPage list_versioned(std::int64_t owner, const ListRequest& request,
                                          const std::optional<KnownTotal>& known) = 0;
  // request.filter (over the run fields) applies to runs before grouping;
  // request.sort names reports::week_sort_schema() fields and orders the weeks.
  Page<WeekRow> weekly(std::int64_t owner, const ListRequest& request) {
    return weekly_versioned(owner, request, std::nullopt).page;
  }
  // The same, with a known total of weeks, as list_versioned (counting a
  // heavy runner's weeks was most of the report's work).
  virtual VersionedPage<WeekRow> weekly_versioned(std::int64_t owner, const ListRequest& request,
                                                  const std::optional<KnownTotal>& known) = 0;
};

// ---- readiness ---------------------------------------------------------------
class HealthCheck {
 public:
  virtual ~HealthCheck() = default;
  // Is the database reachable (SELECT 1 on a healthy or reconnected connection)?
  virtual bool ping() = 0;
};

// ---- opening: the composition root builds the stores it needs ----------------
// Where storage and Redis code log (the composition root passes its logger);
// nullptr: nowhere.
using Logger = std::shared_ptr<spdlog::logger>;

class Database;   // the SQL connection pool every SQL store shares (storage-internal)
class RedisPool;  // the Redis connections the Redis stores share (storage-internal)

// Opens the database named by url (sqlite:PATH or postgresql://...) and
// applies pending migrations. Throws std::runtime_error with a clear message
// (never a password). statement_timeout_ms (PostgreSQL; 0 = none): a statement
// running longer is cancelled by the server and its request answered 503.
std::shared_ptr<Database> open_database(const std::string& url, std::size_t pool_size,
                                        long statement_timeout_ms, Logger log);
// The directory of the SQLite file ("" for PostgreSQL): where a generated secret is kept.
std::string data_directory(const Database& db);

// The SQL stores over one open database (each keeps a reference: db outlives them).
std::unique_ptr<UserStore> sql_user_store(Database& db);
std::unique_ptr<TokenStore> sql_token_store(Database& db);
std::unique_ptr<AttemptStore> sql_attempt_store(Database& db);
std::unique_ptr<RunStore> sql_run_store(Database& db);
// Caches the runs lists' totals (X-Total-Count) of `inner` by owner, filter
// and runs_version; forwards everything else. Bounded: max_entries totals,
// max_key_bytes of keys (filters may be long); beyond that it starts afresh.
std::unique_ptr<RunStore> count_caching_run_store(std::unique_ptr<RunStore> inner, std::size_t max_entries = 4096,
                                                  std::size_t max_key_bytes = 2 << 20);
std::unique_ptr<IdempotencyStore> sql_idempotency_store(Database& db);
std::unique_ptr<weather::WeatherCacheStore> sql_weather_cache(Database& db);
// Readiness is about the database: without Redis only logins and token
// refreshes fail (503), everything else still works.
std::unique_ptr<HealthCheck> database_health(Database& db);

// Connects to redis://host:port/db (and PINGs); throws std::runtime_error
// (no password in it) when Redis is unreachable. Refresh tokens, login
// failures and idempotency keys kept there are shared by every instance.
std::shared_ptr<RedisPool> open_redis(const std::string& url, std::size_t pool_size, Logger log);
std::unique_ptr<TokenStore> redis_token_store(RedisPool& redis);
std::unique_ptr<AttemptStore> redis_attempt_store(RedisPool& redis);
std::unique_ptr<IdempotencyStore> redis_idempotency_store(RedisPool& redis);

// Applies pending migrations only; returns the schema version reached.
int migrate_only(const std::string& url, Logger log);

}  // namespace jogtrack::storage
