// RunService over a real SQLite database (SociRunStore) and a fake weather provider.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "common/errors.h"
#include "runs/run_service.h"
#include "service_fixture.h"
#include "storage/database.h"

using namespace jogtrack;
using namespace jogtrack::runs;

namespace {

Days day(const char* text) { return *parse_date(text); }

class FakeProvider : public weather::WeatherProvider {
 public:
  weather::Condition fetch(Days date, weather::Location where) override {
    ++calls;
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (fail) throw ApiError(*fail, "fake provider failure", {}, 30);
    weather::Condition c;
    c.weather_code = 61;
    c.summary = "Slight rain";
    c.temperature_max = where.latitude;
    c.temperature_min = where.longitude;
    c.precipitation_sum = 1.5;
    c.wind_speed_max = 12.25;
    c.sunrise = format_date(date) + "T06:00";
    return c;
  }
  std::atomic<int> calls{0};
  std::optional<ErrorKind> fail;
  std::chrono::milliseconds delay{0};
};

class RunServiceTest : public RunServiceFixture<FakeProvider> {
 protected:
  void SetUp() override {
    RunServiceFixture::SetUp();
    alice_ = make_user("alice", {"user"});
    bob_ = make_user("bob", {"user"});
    manager_ = make_user("manny", {"user", "manager"});
    admin_ = make_user("root", {"user", "admin"});
  }

  NewRun run(const char* date, std::int64_t distance, std::int64_t time, const char* location = "32.0853 34.7818") {
    NewRun r;
    r.date = day(date);
    r.distance = distance;
    r.time = time;
    r.location = location;
    r.where = *weather::parse_location(location);
    return r;
  }

  void expect_error(ErrorKind kind, const std::function<void()>& f) {
    try {
      f();
      ADD_FAILURE() << "expected an ApiError";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), kind) << e.what();
    }
  }

  storage::ListRequest all() {
    storage::ListRequest q;
    q.sort = filter::parse_sort("", run_schema(true), kDefaultRunSort);
    q.count = 1000;
    return q;
  }

  // Every week, in (year, week) order: the weekly report sorts by week fields
  // (reports::week_sort_schema(); only its name matters to storage).
  static storage::ListRequest weeks(std::optional<filter::Expr> runs_filter = std::nullopt) {
    static const filter::Schema week_schema({{"week", filter::FieldType::Integer}});
    storage::ListRequest q;
    q.filter = std::move(runs_filter);
    q.sort = filter::parse_sort("", week_schema, "week");
    q.count = 1000;
    return q;
  }

  users::Caller alice_, bob_, manager_, admin_;
};

TEST_F(RunServiceTest, CreateStoresDerivedValuesAndWeather) {
  const auto r = service_->create(alice_, std::nullopt, run("2017-01-01", 2000, 500), Deadline::never());
  EXPECT_GT(r.result_id, 0);
  EXPECT_EQ(r.user_id, alice_.user_id);
  EXPECT_EQ(r.date, day("2017-01-01"));
  EXPECT_DOUBLE_EQ(r.speed, 4.0);
  EXPECT_EQ(r.created_at, r.updated_at);
  EXPECT_EQ(r.location, "32.0853 34.7818");
  EXPECT_EQ(r.where, (weather::Location{32.0853, 34.7818}));
  // The provider is asked with coordinates rounded to 0.01 degrees.
  ASSERT_TRUE(r.condition.typed());
  EXPECT_DOUBLE_EQ(*r.condition.typed()->temperature_max, 32.09);
  EXPECT_DOUBLE_EQ(*r.condition.typed()->temperature_min, 34.78);
  EXPECT_EQ(provider_.calls, 1);
  // Read back, the run is the one created, every typed field equal.
  EXPECT_EQ(service_->get(alice_, r.result_id), r);
  // Stored week: 2017-01-01 is in 2016-W52.
  const auto stored = runs_->weekly(alice_.user_id, weeks());
  ASSERT_EQ(stored.items.size(), 1u);
  EXPECT_EQ(stored.items[0].year, 2016);
  EXPECT_EQ(stored.items[0].week, 52);
}

TEST_F(RunServiceTest, WeatherFailureStoresNothing) {
  provider_.fail = ErrorKind::WeatherUnavailable;
  expect_error(ErrorKind::WeatherUnavailable, [&] {
    service_->create(alice_, std::nullopt, run("2017-01-01", 1, 1), Deadline::never());
  });
  provider_.fail = ErrorKind::NoWeatherData;
  expect_error(ErrorKind::NoWeatherData, [&] {
    service_->create(alice_, std::nullopt, run("2017-01-01", 1, 1), Deadline::never());
  });
  EXPECT_EQ(service_->list(alice_, std::nullopt, all()).total, 0);
  provider_.fail.reset();
  service_->create(alice_, std::nullopt, run("2017-01-01", 1, 1), Deadline::never());
  EXPECT_EQ(provider_.calls, 3);  // failures were not cached
}

