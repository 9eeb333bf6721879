#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "weather/weather.h"

using namespace jogtrack::weather;

TEST(WmoSummary, DocumentedCodes) {
  EXPECT_EQ(wmo_summary(0), "Clear sky");
  EXPECT_EQ(wmo_summary(1), "Mainly clear");
  EXPECT_EQ(wmo_summary(2), "Partly cloudy");
  EXPECT_EQ(wmo_summary(3), "Overcast");
  EXPECT_EQ(wmo_summary(45), "Fog");
  EXPECT_EQ(wmo_summary(48), "Depositing rime fog");
  EXPECT_EQ(wmo_summary(51), "Light drizzle");
  EXPECT_EQ(wmo_summary(53), "Moderate drizzle");
  EXPECT_EQ(wmo_summary(55), "Dense drizzle");
  EXPECT_EQ(wmo_summary(56), "Light freezing drizzle");
  EXPECT_EQ(wmo_summary(57), "Dense freezing drizzle");
  EXPECT_EQ(wmo_summary(61), "Slight rain");
  EXPECT_EQ(wmo_summary(63), "Moderate rain");
  EXPECT_EQ(wmo_summary(65), "Heavy rain");
  EXPECT_EQ(wmo_summary(66), "Light freezing rain");
  EXPECT_EQ(wmo_summary(67), "Heavy freezing rain");
  EXPECT_EQ(wmo_summary(71), "Slight snow fall");
  EXPECT_EQ(wmo_summary(73), "Moderate snow fall");
  EXPECT_EQ(wmo_summary(75), "Heavy snow fall");
  EXPECT_EQ(wmo_summary(77), "Snow grains");
  EXPECT_EQ(wmo_summary(80), "Slight rain showers");
  EXPECT_EQ(wmo_summary(81), "Moderate rain showers");
  EXPECT_EQ(wmo_summary(82), "Violent rain showers");
  EXPECT_EQ(wmo_summary(85), "Slight snow showers");
  EXPECT_EQ(wmo_summary(86), "Heavy snow showers");
  EXPECT_EQ(wmo_summary(95), "Thunderstorm");
  EXPECT_EQ(wmo_summary(96), "Thunderstorm with slight hail");
  EXPECT_EQ(wmo_summary(99), "Thunderstorm with heavy hail");
}

TEST(WmoSummary, UnknownCodesAreEmpty) {
  for (int code : {-1, 4, 10, 44, 46, 50, 52, 60, 70, 78, 79, 83, 84, 87, 94, 97, 98, 100, 255,
                   std::numeric_limits<int>::min(), std::numeric_limits<int>::max()})
    EXPECT_EQ(wmo_summary(code), "") << code;
}

namespace {
Condition full_condition() {
  Condition c;
  c.summary = "Overcast";
  c.weather_code = 3;
  c.temperature_max = 17.2;
  c.temperature_min = 4.6875;
  c.apparent_temperature_max = 15.1;
  c.apparent_temperature_min = -2.3;
  c.precipitation_sum = 0.1;
  c.rain_sum = 0;
  c.snowfall_sum = 0.07;
  c.wind_speed_max = 21.5;
  c.wind_gusts_max = 44.3;
  c.wind_direction_dominant = 245;
  c.sunrise = "2015-01-01T06:41";
  c.sunset = "2015-01-01T16:51";
  return c;
}

void expect_equal(const Condition& a, const Condition& b) {
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.summary, b.summary);
  EXPECT_EQ(a.weather_code, b.weather_code);
  EXPECT_EQ(a.temperature_max, b.temperature_max);
  EXPECT_EQ(a.temperature_min, b.temperature_min);
  EXPECT_EQ(a.apparent_temperature_max, b.apparent_temperature_max);
  EXPECT_EQ(a.apparent_temperature_min, b.apparent_temperature_min);
  EXPECT_EQ(a.precipitation_sum, b.precipitation_sum);
  EXPECT_EQ(a.rain_sum, b.rain_sum);
  EXPECT_EQ(a.snowfall_sum, b.snowfall_sum);
  EXPECT_EQ(a.wind_speed_max, b.wind_speed_max);
  EXPECT_EQ(a.wind_gusts_max, b.wind_gusts_max);
  EXPECT_EQ(a.wind_direction_dominant, b.wind_direction_dominant);
  EXPECT_EQ(a.sunrise, b.sunrise);
  EXPECT_EQ(a.sunset, b.sunset);
}
}  // namespace

TEST(ConditionJson, ExactKeysInSpecOrder) {
  EXPECT_EQ(condition_to_json(full_condition()),
            R"({"provider":"open-meteo","summary":"Overcast","weather_code":3,"temperature_max":17.2,)"
            R"("temperature_min":4.6875,"apparent_temperature_max":15.1,"apparent_temperature_min":-2.3,)"
            R"("precipitation_sum":0.1,"rain_sum":0.0,"snowfall_sum":0.07,"wind_speed_max":21.5,)"
            R"("wind_gusts_max":44.3,"wind_direction_dominant":245,"sunrise":"2015-01-01T06:41",)"
            R"("sunset":"2015-01-01T16:51"})");
}

