// The list SQL run on both dialects: the same typed requests give the same
// answers on SQLite and PostgreSQL (fractions against integer columns, by-day
// timestamps, sorts, the weekly report from weekly_totals and from grouped
// runs, the users' role scope, and statements reused across requests).
#include <gtest/gtest.h>

#include "common/dates.h"
#include "list_requests.h"
#include "storage/count_caching_run_store.h"
#include "storage/database.h"
#include "storage/run_store.h"
#include "storage/user_store.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {


using namespace test_lists;

class ListStores : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_NO_THROW(backend_.open(GetParam(), "lists", 2));
    users_ = std::make_unique<SociUserStore>(*backend_.db);
    runs_ = std::make_unique<SociRunStore>(*backend_.db);
  }

  std::int64_t add_user(const std::string& name, const std::string& role) {
    return users_->create(NewUser{name, name, std::nullopt, std::nullopt, {role}, role, "hash"}).user_id;
  }
  void add_run(std::int64_t user, const char* date, std::int64_t distance, std::int64_t time) {
    RunValues v;
    v.user_id = user;
    v.date = *parse_date(date);
    v.distance = distance;
    v.time = time;
    v.speed = static_cast<double>(distance) / static_cast<double>(time);
    v.location = "1 2";
    v.where = {1, 2};
    const IsoWeek w = iso_week(*parse_date(date));
    v.iso_year = w.year;
    v.iso_week = w.week;
    runs_->create(v, Deadline::never());
  }

  test_env::ScratchBackend backend_;  // destroyed last: the stores below use its database
  std::unique_ptr<SociUserStore> users_;
  std::unique_ptr<SociRunStore> runs_;
};

TEST_P(ListStores, SameAnswersOnBothDialects) {
  const auto alice = add_user("alice", "user");
  const auto bob = add_user("bob", "manager");
  add_run(alice, "2021-01-04", 1500, 600);  // 2021-W01
  add_run(alice, "2021-01-05", 1501, 600);  // 2021-W01
  add_run(alice, "2021-01-11", 5000, 1000);  // 2021-W02
  add_run(bob, "2021-01-04", 9999, 1);

  // A fraction against an integer column compares as reals (a bigint parameter would fail on PostgreSQL).
  auto page = runs_->list(alice, request(runs(), "distance gt 1500.5", "", "date"));
  EXPECT_EQ(page.total, 2);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].date, *parse_date("2021-01-05"));
  // Timestamps by day, and the same shape with other values reuses the prepared statement.
  EXPECT_EQ(runs_->list(alice, request(runs(), "created_at eq 2020-01-01 or created_at gt 2020-01-01", "", "date"))
                .total,
            3);
  EXPECT_EQ(runs_->list(alice, request(runs(), "created_at eq 2000-01-01 or created_at gt 2030-01-01", "", "date"))
                .total,
            0);
  page = runs_->list(alice, request(runs(), "", "-distance", "date"));
  ASSERT_EQ(page.items.size(), 3u);
  EXPECT_EQ(page.items[0].distance, 5000);
  EXPECT_EQ(page.items[2].distance, 1500);
  auto paged = request(runs(), "", "date", "date");
  paged.count = 2;
  paged.page = 1;
  page = runs_->list(alice, paged);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].date, *parse_date("2021-01-11"));

  // The weekly report: weekly_totals when unfiltered, grouped runs when filtered.
  auto weeks_page = runs_->weekly(alice, request(runs(), "", "-total_distance", "week", &weeks()));
  ASSERT_EQ(weeks_page.items.size(), 2u);
  EXPECT_EQ(weeks_page.items[0].week, 2);
  EXPECT_EQ(weeks_page.items[1].total_distance, 3001);
  weeks_page = runs_->weekly(alice, request(runs(), "speed lt 4", "-total_distance", "week", &weeks()));
  ASSERT_EQ(weeks_page.items.size(), 1u);
  EXPECT_EQ(weeks_page.items[0].week, 1);
  EXPECT_EQ(weeks_page.items[0].runs, 2);

  // Users: the role scope is bound like a value; the filter comes on top.
  EXPECT_EQ(users_->list(request(users(), "", "", "user_id"), std::nullopt).total, 2);
  const auto managers = users_->list(request(users(), "", "", "user_id"), std::string("manager"));
  ASSERT_EQ(managers.items.size(), 1u);
  EXPECT_EQ(managers.items[0].user_id, bob);
  EXPECT_EQ(users_->list(request(users(), "user_id eq " + std::to_string(bob), "", "user_id"), std::string("user"))
                .total,
            0);
}

// Another instance on the same database with its own count cache: the
// runs_version it reads on the page's connection moves with every write made
// here, so its cached totals never go stale.
TEST_P(ListStores, CachedTotalsFollowWritesOfAnotherInstance) {
  const auto alice = add_user("alice", "user");
  add_run(alice, "2021-01-04", 1500, 600);
  Database other_db(backend_.url, 1);
  const auto other = count_caching_run_store(std::make_unique<SociRunStore>(other_db));
  const auto long_runs = request(runs(), "distance gt 1000", "", "date");
  EXPECT_EQ(other->list(alice, long_runs).total, 1);
  EXPECT_EQ(other->list(alice, long_runs).total, 1);  // from the cache
  add_run(alice, "2021-01-05", 2000, 600);
  auto page = other->list(alice, long_runs);
  EXPECT_EQ(page.total, 2);
  EXPECT_EQ(page.items.size(), 2u);
  add_run(alice, "2021-01-06", 500, 600);  // not matched, still a new version
  EXPECT_EQ(other->list(alice, long_runs).total, 2);
  EXPECT_EQ(other->list(alice, request(runs(), "", "", "date")).total, 3);
  // A deleted owner has no visible runs, whatever was cached.
  EXPECT_TRUE(users_->remove(alice, alice, {}));
  EXPECT_EQ(other->list(alice, long_runs).total, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ListStores, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace jogtrack::storage
