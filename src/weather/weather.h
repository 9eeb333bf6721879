// Weather for a run: the day's conditions at a place, from Open-Meteo, behind a
// cache keyed by (date, latitude and longitude rounded to 0.01°).
//
// Errors are ApiError:
//   Unprocessable (422) — the provider answered that it has no data for that
//                         date and place (its error body, day missing, all-null values);
//   Unavailable (503, retry_after 30) — the provider could not be reached in time,
//                         answered 5xx/429/unexpected status, or sent garbage.
#pragma once
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/dates.h"

namespace jogtrack::weather {

struct Location {
  double latitude;
  double longitude;
  bool operator==(const Location&) const = default;
};

// Parses the seed's "LAT LON" location string.
// Grammar (ASCII only, nothing else allowed, no leading/trailing whitespace):
//   NUMBER SP+ NUMBER      where SP is the space character (tabs/newlines rejected)
//   NUMBER = [+-]? ( DIGITS ( "." DIGITS? )? | "." DIGITS )
// So "32.0853 34.7818", "-33.9 +18.4", "+0 .5" and "1. 2" are accepted; exponents
// ("1e2"), hex, inf/nan, commas, a third token and inputs longer than 100 bytes
// are rejected. Latitude must be within -90..90 and longitude within -180..180
// (inclusive). -0 is normalised to 0.
std::optional<Location> parse_location(std::string_view text);

struct Condition {
  std::string provider = "open-meteo";
  std::string summary;  // from the WMO code ("" if code unknown/null)
  std::optional<int> weather_code;
  std::optional<double> temperature_max, temperature_min, apparent_temperature_max,
      apparent_temperature_min, precipitation_sum, rain_sum, snowfall_sum, wind_speed_max,
      wind_gusts_max;
  std::optional<int> wind_direction_dominant;
  std::optional<std::string> sunrise, sunset;  // as the provider gives them (local ISO 8601, timezone=auto)
  // Runs imported from the original system (`jogtrack import-seed`): its Dark
  // Sky data as JSON text, carried through unchanged (also when such a run is
  // changed without a new lookup) under the key "legacy".
  std::optional<std::string> legacy;
  bool operator==(const Condition&) const = default;
};

// Compact JSON object with exactly the SPEC keys, in SPEC order:
// provider, summary, weather_code, temperature_max, temperature_min,
// apparent_temperature_max, apparent_temperature_min, precipitation_sum, rain_sum,
// snowfall_sum, wind_speed_max, wind_gusts_max, wind_direction_dominant, sunrise,
// sunset. Absent (and non-finite) values are written as null. A legacy
// condition adds "legacy" last, its JSON text as it is.
std::string condition_to_json(const Condition&);
// Inverse of condition_to_json. Missing keys read as null, unknown keys are
// ignored, of a repeated key the first counts ("legacy" is kept as the exact
// text of its value); returns nullopt for invalid JSON, a non-object, or a
// known key of the wrong type (e.g. a string temperature, a non-integer
// weather_code). A missing "provider" reads as "open-meteo"; a missing
// "summary" is derived from the code.
std::optional<Condition> condition_from_json(std::string_view json);
// The same for the text this program stored itself (a run's condition
// column): its UTF-8 is not checked again, so what import-seed carried over
// unchecked from the original system reads back, and is written out, exactly
// as it was stored (as it always was), instead of failing the run.
std::optional<Condition> stored_condition_from_json(std::string_view json);

// A run's condition as stored: its canonical JSON text (condition_to_json's),
// which storage writes to the column and the API sends as it is, and the
// typed Condition, decoded from that text only when asked for, then kept.
// Reading a list page decodes nothing: decoding and writing conditions field
// by field would cost a third of the page (docs/architecture.md).
class StoredCondition {
 public:
  StoredCondition();  // Condition{}
  // Encodes once. Implicit: a looked-up Condition is stored as it is.
  StoredCondition(const Condition& typed);
  // A column's text as read: nothing is parsed until typed() is called.
  static StoredCondition from_json(std::string json);

  const std::string& json() const { return json_; }
  // json() decoded (stored_condition_from_json) on first use and kept; nullptr
  // when the text does not read as a condition (corruption). Not for a first
  // use from several threads at once (a record belongs to one request).
  const Condition* typed() const;

  bool operator==(const StoredCondition& other) const { return json_ == other.json_; }

