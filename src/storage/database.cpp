// The SQL facade's implementation: the only file that knows the driver (SOCI
// and its SQLite and PostgreSQL backends). Everything else in storage speaks
// sql.h and database.h; scripts/check-sql-boundary.sh keeps it that way.
#include "storage/database.h"

#include <poll.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/logger.h>

#include <chrono>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <thread>

// std::optional as SQL NULL when empty (SOCI 4.0 knows only boost::optional).
// SOCI calls a column's conversion hook at every execution for plain types too
// (an empty virtual); here it copies the value, into a string that keeps its
// capacity from one execution to the next.
namespace soci {
template <class T>
struct type_conversion<std::optional<T>> {
  using base_type = T;
  static void from_base(const T& in, indicator ind, std::optional<T>& out) {
    if (ind == i_null)
      out.reset();
    else
      out = in;
  }
  static void to_base(const std::optional<T>& in, T& out, indicator& ind) {
    if (in) {
      out = *in;
      ind = i_ok;
    } else {
      ind = i_null;
    }
  }
};
}  // namespace soci

namespace jogtrack::storage {

struct Database::Pool {
  explicit Pool(std::size_t size) : sessions(size) {}
  soci::connection_pool sessions;
};

// The driver objects behind the facade's opaque handles.
struct Driver {
  static_assert(sizeof(soci::statement) <= sizeof(Statement::driver_) && alignof(soci::statement) <= 8,
                "Statement::driver_ must hold a soci::statement");
  static soci::session& session(Connection& c) { return *static_cast<soci::session*>(c.session_); }
  static soci::statement& statement(Statement& st) {
    return *std::launder(reinterpret_cast<soci::statement*>(st.driver_));
  }
  static const soci::statement& statement(const Statement& st) {
    return *std::launder(reinterpret_cast<const soci::statement*>(st.driver_));
  }
};

namespace {

bool is_unique_violation(const std::string& msg) {
  return msg.find("UNIQUE constraint failed") != std::string::npos ||
         msg.find("duplicate key value") != std::string::npos || msg.find("23505") != std::string::npos;
}

// The driver's failure as storage's: SOCI appends the bound values to its
// message (" with :name=value"); they are cut here, so no password or token
// hash travels on in an exception or reaches a log (and a value that happens
// to read "23505" cannot pass for a unique violation).
[[noreturn]] void raise(const soci::soci_error& e) {
  std::string msg = e.what();
  if (auto cut = msg.find(" with :"); cut != std::string::npos) msg.resize(cut);
  if (is_unique_violation(msg)) throw UniqueViolation(msg);
  throw DatabaseError(msg);
}

// How long a request waits for a free pooled connection before answering 503.
constexpr int kLeaseTimeoutMs = 10'000;

Dialect dialect_of(const std::string& url) {
  if (url.rfind("sqlite:", 0) == 0) return Dialect::Sqlite;
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return Dialect::Postgres;
  throw std::runtime_error("unsupported database URL (expected sqlite:PATH or postgresql://...)");
}

// The password of a URL's user-info part ("" if none).
std::string url_password(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return "";
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

// Multi-line libpq messages as one log line.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (auto& c : text)
    if (c == '\n' || c == '\t') c = ' ';
  return text;
}

std::string without(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
    text.replace(pos, secret.size(), "***");
  return text;
}

// libpq takes the URL itself. SOCI 4.0.3 scans the connection string for
// key=value pairs and mangles a URL that has none (the database name becomes
// "db="), so there is always a query string; it also bounds connecting time.
std::string postgres_connect_string(const std::string& url) {
  std::string s = url;
  const auto add = [&s](const char* key, const char* value) {
    if (s.find(std::string(key) + "=") != std::string::npos) return;
    s += (s.find('?') == std::string::npos ? "?" : "&");
    s += std::string(key) + "=" + value;
  };
  add("application_name", "jogtrack");
  add("connect_timeout", "5");
  return s;
}

// Only called for PostgreSQL sessions (libsoci_postgresql exports no typeinfo
// for a dynamic_cast).
PGconn* pg_connection(soci::session& sql) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return backend ? backend->conn_ : nullptr;
}

// libpq prints server notices ("terminating connection due to administrator
// command", ...) raw on stderr; send them to the log as one line instead.
// `log` is the Database's logger (it outlives its connections).
void print_notice(void* log, const char* message) {
  if (log) static_cast<spdlog::logger*>(log)->warn("database notice: {}", one_line(message));
}

void route_notices(soci::session& sql, spdlog::logger* log) {
  if (PGconn* conn = pg_connection(sql)) PQsetNoticeProcessor(conn, print_notice, log);
}

// Cheap check of an idle PostgreSQL connection, with no round trip: an idle
// connection has nothing to read, so a readable socket means the server
// closed it or sent a termination notice (restart, shutdown, killed backend).
bool idle_connection_looks_broken(soci::session& sql) {
  PGconn* conn = pg_connection(sql);
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) return true;
  pollfd p{PQsocket(conn), POLLIN, 0};
  return p.fd < 0 || ::poll(&p, 1, 0) != 0;
}

