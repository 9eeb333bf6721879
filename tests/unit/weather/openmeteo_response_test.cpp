#include <gtest/gtest.h>

#include <string>

#include "common/errors.h"
#include "weather/weather.h"

using namespace jogtrack;
using namespace jogtrack::weather;

namespace {

Days day(const char* text) { return *parse_date(text); }

// A real /v1/archive answer (two days), shape and values as Open-Meteo sends them.
const char* kTwoDays = R"({"latitude":32.08,"longitude":34.78,"generationtime_ms":0.33,
  "utc_offset_seconds":7200,"timezone":"Asia/Jerusalem","timezone_abbreviation":"IST","elevation":14.0,
  "daily_units":{"time":"iso8601","weather_code":"wmo code","temperature_2m_max":"°C"},
  "daily":{"time":["2015-01-01","2015-01-02"],
    "weather_code":[3,61],
    "temperature_2m_max":[17.2,15.0],
    "temperature_2m_min":[8.1,9.4],
    "apparent_temperature_max":[15.3,12.9],
    "apparent_temperature_min":[5.6,6.0],
    "precipitation_sum":[0.00,12.3],
    "rain_sum":[0.00,12.3],
    "snowfall_sum":[0.00,0.00],
    "wind_speed_10m_max":[14.8,31.7],
    "wind_gusts_10m_max":[28.4,61.2],
    "wind_direction_10m_dominant":[88,245],
    "sunrise":["2015-01-01T06:39","2015-01-02T06:40"],
    "sunset":["2015-01-01T16:47","2015-01-02T16:48"]}})";

template <typename F>
ErrorKind error_kind(F&& f) {
  try {
    f();
  } catch (const ApiError& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ErrorKind::Validation;
}

}  // namespace

TEST(ParseDailyResponse, PicksTheRequestedDay) {
  Condition c = parse_daily_response(kTwoDays, day("2015-01-02"));
  EXPECT_EQ(c.provider, "open-meteo");
  EXPECT_EQ(c.weather_code, 61);
  EXPECT_EQ(c.summary, "Slight rain");
  EXPECT_EQ(c.temperature_max, 15.0);
  EXPECT_EQ(c.temperature_min, 9.4);
  EXPECT_EQ(c.apparent_temperature_max, 12.9);
  EXPECT_EQ(c.apparent_temperature_min, 6.0);
  EXPECT_EQ(c.precipitation_sum, 12.3);
  EXPECT_EQ(c.rain_sum, 12.3);
  EXPECT_EQ(c.snowfall_sum, 0.0);
  EXPECT_EQ(c.wind_speed_max, 31.7);
  EXPECT_EQ(c.wind_gusts_max, 61.2);
  EXPECT_EQ(c.wind_direction_dominant, 245);
  EXPECT_EQ(c.sunrise, "2015-01-02T06:40");
  EXPECT_EQ(c.sunset, "2015-01-02T16:48");

  Condition first = parse_daily_response(kTwoDays, day("2015-01-01"));
  EXPECT_EQ(first.weather_code, 3);
  EXPECT_EQ(first.summary, "Overcast");
  EXPECT_EQ(first.wind_direction_dominant, 88);
}

TEST(ParseDailyResponse, NullsAndMissingColumnsBecomeAbsent) {
  const char* body = R"({"daily":{"time":["2020-05-05"],"weather_code":[null],
      "temperature_2m_max":[21.5],"temperature_2m_min":[null],"sunrise":[null]}})";
  Condition c = parse_daily_response(body, day("2020-05-05"));
  EXPECT_FALSE(c.weather_code);
  EXPECT_EQ(c.summary, "");
  EXPECT_EQ(c.temperature_max, 21.5);
  EXPECT_FALSE(c.temperature_min);
  EXPECT_FALSE(c.rain_sum);  // column not requested/returned at all
  EXPECT_FALSE(c.sunrise);
  EXPECT_FALSE(c.sunset);
}

