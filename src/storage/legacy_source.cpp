#include "storage/legacy_source.h"

#include <sqlite3.h>

#include <memory>
#include <stdexcept>

namespace jogtrack::storage {

namespace {

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

Db open_read_only(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw, &sqlite3_close);
  if (rc != SQLITE_OK)
    throw std::runtime_error("cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  return db;
}

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("not the original system's database: ") + sqlite3_errmsg(db));
  return Stmt(raw, &sqlite3_finalize);
}

std::optional<std::string> text(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}

void finish(sqlite3* db, int rc) {
  if (rc != SQLITE_DONE) throw std::runtime_error(std::string("reading the original database: ") + sqlite3_errmsg(db));
}

}  // namespace

SourceRows read_original_database(const std::string& path) {
  const Db db = open_read_only(path);
  SourceRows rows;
  auto users = prepare(db.get(),
                       "SELECT user_id, username, email, name, scopes, hashed_password, create_date, expire_date "
                       "FROM users ORDER BY user_id");
  int rc;
  while ((rc = sqlite3_step(users.get())) == SQLITE_ROW) {
    SourceUserRow u;
    u.user_id = sqlite3_column_int64(users.get(), 0);
    u.username = text(users.get(), 1);
    u.email = text(users.get(), 2);
    u.name = text(users.get(), 3);
    u.scopes = text(users.get(), 4);
    u.hashed_password = text(users.get(), 5);
    u.create_date = text(users.get(), 6);
    u.expire_date = text(users.get(), 7);
    rows.users.push_back(std::move(u));
  }
  finish(db.get(), rc);
  auto runs = prepare(db.get(),
                      "SELECT result_id, user_id, running_distance, date, time, location, condition, created_at "
                      "FROM jogging_results ORDER BY result_id");
  while ((rc = sqlite3_step(runs.get())) == SQLITE_ROW) {
    SourceRunRow r;
    r.result_id = sqlite3_column_int64(runs.get(), 0);
    r.user_id = sqlite3_column_int64(runs.get(), 1);
    r.running_distance = sqlite3_column_int64(runs.get(), 2);
    r.date = text(runs.get(), 3);
    r.time = sqlite3_column_int64(runs.get(), 4);
    r.location = text(runs.get(), 5);
    r.condition = text(runs.get(), 6);
    r.created_at = text(runs.get(), 7);
    rows.runs.push_back(std::move(r));
  }
  finish(db.get(), rc);
  return rows;
}

}  // namespace jogtrack::storage
