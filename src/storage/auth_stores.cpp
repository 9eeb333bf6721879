// Refresh tokens (hashed, with rotation families), attempt limits and the weather cache.
#include "storage/auth_stores.h"

#include "common/dates.h"

namespace jogtrack::storage {

namespace {
constexpr int kActive = static_cast<int>(TokenState::Active);
constexpr int kRotated = static_cast<int>(TokenState::Rotated);
constexpr int kRevoked = static_cast<int>(TokenState::Revoked);

// Every run creation reads the weather cache: prepared once per pooled connection.
constexpr const char* kReadWeatherCache =
    "SELECT condition FROM weather_cache WHERE date = :d AND lat_centi = :la AND lon_centi = :lo";
struct ReadWeatherVars {
  std::string date;
  std::optional<std::string> condition;
  int lat = 0, lon = 0;
  void bind(Binder& b) {
    b.into(condition);
    b.use(date, "d");
    b.use(lat, "la");
    b.use(lon, "lo");
  }
};
}  // namespace

void SociTokenStore::save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
                          std::int64_t expires_at, std::int64_t now) {
  db_.run("save refresh token", Retry::BeforeSend, [&](Connection& sql) {
    long long uid = user_id, exp = expires_at, created = now;
    int active = kActive;
    exec(sql,
         "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
         "VALUES (:h, :u, :f, :s, :e, :c)",
         use(token_hash, "h"), use(uid, "u"), use(family, "f"), use(active, "s"), use(exp, "e"),
         use(created, "c"));
  });
}

RotateResult SociTokenStore::rotate(const std::string& old_hash, const std::string& new_hash,
                                    std::int64_t new_expires_at, std::int64_t now) {
  return db_.run("rotate refresh token", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);  // in the writer queue, like every other write
    std::optional<long long> found_user;
    long long expires_at = 0;
    int state = kActive;
    int active = kActive, rotated = kRotated, revoked = kRevoked;
    std::string family;
    // On PostgreSQL the row is locked until COMMIT, so two instances rotating
    // one token at once serialise: the second sees it rotated (reuse). SQLite's
    // BEGIN IMMEDIATE already serialises writers.
    const std::string lock = db_.dialect() == Dialect::Postgres ? " FOR UPDATE OF t" : "";
    exec(sql,
         "SELECT t.user_id, t.family, t.state, t.expires_at FROM refresh_tokens t "
         "JOIN users u ON u.user_id = t.user_id AND u.deleted_at IS NULL WHERE t.token_hash = :h" + lock,
         use(old_hash, "h"), into(found_user), into(family), into(state), into(expires_at));
    if (!found_user) return RotateResult{RotateOutcome::Unknown, 0};
    const long long user_id = *found_user;
    if (state != kActive) {
      // A rotated (or revoked) token came back: someone holds a copy. Kill the chain.
      exec(sql, "UPDATE refresh_tokens SET state = :s WHERE family = :f", use(revoked, "s"), use(family, "f"));
      tx.commit();
      return RotateResult{RotateOutcome::Reused, user_id};
    }
    if (now >= expires_at) return RotateResult{RotateOutcome::Expired, user_id};
    long long new_exp = new_expires_at, created = now;
    exec(sql, "UPDATE refresh_tokens SET state = :s WHERE token_hash = :h", use(rotated, "s"), use(old_hash, "h"));
    exec(sql,
         "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
         "VALUES (:h, :u, :f, :s, :e, :c)",
         use(new_hash, "h"), use(user_id, "u"), use(family, "f"), use(active, "s"), use(new_exp, "e"),
         use(created, "c"));
    tx.commit();
    return RotateResult{RotateOutcome::Rotated, user_id};
  });
}

bool SociTokenStore::revoke(const std::string& token_hash) {
  return db_.run("revoke refresh token", Retry::Safe, [&](Connection& sql) {
    int revoked = kRevoked;
    return exec_count(sql, "UPDATE refresh_tokens SET state = :s WHERE token_hash = :h AND state <> :s",
                      use(revoked, "s"), use(token_hash, "h")) > 0;
  });
}

