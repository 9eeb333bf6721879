// Statements whose SQL depends on a typed list request (storage-internal):
// flattened once per request into a shape and values, cached per connection
// by shape, emitted only on a miss. Shared by every listable store.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "storage/list_sql.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// The columns of a COUNT(*).
struct CountRow {
  long long total = 0;
  void bind(Binder& b) { b.into(total); }
};

// A list, count or report query whose SQL depends on the request's filter and
// sort, cached per connection by the request's shape (list_sql.h
// append_shape). Row binds the fetched columns; Scope binds the service's
// typed scope (an owner, a role). Re-run it by assigning scope, limit, offset
// and the values.
template <class Row, class Scope>
struct FilteredQuery final : CachedStatement {
  Row row;
  Scope scope;
  long long limit = 0, offset = 0;
  std::vector<std::pair<std::string, SqlValue>> params;
  Statement st;

  // Made with the first request's scope: a scope may decide what it binds.
  FilteredQuery(Connection& sql, const std::string& text, const Scope& s, const std::vector<SqlValue>& values,
                bool paged)
      : scope(s), params(named_params(values)), st(sql) {
    Binder b = st.binder();
    row.bind(b);
    scope.bind(b);
    bind_params(b, params);
    if (paged) {
      b.use(limit, "lim");
      b.use(offset, "off");
    }
    st.prepare(text);
  }

  // Runs the statement with the request's values; each(row) per row fetched.
  template <class Each>
  void run(Dialect dialect, const Scope& s, const std::vector<SqlValue>& values, long long lim, long long off,
           Each&& each) {
    scope = s;  // assignment keeps the bound members' addresses
    limit = lim;
    offset = off;
    // Same types as when bound (they are part of the shape), so assigning
    // keeps every bound address.
    for (std::size_t i = 0; i < params.size(); ++i) params[i].second = values[i];
    // Also when each() throws (a row that does not read back): no statement is left open mid-fetch.
    struct Finish {
      Statement& st;
      Dialect dialect;
      ~Finish() { finish_cached(st, dialect); }
    } finish{st, dialect};
    if (st.execute(true)) {
      do {
        each(row);
      } while (st.fetch());
    }
  }
};

// Statements of long filters are not kept (bounded memory per connection).
inline constexpr std::size_t kMaxCachedQueryKey = 2048;

// A typed list request, flattened once per request: its shape (the statement
// cache key), its values, and how to emit its SQL on a cache miss.
struct ListShape {
  const ListRequest& request;
  std::string filter_shape;
  std::string sort_shape;
  std::vector<SqlValue> values;

  explicit ListShape(const ListRequest& r) : request(r) {
    if (r.filter) {
      append_shape(filter_shape, *r.filter);
      append_filter_values(values, *r.filter);
    }
    append_shape(sort_shape, r.sort);
  }
};

// Runs the statement of `kind` for this request shape; emit() makes its SQL
// text, called only when this connection has not prepared it yet. `kind` must
// name everything besides the shape that changes the SQL (e.g. a role scope).
template <class Row, class Scope, class Emit, class Each>
void run_filtered(Database& db, Connection& sql, const char* kind, bool with_sort, bool paged,
                  const ListShape& shape, const Scope& scope, Emit&& emit, Each&& each) {
  std::string key = kind;
  key += '\x1f';
  key += shape.filter_shape;
  if (with_sort) {
    key += '\x1f';
    key += shape.sort_shape;
  }
  const long long limit = shape.request.count, offset = shape.request.offset();
  if (key.size() > kMaxCachedQueryKey) {
    FilteredQuery<Row, Scope> once(sql, emit(), scope, shape.values, paged);
    once.run(db.dialect(), scope, shape.values, limit, offset, std::forward<Each>(each));
    return;
  }
  auto* q = db.find_keyed<FilteredQuery<Row, Scope>>(sql, key);
  if (q == nullptr) q = &db.cached_keyed<FilteredQuery<Row, Scope>>(sql, key, emit(), scope, shape.values, paged);
  q->run(db.dialect(), scope, shape.values, limit, offset, std::forward<Each>(each));
}

}  // namespace jogtrack::storage
