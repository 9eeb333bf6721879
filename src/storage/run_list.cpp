// Lists of runs and the weekly report: a typed ListRequest in, statements
// cached per connection by the request's shape; a known total (the count
// cache, count_caching_run_store.cpp) spares the count while it holds.
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

}  // namespace

VersionedRunPage SociRunStore::list_versioned(std::int64_t owner_id, const ListRequest& request,
                                              const std::optional<KnownTotal>& known) {
  return db_.run("list runs", Retry::Safe, [&](soci::session& sql) {
    const long long owner = owner_id;
    const OwnerScope scope{owner};
    const ListShape shape(request);

    VersionedRunPage result;
    Page<RunRecord>& page = result.page;
    auto& version = db_.prepared<RunsVersionVars>(sql, queries::kReadRunsVersion);
    version.vars.user_id = owner;
    version.st.execute(true);
    const bool live = version.st.got_data();
    const long long runs_version = version.vars.version;
    finish_cached(version.st, db_.dialect());
    if (!live) return result;  // a deleted (or unknown) owner has no visible runs
    result.runs_version = runs_version;

    // Read before the count: a write committed in between is at worst already
    // counted, and its new version makes this total stale for the next list.
    if (known && known->runs_version == runs_version) {
      page.total = known->total;
    } else {
      long long total = 0;
      run_filtered<CountRow>(
          db_, sql, "list count", false, false, shape, scope,
          [&] { return queries::run_count(request); },
          [&](const CountRow& row) { total = row.total; });
      page.total = total;
      result.counted = true;
    }
    if (page.total <= request.offset()) return result;
    run_filtered<RunRow>(
        db_, sql, "list page", true, true, shape, scope,
        [&] { return queries::run_page(request); },
        // Moved out: the next fetch assigns every column again.
        [&](RunRow& row) { page.items.push_back(std::move(row.record)); });
    return result;
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