void SociTokenStore::revoke_all_for_user(std::int64_t user_id) {
  db_.run("revoke user tokens", Retry::Safe, [&](Connection& sql) {
    long long uid = user_id;
    int revoked = kRevoked;
    exec(sql, "UPDATE refresh_tokens SET state = :s WHERE user_id = :u AND state <> :s", use(revoked, "s"),
         use(uid, "u"));
  });
}

Reservation SociAttemptStore::reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                                      std::int64_t window_seconds) {
  const auto reservation = db_.run("reserve attempt", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);  // in the writer queue, like every other write
    // Count and insert must not interleave with another reservation of the
    // same key. SQLite's BEGIN IMMEDIATE already serialises writers; on
    // PostgreSQL (READ COMMITTED) two counts could both see room, so the key
    // is locked for the transaction (the two-int advisory key space is apart
    // from the one-bigint locks used elsewhere).
    if (db_.dialect() == Dialect::Postgres) exec(sql, "SELECT pg_advisory_xact_lock(7415, hashtext(:k))", use(key, "k"));
    long long count = 0, since = now - window_seconds;
    std::optional<long long> oldest;
    exec(sql, "SELECT COUNT(*), MIN(at) FROM login_failures WHERE attempt_key = :k AND at > :s", use(key, "k"),
         use(since, "s"), into(count), into(oldest));
    if (count >= limit) return Reservation{false, oldest.value_or(now)};
    long long at = now, expires = now + window_seconds;
    exec(sql, "INSERT INTO login_failures (attempt_key, at, expires_at) VALUES (:k, :a, :e)", use(key, "k"),
         use(at, "a"), use(expires, "e"));
    tx.commit();
    return Reservation{true, 0};
  });
  if (reservation.granted && ++reservations_ % kPruneEvery == 0) prune(now);
  return reservation;
}

void SociAttemptStore::release(const std::string& key, std::int64_t at) {
  // Events of one key at one second are interchangeable: any one of them goes.
  const std::string row = db_.dialect() == Dialect::Postgres ? "ctid" : "rowid";
  db_.run("release attempt", Retry::BeforeSend, [&](Connection& sql) {
    long long when = at;
    exec(sql,
         "DELETE FROM login_failures WHERE " + row + " IN (SELECT " + row +
             " FROM login_failures WHERE attempt_key = :k AND at = :a LIMIT 1)",
         use(key, "k"), use(when, "a"));
  });
}

// Keys seen once (a guessed username, a passing address) are never reserved
// again, so nothing else would ever delete their rows.
void SociAttemptStore::prune(std::int64_t now) {
  db_.run("prune attempts", Retry::Safe, [&](Connection& sql) {
    long long cutoff = now;
    exec(sql, "DELETE FROM login_failures WHERE expires_at <= :n", use(cutoff, "n"));
  });
}

void SociAttemptStore::clear(const std::string& key) {
  db_.run("clear login failures", Retry::Safe, [&](Connection& sql) {
    exec(sql, "DELETE FROM login_failures WHERE attempt_key = :k", use(key, "k"));
  });
}

std::optional<std::string> SociWeatherCacheStore::get(const weather::CacheKey& key) {
  return db_.run("read weather cache", Retry::Safe, [&](Connection& sql) -> std::optional<std::string> {
    auto& q = db_.prepared<ReadWeatherVars>(sql, kReadWeatherCache);
    q.vars.date = key.date;
    q.vars.lat = key.lat_centi;
    q.vars.lon = key.lon_centi;
    q.st.execute(true);
    std::optional<std::string> found;
    if (q.st.got_data()) found = q.vars.condition;
    finish_cached(q.st, db_.dialect());
    return found;
  });
}

void SociWeatherCacheStore::put(const weather::CacheKey& key, const std::string& condition_json) {
  db_.run("write weather cache", Retry::Safe, [&](Connection& sql) {
    int lat = key.lat_centi, lon = key.lon_centi;
    std::string now = now_timestamp();
    // Another process may have cached the same key meanwhile: first one wins.
    exec(sql,
         "INSERT INTO weather_cache (date, lat_centi, lon_centi, condition, fetched_at) "
         "VALUES (:d, :la, :lo, :c, :f) ON CONFLICT (date, lat_centi, lon_centi) DO NOTHING",
         use(key.date, "d"), use(lat, "la"), use(lon, "lo"), use(condition_json, "c"), use(now, "f"));
  });
}

}  // namespace jogtrack::storage
