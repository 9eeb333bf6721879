#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <vector>

#include "common/errors.h"
#include "weather/weather.h"

using namespace jogtrack;
using namespace jogtrack::weather;
using namespace std::chrono_literals;

namespace {

Days day(const char* text) { return *parse_date(text); }

class FakeProvider : public WeatherProvider {
 public:
  // Returns a condition that encodes what it was asked, unless `fail` says otherwise.
  Condition fetch(Days date, Location where) override {
    std::function<void()> fail_now;
    {
      std::lock_guard lock(mutex);
      calls.push_back({format_date(date), where});
      fail_now = fail;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    if (fail_now) fail_now();
    Condition c;
    c.weather_code = 3;
    c.summary = "Overcast";
    c.temperature_max = where.latitude;
    c.temperature_min = where.longitude;
    c.sunrise = format_date(date) + "T06:00";
    return c;
  }
  size_t call_count() {
    std::lock_guard lock(mutex);
    return calls.size();
  }

  struct Call {
    std::string date;
    Location where;
  };
  std::mutex mutex;
  std::vector<Call> calls;
  std::function<void()> fail;
  std::chrono::milliseconds delay{0};
};

class MemoryStore : public WeatherCacheStore {
 public:
  using Key = std::tuple<std::string, int, int>;
  std::optional<std::string> get(const CacheKey& k) override {
    std::lock_guard lock(mutex);
    ++gets;
    if (fail_get) throw std::runtime_error("database is down");
    auto it = rows.find({k.date, k.lat_centi, k.lon_centi});
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  void put(const CacheKey& k, const std::string& json) override {
    std::lock_guard lock(mutex);
    ++puts;
    if (fail_put) throw std::runtime_error("database is read-only");
    rows[{k.date, k.lat_centi, k.lon_centi}] = json;
  }
  std::mutex mutex;
  std::map<Key, std::string> rows;
  int gets = 0, puts = 0;
  bool fail_get = false, fail_put = false;
};

struct Fixture : ::testing::Test {
  FakeProvider provider;
  MemoryStore store;
  WeatherStats stats;
  CachedWeather cache{provider, store, stats};
};

[[noreturn]] void throw_unavailable() {
  throw ApiError(ErrorKind::WeatherUnavailable, "weather provider could not be reached: timeout", {}, 30);
}
[[noreturn]] void throw_no_data() { throw ApiError(ErrorKind::NoWeatherData, "no data"); }

}  // namespace

using CachedWeatherTest = Fixture;

TEST_F(CachedWeatherTest, MissThenHit) {
  Condition first = cache.lookup(day("2015-01-01"), {32.0853, 34.7818});
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(store.rows.size(), 1u);
  Condition second = cache.lookup(day("2015-01-01"), {32.0853, 34.7818});
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(condition_to_json(first), condition_to_json(second));
  EXPECT_EQ(stats.lookups, 2u);
  EXPECT_EQ(stats.cache_hits, 1u);
  EXPECT_EQ(stats.provider_calls, 1u);
  EXPECT_EQ(stats.failures, 0u);
}

TEST_F(CachedWeatherTest, ProviderIsAskedWithRoundedCoordinates) {
  cache.lookup(day("2015-01-01"), {32.0853, 34.7818});
  ASSERT_EQ(provider.calls.size(), 1u);
  EXPECT_EQ(provider.calls[0].date, "2015-01-01");
  EXPECT_DOUBLE_EQ(provider.calls[0].where.latitude, 32.09);
  EXPECT_DOUBLE_EQ(provider.calls[0].where.longitude, 34.78);
  auto stored = store.rows.at({"2015-01-01", 3209, 3478});
  auto c = condition_from_json(stored);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->temperature_max, 32.09);  // the answer for the rounded point
}

TEST_F(CachedWeatherTest, NearbyPointsShareAKeyDistantOnesDoNot) {
  const Days d = day("2015-01-01");
  Condition a = cache.lookup(d, {32.0853, 34.7818});
  Condition b = cache.lookup(d, {32.0851, 34.7849});  // same 0.01° cell after rounding
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(condition_to_json(a), condition_to_json(b));
  cache.lookup(d, {32.0950, 34.7818});  // lat rounds to 32.10
  cache.lookup(day("2015-01-02"), {32.0853, 34.7818});  // other day
  EXPECT_EQ(provider.call_count(), 3u);
}

TEST(CacheKey, RoundsToHundredths) {
  auto k = make_cache_key(day("2015-01-01"), {32.0853, 34.7818});
  EXPECT_EQ(k.date, "2015-01-01");
  EXPECT_EQ(k.lat_centi, 3209);
  EXPECT_EQ(k.lon_centi, 3478);
  k = make_cache_key(day("1999-12-31"), {-33.9249, -0.004});
  EXPECT_EQ(k.lat_centi, -3392);
  EXPECT_EQ(k.lon_centi, 0);
  k = make_cache_key(day("1999-12-31"), {-0.005, 0.005});  // halves round away from zero
  EXPECT_EQ(k.lat_centi, -1);
  EXPECT_EQ(k.lon_centi, 1);
  k = make_cache_key(day("1999-12-31"), {90, -180});
  EXPECT_EQ(k.lat_centi, 9000);
  EXPECT_EQ(k.lon_centi, -18000);
}

TEST_F(CachedWeatherTest, FailuresAreNotCached) {
  provider.fail = throw_unavailable;
  const Days d = day("2015-01-01");
  try {
    cache.lookup(d, {1, 2});
    FAIL() << "no throw";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
    EXPECT_EQ(e.retry_after(), 30);
  }
  EXPECT_TRUE(store.rows.empty());
  provider.fail = throw_no_data;
  EXPECT_THROW(cache.lookup(d, {1, 2}), ApiError);
  EXPECT_TRUE(store.rows.empty());
  provider.fail = nullptr;
  cache.lookup(d, {1, 2});
  EXPECT_EQ(provider.call_count(), 3u);
  EXPECT_EQ(store.rows.size(), 1u);
  EXPECT_EQ(stats.lookups, 3u);
  EXPECT_EQ(stats.failures, 2u);
  EXPECT_EQ(stats.provider_calls, 3u);
  EXPECT_EQ(stats.cache_hits, 0u);
}

TEST_F(CachedWeatherTest, CorruptCacheEntryIsAMissAndIsReplaced) {
  store.rows[{"2015-01-01", 100, 200}] = "not json";
  Condition c = cache.lookup(day("2015-01-01"), {1, 2});
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(store.rows.at({"2015-01-01", 100, 200}), condition_to_json(c));
}

TEST_F(CachedWeatherTest, StoreErrorsDoNotFailTheLookup) {
  store.fail_get = true;
  store.fail_put = true;
  Condition c = cache.lookup(day("2015-01-01"), {1, 2});
  EXPECT_EQ(c.temperature_max, 1.0);
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(stats.failures, 0u);
}

TEST_F(CachedWeatherTest, InvalidCoordinatesAreRejectedBeforeAnyCall) {
  for (Location l : {Location{91, 0}, Location{0, 180.5}, Location{std::nan(""), 0},
                     Location{0, std::numeric_limits<double>::infinity()}}) {
    try {
      cache.lookup(day("2015-01-01"), l);
      ADD_FAILURE() << "no throw";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Validation);
    }
  }
  EXPECT_EQ(provider.call_count(), 0u);
  EXPECT_EQ(store.gets, 0);
}

