// The count cache as a decorator of RunStore: which total it hands the inner
// store (the one read at the owner's runs_version), when it keeps a counted
// one, its bounds, and that everything else passes straight through.
#include <gtest/gtest.h>

#include "list_requests.h"
#include "storage/count_caching_run_store.h"

namespace jogtrack::storage {
namespace {

using test_lists::runs;

ListRequest request(std::string_view filter, std::string_view sort = "") {
  return test_lists::request(runs(), filter, sort, "date");
}

// Behaves like the SQL store: one owner's runs_version, a count that finds
// `rows`, and a record of every hint it was given and every call.
struct FakeRuns : RunStore {
  std::int64_t version = 1;
  std::int64_t rows = 5;
  bool owner_live = true;
  int counts = 0;
  std::vector<std::optional<KnownTotal>> hints;
  std::vector<std::string> calls;

  RunRecord create(const RunValues&, const Deadline&) override {
    calls.push_back("create");
    return RunRecord{};
  }
  std::vector<RunRecord> create_many(const std::vector<RunValues>& runs, const Deadline&) override {
    calls.push_back("create_many");
    return std::vector<RunRecord>(runs.size());
  }
  std::optional<RunRecord> find(std::int64_t id) override {
    calls.push_back("find");
    RunRecord r;
    r.result_id = id;
    return r;
  }
  std::optional<RunRecord> update(std::int64_t, const RunValues&, const Deadline&, const VersionCheck&) override {
    calls.push_back("update");
    return std::nullopt;
  }
  bool remove(std::int64_t, const Deadline&, const VersionCheck& check) override {
    calls.push_back("remove");
    return check.allows(3);
  }
  // Both lists behave alike; the report's weeks are `weeks`, counted apart.
  template <class Row>
  VersionedPage<Row> read(const std::optional<KnownTotal>& known, std::int64_t found, int& counted) {
    hints.push_back(known);
    VersionedPage<Row> result;
    if (!owner_live) return result;
    result.runs_version = version;
    if (known && known->runs_version == version) {
      result.page.total = known->total;
    } else {
      ++counted;
      result.page.total = found;
      result.counted = true;
    }
    return result;
  }
  VersionedRunPage list_versioned(std::int64_t, const ListRequest&, const std::optional<KnownTotal>& known) override {
    return read<RunRecord>(known, rows, counts);
  }
  std::int64_t weeks = 11;
  int week_counts = 0;
  VersionedPage<WeekRow> weekly_versioned(std::int64_t, const ListRequest&,
                                          const std::optional<KnownTotal>& known) override {
    calls.push_back("weekly");
    return read<WeekRow>(known, weeks, week_counts);
  }
};

class CountCaching : public ::testing::Test {
 protected:
  explicit CountCaching(std::size_t max_entries = 16) {
    auto inner = std::make_unique<FakeRuns>();
    fake_ = inner.get();
    store_ = count_caching_run_store(std::move(inner), max_entries, 1 << 20);
  }
  FakeRuns* fake_;
  std::unique_ptr<RunStore> store_;
};

TEST_F(CountCaching, CountsOnceThenHandsTheTotalDown) {
  EXPECT_EQ(store_->list(7, request("distance gt 100")).total, 5);
  ASSERT_EQ(fake_->hints.size(), 1u);
  EXPECT_FALSE(fake_->hints[0]);
  EXPECT_EQ(store_->list(7, request("distance gt 100")).total, 5);
  ASSERT_EQ(fake_->hints.size(), 2u);
  ASSERT_TRUE(fake_->hints[1]);
  EXPECT_EQ(fake_->hints[1]->runs_version, 1);
  EXPECT_EQ(fake_->hints[1]->total, 5);
  EXPECT_EQ(fake_->counts, 1);
}

TEST_F(CountCaching, AMovedVersionRecountsAndReplacesTheTotal) {
  store_->list(7, request("distance gt 100"));
  fake_->version = 2;  // a run write (here or on another instance) bumped runs_version
  fake_->rows = 6;
  EXPECT_EQ(store_->list(7, request("distance gt 100")).total, 6);
  EXPECT_EQ(fake_->counts, 2);
  EXPECT_EQ(store_->list(7, request("distance gt 100")).total, 6);
  EXPECT_EQ(fake_->counts, 2);
  EXPECT_EQ(fake_->hints.back()->runs_version, 2);
}

TEST_F(CountCaching, KeyedByOwnerFilterShapeAndValuesNotSortOrPage) {
  store_->list(7, request("distance gt 100"));
  store_->list(8, request("distance gt 100"));      // another owner
  store_->list(7, request("distance gt 101"));      // another value
  store_->list(7, request("distance gt 100.5"));    // another value type
  store_->list(7, request("distance ge 100"));      // another operator
  store_->list(7, request(""));                     // no filter
  EXPECT_EQ(fake_->counts, 6);
  auto later_page = request("distance gt 100", "-distance");
  later_page.page = 3;
  store_->list(7, later_page);
  store_->list(8, request("distance gt 100"));
  store_->list(7, request(""));
  EXPECT_EQ(fake_->counts, 6);
}

TEST_F(CountCaching, AGoneOwnerIsNotRemembered) {
  fake_->owner_live = false;
  EXPECT_EQ(store_->list(7, request("")).total, 0);
  fake_->owner_live = true;
  store_->list(7, request(""));
  EXPECT_FALSE(fake_->hints.back());
  EXPECT_EQ(fake_->counts, 1);
}

TEST_F(CountCaching, AKnownTotalFromFurtherOutIsPassedOnAndNotStored) {
  const auto read = store_->list_versioned(7, request(""), KnownTotal{1, 42});
  EXPECT_EQ(read.page.total, 42);
  EXPECT_FALSE(read.counted);
  EXPECT_EQ(fake_->hints.back()->total, 42);
  store_->list(7, request(""));
  EXPECT_FALSE(fake_->hints.back());  // the caller's total was its own, not this cache's
}

class SmallCountCaching : public CountCaching {
 protected:
  SmallCountCaching() : CountCaching(2) {}
};

TEST_F(SmallCountCaching, StaysWithinItsBounds) {
  store_->list(1, request(""));
  store_->list(2, request(""));
  store_->list(1, request(""));
  EXPECT_EQ(fake_->counts, 2);
  store_->list(3, request(""));  // full: everything is dropped first
  store_->list(1, request(""));
  EXPECT_EQ(fake_->counts, 4);
}

TEST_F(CountCaching, ForwardsEverythingElse) {
  store_->create(RunValues{}, Deadline::never());
  EXPECT_EQ(store_->create_many(std::vector<RunValues>(3), Deadline::never()).size(), 3u);
  EXPECT_EQ(store_->find(9)->result_id, 9);
  store_->update(9, RunValues{}, Deadline::never(), {});
  EXPECT_FALSE(store_->remove(9, Deadline::never(), VersionCheck{std::vector<std::int64_t>{2}}));
  EXPECT_EQ(fake_->calls, (std::vector<std::string>{"create", "create_many", "find", "update", "remove"}));
  EXPECT_TRUE(fake_->hints.empty());
}

// The report's total of weeks is cached like a list's total, under its own
// keys: the same filter counts runs in one and weeks in the other.
TEST_F(CountCaching, WeeklyTotalsAreCachedApartFromRunTotals) {
  EXPECT_EQ(store_->weekly(7, request("distance gt 100")).total, 11);
  EXPECT_EQ(store_->list(7, request("distance gt 100")).total, 5);
  EXPECT_EQ(store_->weekly(7, request("distance gt 100")).total, 11);
  EXPECT_EQ(fake_->week_counts, 1);
  EXPECT_EQ(fake_->counts, 1);
  fake_->version = 2;
  fake_->weeks = 12;
  EXPECT_EQ(store_->weekly(7, request("distance gt 100")).total, 12);
  EXPECT_EQ(fake_->week_counts, 2);
}

}  // namespace
}  // namespace jogtrack::storage
