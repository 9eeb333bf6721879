#include "storage/legacy_source.h"

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

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

// A row's columns in SELECT order: each value read takes the next column, so
// a row reader names its fields in the order the SELECT lists them.
class Columns {
 public:
  explicit Columns(sqlite3_stmt* st) : st_(st) {}
  template <class... Fields>
  void read(Fields&... fields) {
    (next(fields), ...);
  }

 private:
  void next(std::int64_t& out) { out = sqlite3_column_int64(st_, col_++); }
  void next(std::optional<std::string>& out) { out = text(st_, col_++); }
  sqlite3_stmt* st_;
  int col_ = 0;
};

// Every row `sql` selects, each filled by read(Columns&, Row&).
template <class Row, class Read>
std::vector<Row> read_all(sqlite3* db, const char* sql, Read read) {
  const Stmt st = prepare(db, sql);
  std::vector<Row> rows;
  int rc;
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    Columns columns(st.get());
    read(columns, rows.emplace_back());
  }
  finish(db, rc);
  return rows;
}

// The rows read, their columns in the order the readers below name the fields.
constexpr const char* kUserRows =
    "SELECT user_id, username, email, name, scopes, hashed_password, create_date, expire_date "
    "FROM users ORDER BY user_id";
constexpr const char* kRunRows =
    "SELECT result_id, user_id, running_distance, date, time, location, condition, created_at "
    "FROM jogging_results ORDER BY result_id";

}  // namespace

SourceRows read_original_database(const std::string& path) {
  const Db db = open_read_only(path);
  SourceRows rows;
  rows.users = read_all<SourceUserRow>(db.get(), kUserRows, [](Columns& c, SourceUserRow& u) {
    c.read(u.user_id, u.username, u.email, u.name, u.scopes, u.hashed_password, u.create_date, u.expire_date);
  });
  rows.runs = read_all<SourceRunRow>(db.get(), kRunRows, [](Columns& c, SourceRunRow& r) {
    c.read(r.result_id, r.user_id, r.running_distance, r.date, r.time, r.location, r.condition, r.created_at);
  });
  return rows;
}

}  // namespace jogtrack::storage
