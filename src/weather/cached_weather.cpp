#include <cmath>
#include <future>

#include "common/errors.h"
#include "weather/weather.h"

namespace jogtrack::weather {

struct CachedWeather::Flight {
  std::shared_future<Condition> result;
};

CacheKey make_cache_key(Days date, Location where) {
  return CacheKey{format_date(date), static_cast<int>(std::lround(where.latitude * 100)),
                  static_cast<int>(std::lround(where.longitude * 100))};
}

CachedWeather::CachedWeather(WeatherProvider& provider, WeatherCacheStore& store, WeatherStats& stats)
    : provider_(provider), store_(store), stats_(stats) {}

std::optional<Condition> CachedWeather::from_store(const CacheKey& key) {
  try {
    if (auto json = store_.get(key)) return condition_from_json(*json);
  } catch (const std::exception&) {
    // A store that cannot answer is a miss: the provider still can.
  }
  return std::nullopt;
}

Condition CachedWeather::lookup(Days date, Location where) {
  stats_.lookups.fetch_add(1, std::memory_order_relaxed);
  if (!std::isfinite(where.latitude) || !std::isfinite(where.longitude) ||
      std::fabs(where.latitude) > 90 || std::fabs(where.longitude) > 180) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    throw_invalid("location", "latitude must be within -90..90 and longitude within -180..180");
  }
  const CacheKey key = make_cache_key(date, where);

  if (auto hit = from_store(key)) {
    stats_.cache_hits.fetch_add(1, std::memory_order_relaxed);
    return std::move(*hit);
  }

  const std::string flight_key =
      key.date + '|' + std::to_string(key.lat_centi) + '|' + std::to_string(key.lon_centi);
  std::shared_ptr<Flight> flight;
  std::promise<Condition> promise;
  bool leader = false;
  {
    std::lock_guard lock(mutex_);
    auto& slot = flights_[flight_key];
    if (!slot) {
      slot = std::make_shared<Flight>();
      slot->result = promise.get_future().share();
      leader = true;
    }
    flight = slot;
  }

  if (!leader) {
    try {
      Condition c = flight->result.get();  // rethrows the leader's failure
      stats_.cache_hits.fetch_add(1, std::memory_order_relaxed);
      return c;
    } catch (...) {
      stats_.failures.fetch_add(1, std::memory_order_relaxed);
      throw;
    }
  }

  // Leader: compute the outcome, end the flight, then publish to the waiters.
  std::optional<Condition> result;
  std::exception_ptr error;
  try {
    // A flight that finished between our store check and our registration has
    // already stored its answer: look again before paying for a provider call.
    result = from_store(key);
    if (result) {
      stats_.cache_hits.fetch_add(1, std::memory_order_relaxed);
    } else {
      stats_.provider_calls.fetch_add(1, std::memory_order_relaxed);
      const Location rounded{key.lat_centi / 100.0, key.lon_centi / 100.0};
      result = provider_.fetch(date, rounded);
      try {
        store_.put(key, condition_to_json(*result));
      } catch (const std::exception&) {
        // Not cached this time; the answer itself is good.
      }
    }
  } catch (...) {
    error = std::current_exception();
  }
  {
    std::lock_guard lock(mutex_);
    flights_.erase(flight_key);
  }
  if (error) {
    stats_.failures.fetch_add(1, std::memory_order_relaxed);
    promise.set_exception(error);
    std::rethrow_exception(error);
  }
  promise.set_value(*result);
  return std::move(*result);
}

}  // namespace jogtrack::weather
