// LimitedProvider: at most N provider calls at once; the next waits briefly, then fails fast with 503.
#include "weather/limited_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "common/errors.h"

namespace jogtrack::weather {
namespace {

using namespace std::chrono_literals;

// Blocks every fetch until released; counts calls.
class BlockingProvider : public WeatherProvider {
 public:
  Condition fetch(Days, Location) override {
    calls.fetch_add(1);
    released.wait();
    if (fail) throw ApiError(ErrorKind::NoWeatherData, "no data");
    return Condition{};
  }
  std::promise<void> release_promise;
  std::shared_future<void> released = release_promise.get_future().share();
  std::atomic<int> calls{0};
  std::atomic<bool> fail{false};
};

const Days kDay = *parse_date("2020-01-01");
const Location kWhere{1, 2};

template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500 && !pred(); ++i) std::this_thread::sleep_for(2ms);
  return pred();
}

TEST(LimitedProvider, RefusesQuicklyWhenEverySlotIsHeldByAStalledCall) {
  BlockingProvider inner;
  LimitedProvider limited(inner, 2, 50ms, 10s);
  std::vector<std::future<void>> held;
  for (int i = 0; i < 2; ++i) held.push_back(std::async(std::launch::async, [&] { limited.fetch(kDay, kWhere); }));
  ASSERT_TRUE(eventually([&] { return inner.calls.load() == 2; }));

  const auto t0 = std::chrono::steady_clock::now();
  try {
    limited.fetch(kDay, kWhere);
    FAIL() << "expected 503";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
    EXPECT_EQ(e.retry_after(), LimitedProvider::kRetryAfterSeconds);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);  // not max_wait
  EXPECT_EQ(inner.calls.load(), 2);  // the refused call never reached the provider

  // Once the calls in flight are overdue, refusals are immediate.
  std::this_thread::sleep_for(60ms);
  const auto t1 = std::chrono::steady_clock::now();
  EXPECT_THROW(limited.fetch(kDay, kWhere), ApiError);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 500ms);

  inner.release_promise.set_value();
  for (auto& f : held) f.get();
}

TEST(LimitedProvider, NeverWaitsLongerThanMaxWait) {
  BlockingProvider inner;
  LimitedProvider limited(inner, 1, 10s, 50ms);
  auto held = std::async(std::launch::async, [&] { limited.fetch(kDay, kWhere); });
  ASSERT_TRUE(eventually([&] { return inner.calls.load() == 1; }));
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_THROW(limited.fetch(kDay, kWhere), ApiError);
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 40ms);
  EXPECT_LT(waited, 1s);
  inner.release_promise.set_value();
  held.get();
}

TEST(LimitedProvider, AWaitingCallGetsTheNextFreeSlot) {
  BlockingProvider inner;
  LimitedProvider limited(inner, 1, 5s, 5s);
  auto first = std::async(std::launch::async, [&] { limited.fetch(kDay, kWhere); });
  ASSERT_TRUE(eventually([&] { return inner.calls.load() == 1; }));
  auto second = std::async(std::launch::async, [&] { limited.fetch(kDay, kWhere); });
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(inner.calls.load(), 1);
  inner.release_promise.set_value();
  first.get();
  second.get();
  EXPECT_EQ(inner.calls.load(), 2);
}

TEST(LimitedProvider, AFailedCallFreesItsSlot) {
  BlockingProvider inner;
  inner.fail = true;
  inner.release_promise.set_value();
  LimitedProvider limited(inner, 1, 10ms, 10ms);
  for (int i = 0; i < 3; ++i) {
    try {
      limited.fetch(kDay, kWhere);
      FAIL() << "expected 422";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::NoWeatherData);  // the provider's own answer, not "busy"
    }
  }
  EXPECT_EQ(inner.calls.load(), 3);
}

}  // namespace
}  // namespace jogtrack::weather
