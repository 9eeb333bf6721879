// Refresh tokens (hashed, with rotation families), attempt limits and the weather cache.
#include "storage/auth_stores.h"

#include "common/dates.h"

namespace jogtrack::storage {

namespace {
constexpr int kActive = static_cast<int>(TokenState::Active);
constexpr int kRotated = static_cast<int>(TokenState::Rotated);
constexpr int kRevoked = static_cast<int>(TokenState::Revoked);

// Every run creation reads the weather cache: prepared once per pooled connection.
struct ReadWeatherCache final : CachedStatement {
  std::string date, condition;
  int lat = 0, lon = 0;
  soci::indicator ind = soci::i_null;
  soci::statement st;
  explicit ReadWeatherCache(soci::session& sql) : st(sql) {
    st.exchange(soci::into(condition, ind));
    st.exchange(soci::use(date, "d"));
    st.exchange(soci::use(lat, "la"));
    st.exchange(soci::use(lon, "lo"));
    st.alloc();
    st.prepare("SELECT condition FROM weather_cache WHERE date = :d AND lat_centi = :la AND lon_centi = :lo");
    st.define_and_bind();
  }
};
}  // namespace

void SociTokenStore::save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
                          std::int64_t expires_at, std::int64_t now) {
  db_.run("save refresh token", Retry::BeforeSend, [&](soci::session& sql) {
    long long uid = user_id, exp = expires_at, created = now;
    int active = kActive;
    sql << "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
           "VALUES (:h, :u, :f, :s, :e, :c)",
        soci::use(token_hash, "h"), soci::use(uid, "u"), soci::use(family, "f"), soci::use(active, "s"),
        soci::use(exp, "e"), soci::use(created, "c");
  });
}

RotateResult SociTokenStore::rotate(const std::string& old_hash, const std::string& new_hash,
                                    std::int64_t new_expires_at, std::int64_t now) {
  return db_.run("rotate refresh token", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);  // in the writer queue, like every other write
    long long user_id = 0, expires_at = 0;
    int state = kActive;
    int active = kActive, rotated = kRotated, revoked = kRevoked;
    std::string family;
    soci::indicator ind = soci::i_null;
    // On PostgreSQL the row is locked until COMMIT, so two instances rotating
    // one token at once serialise: the second sees it rotated (reuse). SQLite's
    // BEGIN IMMEDIATE already serialises writers.
    const std::string lock = db_.dialect() == Dialect::Postgres ? " FOR UPDATE OF t" : "";
    sql << "SELECT t.user_id, t.family, t.state, t.expires_at FROM refresh_tokens t "
           "JOIN users u ON u.user_id = t.user_id AND u.deleted_at IS NULL WHERE t.token_hash = :h" + lock,
        soci::use(old_hash, "h"), soci::into(user_id, ind), soci::into(family), soci::into(state),
        soci::into(expires_at);
    if (ind != soci::i_ok) return RotateResult{RotateOutcome::Unknown, 0};
    if (state != kActive) {
      // A rotated (or revoked) token came back: someone holds a copy. Kill the chain.
      sql << "UPDATE refresh_tokens SET state = :s WHERE family = :f", soci::use(revoked, "s"), soci::use(family, "f");
      tx.commit();
      return RotateResult{RotateOutcome::Reused, user_id};
    }
    if (now >= expires_at) return RotateResult{RotateOutcome::Expired, user_id};
    long long new_exp = new_expires_at, created = now;
    sql << "UPDATE refresh_tokens SET state = :s WHERE token_hash = :h", soci::use(rotated, "s"),
        soci::use(old_hash, "h");
    sql << "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
           "VALUES (:h, :u, :f, :s, :e, :c)",
        soci::use(new_hash, "h"), soci::use(user_id, "u"), soci::use(family, "f"), soci::use(active, "s"),
        soci::use(new_exp, "e"), soci::use(created, "c");
    tx.commit();
    return RotateResult{RotateOutcome::Rotated, user_id};
  });
}