TEST(ParseDailyResponse, UnknownWmoCodeGivesEmptySummary) {
  Condition c = parse_daily_response(R"({"daily":{"time":["2020-05-05"],"weather_code":[42]}})",
                                     day("2020-05-05"));
  EXPECT_EQ(c.weather_code, 42);
  EXPECT_EQ(c.summary, "");
}

TEST(ParseDailyResponse, IntegralFloatsAreAcceptedForIntegers) {
  Condition c = parse_daily_response(
      R"({"daily":{"time":["2020-05-05"],"weather_code":[3.0],"wind_direction_10m_dominant":[244.6]}})",
      day("2020-05-05"));
  EXPECT_EQ(c.weather_code, 3);
  EXPECT_EQ(c.wind_direction_dominant, 245);
}

TEST(ParseDailyResponse, AllNullIsNoData) {
  const char* body = R"({"daily":{"time":["2020-05-05"],"weather_code":[null],
      "temperature_2m_max":[null],"temperature_2m_min":[null],"precipitation_sum":[null],
      "wind_direction_10m_dominant":[null],"sunrise":["2020-05-05T05:50"],"sunset":["2020-05-05T19:20"]}})";
  // Sunrise/sunset are astronomy, not weather: still no data.
  EXPECT_EQ(error_kind([&] { parse_daily_response(body, day("2020-05-05")); }),
            ErrorKind::NoWeatherData);
  EXPECT_EQ(error_kind([&] {
              parse_daily_response(R"({"daily":{"time":["2020-05-05"]}})", day("2020-05-05"));
            }),
            ErrorKind::NoWeatherData);
}

TEST(ParseDailyResponse, MissingDayIsNoData) {
  EXPECT_EQ(error_kind([&] { parse_daily_response(kTwoDays, day("2015-01-03")); }),
            ErrorKind::NoWeatherData);
  EXPECT_EQ(error_kind([&] {
              parse_daily_response(R"({"daily":{"time":[],"weather_code":[]}})", day("2015-01-03"));
            }),
            ErrorKind::NoWeatherData);
}

TEST(ParseDailyResponse, ErrorBodyIsNoDataWithReason) {
  try {
    parse_daily_response(
        R"({"error":true,"reason":"Parameter 'start_date' is out of allowed range from 1940-01-01 to 2024-05-20"})",
        day("1900-01-01"));
    FAIL() << "no throw";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NoWeatherData);
    EXPECT_NE(std::string(e.what()).find("out of allowed range"), std::string::npos) << e.what();
  }
  EXPECT_EQ(error_kind([&] { parse_daily_response(R"({"error":true})", day("1900-01-01")); }),
            ErrorKind::NoWeatherData);
}

TEST(ParseDailyResponse, GarbageIsUnavailable) {
  for (const char* body :
       {"", "<html>502 Bad Gateway</html>", "{", "null", "[1,2]", "\"daily\"", "{}", R"({"daily":[]})",
        R"({"daily":{"time":"2020-05-05"}})", R"({"daily":{"weather_code":[3]}})",
        R"({"daily":{"time":[20200505],"weather_code":[3]}})",
        R"({"daily":{"time":["2020-05-05"],"weather_code":["3"]}})",
        R"({"daily":{"time":["2020-05-05"],"weather_code":[3.5]}})",
        R"({"daily":{"time":["2020-05-05"],"weather_code":[1e20]}})",
        R"({"daily":{"time":["2020-05-05"],"temperature_2m_max":[true]}})",
        R"({"daily":{"time":["2020-05-05"],"temperature_2m_max":17}})",
        R"({"daily":{"time":["2020-05-05","2020-05-06"],"temperature_2m_max":[17]}})",
        R"({"daily":{"time":["2020-05-05"],"temperature_2m_max":[17],"sunrise":[600]}})",
        R"({"daily":{"time":["2020-05-05"],"temperature_2m_max":[17]}} trailing)",
        R"({"daily":{"time":["2020-05-05"],"temperature_2m_max":[NaN]}})"}) {
    SCOPED_TRACE(body);
    try {
      parse_daily_response(body, day("2020-05-05"));
      ADD_FAILURE() << "no throw";
    } catch (const ApiError& e) {
      EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
      EXPECT_EQ(e.retry_after(), 30);
    }
  }
}

