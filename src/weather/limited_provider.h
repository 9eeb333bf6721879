// A bound on concurrent weather-provider calls: beyond it a lookup fails fast (503) instead of piling on.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "weather/weather.h"

namespace jogtrack::weather {

// Wraps a provider so that at most max_concurrent fetch() calls run at once.
// A call that finds every slot taken waits up to max_wait for one (a burst on
// a healthy provider passes), then throws ApiError Unavailable (503,
// Retry-After 5) without calling the provider. So when the provider hangs,
// only max_concurrent threads hang with it; the rest of the pool keeps
// serving cached lookups and answers everything else 503 quickly.
class LimitedProvider : public WeatherProvider {
 public:
  LimitedProvider(WeatherProvider& inner, std::size_t max_concurrent, std::chrono::milliseconds max_wait);
  Condition fetch(Days date, Location where) override;

  static constexpr int kRetryAfterSeconds = 5;

 private:
  void acquire();
  void release();

  WeatherProvider& inner_;
  const std::size_t max_;
  const std::chrono::milliseconds max_wait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::size_t in_use_ = 0;  // guarded by mu_
};

}  // namespace jogtrack::weather