// A client whose deadline has passed is answered 503: whatever it asked for
// must then not be written (it would be a run nobody was told about).
TEST_F(RunServiceTest, WritesPastTheirDeadlineChangeNothing) {
  const auto past = Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
  expect_error(ErrorKind::Unavailable, [&] { service_->create(alice_, std::nullopt, run("2017-01-01", 1, 1), past); });
  EXPECT_EQ(service_->list(alice_, std::nullopt, all()).total, 0);

  const auto r = service_->create(alice_, std::nullopt, run("2017-01-01", 2000, 500), Deadline::never());
  RunPatch patch;
  patch.distance = 7;
  expect_error(ErrorKind::Unavailable, [&] { service_->update(alice_, r.result_id, patch, past); });
  expect_error(ErrorKind::Unavailable, [&] { service_->remove(alice_, r.result_id, past); });
  EXPECT_EQ(service_->get(alice_, r.result_id).distance, 2000);
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks()).items.at(0).total_distance, 2000);
}

TEST_F(RunServiceTest, ADeadlineThatPassesDuringTheWeatherLookupStoresNothing) {
  provider_.delay = std::chrono::milliseconds(100);
  const auto soon = Deadline::at(Deadline::Clock::now() + std::chrono::milliseconds(30));
  expect_error(ErrorKind::Unavailable, [&] { service_->create(alice_, std::nullopt, run("2017-01-01", 1, 1), soon); });
  EXPECT_EQ(service_->list(alice_, std::nullopt, all()).total, 0);
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks()).total, 0);
}

// The store checks the deadline inside the transaction, after every statement
// of the write and right before COMMIT: an expired one rolls all of it back.
TEST_F(RunServiceTest, TheStoreRollsBackAWriteWhoseDeadlinePassedBeforeCommit) {
  const auto past = Deadline::at(Deadline::Clock::now() - std::chrono::milliseconds(1));
  const auto values = make_run_values(alice_.user_id, day("2017-01-01"), 1000, 100, "1 2", {1, 2}, {});
  expect_error(ErrorKind::Unavailable, [&] { runs_->create(values, past); });
  EXPECT_EQ(runs_->list(alice_.user_id, all()).total, 0);
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks()).total, 0);
  const auto stored = runs_->create(values, Deadline::never());
  EXPECT_EQ(runs_->list(alice_.user_id, all()).total, 1);
  auto changed = values;
  changed.distance = 5;
  expect_error(ErrorKind::Unavailable, [&] { runs_->update(stored.result_id, changed, past); });
  expect_error(ErrorKind::Unavailable, [&] { runs_->remove(stored.result_id, past); });
  EXPECT_EQ(runs_->find(stored.result_id)->distance, 1000);
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks()).items.at(0).total_distance, 1000);
}

TEST_F(RunServiceTest, PrivacyRules) {
  const auto r = service_->create(alice_, std::nullopt, run("2017-01-01", 2000, 500), Deadline::never());
  for (const auto* other : {&bob_, &manager_}) {
    expect_error(ErrorKind::NotFound, [&] { service_->get(*other, r.result_id); });
    expect_error(ErrorKind::NotFound, [&] { service_->remove(*other, r.result_id, Deadline::never()); });
    RunPatch patch;
    patch.distance = 5;
    expect_error(ErrorKind::NotFound, [&] { service_->update(*other, r.result_id, patch, Deadline::never()); });
    expect_error(ErrorKind::Forbidden, [&] { service_->list(*other, alice_.user_id, all()); });
    expect_error(ErrorKind::Forbidden, [&] { service_->list(*other, other->user_id, all()); });
    expect_error(ErrorKind::Forbidden, [&] {
      service_->create(*other, alice_.user_id, run("2017-01-01", 1, 1), Deadline::never());
    });
    auto with_body_user = run("2017-01-01", 1, 1);
    with_body_user.user_id = other->user_id;
    expect_error(ErrorKind::Forbidden, [&] {
      service_->create(*other, std::nullopt, with_body_user, Deadline::never());
    });
    EXPECT_EQ(service_->list(*other, std::nullopt, all()).total, 0);
  }
  EXPECT_EQ(service_->get(admin_, r.result_id).result_id, r.result_id);
  EXPECT_EQ(service_->list(admin_, alice_.user_id, all()).total, 1);
  EXPECT_EQ(service_->list(admin_, std::nullopt, all()).total, 0);
  expect_error(ErrorKind::NotFound, [&] { service_->list(admin_, 987654, all()); });
  const auto for_alice = service_->create(admin_, alice_.user_id, run("2017-01-02", 1, 1), Deadline::never());
  EXPECT_EQ(for_alice.user_id, alice_.user_id);
  auto mismatch = run("2017-01-02", 1, 1);
  mismatch.user_id = bob_.user_id;
  expect_error(ErrorKind::Validation, [&] { service_->create(admin_, alice_.user_id, mismatch, Deadline::never()); });
  service_->remove(admin_, r.result_id, Deadline::never());
  expect_error(ErrorKind::NotFound, [&] { service_->get(alice_, r.result_id); });
}