namespace {
// Runs `n` threads that start together and call `body(i)`.
void run_together(int n, const std::function<void(int)>& body) {
  std::mutex m;
  std::condition_variable cv;
  int ready = 0;
  bool go = false;
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i)
    threads.emplace_back([&, i] {
      {
        std::unique_lock lock(m);
        ++ready;
        cv.notify_all();
        cv.wait(lock, [&] { return go; });
      }
      body(i);
    });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return ready == n; });
    go = true;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
}
}  // namespace

TEST_F(CachedWeatherTest, ConcurrentLookupsOfOneKeyMakeOneProviderCall) {
  provider.delay = 200ms;  // all 16 arrive while the first call is in flight
  std::vector<std::string> answers(16);
  run_together(16, [&](int i) {
    // Different raw coordinates, same rounded key.
    answers[i] = condition_to_json(cache.lookup(day("2015-01-01"), {32.0853 + i * 1e-4, 34.7818}));
  });
  EXPECT_EQ(provider.call_count(), 1u);
  for (const auto& a : answers) EXPECT_EQ(a, answers[0]);
  EXPECT_EQ(stats.lookups, 16u);
  EXPECT_EQ(stats.provider_calls, 1u);
  EXPECT_EQ(stats.cache_hits, 15u);
  EXPECT_EQ(stats.failures, 0u);
  EXPECT_EQ(store.rows.size(), 1u);
}

TEST_F(CachedWeatherTest, ConcurrentLookupsShareAFailureAndTheNextLookupRetries) {
  provider.delay = 200ms;
  provider.fail = throw_unavailable;
  std::atomic<int> unavailable{0};
  run_together(16, [&](int) {
    try {
      cache.lookup(day("2015-01-01"), {10, 20});
    } catch (const ApiError& e) {
      if (e.kind() == ErrorKind::WeatherUnavailable && e.retry_after() == 30) ++unavailable;
    }
  });
  EXPECT_EQ(unavailable, 16);
  EXPECT_EQ(provider.call_count(), 1u);
  EXPECT_EQ(stats.failures, 16u);
  EXPECT_TRUE(store.rows.empty());

  provider.fail = nullptr;
  provider.delay = 0ms;
  cache.lookup(day("2015-01-01"), {10, 20});
  EXPECT_EQ(provider.call_count(), 2u);
}

TEST_F(CachedWeatherTest, DifferentKeysDoNotWaitForEachOther) {
  provider.delay = 200ms;
  run_together(16, [&](int i) { cache.lookup(day("2015-01-01"), {static_cast<double>(i % 4), 0}); });
  EXPECT_EQ(provider.call_count(), 4u);
  EXPECT_EQ(store.rows.size(), 4u);
  EXPECT_EQ(stats.provider_calls, 4u);
  EXPECT_EQ(stats.cache_hits, 12u);
}
