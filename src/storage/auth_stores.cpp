// Refresh tokens (hashed, with rotation families), login failures and the weather cache.
#include "storage/auth_stores.h"

#include "common/dates.h"

namespace jogtrack::storage {

namespace {
enum TokenState { kActive = 0, kRotated = 1, kRevoked = 2 };
}

void SociTokenStore::save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
                          std::int64_t expires_at, std::int64_t now) {
  guarded("save refresh token", [&] {
    soci::session sql(db_.pool());
    long long uid = user_id, exp = expires_at, created = now;
    sql << "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
           "VALUES (:h, :u, :f, 0, :e, :c)",
        soci::use(token_hash, "h"), soci::use(uid, "u"), soci::use(family, "f"), soci::use(exp, "e"),
        soci::use(created, "c");
  });
}

RotateResult SociTokenStore::rotate(const std::string& old_hash, const std::string& new_hash,
                                    std::int64_t new_expires_at, std::int64_t now) {
  return guarded("rotate refresh token", [&] {
    soci::session sql(db_.pool());
    WriteTransaction tx(sql, db_.dialect());
    long long user_id = 0, expires_at = 0;
    int state = 0;
    std::string family;
    soci::indicator ind = soci::i_null;
    sql << "SELECT t.user_id, t.family, t.state, t.expires_at FROM refresh_tokens t "
           "JOIN users u ON u.user_id = t.user_id AND u.deleted_at IS NULL WHERE t.token_hash = :h",
        soci::use(old_hash, "h"), soci::into(user_id, ind), soci::into(family), soci::into(state),
        soci::into(expires_at);
    if (ind != soci::i_ok) return RotateResult{RotateOutcome::Unknown, 0};
    if (state != kActive) {
      // A rotated (or revoked) token came back: someone holds a copy. Kill the chain.
      sql << "UPDATE refresh_tokens SET state = 2 WHERE family = :f", soci::use(family, "f");
      tx.commit();
      return RotateResult{RotateOutcome::Reused, user_id};
    }
    if (now >= expires_at) return RotateResult{RotateOutcome::Expired, user_id};
    long long new_exp = new_expires_at, created = now;
    sql << "UPDATE refresh_tokens SET state = 1 WHERE token_hash = :h", soci::use(old_hash, "h");
    sql << "INSERT INTO refresh_tokens (token_hash, user_id, family, state, expires_at, created_at) "
           "VALUES (:h, :u, :f, 0, :e, :c)",
        soci::use(new_hash, "h"), soci::use(user_id, "u"), soci::use(family, "f"), soci::use(new_exp, "e"),
        soci::use(created, "c");
    tx.commit();
    return RotateResult{RotateOutcome::Rotated, user_id};
  });
}

bool SociTokenStore::revoke(const std::string& token_hash) {
  return guarded("revoke refresh token", [&] {
    soci::session sql(db_.pool());
    soci::statement st = (sql.prepare << "UPDATE refresh_tokens SET state = 2 WHERE token_hash = :h AND state <> 2",
                          soci::use(token_hash, "h"));
    st.execute(true);
    return st.get_affected_rows() > 0;
  });
}

void SociTokenStore::revoke_all_for_user(std::int64_t user_id) {
  guarded("revoke user tokens", [&] {
    soci::session sql(db_.pool());
    long long uid = user_id;
    sql << "UPDATE refresh_tokens SET state = 2 WHERE user_id = :u AND state <> 2", soci::use(uid, "u");
  });
}

AttemptWindow SociAttemptStore::failures_since(const std::string& key, std::int64_t since) {
  return guarded("count login failures", [&] {
    soci::session sql(db_.pool());
    long long count = 0, oldest = 0, from = since;
    soci::indicator ind = soci::i_null;
    sql << "SELECT COUNT(*), MIN(at) FROM login_failures WHERE attempt_key = :k AND at > :s", soci::use(key, "k"),
        soci::use(from, "s"), soci::into(count), soci::into(oldest, ind);
    return AttemptWindow{count, ind == soci::i_ok ? oldest : 0};
  });
}

void SociAttemptStore::record_failure(const std::string& key, std::int64_t now, std::int64_t window_seconds) {
  guarded("record login failure", [&] {
    soci::session sql(db_.pool());
    WriteTransaction tx(sql, db_.dialect());
    long long at = now, expired = now - window_seconds;
    sql << "DELETE FROM login_failures WHERE attempt_key = :k AND at <= :e", soci::use(key, "k"),
        soci::use(expired, "e");
    sql << "INSERT INTO login_failures (attempt_key, at) VALUES (:k, :a)", soci::use(key, "k"), soci::use(at, "a");
    tx.commit();
  });
}

void SociAttemptStore::clear(const std::string& key) {
  guarded("clear login failures", [&] {
    soci::session sql(db_.pool());
    sql << "DELETE FROM login_failures WHERE attempt_key = :k", soci::use(key, "k");
  });
}

std::optional<std::string> SociWeatherCacheStore::get(const weather::CacheKey& key) {
  return guarded("read weather cache", [&]() -> std::optional<std::string> {
    soci::session sql(db_.pool());
    std::string condition;
    soci::indicator ind = soci::i_null;
    int lat = key.lat_centi, lon = key.lon_centi;
    sql << "SELECT condition FROM weather_cache WHERE date = :d AND lat_centi = :la AND lon_centi = :lo",
        soci::use(key.date, "d"), soci::use(lat, "la"), soci::use(lon, "lo"), soci::into(condition, ind);
    if (ind != soci::i_ok) return std::nullopt;
    return condition;
  });
}

void SociWeatherCacheStore::put(const weather::CacheKey& key, const std::string& condition_json) {
  guarded("write weather cache", [&] {
    soci::session sql(db_.pool());
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