 private:
  struct AsStored {};
  StoredCondition(AsStored, std::string json);
  std::string json_;
  mutable std::optional<Condition> typed_;
  mutable bool decoded_ = false;
};

// WMO 4677 weather interpretation codes as Open-Meteo documents them; unknown -> "".
std::string_view wmo_summary(int code);

// Parses an Open-Meteo /v1/forecast or /v1/archive JSON body and picks `date`
// out of the columnar "daily" arrays. Throws ApiError:
//   Unprocessable — {"error":true,"reason":..} body, `date` not in daily.time, or
//                   every weather value of that day null (sunrise/sunset alone,
//                   which are astronomical, do not count as data);
//   Unavailable   — not JSON, or JSON that does not have the documented shape
//                   (no "daily" object, misaligned columns, wrong value types).
Condition parse_daily_response(std::string_view body, Days date);

class WeatherProvider {
 public:
  virtual ~WeatherProvider() = default;
  // Throws ApiError: Unprocessable(422) = provider has no data;
  // Unavailable(503, retry_after 30) = unreachable, timeout, 5xx, garbage.
  virtual Condition fetch(Days date, Location where) = 0;
};

struct OpenMeteoOptions {
  std::string forecast_url = "https://api.open-meteo.com/v1/forecast";
  std::string archive_url = "https://archive-api.open-meteo.com/v1/archive";
  long timeout_ms = 5000;  // whole request (connect + transfer)
  int archive_lag_days = 5;
};

// Calls curl_global_init(CURL_GLOBAL_DEFAULT) exactly once per process (a
// function-local static; later calls are no-ops). The composition root should
// call it at start-up, before any threads exist; OpenMeteoClient's constructor
// calls it too, so a client is safe even if the root forgot. Never undone
// (curl_global_cleanup is not called; the process exit reclaims it).
void init_http_client_library();

// Open-Meteo over libcurl. fetch() is thread-safe: each thread reuses its own
// curl easy handle (thread_local) so connections are kept alive per thread.
// TLS verification stays on, redirects are not followed, only http/https are
// allowed, responses larger than 1 MiB are rejected (503).
// HTTP status mapping: 200 -> parse_daily_response; 400 with an Open-Meteo
// {"error":true,"reason":..} body -> 422; anything else (other 4xx incl. 429,
// 5xx, 3xx, a 400 without that body) -> 503.
class OpenMeteoClient : public WeatherProvider {
 public:
  explicit OpenMeteoClient(OpenMeteoOptions);
  Condition fetch(Days date, Location where) override;

 private:
  OpenMeteoOptions options_;
};

// The GET URL for one day: archive_url for dates before today - archive_lag_days,
// forecast_url otherwise. Coordinates are written in fixed notation with at most
// 6 decimals, trailing zeros dropped ("32.09", "-0.5", "10").
std::string build_request_url(const OpenMeteoOptions&, Days date, Location where, Days today);

struct CacheKey {
  std::string date;  // YYYY-MM-DD
  int lat_centi;     // std::lround(latitude * 100)
  int lon_centi;     // std::lround(longitude * 100)
};
CacheKey make_cache_key(Days date, Location where);

class WeatherCacheStore {  // implemented by the storage module over a shared DB table
 public:
  virtual ~WeatherCacheStore() = default;
  virtual std::optional<std::string> get(const CacheKey&) = 0;  // condition JSON
  virtual void put(const CacheKey&, const std::string& condition_json) = 0;
};

struct WeatherStats {
  std::atomic<uint64_t> lookups{0}, cache_hits{0}, provider_calls{0}, failures{0};
};

// Cache in front of a provider. The provider is asked with the ROUNDED
// coordinates (lat_centi/100, lon_centi/100) so a cached answer is exactly what
// any request for that key would get. Concurrent lookups of one key in this
// process make ONE provider call (single-flight); the others wait for its
// outcome, success or exception. Failures are never cached.
//
// Stats: every lookup() counts in `lookups`; `cache_hits` counts lookups
// answered without their own provider call (from the store, or by waiting for a
// concurrent call that succeeded); `provider_calls` counts provider fetches;
// `failures` counts lookups that threw.
//
// Store errors do not fail a lookup: a get() that throws or returns JSON that
// does not parse is a miss, a put() that throws is ignored (the answer is still
// returned). Non-finite or out-of-range coordinates throw ApiError BadRequest.
class CachedWeather {
 public:
  CachedWeather(WeatherProvider&, WeatherCacheStore&, WeatherStats&);
  Condition lookup(Days date, Location where);

 private:
  struct Flight;
  std::optional<Condition> from_store(const CacheKey& key);

  WeatherProvider& provider_;
  WeatherCacheStore& store_;
  WeatherStats& stats_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace jogtrack::weather
