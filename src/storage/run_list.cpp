// Lists of runs and the weekly report: a typed ListRequest in, statements
// cached per connection by the request's shape; a known total (the count
// cache, count_caching_run_store.cpp) spares the count while it holds.
#include <optional>
#include <utility>
#include <vector>

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
  void bind(Binder& b) {
    b.into(version);
    b.use(user_id, "uid");
  }
};

// Runs of one owner (the runs service's visibility rule).
struct OwnerScope {
  long long owner = 0;
  void bind(Binder& b) { b.use(owner, "owner"); }
};

// The columns of one week of the report.
struct WeekCols {
  int iso_year = 0, iso_week = 0;
  long long runs = 0, distance = 0, time = 0;
  void bind(Binder& b) {
    b.into(iso_year);
    b.into(iso_week);
    b.into(runs);
    b.into(distance);
    b.into(time);
  }
};

// The live owner's runs_version; nullopt if the owner is gone (or unknown).
std::optional<long long> read_runs_version(Database& db, Connection& sql, long long owner) {
  auto& version = db.prepared<RunsVersionVars>(sql, queries::kReadRunsVersion);
  version.vars.user_id = owner;
  version.st.execute(true);
  const bool live = version.st.got_data();
  const long long runs_version = version.vars.version;
  finish_cached(version.st, db.dialect());
  if (!live) return std::nullopt;
  return runs_version;
}

// The COUNT(*) of `kind` (a statement cached by the request's shape, like the page's).
template <class Emit>
long long count_of(Database& db, Connection& sql, const char* kind, const ListShape& shape, const OwnerScope& scope,
                   Emit&& emit) {
  long long total = 0;
  run_filtered<CountRow>(db, sql, kind, false, false, shape, scope, std::forward<Emit>(emit),
                         [&](const CountRow& row) { total = row.total; });
  return total;
}

// One page of a list whose total a cache may know: reads the owner's
// runs_version, takes `known` if it was taken at that version or else
// count(), then page() unless the page lies past the end.
template <class Row, class Count, class ReadPage>
VersionedPage<Row> versioned_page(Database& db, Connection& sql, long long owner, const ListRequest& request,
                                  const std::optional<KnownTotal>& known, Count&& count, ReadPage&& page) {
  VersionedPage<Row> result;
  const auto runs_version = read_runs_version(db, sql, owner);
  if (!runs_version) return result;  // a deleted (or unknown) owner has no visible runs
  result.runs_version = runs_version;
  // Read before the count: a write committed in between is at worst already
  // counted, and its new version makes this total stale for the next list.
  if (known && known->runs_version == *runs_version) {
    result.page.total = known->total;
  } else {
    result.page.total = count();
    result.counted = true;
  }
  if (result.page.total > request.offset()) page(result.page.items);
  return result;
}

}  // namespace

VersionedRunPage SociRunStore::list_versioned(std::int64_t owner_id, const ListRequest& request,
                                              const std::optional<KnownTotal>& known) {
  return db_.run("list runs", Retry::Safe, [&](Connection& sql) {
    const OwnerScope scope{owner_id};
    const ListShape shape(request);
    return versioned_page<RunRecord>(
        db_, sql, owner_id, request, known,
        [&] { return count_of(db_, sql, "list count", shape, scope, [&] { return queries::run_count(request); }); },
        [&](std::vector<RunRecord>& items) {
          run_filtered<RunRow>(
              db_, sql, "list page", true, true, shape, scope, [&] { return queries::run_page(request); },
              [&](RunRow& row) { items.push_back(row.take()); });
        });
  });
}

VersionedPage<WeekRow> SociRunStore::weekly_versioned(std::int64_t owner_id, const ListRequest& request,
                                                      const std::optional<KnownTotal>& known) {
  return db_.run("weekly report", Retry::Safe, [&](Connection& sql) {
    const OwnerScope scope{owner_id};
    const ListShape shape(request);
    return versioned_page<WeekRow>(
        db_, sql, owner_id, request, known,
        [&] { return count_of(db_, sql, "weekly count", shape, scope, [&] { return queries::week_count(request); }); },
        [&](std::vector<WeekRow>& items) {
          run_filtered<WeekCols>(
              db_, sql, "weekly page", true, true, shape, scope, [&] { return queries::week_page(request); },
              [&](const WeekCols& row) {
                items.push_back(WeekRow{row.iso_year, row.iso_week, row.runs, row.distance, row.time});
              });
        });
  });
}

}  // namespace jogtrack::storage
