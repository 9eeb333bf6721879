// The SQL facade (storage-internal): connections, statements, bound variables
// and database failures as storage's own types. Only database.cpp knows the
// driver behind them (SOCI with its SQLite and PostgreSQL backends), so the
// stores say what they send and read, never how the driver binds it.
//
// Binding is by reference, as the driver's: a row or parameter struct declares
// `void bind(Binder& b)` naming its members once, when the statement is
// prepared; each execution then reads and writes those same members, with no
// per-execution binding work, allocation or virtual call.
#pragma once
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

namespace jogtrack::storage {

enum class Dialect { Sqlite, Postgres };

// A database failure. Its message is the driver's without the bound values the
// driver appends (they may be password or token hashes), so it may be logged.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A unique-constraint violation, on either backend: callers that expect one
// (a username taken concurrently) catch this and answer it; others get a 503.
class UniqueViolation : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

// Thrown by WriteTransaction when BEGIN itself fails: nothing was sent that
// could have changed data, so a write may safely be retried.
class NothingSent : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

class Connection;

// Names the variables a statement reads into (its result columns, in order)
// and the variables it sends (its :name parameters). Made only by Statement,
// used only while it is being prepared. A std::optional is SQL NULL when empty;
// a NULL read into a plain variable is a DatabaseError.
class Binder {
 public:
  void into(int& v);
  void into(long& v);
  void into(long long& v);
  void into(double& v);
  void into(std::string& v);
  void into(std::optional<int>& v);
  void into(std::optional<long>& v);
  void into(std::optional<long long>& v);
  void into(std::optional<double>& v);
  void into(std::optional<std::string>& v);

  // `name` without the colon; "" binds by position.
  void use(const int& v, const std::string& name = {});
  void use(const long& v, const std::string& name = {});
  void use(const long long& v, const std::string& name = {});
  void use(const double& v, const std::string& name = {});
  void use(const std::string& v, const std::string& name = {});
  void use(const std::optional<int>& v, const std::string& name = {});
  void use(const std::optional<double>& v, const std::string& name = {});
  void use(const std::optional<std::string>& v, const std::string& name = {});
  // The statement reads the variable at every execution: never a temporary.
  template <class T>
  void use(const T&& v, const std::string& name = {}) = delete;

 private:
  friend class Statement;
  explicit Binder(void* statement) : st_(statement) {}
  void* st_;  // the driver's statement
};

// A statement on one connection: bind (binder()), prepare, then execute and
// fetch as often as needed. The driver's statement lives inside this object
// (no allocation of ours).
class Statement {
 public:
  explicit Statement(Connection& c);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Binder binder() { return Binder(driver_); }
  // once: sent a single time (PostgreSQL: not prepared server-side, one round trip).
  void prepare(const std::string& text, bool once = false);
  // Runs it; with exchange, reads the first row. True if a row was read.
  bool execute(bool exchange = true);
  bool fetch();  // the next row; false at the end
  bool got_data() const;
  long long get_affected_rows();

 private:
  friend struct Driver;
  alignas(8) unsigned char driver_[16];  // the driver's statement (database.cpp checks the size)
};

// After a cached statement has run (and its row has been read): on SQLite,
// reset it so it holds no read snapshot or lock between requests.
void finish_cached(Statement& st, Dialect dialect);

// A statement kept in a connection's cache (StatementCache).
class CachedStatement {
 public:
  virtual ~CachedStatement() = default;
};

// A named query (a constant from a *_queries.h) prepared once per pooled
// connection, with the variables bound to it: Vars::bind(Binder&) names its
// members, which live here next to the statement because binding is by
// reference. Assign vars, execute st, read vars, then finish_cached(st).
template <class Vars>
struct Prepared final : CachedStatement {
  Vars vars;
  Statement st;
  Prepared(Connection& c, const char* text) : st(c) {
    Binder b = st.binder();
    vars.bind(b);
    st.prepare(text);
  }
};

// The cached statements of one pooled connection, by named query or by key.
// Dropped whenever the connection fails or is reconnected (Database::Lease),
// so a statement never outlives its connection.
class StatementCache {
 public:
  // The named query `text` prepared with Vars; the text's address is the key
  // (each named query is one constant, always used with the same Vars).
  template <class Vars>
  Prepared<Vars>& prepared(Connection& c, const char* text) {
    auto& slot = named_[static_cast<const void*>(text)];
    if (!slot) slot = std::make_unique<Prepared<Vars>>(c, text);
    return static_cast<Prepared<Vars>&>(*slot);
  }
  // A statement whose SQL is built per request (a filter, a sort): cached by
  // `key`, which must name T and everything that shapes the statement; at most
  // kMaxKeyed per connection (all are dropped when a new one would not fit).
  template <class T, class... Args>
  T& get_keyed(const std::string& key, Connection& c, Args&&... args) {
    auto it = keyed_.find(key);
    if (it == keyed_.end()) {
      if (keyed_.size() >= kMaxKeyed) keyed_.clear();
      it = keyed_.emplace(key, std::make_unique<T>(c, std::forward<Args>(args)...)).first;
    }
    return static_cast<T&>(*it->second);
  }
  // The statement cached under `key`, or nullptr (so a caller builds the SQL
  // text only on a miss).
  template <class T>
  T* find_keyed(const std::string& key) {
    const auto it = keyed_.find(key);
    return it == keyed_.end() ? nullptr : static_cast<T*>(it->second.get());
  }
  void clear() noexcept;

 private:
  static constexpr std::size_t kMaxKeyed = 16;
  std::unordered_map<const void*, std::unique_ptr<CachedStatement>> named_;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> keyed_;
};

// One pooled connection, as Database::run lends it: what statements run on.
class Connection {
 public:
  Dialect dialect() const { return dialect_; }
  StatementCache& statements() { return statements_; }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

 private:
  friend class Database;
  friend struct Driver;
  Connection(void* session, Dialect dialect) : session_(session), dialect_(dialect) {}
  void* session_;  // the driver's session (owned by the Database's pool)
  Dialect dialect_;
  StatementCache statements_;
};

// One-off statements: exec(c, text, into(x), use(v, "name"), ...).
template <class T>
struct Into {
  T& var;
};
template <class T>
struct Use {
  const T& var;
  const char* name;
};
template <class T>
Into<T> into(T& var) {
  return {var};
}
template <class T>
Use<T> use(const T& var, const char* name = "") {
  return {var, name};
}
template <class T>
Use<T> use(const T&& var, const char* name = "") = delete;  // bound by reference: never a temporary

template <class T>
void bind_one(Binder& b, const Into<T>& i) {
  b.into(i.var);
}
template <class T>
void bind_one(Binder& b, const Use<T>& u) {
  b.use(u.var, u.name);
}

// Sends `text` once with the given bindings; true if it returned a row (read
// into the into() variables). Failures throw DatabaseError.
template <class... Binds>
bool exec(Connection& c, const std::string& text, const Binds&... binds) {
  Statement st(c);
  [[maybe_unused]] Binder b = st.binder();
  (bind_one(b, binds), ...);
  st.prepare(text, true);
  return st.execute(true);
}

// As exec(), for a write: how many rows it changed.
template <class... Binds>
long long exec_count(Connection& c, const std::string& text, const Binds&... binds) {
  Statement st(c);
  [[maybe_unused]] Binder b = st.binder();
  (bind_one(b, binds), ...);
  st.prepare(text, true);
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace jogtrack::storage
