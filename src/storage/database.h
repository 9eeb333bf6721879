// SOCI connection pool, dialect differences, transactions and migrations (storage-internal).
#pragma once
#include <soci/soci.h>

#include <memory>
#include <string>

#include "common/sql_value.h"

namespace jogtrack::storage {

enum class Dialect { Sqlite, Postgres };

class Database {
 public:
  Database(const std::string& url, std::size_t pool_size);
  Dialect dialect() const { return dialect_; }
  soci::connection_pool& pool() { return *pool_; }
  const std::string& sqlite_path() const { return sqlite_path_; }
  int migrate();  // applies pending migrations; returns the schema version

 private:
  void open_connection(soci::session& sql, const std::string& url);
  Dialect dialect_;
  std::string sqlite_path_;
  std::size_t size_;
  std::unique_ptr<soci::connection_pool> pool_;
};

// A write transaction. On SQLite it takes the write lock up front (BEGIN
// IMMEDIATE) so two writers never deadlock upgrading a read lock; rolled back
// unless committed.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& sql, Dialect dialect);
  ~WriteTransaction();
  void commit();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;

 private:
  soci::session& sql_;
  bool done_ = false;
};

// Binds a filter's parameters (kept alive by the caller) to a statement.
void bind_params(soci::statement& st, std::vector<std::pair<std::string, SqlValue>>& params);

// True if the error is a unique-constraint violation on either backend.
bool is_unique_violation(const soci::soci_error& e);

// Runs the migrations of one dialect (migrations.cpp).
int apply_migrations(soci::session& sql, Dialect dialect);

}  // namespace jogtrack::storage

#include "common/errors.h"

namespace jogtrack::storage {

// Logs a database failure without the bound values SOCI appends to its
// messages (they may be password hashes or token hashes).
void log_database_error(const char* operation, const soci::soci_error& e);

// Runs f; a database failure becomes a 503 problem (logged without values).
template <class F>
auto guarded(const char* operation, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const soci::soci_error& e) {
    log_database_error(operation, e);
    throw ApiError(ErrorKind::Unavailable, "the database is unavailable", {}, 1);
  }
}

}  // namespace jogtrack::storage
