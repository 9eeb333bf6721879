#include "storage/database.h"

#include <stdexcept>

namespace jogtrack::storage {

namespace {
Dialect dialect_of(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return Dialect::Sqlite;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return Dialect::Postgres;
  throw std::runtime_error("unsupported database URL (expected sqlite:PATH or postgresql://...)");
}
}  // namespace

Database::Database(const std::string& url, std::size_t pool_size)
    : dialect_(dialect_of(url)), size_(pool_size), pool_(std::make_unique<soci::connection_pool>(pool_size)) {
  if (dialect_ == Dialect::Sqlite) sqlite_path_ = url.substr(std::string("sqlite:").size());
  for (std::size_t i = 0; i < size_; ++i) open_connection(pool_->at(i), url);
}

void Database::open_connection(soci::session& sql, const std::string& url) {
  try {
    if (dialect_ == Dialect::Sqlite) {
      sql.open("sqlite3", "db=" + sqlite_path_ + " timeout=10");
      // WAL: readers never block the writer. synchronous=NORMAL in WAL mode
      // keeps every committed transaction across a process crash (only an OS
      // crash or power loss can lose the last commits).
      sql << "PRAGMA journal_mode=WAL";
      sql << "PRAGMA synchronous=NORMAL";
      sql << "PRAGMA foreign_keys=ON";
      sql << "PRAGMA busy_timeout=10000";
    } else {
      sql.open("postgresql", url);
    }
  } catch (const soci::soci_error& e) {
    // The message may carry the connection string (with a password): keep it generic.
    throw std::runtime_error(std::string("cannot open the database: ") +
                             (dialect_ == Dialect::Sqlite ? e.what() : "connection failed"));
  }
}

int Database::migrate() {
  soci::session sql(*pool_);
  return apply_migrations(sql, dialect_);
}

WriteTransaction::WriteTransaction(soci::session& sql, Dialect dialect) : sql_(sql) {
  sql_ << (dialect == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  try {
    sql_ << "ROLLBACK";
  } catch (...) {
    // The connection may already be broken; nothing more to undo.
  }
}

void WriteTransaction::commit() {
  sql_ << "COMMIT";
  done_ = true;
}

void bind_params(soci::statement& st, std::vector<std::pair<std::string, SqlValue>>& params) {
  for (auto& [name, value] : params) {
    if (auto* i = std::get_if<std::int64_t>(&value))
      st.exchange(soci::use(*i, name));
    else if (auto* d = std::get_if<double>(&value))
      st.exchange(soci::use(*d, name));
    else
      st.exchange(soci::use(std::get<std::string>(value), name));
  }
}

bool is_unique_violation(const soci::soci_error& e) {
  const std::string msg = e.what();
  return msg.find("UNIQUE constraint failed") != std::string::npos ||
         msg.find("duplicate key value") != std::string::npos || msg.find("23505") != std::string::npos;
}

}  // namespace jogtrack::storage

#include <cstdio>

namespace jogtrack::storage {

void log_database_error(const char* operation, const soci::soci_error& e) {
  std::string msg = e.what();
  if (auto cut = msg.find(" with :"); cut != std::string::npos) msg.resize(cut);
  // Logging is wired by observability; storage stays independent of it and
  // writes one line to stderr, which the service's log collector keeps.
  std::fprintf(stderr, "database error in %s: %s\n", operation, msg.c_str());
}

}  // namespace jogtrack::storage
