// The store SQL of lists: given a typed request, the statement text and the
// values bound to it (list SQL is the same on SQLite and PostgreSQL; the
// backend tests run it on both), and the count cache.
#include <gtest/gtest.h>

#include "list_requests.h"
#include "storage/count_cache.h"
#include "storage/list_queries.h"
#include "storage/list_sql.h"

namespace jogtrack::storage {
namespace {

using Params = std::vector<std::pair<std::string, SqlValue>>;

using namespace test_lists;

Params params_of(const ListRequest& r) {
  std::vector<SqlValue> values;
  if (r.filter) append_filter_values(values, *r.filter);
  return named_params(values);
}

constexpr const char* kLiveRuns = " FROM runs r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL ";

TEST(RunListSql, UnfilteredDefaultSort) {
  const auto r = request(runs(), "", "", "date");
  EXPECT_EQ(queries::run_count(r), std::string("SELECT COUNT(*)") + kLiveRuns + "WHERE r.user_id = :owner");
  EXPECT_EQ(queries::run_page(r),
            std::string("SELECT r.result_id, r.user_id, r.date, r.distance, r.time, r.speed, r.location, "
                        "r.latitude, r.longitude, r.condition, r.iso_year, r.iso_week, r.created_at, "
                        "r.updated_at, r.version") +
                kLiveRuns + "WHERE r.user_id = :owner ORDER BY r.date ASC, r.result_id ASC LIMIT :lim OFFSET :off");
  EXPECT_TRUE(params_of(r).empty());
}

TEST(RunListSql, FilteredAndSorted) {
  const auto r = request(runs(), "(date ge '2019-01-01') and (distance gt 1000)", "-distance,result_id", "date");
  EXPECT_EQ(queries::run_count(r), std::string("SELECT COUNT(*)") + kLiveRuns +
                                       "WHERE r.user_id = :owner AND ((r.date >= :f0) AND (r.distance > :f1))");
  const std::string page = queries::run_page(r);
  EXPECT_NE(page.find("WHERE r.user_id = :owner AND ((r.date >= :f0) AND (r.distance > :f1)) ORDER BY "
                      "r.distance DESC, r.result_id ASC LIMIT :lim OFFSET :off"),
            std::string::npos)
      << page;
  EXPECT_EQ(params_of(r), (Params{{"f0", std::string("2019-01-01")}, {"f1", std::int64_t{1000}}}));
}

TEST(RunListSql, AdminUserIdField) {
  const auto r = request(runs(), "user_id eq 7", "", "date");
  EXPECT_NE(queries::run_count(r).find("AND (r.user_id = :f0)"), std::string::npos);
}

TEST(WeekListSql, UnfilteredReadsWeeklyTotals) {
  const std::string totals =
      " FROM weekly_totals r JOIN users u ON u.user_id = r.user_id AND u.deleted_at IS NULL WHERE r.user_id = :owner";
  const auto r = request(runs(), "", "", "week", &weeks());
  EXPECT_EQ(queries::week_count(r), "SELECT COUNT(*)" + totals);
  EXPECT_EQ(queries::week_page(r), "SELECT r.iso_year, r.iso_week, r.runs, r.total_distance, r.total_time" +
                                       totals + " ORDER BY r.iso_year ASC, r.iso_week ASC LIMIT :lim OFFSET :off");
  // Every week field maps to weekly_totals' columns (what totals_order_by used to rewrite).
  const std::pair<const char*, const char*> cases[] = {
      {"-runs", "r.runs DESC, r.iso_year, r.iso_week ASC"},
      {"total_distance", "r.total_distance ASC, r.iso_year, r.iso_week ASC"},
      {"total_time", "r.total_time ASC, r.iso_year, r.iso_week ASC"},
      {"average_speed", "(1.0 * r.total_distance / r.total_time) ASC, r.iso_year, r.iso_week ASC"},
      {"-average_distance,week", "(1.0 * r.total_distance / r.runs) DESC, r.iso_year ASC, r.iso_week ASC"},
  };
  for (const auto& [sort, order] : cases) {
    const auto sorted = request(runs(), "", sort, "week", &weeks());
    EXPECT_NE(queries::week_page(sorted).find(" ORDER BY " + std::string(order) + " LIMIT"), std::string::npos)
        << sort << ": " << queries::week_page(sorted);
  }
}

TEST(WeekListSql, FilteredGroupsTheMatchingRuns) {
  const auto r = request(runs(), "distance ge 5000", "-total_distance", "week", &weeks());
  EXPECT_EQ(queries::week_count(r), std::string("SELECT COUNT(*) FROM (SELECT r.iso_year") + kLiveRuns +
                                        "WHERE r.user_id = :owner AND (r.distance >= :f0) GROUP BY r.iso_year, "
                                        "r.iso_week) weeks");
  EXPECT_EQ(queries::week_page(r),
            std::string("SELECT r.iso_year, r.iso_week, COUNT(*), CAST(SUM(r.distance) AS BIGINT), "
                        "CAST(SUM(r.time) AS BIGINT)") +
                kLiveRuns +
                "WHERE r.user_id = :owner AND (r.distance >= :f0) GROUP BY r.iso_year, r.iso_week ORDER BY "
                "SUM(r.distance) DESC, r.iso_year, r.iso_week ASC LIMIT :lim OFFSET :off");
  EXPECT_EQ(params_of(r), (Params{{"f0", std::int64_t{5000}}}));
}

TEST(UserListSql, RoleScopeAndFilter) {
  const auto all = request(users(), "", "", "user_id");
  EXPECT_EQ(queries::user_count(all, false), "SELECT COUNT(*) FROM users u WHERE u.deleted_at IS NULL");
  EXPECT_EQ(queries::user_count(all, true),
            "SELECT COUNT(*) FROM users u WHERE u.deleted_at IS NULL AND u.role = :only_role");
  const auto r = request(users(), "role ne 'admin'", "-user_id", "user_id");
  EXPECT_EQ(queries::user_page(r, true),
            "SELECT u.user_id, u.username, u.email, u.name, u.scopes, u.role, u.password_hash, u.created_at, "
            "u.updated_at, u.version FROM users u WHERE u.deleted_at IS NULL AND u.role = :only_role "
            "AND (u.role <> :f0) "
            "ORDER BY u.user_id DESC LIMIT :lim OFFSET :off");
  EXPECT_EQ(params_of(r), (Params{{"f0", std::string("admin")}}));
}

TEST(ListShape, SameShapeDifferentValuesShareTheKey) {
  std::string a, b, c, d;
  append_shape(a, *request(runs(), "distance gt 1 and date ge 2019-01-01", "", "date").filter);
  append_shape(b, *request(runs(), "distance gt 99 and date ge 2020-02-02", "", "date").filter);
  append_shape(c, *request(runs(), "distance gt 1.5 and date ge 2019-01-01", "", "date").filter);  // CAST
  append_shape(d, *request(runs(), "distance ge 1 and date ge 2019-01-01", "", "date").filter);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(a, d);
  std::string s1, s2;
  append_shape(s1, request(runs(), "", "-date", "date").sort);
  append_shape(s2, request(runs(), "", "date", "date").sort);
  EXPECT_NE(s1, s2);
}

TEST(CountCache, HitsOnlyAtTheSameVersion) {
  CountCache cache;
  EXPECT_FALSE(cache.find("k", 1));
  cache.store("k", 1, 42);
  EXPECT_EQ(cache.find("k", 1), 42);
  EXPECT_FALSE(cache.find("k", 2));  // a write bumped the version: stale
  cache.store("k", 2, 43);
  EXPECT_EQ(cache.find("k", 2), 43);
  EXPECT_FALSE(cache.find("k", 1));
  EXPECT_FALSE(cache.find("other", 2));
}

TEST(CountCache, BoundedByEntriesAndKeyBytes) {
  CountCache by_entries(2, 1 << 20);
  by_entries.store("a", 1, 1);
  by_entries.store("b", 1, 2);
  EXPECT_EQ(by_entries.size(), 2u);
  by_entries.store("a", 2, 3);  // an update takes no new room
  EXPECT_EQ(by_entries.size(), 2u);
  by_entries.store("c", 1, 4);  // full: everything is dropped first
  EXPECT_EQ(by_entries.size(), 1u);
  EXPECT_EQ(by_entries.find("c", 1), 4);
  EXPECT_FALSE(by_entries.find("a", 2));

  CountCache by_bytes(100, 10);
  by_bytes.store("12345", 1, 1);
  by_bytes.store("67890", 1, 2);
  EXPECT_EQ(by_bytes.size(), 2u);
  by_bytes.store("x", 1, 3);
  EXPECT_EQ(by_bytes.size(), 1u);
}

}  // namespace
}  // namespace jogtrack::storage