bool SociTokenStore::revoke(const std::string& token_hash) {
  return db_.run("revoke refresh token", Retry::Safe, [&](soci::session& sql) {
    int revoked = kRevoked;
    soci::statement st = (sql.prepare << "UPDATE refresh_tokens SET state = :s WHERE token_hash = :h AND state <> :s",
                          soci::use(revoked, "s"), soci::use(token_hash, "h"));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

void SociTokenStore::revoke_all_for_user(std::int64_t user_id) {
  db_.run("revoke user tokens", Retry::Safe, [&](soci::session& sql) {
    long long uid = user_id;
    int revoked = kRevoked;
    sql << "UPDATE refresh_tokens SET state = :s WHERE user_id = :u AND state <> :s", soci::use(revoked, "s"),
        soci::use(uid, "u");
  });
}

Reservation SociAttemptStore::reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                                      std::int64_t window_seconds) {
  const auto reservation = db_.run("reserve attempt", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);  // in the writer queue, like every other write
    // Count and insert must not interleave with another reservation of the
    // same key. SQLite's BEGIN IMMEDIATE already serialises writers; on
    // PostgreSQL (READ COMMITTED) two counts could both see room, so the key
    // is locked for the transaction (the two-int advisory key space is apart
    // from the one-bigint locks used elsewhere).
    if (db_.dialect() == Dialect::Postgres)
      sql << "SELECT pg_advisory_xact_lock(7415, hashtext(:k))", soci::use(key, "k");
    long long count = 0, oldest = 0, since = now - window_seconds;
    soci::indicator ind = soci::i_null;
    sql << "SELECT COUNT(*), MIN(at) FROM login_failures WHERE attempt_key = :k AND at > :s", soci::use(key, "k"),
        soci::use(since, "s"), soci::into(count), soci::into(oldest, ind);
    if (count >= limit) return Reservation{false, ind == soci::i_ok ? oldest : now};
    long long at = now, expires = now + window_seconds;
    sql << "INSERT INTO login_failures (attempt_key, at, expires_at) VALUES (:k, :a, :e)", soci::use(key, "k"),
        soci::use(at, "a"), soci::use(expires, "e");
    tx.commit();
    return Reservation{true, 0};
  });
  if (reservation.granted && ++reservations_ % kPruneEvery == 0) prune(now);
  return reservation;
}

void SociAttemptStore::release(const std::string& key, std::int64_t at) {
  // Events of one key at one second are interchangeable: any one of them goes.
  const std::string row = db_.dialect() == Dialect::Postgres ? "ctid" : "rowid";
  db_.run("release attempt", Retry::BeforeSend, [&](soci::session& sql) {
    long long when = at;
    sql << "DELETE FROM login_failures WHERE " + row + " IN (SELECT " + row +
               " FROM login_failures WHERE attempt_key = :k AND at = :a LIMIT 1)",
        soci::use(key, "k"), soci::use(when, "a");
  });
}

// Keys seen once (a guessed username, a passing address) are never reserved
// again, so nothing else would ever delete their rows.
void SociAttemptStore::prune(std::int64_t now) {
  db_.run("prune attempts", Retry::Safe, [&](soci::session& sql) {
    long long cutoff = now;
    sql << "DELETE FROM login_failures WHERE expires_at <= :n", soci::use(cutoff, "n");
  });
}

void SociAttemptStore::clear(const std::string& key) {
  db_.run("clear login failures", Retry::Safe, [&](soci::session& sql) {
    sql << "DELETE FROM login_failures WHERE attempt_key = :k", soci::use(key, "k");
  });
}

std::optional<std::string> SociWeatherCacheStore::get(const weather::CacheKey& key) {
  return db_.run("read weather cache", Retry::Safe, [&](soci::session& sql) -> std::optional<std::string> {
    auto& q = db_.cached<ReadWeatherCache>(sql);
    q.date = key.date;
    q.lat = key.lat_centi;
    q.lon = key.lon_centi;
    q.st.execute(true);
    std::optional<std::string> found;
    if (q.st.got_data() && q.ind == soci::i_ok) found = q.condition;
    finish_cached(q.st, db_.dialect());
    return found;
  });
}

void SociWeatherCacheStore::put(const weather::CacheKey& key, const std::string& condition_json) {
  db_.run("write weather cache", Retry::Safe, [&](soci::session& sql) {
    int lat = key.lat_centi, lon = key.lon_centi;
    std::string now = now_timestamp();
    // Another process may have cached the same key meanwhile: first one wins.
    sql << "INSERT INTO weather_cache (date, lat_centi, lon_centi, condition, fetched_at) "
           "VALUES (:d, :la, :lo, :c, :f) ON CONFLICT (date, lat_centi, lon_centi) DO NOTHING",
        soci::use(key.date, "d"), soci::use(lat, "la"), soci::use(lon, "lo"), soci::use(condition_json, "c"),
        soci::use(now, "f");
  });
}

}  // namespace jogtrack::storage
