// A bound on concurrent weather-provider calls: beyond it a lookup fails fast (503) instead of piling on.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <set>

#include "weather/weather.h"

namespace jogtrack::weather {

// Wraps a provider so that at most max_concurrent fetch() calls run at once.
// A call that finds every slot taken waits for one only while the provider
// looks healthy, i.e. while some call holding a slot is younger than
// stall_after (a burst on a healthy provider passes), and never longer than
// max_wait. Once every slot is held by an older call the provider is hanging
// or overloaded: the call throws ApiError Unavailable (503, Retry-After 5) at
// once, without calling the provider. So when the provider hangs only
// max_concurrent threads hang with it, and everything else is answered quickly.
class LimitedProvider : public WeatherProvider {
 public:
  using Clock = std::chrono::steady_clock;

  LimitedProvider(WeatherProvider& inner, std::size_t max_concurrent, Clock::duration stall_after,
                  Clock::duration max_wait);
  Condition fetch(Days date, Location where) override;

  static constexpr int kRetryAfterSeconds = 5;

 private:
  using Slot = std::multiset<Clock::time_point>::iterator;
  Slot acquire();
  void release(Slot slot);

  WeatherProvider& inner_;
  const std::size_t max_;
  const Clock::duration stall_after_;
  const Clock::duration max_wait_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::multiset<Clock::time_point> started_;  // guarded by mu_: start of each call in flight
};

}  // namespace jogtrack::weather