TEST(ParseDailyResponse, DeepNestingDoesNotCrash) {
  std::string body(200000, '[');
  EXPECT_EQ(error_kind([&] { parse_daily_response(body, day("2020-05-05")); }), ErrorKind::WeatherUnavailable);
}

TEST(BuildRequestUrl, ArchiveForOlderDatesForecastFromLagOn) {
  OpenMeteoOptions o;  // lag 5
  const Days today = day("2024-06-10");
  const Location tlv{32.09, 34.78};
  EXPECT_EQ(build_request_url(o, day("2015-01-01"), tlv, today),
            "https://archive-api.open-meteo.com/v1/archive?latitude=32.09&longitude=34.78"
            "&start_date=2015-01-01&end_date=2015-01-01"
            "&daily=weather_code,temperature_2m_max,temperature_2m_min,apparent_temperature_max,"
            "apparent_temperature_min,precipitation_sum,rain_sum,snowfall_sum,wind_speed_10m_max,"
            "wind_gusts_10m_max,wind_direction_10m_dominant,sunrise,sunset&timezone=auto");
  // today - 6 is older than today - 5: archive; today - 5 and later: forecast.
  EXPECT_EQ(build_request_url(o, day("2024-06-04"), tlv, today).rfind(o.archive_url + "?", 0), 0u);
  EXPECT_EQ(build_request_url(o, day("2024-06-05"), tlv, today).rfind(o.forecast_url + "?", 0), 0u);
  EXPECT_EQ(build_request_url(o, day("2024-06-10"), tlv, today).rfind(o.forecast_url + "?", 0), 0u);
  EXPECT_NE(build_request_url(o, day("2024-06-10"), tlv, today).find("&start_date=2024-06-10&end_date=2024-06-10&"),
            std::string::npos);

  o.archive_lag_days = 2;
  EXPECT_EQ(build_request_url(o, day("2024-06-07"), tlv, today).rfind(o.archive_url, 0), 0u);
  EXPECT_EQ(build_request_url(o, day("2024-06-08"), tlv, today).rfind(o.forecast_url, 0), 0u);
}

TEST(BuildRequestUrl, CoordinatesAreShortFixedNotation) {
  OpenMeteoOptions o;
  o.forecast_url = "http://127.0.0.1:1/v1/forecast";
  const Days today = day("2024-06-10");
  auto coords = [&](Location l) {
    std::string url = build_request_url(o, today, l, today);
    return url.substr(url.find('?') + 1, url.find("&start_date") - url.find('?') - 1);
  };
  EXPECT_EQ(coords({-33.92, 18.42}), "latitude=-33.92&longitude=18.42");
  EXPECT_EQ(coords({3209 / 100.0, 3478 / 100.0}), "latitude=32.09&longitude=34.78");
  EXPECT_EQ(coords({0, -0.0}), "latitude=0&longitude=0");
  EXPECT_EQ(coords({90, -180}), "latitude=90&longitude=-180");
  EXPECT_EQ(coords({1e-7, -1e-7}), "latitude=0&longitude=0");
  EXPECT_EQ(coords({0.00001, 12.3456789}), "latitude=0.00001&longitude=12.345679");
}

TEST(BuildRequestUrl, BaseWithQueryGetsAmpersand) {
  OpenMeteoOptions o;
  o.forecast_url = "https://customer-api.open-meteo.com/v1/forecast?apikey=abc";
  const Days today = day("2024-06-10");
  EXPECT_EQ(build_request_url(o, today, {1, 2}, today).rfind(o.forecast_url + "&latitude=1&longitude=2&", 0),
            0u);
}
