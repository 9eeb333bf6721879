// Importing a file's runs (runs/run_import): checks, bounded concurrent weather
// lookups, and all or nothing, over a real SQLite database and a fake provider.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/errors.h"
#include "runs/run_import.h"
#include "runs/run_service.h"
#include "service_fixture.h"

using namespace jogtrack;
using namespace jogtrack::runs;

namespace {

class CountingProvider : public weather::WeatherProvider {
 public:
  weather::Condition fetch(Days, weather::Location where) override {
    const int now = ++in_flight;
    for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(delay);
    --in_flight;
    ++calls;
    if (fail_at_latitude && where.latitude == *fail_at_latitude)
      throw ApiError(ErrorKind::NoWeatherData, "fake: no data");
    weather::Condition c;
    c.weather_code = 3;
    c.temperature_max = where.latitude;
    return c;
  }
  std::atomic<int> calls{0}, in_flight{0}, most{0};
  std::chrono::milliseconds delay{0};
  std::optional<double> fail_at_latitude;
};

class RunImportTest : public RunServiceFixture<CountingProvider> {
 protected:
  void SetUp() override {
    RunServiceFixture::SetUp();
    alice_ = make_user("alice", {"user"});
  }

  static imports::ImportedRun run(const char* date, double lat, std::int64_t distance = 3000) {
    imports::ImportedRun r;
    r.date = *parse_date(date);
    r.distance = distance;
    r.time = 900;
    char loc[64];
    std::snprintf(loc, sizeof loc, "%.4f 10.0000", lat);
    r.location = loc;
    r.where = *weather::parse_location(r.location);
    r.source = std::string("line for ") + loc;
    return r;
  }

  std::int64_t stored() {
    storage::ListRequest q;
    q.sort = filter::parse_sort("", run_schema(true), kDefaultRunSort);
    return service_->list(alice_, std::nullopt, q).total;
  }

  Days today() const { return *parse_date("2026-01-01"); }

  users::Caller alice_;
};

TEST_F(RunImportTest, StoresEveryRunAndLooksUpEachPlaceAndDayOnce) {
  std::vector<imports::ImportedRun> runs;
  for (int i = 0; i < 30; ++i) runs.push_back(run(i % 2 ? "2019-05-01" : "2019-05-02", 10.0 + i % 3, 1000 + i));
  const auto created = service_->import(alice_, std::nullopt, runs, today(), Deadline::never());
  ASSERT_EQ(created.size(), 30u);
  EXPECT_EQ(provider_.calls, 6);  // 2 days x 3 places
  EXPECT_EQ(created[7].distance, 1007);
  EXPECT_EQ(created[7].user_id, alice_.user_id);
  // Typed as given, with each run's own day's weather (the fake answers with the latitude).
  EXPECT_EQ(created[7].date, *parse_date("2019-05-01"));
  EXPECT_EQ(created[7].where, (weather::Location{11.0, 10.0}));
  ASSERT_TRUE(created[7].condition.typed());
  EXPECT_EQ(created[7].condition.typed()->temperature_max, 11.0);
  // What the import answers is what is stored.
  EXPECT_EQ(service_->get(alice_, created[7].result_id), created[7]);
  EXPECT_EQ(stored(), 30);
}

TEST_F(RunImportTest, LookupsRunConcurrentlyButBounded) {
  provider_.delay = std::chrono::milliseconds(30);
  std::vector<imports::ImportedRun> runs;
  for (int i = 0; i < 16; ++i) runs.push_back(run("2019-05-01", 1.0 + i));
  service_->import(alice_, std::nullopt, runs, today(), Deadline::never());
  EXPECT_EQ(provider_.calls, 16);
  EXPECT_LE(provider_.most, static_cast<int>(kImportLookupThreads));
  EXPECT_GT(provider_.most, 1);
}

TEST_F(RunImportTest, OneMissingWeatherStoresNothing) {
  provider_.fail_at_latitude = 12.0;
  std::vector<imports::ImportedRun> runs = {run("2019-05-01", 11.0), run("2019-05-01", 12.0), run("2019-05-01", 13.0)};
  try {
    service_->import(alice_, std::nullopt, runs, today(), Deadline::never());
    FAIL() << "expected NoWeatherData";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NoWeatherData);
  }
  EXPECT_EQ(stored(), 0);
}

TEST_F(RunImportTest, ARunOutOfRangeIsNamedBeforeAnyLookup) {
  std::vector<imports::ImportedRun> runs = {run("2019-05-01", 11.0), run("2026-01-02", 12.0)};
  try {
    service_->import(alice_, std::nullopt, runs, today(), Deadline::never());
    FAIL() << "expected a validation error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    EXPECT_NE(std::string(e.what()).find("line for 12.0000 10.0000: date"), std::string::npos) << e.what();
  }
  runs = {run("2019-05-01", 11.0, 0)};
  EXPECT_THROW(service_->import(alice_, std::nullopt, runs, today(), Deadline::never()), ApiError);
  EXPECT_EQ(provider_.calls, 0);
  EXPECT_EQ(stored(), 0);
}

TEST_F(RunImportTest, OnlyAdminsNameAnotherUser) {
  try {
    service_->import(alice_, alice_.user_id + 1, {run("2019-05-01", 11.0)}, today(), Deadline::never());
    FAIL() << "expected Forbidden";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Forbidden);
  }
}

TEST_F(RunImportTest, APassedDeadlineStoresNothing) {
  EXPECT_THROW(service_->import(alice_, std::nullopt, {run("2019-05-01", 11.0)}, today(),
                                Deadline::at(std::chrono::steady_clock::now() - std::chrono::seconds(1))),
               ApiError);
  EXPECT_EQ(stored(), 0);
}

}  // namespace
