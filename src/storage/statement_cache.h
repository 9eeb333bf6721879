// Statements prepared once per pooled connection and re-executed (storage-internal).
//
// A cached statement owns both its soci::statement and the variables bound to
// it (SOCI binds by reference): assign new values, execute, then finish().
// The cache of a pool slot is dropped whenever its connection fails or is
// reconnected (Database::Lease), so a statement never outlives its connection.
#pragma once
#include <soci/soci.h>

#include <memory>
#include <string>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <unordered_map>

namespace jogtrack::storage {

enum class Dialect;

class CachedStatement {
 public:
  virtual ~CachedStatement() = default;
};

// A named query (a constant from a *_queries.h) prepared once per pooled
// connection, with the variables bound to it: Vars::bind(st) exchanges its
// members, which live here next to the statement because SOCI binds by
// reference. Assign vars, execute st, read vars, then finish_cached(st).
template <class Vars>
struct Prepared final : CachedStatement {
  Vars vars;
  soci::statement st;
  Prepared(soci::session& sql, const char* text) : st(sql) {
    vars.bind(st);
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
  }
};

// The cached statements of one pooled connection, by type, by named query or by key.
class StatementCache {
 public:
  // The named query `text` prepared with Vars; the text's address is the key
  // (each named query is one constant, always used with the same Vars).
  template <class Vars>
  Prepared<Vars>& prepared(soci::session& sql, const char* text) {
    auto& slot = named_[static_cast<const void*>(text)];
    if (!slot) slot = std::make_unique<Prepared<Vars>>(sql, text);
    return static_cast<Prepared<Vars>&>(*slot);
  }
  template <class T, class... Args>
  T& get(soci::session& sql, Args&&... args) {
    auto& slot = entries_[std::type_index(typeid(T))];
    if (!slot) slot = std::make_unique<T>(sql, std::forward<Args>(args)...);
    return static_cast<T&>(*slot);
  }
  // A statement whose SQL is built per request (a filter, a sort): cached by
  // `key`, which must name T and everything that shapes the statement; at most
  // kMaxKeyed per connection (all are dropped when a new one would not fit).
  template <class T, class... Args>
  T& get_keyed(const std::string& key, soci::session& sql, Args&&... args) {
    auto it = keyed_.find(key);
    if (it == keyed_.end()) {
      if (keyed_.size() >= kMaxKeyed) keyed_.clear();
      it = keyed_.emplace(key, std::make_unique<T>(sql, std::forward<Args>(args)...)).first;
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
  std::unordered_map<std::type_index, std::unique_ptr<CachedStatement>> entries_;
  std::unordered_map<const void*, std::unique_ptr<CachedStatement>> named_;
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> keyed_;
};

// After a cached statement has run (and its row has been read): on SQLite,
// reset it so it holds no read snapshot or lock between requests.
void finish_cached(soci::statement& st, Dialect dialect);

}  // namespace jogtrack::storage
