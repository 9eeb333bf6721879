#include "weather/limited_provider.h"

#include "common/errors.h"

namespace jogtrack::weather {

LimitedProvider::LimitedProvider(WeatherProvider& inner, std::size_t max_concurrent,
                                 std::chrono::milliseconds max_wait)
    : inner_(inner), max_(max_concurrent == 0 ? 1 : max_concurrent), max_wait_(max_wait) {}

void LimitedProvider::acquire() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, max_wait_, [this] { return in_use_ < max_; }))
    throw ApiError(ErrorKind::Unavailable, "the weather provider is busy; try again shortly", {},
                   kRetryAfterSeconds);
  ++in_use_;
}

void LimitedProvider::release() {
  {
    std::lock_guard lock(mu_);
    --in_use_;
  }
  cv_.notify_one();
}

Condition LimitedProvider::fetch(Days date, Location where) {
  acquire();
  try {
    Condition c = inner_.fetch(date, where);
    release();
    return c;
  } catch (...) {
    release();
    throw;
  }
}

}  // namespace jogtrack::weather
