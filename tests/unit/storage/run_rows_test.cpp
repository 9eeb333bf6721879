// The run row boundary (run_rows.h), on both dialects: a run written and read
// back is the same typed record; a stored condition is kept as its very bytes
// (the API sends them as they are) and its typed value is what they read as;
// a stored date that does not read back is an error naming the run.
#include <gtest/gtest.h>

#include <functional>
#include <stdexcept>
#include <vector>

#include "common/dates.h"
#include "list_requests.h"
#include "storage/database.h"
#include "storage/run_store.h"
#include "storage/user_store.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {

weather::Condition open_meteo() {
  weather::Condition c;
  c.summary = "Slight rain";
  c.weather_code = 61;
  c.temperature_max = 0.1 + 0.2;  // no short decimal: the exact double must survive
  c.temperature_min = -1e-300;
  c.apparent_temperature_max = 15.1;
  c.apparent_temperature_min = -2.0;
  c.precipitation_sum = 5e-324;
  c.rain_sum = 0;
  c.snowfall_sum = 0.07;
  c.wind_speed_max = 123456.789012345678;
  c.wind_gusts_max = 44.3;
  c.wind_direction_dominant = 245;
  c.sunrise = "2015-01-01T06:41";
  c.sunset = "2015-01-01T16:51";
  return c;
}

// What import-seed stores for a run of the original system: Dark Sky's data under "legacy".
weather::Condition legacy(std::string text) {
  weather::Condition c;
  c.provider = "darksky";
  c.summary = "Clear";
  c.legacy = std::move(text);
  return c;
}

class RunRows : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_NO_THROW(backend_.open(GetParam(), "rows", 2));
    users_ = std::make_unique<SociUserStore>(*backend_.db);
    runs_ = std::make_unique<SociRunStore>(*backend_.db);
    owner_ = users_->create(NewUser{"alice", "alice", std::nullopt, std::nullopt, {"user"}, "user", "hash"}).user_id;
  }

  RunValues values(weather::Condition condition, const char* location = "32.0853 34.7818") {
    RunValues v;
    v.user_id = owner_;
    v.date = *parse_date("2016-01-03");
    v.distance = 5000;
    v.time = 1501;
    v.speed = 5000.0 / 1501.0;
    v.location = location;
    v.where = {32.0853, 34.7818};
    v.condition = std::move(condition);
    v.iso_year = 2015;
    v.iso_week = 53;
    return v;
  }

  void set_column(std::int64_t id, const char* column, const std::string& text) {
    long long result_id = id;
    backend_.db->run("corrupt", Retry::Safe, [&](Connection& sql) {
      exec(sql, "UPDATE runs SET " + std::string(column) + " = :t WHERE result_id = :id", use(text, "t"),
           use(result_id, "id"));
    });
  }

  static ListRequest all() { return test_lists::request(test_lists::runs(), "", "", "date"); }

  test_env::ScratchBackend backend_;  // destroyed last: the stores below use its database
  std::unique_ptr<SociUserStore> users_;
  std::unique_ptr<SociRunStore> runs_;
  std::int64_t owner_ = 0;
};

TEST_P(RunRows, AWrittenRunReadsBackAsTheSameTypedRecord) {
  for (const auto& condition :
       {open_meteo(), weather::Condition{}, legacy(R"({"time":1452290400,"temperatureMax":64.81,"icon":"clear-day"})"),
        legacy(R"("{'summary': 'Clear', 'x': None}")")}) {
    SCOPED_TRACE(weather::condition_to_json(condition));
    const RunRecord created = runs_->create(values(condition, "+32.08530  34.7818"), Deadline::never());
    const auto found = runs_->find(created.result_id);
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, created);
    EXPECT_EQ(found->location, "+32.08530  34.7818");  // the user's text, as given
    EXPECT_EQ(found->where, (weather::Location{32.0853, 34.7818}));
    ASSERT_TRUE(found->condition.typed());
    EXPECT_EQ(*found->condition.typed(), condition);
    EXPECT_EQ(found->condition.json(), weather::condition_to_json(condition));
    // A list reads the same rows the same way.
    const auto page = runs_->list(owner_, all());
    ASSERT_FALSE(page.items.empty());
    EXPECT_EQ(page.items.back(), created);
  }
  // An update's answer is the row as stored.
  const RunRecord first = runs_->list(owner_, all()).items.front();
  auto changed = values(legacy("[1,2]"));
  changed.date = *parse_date("2016-01-04");
  changed.iso_week = 1;
  changed.iso_year = 2016;
  const auto updated = runs_->update(first.result_id, changed, Deadline::never(), VersionCheck{});
  ASSERT_TRUE(updated);
  EXPECT_EQ(static_cast<const RunValues&>(*updated), changed);
  EXPECT_EQ(updated->version, first.version + 1);
  EXPECT_EQ(*runs_->find(first.result_id), *updated);
}