TEST_F(RunServiceTest, UpdateRefetchesOnlyWhenDateOrPlaceChange) {
  const auto r = service_->create(alice_, std::nullopt, run("2017-05-05", 5000, 1500), Deadline::never());
  EXPECT_EQ(provider_.calls, 1);
  RunPatch distance;
  distance.distance = 6000;
  auto u = service_->update(alice_, r.result_id, distance, Deadline::never());
  EXPECT_EQ(u.distance, 6000);
  EXPECT_DOUBLE_EQ(u.speed, 4.0);
  EXPECT_EQ(u.condition, r.condition);
  // The same coordinates written differently are the same place.
  RunPatch same_place;
  same_place.location = "32.08530 +34.7818";
  same_place.where = weather::parse_location(*same_place.location);
  u = service_->update(alice_, r.result_id, same_place, Deadline::never());
  EXPECT_EQ(u.location, "32.08530 +34.7818");
  EXPECT_EQ(provider_.calls, 1);

  RunPatch moved;
  moved.location = "10 20";
  moved.where = weather::parse_location("10 20");
  provider_.fail = ErrorKind::WeatherUnavailable;
  expect_error(ErrorKind::WeatherUnavailable, [&] { service_->update(alice_, r.result_id, moved, Deadline::never()); });
  EXPECT_EQ(service_->get(alice_, r.result_id).location, "32.08530 +34.7818");
  provider_.fail.reset();
  u = service_->update(alice_, r.result_id, moved, Deadline::never());
  EXPECT_EQ(u.condition.typed()->temperature_max, 10.0);
  EXPECT_EQ(u.where, (weather::Location{10, 20}));

  RunPatch redate;
  redate.date = day("2017-01-01");
  u = service_->update(alice_, r.result_id, redate, Deadline::never());
  EXPECT_EQ(u.date, day("2017-01-01"));
  EXPECT_EQ(provider_.calls, 4);
  const auto stored = runs_->weekly(alice_.user_id, weeks());
  ASSERT_EQ(stored.items.size(), 1u);
  EXPECT_EQ(stored.items[0].week, 52);
  EXPECT_EQ(service_->update(alice_, r.result_id, RunPatch{}, Deadline::never()).updated_at, u.updated_at);
}

// A stored condition is decoded only when the run is written again with it:
// reading such a run still works (it is sent as stored); an update that keeps
// it fails naming the run, one that looks the weather up again replaces it.
TEST_F(RunServiceTest, AnUnreadableStoredConditionFailsOnlyAnUpdateThatKeepsIt) {
  const auto r = service_->create(alice_, std::nullopt, run("2017-05-05", 5000, 1500), Deadline::never());
  long long id = r.result_id;
  db_->run("corrupt", storage::Retry::Safe,
           [&](storage::Connection& sql) {
             exec(sql, "UPDATE runs SET condition = 'garbage' WHERE result_id = :id", storage::use(id, "id"));
           });
  EXPECT_EQ(service_->get(alice_, r.result_id).condition.json(), "garbage");
  RunPatch distance;
  distance.distance = 6000;
  try {
    service_->update(alice_, r.result_id, distance, Deadline::never());
    ADD_FAILURE() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "run " + std::to_string(r.result_id) + " has an unreadable condition");
  }
  RunPatch moved;
  moved.location = "10 20";
  moved.where = weather::parse_location("10 20");
  const auto u = service_->update(alice_, r.result_id, moved, Deadline::never());
  ASSERT_TRUE(u.condition.typed());
  EXPECT_EQ(u.condition.typed()->temperature_max, 10.0);
}

