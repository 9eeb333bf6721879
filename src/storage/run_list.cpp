// Lists of runs and the weekly report: a typed ListRequest in, statements
// cached per connection by the request's shape, totals by the count cache.
#include <cstring>

#include "storage/list_queries.h"
#include "storage/list_sql.h"
#include "storage/run_queries.h"
#include "storage/run_rows.h"
#include "storage/run_store.h"

namespace jogtrack::storage {

namespace {

// The live owner's runs_version (kReadRunsVersion; no row: the owner is gone).
struct RunsVersionVars {
  long long user_id = 0, version = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(version));
    st.exchange(soci::use(user_id, "uid"));
  }
};

// The columns of a COUNT(*) or of one week, as SOCI into-targets.
struct CountRow {
  long long total = 0;
  void bind(soci::statement& st) { st.exchange(soci::into(total)); }
};

struct WeekCols {
  int iso_year = 0, iso_week = 0;
  long long runs = 0, distance = 0, time = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(iso_year));
    st.exchange(soci::into(iso_week));
    st.exchange(soci::into(runs));
    st.exchange(soci::into(distance));
    st.exchange(soci::into(time));
  }
};

// A list, count or report query whose SQL depends on the request's filter and
// sort, cached per connection by the request's shape (list_sql.h
// append_shape). Re-run it by assigning owner, limit, offset and the values.
template <class Row>
struct FilteredQuery final : CachedStatement {
  Row row;
  long long owner = 0, limit = 0, offset = 0;
  std::vector<std::pair<std::string, SqlValue>> params;
  soci::statement st;

  FilteredQuery(soci::session& sql, const std::string& text, const std::vector<SqlValue>& values, bool paged)
      : params(named_params(values)), st(sql) {
    row.bind(st);
    st.exchange(soci::use(owner, "owner"));
    bind_params(st, params);
    if (paged) {
      st.exchange(soci::use(limit, "lim"));
      st.exchange(soci::use(offset, "off"));
    }
    st.alloc();
    st.prepare(text);
    st.define_and_bind();
  }

  // Runs the statement with the request's values; each(row) per row fetched.
  template <class Each>
  void run(Dialect dialect, long long owner_id, const std::vector<SqlValue>& values, long long lim, long long off,
           Each&& each) {
    owner = owner_id;
    limit = lim;
    offset = off;
    // Same types as when bound (they are part of the shape), so assigning
    // keeps every bound address.
    for (std::size_t i = 0; i < params.size(); ++i) params[i].second = values[i];
    if (st.execute(true)) {
      do {
        each(row);
      } while (st.fetch());
    }
    finish_cached(st, dialect);
  }
};

// Statements of long filters are not kept (bounded memory per connection).
constexpr std::size_t kMaxCachedQueryKey = 2048;

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
// text, called only when this connection has not prepared it yet.
template <class Row, class Emit, class Each>
void run_filtered(Database& db, soci::session& sql, const char* kind, bool with_sort, bool paged,
                  const ListShape& shape, long long owner, Emit&& emit, Each&& each) {
  std::string key = kind;
  key += '\x1f';
  key += shape.filter_shape;
  if (with_sort) {
    key += '\x1f';
    key += shape.sort_shape;
  }
  const long long limit = shape.request.count, offset = shape.request.offset();
  if (key.size() > kMaxCachedQueryKey) {
    FilteredQuery<Row> once(sql, emit(), shape.values, paged);
    once.run(db.dialect(), owner, shape.values, limit, offset, std::forward<Each>(each));
    return;
  }
  auto* q = db.find_keyed<FilteredQuery<Row>>(sql, key);
  if (q == nullptr) q = &db.cached_keyed<FilteredQuery<Row>>(sql, key, emit(), shape.values, paged);
  q->run(db.dialect(), owner, shape.values, limit, offset, std::forward<Each>(each));
}

// The key of a cached total: owner, filter shape and every value.
std::string totals_key(long long owner, const ListShape& shape) {
  std::string key = std::to_string(owner);
  key += '\x1f';
  key += shape.filter_shape;
  for (const auto& value : shape.values) {
    key += '\x1f';
    if (auto* i = std::get_if<std::int64_t>(&value)) {
      key += "i" + std::to_string(*i);
    } else if (auto* d = std::get_if<double>(&value)) {
      char bytes[sizeof(double)];
      std::memcpy(bytes, d, sizeof bytes);
      key += "d";
      key.append(bytes, sizeof bytes);
    } else {
      key += "s" + std::get<std::string>(value);
    }
  }
  return key;
}

}  // namespace

Page<RunRecord> SociRunStore::list(std::int64_t owner_id, const ListRequest& request) {
  return db_.run("list runs", Retry::Safe, [&](soci::session& sql) {
    const long long owner = owner_id;
    const ListShape shape(request);

    Page<RunRecord> page;
    auto& version = db_.prepared<RunsVersionVars>(sql, queries::kReadRunsVersion);
    version.vars.user_id = owner;
    version.st.execute(true);
    const bool live = version.st.got_data();
    const long long runs_version = version.vars.version;
    finish_cached(version.st, db_.dialect());
    if (!live) return page;  // a deleted (or unknown) owner has no visible runs

    const std::string key = totals_key(owner, shape);
    if (const auto cached = totals_.find(key, runs_version)) {
      page.total = *cached;
    } else {
      long long total = 0;
      run_filtered<CountRow>(
          db_, sql, "list count", false, false, shape, owner,
          [&] { return queries::run_count(request); },
          [&](const CountRow& row) { total = row.total; });
      page.total = total;
      totals_.store(key, runs_version, total);
    }
    if (page.total <= request.offset()) return page;
    run_filtered<RunRow>(
        db_, sql, "list page", true, true, shape, owner,
        [&] { return queries::run_page(request); },
        [&](const RunRow& row) { page.items.push_back(row.record); });
    return page;
  });
}

Page<WeekRow> SociRunStore::weekly(std::int64_t owner_id, const ListRequest& request) {
  return db_.run("weekly report", Retry::Safe, [&](soci::session& sql) {
    const long long owner = owner_id;
    const ListShape shape(request);

    Page<WeekRow> page;
    run_filtered<CountRow>(
        db_, sql, "weekly count", false, false, shape, owner,
        [&] { return queries::week_count(request); },
        [&](const CountRow& row) { page.total = row.total; });
    if (page.total <= request.offset()) return page;
    run_filtered<WeekCols>(
        db_, sql, "weekly page", true, true, shape, owner,
        [&] { return queries::week_page(request); },
        [&](const WeekCols& row) {
          page.items.push_back(WeekRow{row.iso_year, row.iso_week, row.runs, row.distance, row.time});
        });
    return page;
  });
}

}  // namespace jogtrack::storage
