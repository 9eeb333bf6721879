// Idempotency keys: parameterised SQL only; one transaction decides and records.
#include "storage/idempotency_store.h"

namespace jogtrack::storage {

IdempotencyClaim SociIdempotencyStore::claim(const std::string& key_hash, const std::string& fingerprint,
                                             std::int64_t now, std::int64_t ttl_seconds,
                                             std::int64_t stale_seconds) {
  auto result = db_.run("claim idempotency key", Retry::BeforeSend, [&](soci::session& sql) {
    WriteTransaction tx(db_, sql);
    long long at = now, expires = now + ttl_seconds, stale = now - stale_seconds;
    std::string stored_fingerprint, response;
    long long started = 0;
    soci::indicator response_ind = soci::i_null;
    // Locks the row on PostgreSQL; SQLite's write transaction already excludes other writers.
    sql << std::string("SELECT fingerprint, response, started_at FROM idempotency_keys WHERE key_hash = :k "
                       "AND expires_at > :n") +
               (db_.dialect() == Dialect::Postgres ? " FOR UPDATE" : ""),
        soci::use(key_hash, "k"), soci::use(at, "n"), soci::into(stored_fingerprint),
        soci::into(response, response_ind), soci::into(started);
    if (sql.got_data()) {
      if (stored_fingerprint != fingerprint) return IdempotencyClaim{ClaimOutcome::Mismatch, {}};
      if (response_ind == soci::i_ok) return IdempotencyClaim{ClaimOutcome::Completed, response};
      if (started > stale) return IdempotencyClaim{ClaimOutcome::InFlight, {}};
    }
    // New, expired or abandoned: (re)start it. Two first requests racing on
    // PostgreSQL both see no row; the primary key lets one insert, the other's
    // INSERT waits for it and then does nothing: it reports in flight.
    soci::statement st = (sql.prepare << "INSERT INTO idempotency_keys (key_hash, fingerprint, response, started_at, "
                                         "expires_at) VALUES (:k, :f, NULL, :n, :e) ON CONFLICT (key_hash) DO UPDATE "
                                         "SET fingerprint = excluded.fingerprint, response = NULL, "
                                         "started_at = excluded.started_at, expires_at = excluded.expires_at "
                                         "WHERE idempotency_keys.expires_at <= :n2 OR (idempotency_keys.response "
                                         "IS NULL AND idempotency_keys.started_at <= :stale)",
                          soci::use(key_hash, "k"), soci::use(fingerprint, "f"), soci::use(at, "n"),
                          soci::use(expires, "e"), soci::use(at, "n2"), soci::use(stale, "stale"));
    st.execute(true);
    const bool started_now = st.get_affected_rows() > 0;
    st.clean_up();
    tx.commit();
    return IdempotencyClaim{started_now ? ClaimOutcome::Started : ClaimOutcome::InFlight, {}};
  });
  if (++claims_ % kPruneEvery == 0) prune(now);
  return result;
}

void SociIdempotencyStore::complete(const std::string& key_hash, const std::string& response) {
  db_.run("complete idempotency key", Retry::Safe, [&](soci::session& sql) {
    sql << "UPDATE idempotency_keys SET response = :r WHERE key_hash = :k", soci::use(response, "r"),
        soci::use(key_hash, "k");
  });
}

void SociIdempotencyStore::release(const std::string& key_hash) {
  db_.run("release idempotency key", Retry::Safe, [&](soci::session& sql) {
    sql << "DELETE FROM idempotency_keys WHERE key_hash = :k AND response IS NULL", soci::use(key_hash, "k");
  });
}

void SociIdempotencyStore::prune(std::int64_t now) {
  db_.run("prune idempotency keys", Retry::Safe, [&](soci::session& sql) {
    long long cutoff = now;
    sql << "DELETE FROM idempotency_keys WHERE expires_at <= :n", soci::use(cutoff, "n");
  });
}

}  // namespace jogtrack::storage