TEST_F(RunServiceTest, ListAndWeeklyFilterAndPage) {
  service_->create(alice_, std::nullopt, run("2015-01-01", 2000, 405), Deadline::never());
  service_->create(alice_, std::nullopt, run("2015-01-02", 2000, 567), Deadline::never());
  service_->create(alice_, std::nullopt, run("2015-01-03", 2000, 378), Deadline::never());
  service_->create(alice_, std::nullopt, run("2015-01-04", 2100, 378), Deadline::never());
  service_->create(alice_, std::nullopt, run("2015-01-05", 2000, 405), Deadline::never());
  service_->create(alice_, std::nullopt, run("2016-01-09", 2000, 410), Deadline::never());
  service_->create(bob_, std::nullopt, run("2015-01-01", 9999, 1), Deadline::never());

  auto q = weeks();
  q.count = 1;
  q.page = 1;
  const auto second = runs_->weekly(alice_.user_id, q);
  EXPECT_EQ(second.total, 3);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].year, 2015);
  EXPECT_EQ(second.items[0].week, 2);
  EXPECT_EQ(second.items[0].runs, 1);
  q.page = 2;
  const auto third = runs_->weekly(alice_.user_id, q);
  ASSERT_EQ(third.items.size(), 1u);
  EXPECT_EQ(third.items[0].year, 2016);
  EXPECT_EQ(third.items[0].week, 1);

  const auto first = runs_->weekly(alice_.user_id, weeks()).items.at(0);
  EXPECT_EQ(first.runs, 4);
  EXPECT_EQ(first.total_distance, 8100);
  EXPECT_EQ(first.total_time, 1728);

  q = all();
  q.filter = filter::parse_filter("distance gt 2000 or date ge 2016-01-01", run_schema(false));
  const auto page = service_->list(alice_, std::nullopt, q);
  ASSERT_EQ(page.total, 2);
  EXPECT_EQ(page.items[0].date, day("2015-01-04"));
  EXPECT_EQ(page.items[1].date, day("2016-01-09"));
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks(q.filter)).total, 2);

  q.filter = filter::parse_filter("precipitation eq 1.5 and wind_speed eq 12.25 and weather_code eq 61",
                                    run_schema(false));
  EXPECT_EQ(service_->list(alice_, std::nullopt, q).total, 6);
  q.filter = filter::parse_filter("temperature_max eq 32.09 and temperature_min lt 40", run_schema(false));
  EXPECT_EQ(service_->list(alice_, std::nullopt, q).total, 6);
  q.filter = filter::parse_filter("created_at ge 2000-01-01", run_schema(false));
  EXPECT_EQ(service_->list(alice_, std::nullopt, q).total, 6);

  q = all();
  q.sort = filter::parse_sort("-distance,date", run_schema(false), kDefaultRunSort);
  q.count = 1;
  EXPECT_EQ(service_->list(alice_, std::nullopt, q).items.at(0).distance, 2100);
}

TEST_F(RunServiceTest, RunsOfDeletedUsersAreInvisible) {
  const auto r = service_->create(alice_, std::nullopt, run("2015-01-01", 2000, 405), Deadline::never());
  ASSERT_TRUE(users_->remove(alice_.user_id, admin_.user_id));
  expect_error(ErrorKind::NotFound, [&] { service_->get(admin_, r.result_id); });
  expect_error(ErrorKind::NotFound, [&] { service_->remove(admin_, r.result_id, Deadline::never()); });
  expect_error(ErrorKind::NotFound, [&] { service_->list(admin_, alice_.user_id, all()); });
  EXPECT_FALSE(runs_->find(r.result_id));
  EXPECT_FALSE(runs_->remove(r.result_id, Deadline::never()));
  EXPECT_EQ(runs_->list(alice_.user_id, all()).total, 0);
  EXPECT_EQ(runs_->weekly(alice_.user_id, weeks()).total, 0);
}

TEST(RunFields, AdminTableAddsUserId) {
  EXPECT_EQ(run_schema(false).find("user_id"), nullptr);
  ASSERT_NE(run_schema(true).find("user_id"), nullptr);
  for (const char* name : {"result_id", "date", "distance", "time", "speed", "location", "temperature_max",
                           "temperature_min", "precipitation", "wind_speed", "weather_code", "created_at"}) {
    EXPECT_NE(run_schema(false).find(name), nullptr) << name;
    EXPECT_NE(run_schema(true).find(name), nullptr) << name;
  }
  EXPECT_EQ(run_schema(false).fields().size(), 12u);
  EXPECT_EQ(run_schema(true).fields().size(), 13u);
  EXPECT_EQ(run_schema(false).find("date")->type, filter::FieldType::Date);
  EXPECT_EQ(run_schema(false).find("condition"), nullptr);
}

TEST(MakeRunValues, ComputesTheIsoWeekAndSpeed) {
  const auto v = make_run_values(3, day("2021-01-03"), 1000, 300, "1 2", {1, 2}, weather::Condition{});
  EXPECT_EQ(v.date, day("2021-01-03"));
  EXPECT_EQ(v.iso_year, 2020);
  EXPECT_EQ(v.iso_week, 53);
  EXPECT_EQ(v.user_id, 3);
  EXPECT_EQ(v.where, (weather::Location{1, 2}));
  EXPECT_DOUBLE_EQ(v.speed, 1000.0 / 300.0);
  // No time recorded: speed 0, never a division by zero.
  EXPECT_DOUBLE_EQ(make_run_values(3, day("2021-01-03"), 1000, 0, "1 2", {1, 2}, {}).speed, 0.0);
}

}  // namespace
