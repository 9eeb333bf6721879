// SOCI connection pool, dialect differences, transactions and migrations (storage-internal).
#pragma once
#include <soci/soci.h>

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/sql_value.h"
#include "storage/statement_cache.h"
#include "storage/storage.h"
#include "storage/wal_checkpointer.h"

namespace jogtrack::storage {

enum class Dialect { Sqlite, Postgres };

// What may be done when the connection turns out to be lost in the middle of
// an operation (PostgreSQL restarted, a backend killed, a network blip).
enum class Retry {
  // Reads and idempotent writes: reconnect and run the operation once more.
  Safe,
  // Other writes: retried only when the connection failed at BEGIN, before
  // anything with an effect was sent; otherwise 503 (the outcome is unknown).
  BeforeSend,
};

// The connection string with any password replaced by "***", for messages.
std::string redact_url(const std::string& url);

class Database {
 public:
  // Opens every connection of the pool; throws std::runtime_error with a
  // message that names the database (never its password) when it cannot.
  // statement_timeout_ms: PostgreSQL's statement_timeout on every connection
  // (0 = none), so a stuck server or lock gives a 503 instead of a hung worker.
  // log: where failures and server notices go (nullptr: nowhere).
  Database(const std::string& url, std::size_t pool_size, long statement_timeout_ms = 0, Logger log = nullptr);
  Dialect dialect() const { return dialect_; }
  const std::string& sqlite_path() const { return sqlite_path_; }
  int migrate();  // applies pending migrations; returns the schema version

  // Logs a database failure without the bound values SOCI appends to its
  // messages (they may be password hashes or token hashes).
  void log_error(const char* operation, const soci::soci_error& e) const;

  // Runs f(session) on a pooled connection. A database failure becomes a 503
  // problem (logged without values). A connection found broken when leased is
  // reconnected first; one lost during f is reconnected and f is run once more
  // when `retry` allows it. Never waits more than a few seconds for a free
  // connection or a reconnect.
  template <class F>
  auto run(const char* operation, Retry retry, F&& f) -> decltype(f(std::declval<soci::session&>()));

  // SELECT 1 on a healthy (or freshly reconnected) connection.
  bool ping();

  // SQLite allows one writer at a time. Writers queue here, in-process, instead
  // of polling SQLite's lock from its busy handler (whose sleeps made the write
  // latency tail); held for a whole write transaction (WriteTransaction) and
  // by the WAL checkpointer while it restarts the WAL. PostgreSQL: never locked.
  std::unique_lock<std::mutex> lock_writes() {
    return dialect_ == Dialect::Sqlite ? std::unique_lock<std::mutex>(write_mutex_) : std::unique_lock<std::mutex>();
  }

  // The statement T (a CachedStatement made as T(sql) or T(sql, dialect))
  // prepared on this pooled session, made on first use; only inside run(), on
  // the session it passed.
  template <class T>
  T& cached(soci::session& sql) {
    if constexpr (std::is_constructible_v<T, soci::session&, Dialect>)
      return caches_[slot_of(sql)].get<T>(sql, dialect_);
    else
      return caches_[slot_of(sql)].get<T>(sql);
  }
  // The named query `text` prepared on this pooled session with Vars
  // (StatementCache::prepared); only inside run(), on the session it passed.
  template <class Vars>
  Prepared<Vars>& prepared(soci::session& sql, const char* text) {
    return caches_[slot_of(sql)].prepared<Vars>(sql, text);
  }
  // A statement built per request, cached by key (StatementCache::get_keyed).
  template <class T, class... Args>
  T& cached_keyed(soci::session& sql, const std::string& key, Args&&... args) {
    return caches_[slot_of(sql)].get_keyed<T>(key, sql, std::forward<Args>(args)...);
  }

  template <class T>
  T* find_keyed(soci::session& sql, const std::string& key) {
    return caches_[slot_of(sql)].find_keyed<T>(key);
  }

  // A leased pool slot, healed (reconnected) if its connection looks broken.
  class Lease {
   public:
    Lease(Database& db, const char* operation);
    ~Lease();
    soci::session& session() { return db_.pool_->at(slot_); }
    // After a failure: is the connection gone (so a retry may help)?
    bool connection_lost();
    // Forgets the statements prepared on this connection (after a failure).
    void drop_statements() noexcept { db_.caches_[slot_].clear(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    Database& db_;
    std::size_t slot_ = 0;
  };

 private:
  void open_connection(soci::session& sql);
  void configure_postgres(soci::session& sql);
  std::size_t slot_of(soci::session& sql) const;
  Logger log_;  // declared first: the checkpointer and the notice hooks log through it
  Dialect dialect_;
  std::string url_;  // the connection string actually used (PostgreSQL)
  std::string sqlite_path_;
  long statement_timeout_ms_ = 0;
  std::size_t size_;
  std::mutex write_mutex_;                         // SQLite writers (lock_writes)
  std::unique_ptr<WalCheckpointer> checkpointer_;  // SQLite; outlives the pool's connections
  std::unique_ptr<soci::connection_pool> pool_;
  std::vector<soci::session*> sessions_;  // by pool position
  std::vector<StatementCache> caches_;    // by pool position
};

// Thrown by WriteTransaction when BEGIN itself fails: nothing was sent that
// could have changed data, so a write may safely be retried.
class NothingSent : public soci::soci_error {
 public:
  explicit NothingSent(const std::string& what) : soci::soci_error(what) {}
};

// A write transaction. On SQLite it takes the write lock up front (BEGIN
// IMMEDIATE) so two writers never deadlock upgrading a read lock; rolled back
// unless committed. Made from the Database, it first waits its turn among this
// process's writers (Database::lock_writes).
class WriteTransaction {
 public:
  WriteTransaction(Database& db, soci::session& sql);
  // Without the in-process queue (migrations; callers not yet moved over):
  // SQLite's busy handler arbitrates.
  WriteTransaction(soci::session& sql, Dialect dialect);
  ~WriteTransaction();
  void commit();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

 private:
  WriteTransaction(soci::session& sql, Dialect dialect, std::unique_lock<std::mutex> writer);
  std::unique_lock<std::mutex> writer_;  // released after COMMIT/ROLLBACK (declared first)
  soci::session& sql_;
  bool done_ = false;
};

// Binds a filter's parameters (kept alive by the caller) to a statement.
void bind_params(soci::statement& st, std::vector<std::pair<std::string, SqlValue>>& params);

// True if the error is a unique-constraint violation on either backend.
bool is_unique_violation(const soci::soci_error& e);

// Runs the migrations of one dialect (migrations.cpp).
int apply_migrations(soci::session& sql, Dialect dialect);

[[noreturn]] inline void throw_unavailable() {
  throw ApiError(ErrorKind::Unavailable, {}, {}, 1);  // the fact; the words are the kind's
}

template <class F>
auto Database::run(const char* operation, Retry retry, F&& f) -> decltype(f(std::declval<soci::session&>())) {
  for (int attempt = 0;; ++attempt) {
    Lease lease(*this, operation);
    try {
      return f(lease.session());
    } catch (const soci::soci_error& e) {
      const bool nothing_sent = dynamic_cast<const NothingSent*>(&e) != nullptr;
      log_error(operation, e);
      lease.drop_statements();
      if (attempt == 0 && (retry == Retry::Safe || nothing_sent) && lease.connection_lost()) continue;
      throw_unavailable();
    }
  }
}

}  // namespace jogtrack::storage
