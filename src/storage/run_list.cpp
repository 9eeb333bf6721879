// Lists of runs and the weekly report: a typed ListRequest in, statements
// cached per connection by the request's shape, totals by the count cache.
#include <cstring>

#include "storage/list_queries.h"
#include "storage/list_statement.h"
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

// Runs of one owner (the runs service's visibility rule).
struct OwnerScope {
  long long owner = 0;
  void bind(soci::statement& st) { st.exchange(soci::use(owner, "owner")); }
};

// The columns of one week, as SOCI into-targets.
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
    const OwnerScope scope{owner};
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
          db_, sql, "list count", false, false, shape, scope,
          [&] { return queries::run_count(request); },
          [&](const CountRow& row) { total = row.total; });
      page.total = total;
      totals_.store(key, runs_version, total);
    }
    if (page.total <= request.offset()) return page;
    run_filtered<RunRow>(
        db_, sql, "list page", true, true, shape, scope,
        [&] { return queries::run_page(request); },
        [&](RunRow& row) { page.items.push_back(row.take()); });
    return page;
  });
}

Page<WeekRow> SociRunStore::weekly(std::int64_t owner_id, const ListRequest& request) {
  return db_.run("weekly report", Retry::Safe, [&](soci::session& sql) {
    const long long owner = owner_id;
    const OwnerScope scope{owner};
    const ListShape shape(request);

    Page<WeekRow> page;
    run_filtered<CountRow>(
        db_, sql, "weekly count", false, false, shape, scope,
        [&] { return queries::week_count(request); },
        [&](const CountRow& row) { page.total = row.total; });
    if (page.total <= request.offset()) return page;
    run_filtered<WeekCols>(
        db_, sql, "weekly page", true, true, shape, scope,
        [&] { return queries::week_page(request); },
        [&](const WeekCols& row) {
          page.items.push_back(WeekRow{row.iso_year, row.iso_week, row.runs, row.distance, row.time});
        });
    return page;
  });
}

}  // namespace jogtrack::storage