TEST(ConditionJson, NullsAreWrittenAsNull) {
  EXPECT_EQ(condition_to_json(Condition{}),
            R"({"provider":"open-meteo","summary":"","weather_code":null,"temperature_max":null,)"
            R"("temperature_min":null,"apparent_temperature_max":null,"apparent_temperature_min":null,)"
            R"("precipitation_sum":null,"rain_sum":null,"snowfall_sum":null,"wind_speed_max":null,)"
            R"("wind_gusts_max":null,"wind_direction_dominant":null,"sunrise":null,"sunset":null})");
}

TEST(ConditionJson, NonFiniteNumbersBecomeNull) {
  Condition c;
  c.temperature_max = std::numeric_limits<double>::quiet_NaN();
  c.temperature_min = std::numeric_limits<double>::infinity();
  const std::string json = condition_to_json(c);
  EXPECT_NE(json.find(R"("temperature_max":null,"temperature_min":null)"), std::string::npos) << json;
}

TEST(ConditionJson, StringsAreEscaped) {
  Condition c;
  c.summary = "quote \" backslash \\ newline \n";
  c.sunrise = std::string("nul\0byte", 8);
  auto back = condition_from_json(condition_to_json(c));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->summary, c.summary);
  EXPECT_EQ(back->sunrise, c.sunrise);
}

TEST(ConditionJson, RoundTrip) {
  for (const Condition& c : {full_condition(), Condition{}}) {
    auto back = condition_from_json(condition_to_json(c));
    ASSERT_TRUE(back);
    expect_equal(*back, c);
  }
}

TEST(ConditionJson, RoundTripIsExactForAwkwardDoubles) {
  Condition c;
  c.temperature_max = 0.1 + 0.2;
  c.temperature_min = -1e-300;
  c.wind_speed_max = 123456.789012345678;
  c.precipitation_sum = 5e-324;
  auto back = condition_from_json(condition_to_json(c));
  ASSERT_TRUE(back);
  expect_equal(*back, c);
}

TEST(ConditionJson, FromJsonIsLenientAboutMissingAndUnknownKeys) {
  auto c = condition_from_json(R"({"weather_code":61,"temperature_max":12,"extra":[1,2]})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->provider, "open-meteo");
  EXPECT_EQ(c->summary, "Slight rain");  // derived from the code when absent
  EXPECT_EQ(c->temperature_max, 12.0);
  EXPECT_FALSE(c->temperature_min);
  EXPECT_FALSE(c->sunrise);
}

TEST(ConditionJson, FromJsonRejectsWrongTypesAndNonObjects) {
  for (const char* json :
       {"", "null", "[]", "42", "\"x\"", "{", "{\"temperature_max\":\"17\"}", "{\"weather_code\":3.5}",
        "{\"weather_code\":\"3\"}", "{\"wind_direction_dominant\":true}", "{\"sunrise\":7}",
        "{\"provider\":null,\"summary\":1}", "{\"weather_code\":99999999999}",
        "{\"temperature_max\":NaN}", "{} trailing"}) {
    SCOPED_TRACE(json);
    EXPECT_FALSE(condition_from_json(json));
  }
}

// Runs imported from the original system carry its Dark Sky data under "legacy":
// a condition read and written again (a run changed without a new lookup) keeps it.
TEST(ConditionJson, LegacyDataSurvivesARoundTrip) {
  const std::string stored =
      R"({"provider":"darksky","summary":"Clear","weather_code":null,"temperature_max":null,)"
      R"("temperature_min":null,"apparent_temperature_max":null,"apparent_temperature_min":null,)"
      R"("precipitation_sum":null,"rain_sum":null,"snowfall_sum":null,"wind_speed_max":null,)"
      R"("wind_gusts_max":null,"wind_direction_dominant":null,"sunrise":null,"sunset":null,)"
      R"("legacy":{"time":1452290400,"temperatureMax":64.81,"icon":"clear-day"}})";
  const auto c = condition_from_json(stored);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->provider, "darksky");
  EXPECT_EQ(c->legacy, R"({"time":1452290400,"temperatureMax":64.81,"icon":"clear-day"})");
  EXPECT_EQ(condition_to_json(*c), stored);
  const std::string repr = R"({"provider":"darksky","legacy":"{'summary': 'Clear', 'x': None}"})";
  ASSERT_TRUE(condition_from_json(repr));
  EXPECT_EQ(condition_from_json(repr)->legacy, R"("{'summary': 'Clear', 'x': None}")");
  // An Open-Meteo condition has no such key.
  EXPECT_EQ(condition_to_json(Condition{}).find("legacy"), std::string::npos);
}
