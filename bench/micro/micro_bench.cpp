// Microbenchmarks for two hot paths of GET /results:
//  - the filter parser (filter::parse_filter + parse_sort) on the benchmark's
//    representative expression and on a larger one;
//  - JSON rendering of a 10-run page with the API's own writer (api/dto/runs.h).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "api/dto/runs.h"
#include "common/dates.h"
#include "filter/filter.h"
#include "runs/run_input.h"
#include "runs/run_service.h"
#include "storage/storage.h"
#include "weather/weather.h"

namespace {

using namespace jogtrack;

constexpr std::string_view kRepresentative = "(date ge '2019-01-01') and (distance gt 1000)";
constexpr std::string_view kLarger =
    "(date ge 2019-01-01 and date lt '2020-01-01') and ((distance gt 5000) or (time lt 1800)) "
    "and not (location eq 'Berlin ''Mitte''') and (temperature_max le 30.5 or precipitation eq 0) "
    "and weather_code ne null";

void BM_CompileFilterRepresentative(benchmark::State& state) {
  const auto& fields = runs::run_schema(false);
  for (auto _ : state) {
    auto fragment = filter::parse_filter(kRepresentative, fields);
    benchmark::DoNotOptimize(fragment);
  }
  state.SetLabel(std::string(kRepresentative));
}
BENCHMARK(BM_CompileFilterRepresentative);

void BM_CompileFilterLarger(benchmark::State& state) {
  const auto& fields = runs::run_schema(false);
  for (auto _ : state) {
    auto fragment = filter::parse_filter(kLarger, fields);
    benchmark::DoNotOptimize(fragment);
  }
}
BENCHMARK(BM_CompileFilterLarger);

void BM_CompileFilterError(benchmark::State& state) {
  const auto& fields = runs::run_schema(false);
  for (auto _ : state) {
    try {
      auto fragment = filter::parse_filter("(date ge '2019-01-01') and (distanse gt 1000)", fields);
      benchmark::DoNotOptimize(fragment);
    } catch (const filter::FilterError& e) {
      benchmark::DoNotOptimize(e.position());
    }
  }
}
BENCHMARK(BM_CompileFilterError);

void BM_CompileSortDefault(benchmark::State& state) {
  const auto& fields = runs::run_schema(false);
  for (auto _ : state) {
    auto keys = filter::parse_sort("", fields, runs::kDefaultRunSort);
    benchmark::DoNotOptimize(keys);
  }
}
BENCHMARK(BM_CompileSortDefault);

// ---- JSON rendering -------------------------------------------------------

weather::Condition sample_condition(int i) {
  weather::Condition c;
  c.weather_code = 61;
  c.summary = std::string(weather::wmo_summary(61));
  c.temperature_max = 18.4 + i * 0.1;
  c.temperature_min = 9.7;
  c.apparent_temperature_max = 17.2;
  c.apparent_temperature_min = 7.9;
  c.precipitation_sum = 3.2;
  c.rain_sum = 3.2;
  c.snowfall_sum = 0.0;
  c.wind_speed_max = 21.6;
  c.wind_gusts_max = 38.5;
  c.wind_direction_dominant = 245;
  c.sunrise = "2019-05-0" + std::to_string(i % 9 + 1) + "T05:31";
  c.sunset = "2019-05-0" + std::to_string(i % 9 + 1) + "T20:47";
  return c;
}

std::vector<storage::RunRecord> sample_page() {
  std::vector<storage::RunRecord> runs;
  for (int i = 0; i < 10; ++i) {
    storage::RunRecord r;
    r.result_id = 100'000 + i;
    r.user_id = 2;
    r.date = *parse_date("2019-05-0" + std::to_string(i % 9 + 1));
    r.distance = 5000 + 731 * i;
    r.time = 1500 + 97 * i;
    r.speed = static_cast<double>(r.distance) / static_cast<double>(r.time);
    r.location = "52.5145 13.3501";
    r.where = {52.5145, 13.3501};
    r.condition = sample_condition(i);
    r.created_at = "2026-11-28T15:31:34Z";
    r.updated_at = "2026-11-28T15:31:34Z";
    runs.push_back(std::move(r));
  }
  return runs;
}

void BM_RenderRunPage10(benchmark::State& state) {
  const auto page = sample_page();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = api::dto::runs_json(page);
    bytes = body.size();
    benchmark::DoNotOptimize(body);
  }
  state.counters["body_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_RenderRunPage10);

// What a stored run's condition costs to produce (done once per POST /results).
void BM_ConditionToJson(benchmark::State& state) {
  const auto c = sample_condition(3);
  for (auto _ : state) {
    auto json = weather::condition_to_json(c);
    benchmark::DoNotOptimize(json);
  }
}
BENCHMARK(BM_ConditionToJson);

// What typing ten stored conditions costs (StoredCondition::typed(): each row of
// a CSV export, an update that keeps its condition; a list page never does it).
void BM_ReadStoredConditions10(benchmark::State& state) {
  std::vector<std::string> stored;
  for (int i = 0; i < 10; ++i) stored.push_back(weather::condition_to_json(sample_condition(i)));
  for (auto _ : state) {
    for (const auto& text : stored) {
      auto condition = weather::stored_condition_from_json(text);
      benchmark::DoNotOptimize(condition);
    }
  }
}
BENCHMARK(BM_ReadStoredConditions10);

// Request-body parsing for POST /results.
void BM_ParseNewRun(benchmark::State& state) {
  const std::string body = R"({"date":"2019-05-04","distance":8123,"time":2710,"location":"52.5145 13.3501"})";
  const auto today = today_utc();
  for (auto _ : state) {
    auto run = runs::parse_new_run(body, today);
    benchmark::DoNotOptimize(run);
  }
}
BENCHMARK(BM_ParseNewRun);

}  // namespace

BENCHMARK_MAIN();
