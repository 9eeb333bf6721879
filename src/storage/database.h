// The connection pool, dialect differences, transactions and migrations
// (storage-internal; the driver is database.cpp's alone, see sql.h).
#pragma once
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "common/sql_value.h"
#include "storage/sql.h"
#include "storage/storage.h"
#include "storage/wal_checkpointer.h"

namespace jogtrack::storage {

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
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Dialect dialect() const { return dialect_; }
  const std::string& sqlite_path() const { return sqlite_path_; }
  int migrate();  // applies pending migrations; returns the schema version

  // Logs a database failure (its message carries no bound values).
  void log_error(const char* operation, const DatabaseError& e) const;

  // Runs f(connection) on a pooled connection. A database failure becomes a 503
  // problem (logged without values). A connection found broken when leased is
  // reconnected first; one lost during f is reconnected and f is run once more
  // when `retry` allows it. Never waits more than a few seconds for a free
  // connection or a reconnect.
  template <class F>
  auto run(const char* operation, Retry retry, F&& f) -> decltype(f(std::declval<Connection&>()));

  // SELECT 1 on a healthy (or freshly reconnected) connection.
  bool ping();

  // SQLite allows one writer at a time. Writers queue here, in-process, instead
  // of polling SQLite's lock from its busy handler (whose sleeps made the write
  // latency tail); held for a whole write transaction (WriteTransaction) and
  // by the WAL checkpointer while it restarts the WAL. PostgreSQL: never locked.
  std::unique_lock<std::mutex> lock_writes() {
    return dialect_ == Dialect::Sqlite ? std::unique_lock<std::mutex>(write_mutex_) : std::unique_lock<std::mutex>();
  }

  // The named query `text` prepared on this pooled connection with Vars
  // (StatementCache::prepared); only inside run(), on the connection it passed.
  template <class Vars>
  Prepared<Vars>& prepared(Connection& sql, const char* text) {
    return sql.statements().prepared<Vars>(sql, text);
  }
  // A statement built per request, cached by key (StatementCache::get_keyed).
  template <class T, class... Args>
  T& cached_keyed(Connection& sql, const std::string& key, Args&&... args) {
    return sql.statements().get_keyed<T>(key, sql, std::forward<Args>(args)...);
  }

  template <class T>
  T* find_keyed(Connection& sql, const std::string& key) {
    return sql.statements().find_keyed<T>(key);
  }

  // A leased pool slot, healed (reconnected) if its connection looks broken.
  class Lease {
   public:
    Lease(Database& db, const char* operation);
    ~Lease();
    Connection& connection() { return *db_.connections_[slot_]; }
    // After a failure: is the connection gone (so a retry may help)?
    bool connection_lost();
    // Forgets the statements prepared on this connection (after a failure).
    void drop_statements() noexcept { connection().statements().clear(); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    Database& db_;
    std::size_t slot_ = 0;
  };

 private:
  struct Pool;  // the driver's connection pool (database.cpp)
  void open_connection(Connection& c);
  void configure_postgres(Connection& c);
  Logger log_;  // declared first: the checkpointer and the notice hooks log through it
  Dialect dialect_;
  std::string url_;  // the connection string actually used (PostgreSQL)
  std::string sqlite_path_;
  long statement_timeout_ms_ = 0;
  std::size_t size_;
  std::mutex write_mutex_;                         // SQLite writers (lock_writes)
  std::unique_ptr<WalCheckpointer> checkpointer_;  // SQLite; outlives the pool's connections
  std::unique_ptr<Pool> pool_;
  std::vector<std::unique_ptr<Connection>> connections_;  // by pool position, with their statements
};

// A write transaction. On SQLite it takes the write lock up front (BEGIN
// IMMEDIATE) so two writers never deadlock upgrading a read lock; rolled back
// unless committed. Made from the Database, it first waits its turn among this
// process's writers (Database::lock_writes).
class WriteTransaction {
 public:
  WriteTransaction(Database& db, Connection& sql);
  // Without the in-process queue (migrations): SQLite's busy handler arbitrates.
  explicit WriteTransaction(Connection& sql);
  ~WriteTransaction();
  void commit();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

 private:
  WriteTransaction(Connection& sql, std::unique_lock<std::mutex> writer);
  std::unique_lock<std::mutex> writer_;  // released after COMMIT/ROLLBACK (declared first)
  Connection& sql_;
  bool done_ = false;
};

// Binds a filter's parameters (kept alive by the caller) to a statement.
void bind_params(Binder& b, std::vector<std::pair<std::string, SqlValue>>& params);

// Runs the migrations of the connection's dialect (migrations.cpp).
int apply_migrations(Connection& sql);

[[noreturn]] inline void throw_unavailable() {
  throw ApiError(ErrorKind::Unavailable, {}, {}, 1);  // the fact; the words are the kind's
}

template <class F>
auto Database::run(const char* operation, Retry retry, F&& f) -> decltype(f(std::declval<Connection&>())) {
  for (int attempt = 0;; ++attempt) {
    Lease lease(*this, operation);
    try {
      return f(lease.connection());
    } catch (const DatabaseError& e) {
      const bool nothing_sent = dynamic_cast<const NothingSent*>(&e) != nullptr;
      log_error(operation, e);
      lease.drop_statements();
      if (attempt == 0 && (retry == Retry::Safe || nothing_sent) && lease.connection_lost()) continue;
      throw_unavailable();
    }
  }
}

}  // namespace jogtrack::storage
