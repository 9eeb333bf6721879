// Idempotency keys: parameterised SQL only; one transaction decides and records.
#include "storage/idempotency_store.h"

namespace jogtrack::storage {

IdempotencyClaim SociIdempotencyStore::claim(const std::string& key_hash, const std::string& fingerprint,
                                             std::int64_t now, std::int64_t ttl_seconds,
                                             std::int64_t stale_seconds) {
  auto result = db_.run("claim idempotency key", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db_, sql);
    long long at = now, expires = now + ttl_seconds, stale = now - stale_seconds;
    std::string stored_fingerprint;
    std::optional<std::string> response;
    long long started = 0;
    // Locks the row on PostgreSQL; SQLite's write transaction already excludes other writers.
    const bool found = exec(sql,
                            std::string("SELECT fingerprint, response, started_at FROM idempotency_keys WHERE "
                                        "key_hash = :k AND expires_at > :n") +
                                (db_.dialect() == Dialect::Postgres ? " FOR UPDATE" : ""),
                            use(key_hash, "k"), use(at, "n"), into(stored_fingerprint), into(response),
                            into(started));
    if (found) {
      if (stored_fingerprint != fingerprint) return IdempotencyClaim{ClaimOutcome::Mismatch, {}};
      if (response) return IdempotencyClaim{ClaimOutcome::Completed, *response};
      if (started > stale) return IdempotencyClaim{ClaimOutcome::InFlight, {}};
    }
    // New, expired or abandoned: (re)start it. Two first requests racing on
    // PostgreSQL both see no row; the primary key lets one insert, the other's
    // INSERT waits for it and then does nothing: it reports in flight.
    const bool started_now =
        exec_count(sql,
                   "INSERT INTO idempotency_keys (key_hash, fingerprint, response, started_at, "
                   "expires_at) VALUES (:k, :f, NULL, :n, :e) ON CONFLICT (key_hash) DO UPDATE "
                   "SET fingerprint = excluded.fingerprint, response = NULL, "
                   "started_at = excluded.started_at, expires_at = excluded.expires_at "
                   "WHERE idempotency_keys.expires_at <= :n2 OR (idempotency_keys.response "
                   "IS NULL AND idempotency_keys.started_at <= :stale)",
                   use(key_hash, "k"), use(fingerprint, "f"), use(at, "n"), use(expires, "e"), use(at, "n2"),
                   use(stale, "stale")) > 0;
    tx.commit();
    return IdempotencyClaim{started_now ? ClaimOutcome::Started : ClaimOutcome::InFlight, {}};
  });
  if (++claims_ % kPruneEvery == 0) prune(now);
  return result;
}

void SociIdempotencyStore::complete(const std::string& key_hash, const std::string& response) {
  db_.run("complete idempotency key", Retry::Safe, [&](Connection& sql) {
    exec(sql, "UPDATE idempotency_keys SET response = :r WHERE key_hash = :k", use(response, "r"),
         use(key_hash, "k"));
  });
}

void SociIdempotencyStore::release(const std::string& key_hash) {
  db_.run("release idempotency key", Retry::Safe, [&](Connection& sql) {
    exec(sql, "DELETE FROM idempotency_keys WHERE key_hash = :k AND response IS NULL", use(key_hash, "k"));
  });
}

void SociIdempotencyStore::prune(std::int64_t now) {
  db_.run("prune idempotency keys", Retry::Safe, [&](Connection& sql) {
    long long cutoff = now;
    exec(sql, "DELETE FROM idempotency_keys WHERE expires_at <= :n", use(cutoff, "n"));
  });
}

}  // namespace jogtrack::storage