// Only called for SQLite sessions (same reason as pg_connection).
sqlite_api::sqlite3* sqlite_connection(soci::session& sql) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
  return backend ? backend->conn_ : nullptr;
}

// A pooled connection is used by one thread at a time (Database::Lease), so
// the per-connection mutex of SQLite's default (serialized) mode protects
// nothing here, and it is taken on every sqlite3_column_* call: measured at
// about a tenth of a GET /results page's instructions. Multi-thread mode drops
// it. SQLite accepts the choice only before it initializes, i.e. before the
// process opens its first connection; when something opened one earlier the
// call fails harmlessly and the (safe) serialized mode stays.
void prefer_multithread_sqlite() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD); });
}

// How long a statement waits for SQLite's lock before giving up (503).
constexpr auto kSqliteBusyLimit = std::chrono::seconds(10);

// Writers of this process queue on Database::lock_writes, so SQLite's lock is
// contended only by the few writes outside it, another process (the CLI) and a
// RESTART checkpoint. SQLite's own busy handler sleeps up to 100 ms per retry,
// far longer than a write transaction lasts; poll at a fine grain instead.
int on_busy(void*, int attempts) {
  constexpr auto kStep = std::chrono::microseconds(200);
  if (attempts * kStep >= kSqliteBusyLimit) return 0;
  std::this_thread::sleep_for(attempts < 20 ? std::chrono::microseconds(50) : kStep);
  return 1;
}

// sqlite3_wal_hook: runs after each commit, once the write lock is released.
int on_wal_commit(void* checkpointer, sqlite_api::sqlite3*, const char*, int frames) {
  static_cast<WalCheckpointer*>(checkpointer)->note_wal_size(frames);
  return 0;  // SQLITE_OK
}

}  // namespace

std::string redact_url(const std::string& url) { return without(url, url_password(url)); }

Database::Database(const std::string& url, std::size_t pool_size, long statement_timeout_ms, Logger log)
    : log_(std::move(log)),
      dialect_(dialect_of(url)),
      statement_timeout_ms_(statement_timeout_ms),
      size_(pool_size),
      pool_(std::make_unique<Pool>(pool_size)) {
  if (dialect_ == Dialect::Sqlite) {
    sqlite_path_ = url.substr(std::string("sqlite:").size());
    prefer_multithread_sqlite();
  }
  else
    url_ = postgres_connect_string(url);
  for (std::size_t i = 0; i < size_; ++i) {
    connections_.push_back(std::unique_ptr<Connection>(new Connection(&pool_->sessions.at(i), dialect_)));
    open_connection(*connections_.back());
  }
  if (dialect_ == Dialect::Sqlite) {
    // Checkpoints move off the request path: the hook replaces each
    // connection's auto-checkpoint and wakes the checkpointer instead.
    checkpointer_ = std::make_unique<WalCheckpointer>(sqlite_path_, write_mutex_, log_);
    for (auto& c : connections_)
      sqlite_api::sqlite3_wal_hook(sqlite_connection(Driver::session(*c)), on_wal_commit, checkpointer_.get());
  }
}

// Members go in reverse order: statements, then the pool's connections, then the checkpointer.
Database::~Database() = default;

