#include "weather/limited_provider.h"

#include <algorithm>

#include "common/errors.h"

namespace jogtrack::weather {

LimitedProvider::LimitedProvider(WeatherProvider& inner, std::size_t max_concurrent, Clock::duration stall_after,
                                 Clock::duration max_wait)
    : inner_(inner), max_(max_concurrent == 0 ? 1 : max_concurrent), stall_after_(stall_after), max_wait_(max_wait) {}

LimitedProvider::Slot LimitedProvider::acquire() {
  std::unique_lock lock(mu_);
  const auto give_up = Clock::now() + max_wait_;
  for (;;) {
    const auto now = Clock::now();
    if (started_.size() < max_) return started_.insert(now);
    // The youngest call decides: while it may still finish normally, a slot is
    // likely to free soon; once even it is overdue, none will.
    const auto stalled_at = *started_.rbegin() + stall_after_;
    if (now >= stalled_at || now >= give_up)
      throw ApiError(ErrorKind::WeatherUnavailable, "the weather provider is busy; try again shortly", {},
                     kRetryAfterSeconds);
    cv_.wait_until(lock, std::min(stalled_at, give_up));
  }
}

void LimitedProvider::release(Slot slot) {
  {
    std::lock_guard lock(mu_);
    started_.erase(slot);
  }
  cv_.notify_one();
}

Condition LimitedProvider::fetch(Days date, Location where) {
  const Slot slot = acquire();
  try {
    Condition c = inner_.fetch(date, where);
    release(slot);
    return c;
  } catch (...) {
    release(slot);
    throw;
  }
}

}  // namespace jogtrack::weather