// The stored text is kept as it is; its typed value, written again (a run
// changed without a new lookup), gives the same bytes.
TEST_P(RunRows, TheStoredConditionTextReadsBackToTheSameBytes) {
  const std::int64_t id = runs_->create(values(open_meteo()), Deadline::never()).result_id;
  const std::string nulls =
      R"("weather_code":null,"temperature_max":null,"temperature_min":null,"apparent_temperature_max":null,)"
      R"("apparent_temperature_min":null,"precipitation_sum":null,"rain_sum":null,"snowfall_sum":null,)"
      R"("wind_speed_max":null,"wind_gusts_max":null,"wind_direction_dominant":null,"sunrise":null,"sunset":null)";
  std::vector<std::string> texts = {
      weather::condition_to_json(open_meteo()),
      weather::condition_to_json(weather::Condition{}),
      // The legacy value is kept as its own text, whatever it holds.
      R"({"provider":"darksky","summary":"Drizzle \"light\" é☃\n",)" + nulls +
          R"(,"legacy":{"a":[1,2.5,{"b":null}],"c":"x\\y\n\u00e9","d":-1e+300,"e":true}})",
      R"({"provider":"darksky","summary":"",)" + nulls + R"(,"legacy":"{'summary': 'Clear', 'x': None}"})",
  };
  // import-seed carries the original's bytes over unchecked; SQLite keeps them
  // even when they are not UTF-8 (PostgreSQL refuses them), and they read back as stored.
  if (GetParam() == "sqlite")
    texts.push_back(R"({"provider":"darksky","summary":"caf)" + std::string("\xe9") + R"(",)" + nulls +
                    R"(,"legacy":")" + std::string("\xff") + R"("})");
  for (const std::string& text : texts) {
    SCOPED_TRACE(text);
    set_column(id, "condition", text);
    const auto found = runs_->find(id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->condition.json(), text);
    ASSERT_TRUE(found->condition.typed());
    EXPECT_EQ(weather::condition_to_json(*found->condition.typed()), text);
  }
}

TEST_P(RunRows, AStoredValueThatDoesNotReadBack) {
  const std::int64_t good = runs_->create(values(open_meteo()), Deadline::never()).result_id;
  const std::int64_t bad = runs_->create(values(open_meteo()), Deadline::never()).result_id;
  // A condition is read as text: the run still reads (and is sent as stored); only its typed value is missing.
  for (const char* text : {"", "not json", "[]", R"({"temperature_max":"warm"})", R"({"weather_code":1.5})"}) {
    SCOPED_TRACE(text);
    set_column(bad, "condition", text);
    const auto found = runs_->find(bad);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->condition.json(), text);
    EXPECT_EQ(found->condition.typed(), nullptr);
    EXPECT_EQ(runs_->list(owner_, all()).items.size(), 2u);
  }
  set_column(bad, "condition", weather::condition_to_json(open_meteo()));
  // A date is typed at the row: an error naming the run, from a single read and from a list.
  set_column(bad, "date", "2016-02-30");
  for (const auto& read : std::vector<std::function<void()>>{[&] { runs_->find(bad); },
                                                              [&] { runs_->list(owner_, all()); }}) {
    try {
      read();
      ADD_FAILURE() << "expected std::runtime_error";
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()), "run " + std::to_string(bad) + " has an unreadable date");
    }
  }
  EXPECT_TRUE(runs_->find(good));  // the other rows still read
  set_column(bad, "date", "2016-02-29");
  // Nothing was left half-read: the same statements serve the repaired rows.
  EXPECT_EQ(runs_->list(owner_, all()).items.size(), 2u);
  EXPECT_EQ(runs_->find(bad)->date, *parse_date("2016-02-29"));
}

INSTANTIATE_TEST_SUITE_P(Backends, RunRows, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace jogtrack::storage