void Database::open_connection(Connection& c) {
  soci::session& sql = Driver::session(c);
  try {
    if (dialect_ == Dialect::Sqlite) {
      sql.open("sqlite3", "db=" + sqlite_path_);
      sqlite_api::sqlite3_busy_handler(sqlite_connection(sql), on_busy, nullptr);
      // WAL: readers never block the writer. synchronous=NORMAL in WAL mode
      // keeps every committed transaction across a process crash (only an OS
      // crash or power loss can lose the last commits).
      sql << "PRAGMA journal_mode=WAL";
      sql << "PRAGMA synchronous=NORMAL";
      sql << "PRAGMA foreign_keys=ON";
      // When the WAL starts over, its file is cut back to this size.
      sql << "PRAGMA journal_size_limit=67108864";
    } else {
      sql.open("postgresql", url_);
      configure_postgres(c);
    }
  } catch (const std::runtime_error& e) {  // the driver's, or the facade's (configure_postgres)
    if (dialect_ == Dialect::Sqlite) throw std::runtime_error(std::string("cannot open the database: ") + e.what());
    // libpq's reason ("connection refused", "password authentication failed", ...)
    // without the SOCI preamble; the password never appears in what we print.
    std::string reason = e.what();
    if (auto nl = reason.find('\n'); nl != std::string::npos) reason = reason.substr(nl + 1);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    if (auto nl = reason.find('\n'); nl != std::string::npos) reason.resize(nl);
    throw std::runtime_error("cannot connect to the database " + redact_url(url_) + ": " +
                             without(reason, url_password(url_)));
  }
}

namespace {

void set_statement_timeout(Connection& c, long ms) {
  const std::string value = std::to_string(ms);
  std::string applied;
  exec(c, "SELECT set_config('statement_timeout', :v, false)", use(value, "v"), into(applied));
}

}  // namespace

void Database::configure_postgres(Connection& sql) {
  route_notices(Driver::session(sql), log_.get());
  // A cancelled statement is an ordinary DatabaseError on a live connection:
  // run() answers it 503 with Retry-After like any other database failure.
  if (statement_timeout_ms_ > 0) set_statement_timeout(sql, statement_timeout_ms_);
}

int Database::migrate() {
  Lease lease(*this, "migrate");
  Connection& sql = lease.connection();
  // Migrating a large table may take longer than any request should.
  const bool limited = dialect_ == Dialect::Postgres && statement_timeout_ms_ > 0;
  if (limited) set_statement_timeout(sql, 0);
  const int version = apply_migrations(sql);
  if (limited) set_statement_timeout(sql, statement_timeout_ms_);
  return version;
}

bool Database::ping() {
  try {
    return run("ping", Retry::Safe, [](Connection& sql) {
      int one = 0;
      exec(sql, "SELECT 1", into(one));
      return one == 1;
    });
  } catch (const ApiError&) {
    return false;
  }
}

Database::Lease::Lease(Database& db, const char* operation) : db_(db) {
  if (!db_.pool_->sessions.try_lease(slot_, kLeaseTimeoutMs)) {
    if (db_.log_) db_.log_->error("database error in {}: no free connection within {} ms", operation, kLeaseTimeoutMs);
    throw_unavailable();
  }
  if (db_.dialect_ != Dialect::Postgres) return;
  soci::session& sql = Driver::session(connection());
  if (!idle_connection_looks_broken(sql)) return;
  try {
    // A broken connection is replaced before anything is sent on it.
    if (pg_connection(sql) == nullptr || !sql.is_connected()) {
      // Statements prepared on the old connection die with it (before its backend does).
      drop_statements();
      sql.reconnect();
      db_.configure_postgres(connection());
    }
  } catch (const std::runtime_error& e) {  // the driver's or the facade's (setting statement_timeout)
    db_.pool_->sessions.give_back(slot_);
    if (db_.log_)
      db_.log_->error("database error in {}: cannot reconnect: {}", operation,
                      one_line(without(e.what(), url_password(db_.url_))));
    throw_unavailable();
  }
}

Database::Lease::~Lease() { db_.pool_->sessions.give_back(slot_); }

bool Database::Lease::connection_lost() {
  if (db_.dialect_ != Dialect::Postgres) return false;
  soci::session& sql = Driver::session(connection());
  return pg_connection(sql) == nullptr || !sql.is_connected();
}

WriteTransaction::WriteTransaction(Database& db, Connection& sql) : WriteTransaction(sql, db.lock_writes()) {}

WriteTransaction::WriteTransaction(Connection& sql) : WriteTransaction(sql, {}) {}

WriteTransaction::WriteTransaction(Connection& sql, std::unique_lock<std::mutex> writer)
    : writer_(std::move(writer)), sql_(sql) {
  try {
    exec(sql_, sql_.dialect() == Dialect::Sqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (const DatabaseError& e) {
    done_ = true;  // nothing to roll back
    throw NothingSent(e.what());
  }
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  try {
    exec(sql_, "ROLLBACK");
  } catch (...) {
    // The connection may already be broken; nothing more to undo.
  }
}

void WriteTransaction::commit() {
  exec(sql_, "COMMIT");
  done_ = true;
}

void bind_params(Binder& b, std::vector<std::pair<std::string, SqlValue>>& params) {
  for (auto& [name, value] : params) {
    if (auto* i = std::get_if<std::int64_t>(&value))
      b.use(*i, name);
    else if (auto* d = std::get_if<double>(&value))
      b.use(*d, name);
    else
      b.use(std::get<std::string>(value), name);
  }
}

void Database::log_error(const char* operation, const DatabaseError& e) const {
  if (!log_) return;
  // Through the injected logger (the process's), so JOGTRACK_LOG_FORMAT=json
  // stays JSON exactly when the database fails.
  log_->error("database error in {}: {}", operation, one_line(e.what()));
}

// --- Statements ---

Statement::Statement(Connection& c) { new (driver_) soci::statement(Driver::session(c)); }

Statement::~Statement() { Driver::statement(*this).~statement(); }

void Statement::prepare(const std::string& text, bool once) {
  soci::statement& st = Driver::statement(*this);
  try {
    st.alloc();
    st.prepare(text, once ? soci::details::st_one_time_query : soci::details::st_repeatable_query);
    st.define_and_bind();
  } catch (const soci::soci_error& e) {
    raise(e);
  }
}

bool Statement::execute(bool exchange) {
  try {
    return Driver::statement(*this).execute(exchange);
  } catch (const soci::soci_error& e) {
    raise(e);
  }
}

bool Statement::fetch() {
  try {
    return Driver::statement(*this).fetch();
  } catch (const soci::soci_error& e) {
    raise(e);
  }
}

bool Statement::got_data() const { return Driver::statement(*this).got_data(); }

long long Statement::get_affected_rows() {
  try {
    return Driver::statement(*this).get_affected_rows();
  } catch (const soci::soci_error& e) {
    raise(e);
  }
}

void finish_cached(Statement& st, Dialect dialect) {
  if (dialect != Dialect::Sqlite) return;
  // Only called for SQLite sessions (libsoci_sqlite3 exports no typeinfo for a dynamic_cast).
  auto* backend = static_cast<soci::sqlite3_statement_backend*>(Driver::statement(st).get_backend());
  if (backend != nullptr && backend->stmt_ != nullptr) ::sqlite_api::sqlite3_reset(backend->stmt_);
}

void StatementCache::clear() noexcept {
  try {
    named_.clear();
    keyed_.clear();
  } catch (...) {
    // Finalising a statement on a dead connection: nothing more to release.
  }
}

// --- Binding (at prepare time only) ---

namespace {
soci::statement& driver_of(void* st) { return *std::launder(static_cast<soci::statement*>(st)); }
}  // namespace

void Binder::into(int& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(long& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(long long& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(double& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::string& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::optional<int>& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::optional<long>& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::optional<long long>& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::optional<double>& v) { driver_of(st_).exchange(soci::into(v)); }
void Binder::into(std::optional<std::string>& v) { driver_of(st_).exchange(soci::into(v)); }

void Binder::use(const int& v, const std::string& name) { driver_of(st_).exchange(soci::use(v, name)); }
void Binder::use(const long& v, const std::string& name) { driver_of(st_).exchange(soci::use(v, name)); }
void Binder::use(const long long& v, const std::string& name) { driver_of(st_).exchange(soci::use(v, name)); }
void Binder::use(const double& v, const std::string& name) { driver_of(st_).exchange(soci::use(v, name)); }
void Binder::use(const std::string& v, const std::string& name) { driver_of(st_).exchange(soci::use(v, name)); }
void Binder::use(const std::optional<int>& v, const std::string& name) {
  driver_of(st_).exchange(soci::use(v, name));
}
void Binder::use(const std::optional<double>& v, const std::string& name) {
  driver_of(st_).exchange(soci::use(v, name));
}
void Binder::use(const std::optional<std::string>& v, const std::string& name) {
  driver_of(st_).exchange(soci::use(v, name));
}

}  // namespace jogtrack::storage
