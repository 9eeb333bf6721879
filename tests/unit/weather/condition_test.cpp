#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <random>

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

// The reader is a SAX handler: it must agree with what a DOM lookup would
// give for the shapes a DOM handles without thinking.
TEST(ConditionJson, FromJsonTakesTheFirstOfARepeatedKeyAndSkipsNestedUnknowns) {
  const auto c = condition_from_json(
      R"({"x":{"temperature_max":"nested keys are not ours","y":[{"weather_code":"no"}]},)"
      R"("temperature_max":1.5,"temperature_max":"ignored","weather_code":2147483647,"wind_direction_dominant":-2147483648,)"
      R"("rain_sum":18446744073709551615,"snowfall_sum":-9223372036854775808,"sunrise":null,"sunrise":"later"})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->temperature_max, 1.5);
  EXPECT_EQ(c->weather_code, 2147483647);
  EXPECT_EQ(c->wind_direction_dominant, -2147483648LL);
  EXPECT_EQ(c->rain_sum, 18446744073709551615.0);  // any JSON number is a real
  EXPECT_EQ(c->snowfall_sum, -9223372036854775808.0);
  EXPECT_FALSE(c->sunrise);  // the first one (null) counts
  EXPECT_EQ(c->summary, "");  // no summary and no known code
  for (const char* json : {R"({"weather_code":2147483648})", R"({"weather_code":-2147483649})",
                           R"({"weather_code":[61]})", R"({"temperature_max":{}})", R"({"summary":true})"}) {
    SCOPED_TRACE(json);
    EXPECT_FALSE(condition_from_json(json));
  }
}

TEST(ConditionJson, LegacyIsTheExactTextOfItsValue) {
  for (const char* legacy : {R"({"a":[1,{"b":[]}],"c":"}]\"\\"})", "[]", "[1,[2,[3]]]", "\"text\"", "12.50", "true",
                             "null", "{}"}) {
    SCOPED_TRACE(legacy);
    const auto c = condition_from_json(std::string(R"({"provider":"darksky","legacy":)") + legacy + "}");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->legacy, legacy);
  }
  // Whitespace around the value is not part of it; a key after it is read as usual.
  const auto c = condition_from_json("{ \"legacy\" :\n [ 1 , 2 ] \t, \"weather_code\": 3 }");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->legacy, "[ 1 , 2 ]");
  EXPECT_EQ(c->summary, "Overcast");
}

// A run's stored condition is read without checking its UTF-8 again (what
// import-seed carried over reads back as it was); a cached or provided one is checked.
TEST(ConditionJson, OnlyStoredTextSkipsTheUtf8Check) {
  const std::string json = R"({"summary":"caf)" + std::string("\xe9") + R"(","legacy":")" + std::string("\xff") + R"("})";
  EXPECT_FALSE(condition_from_json(json));
  const auto stored = stored_condition_from_json(json);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->summary, "caf\xe9");
  EXPECT_EQ(stored->legacy, "\"\xff\"");
  EXPECT_EQ(stored_condition_from_json(condition_to_json(full_condition())), full_condition());
  EXPECT_FALSE(stored_condition_from_json("[]"));
}

// A run's stored text and a cache entry are read alike (the stored reader only
// skips the UTF-8 check): random conditions (any finite double, escapes,
// non-ASCII) and near misses of the stored shape, read both ways.
TEST(ConditionJson, StoredAndCacheReadersAgree) {
  std::mt19937_64 rng(20261130);
  const auto any_double = [&]() -> std::optional<double> {
    switch (rng() % 5) {
      case 0: return std::nullopt;
      case 1: return static_cast<double>(static_cast<int>(rng() % 2001) - 1000) / 10;  // a provider's 12.3
      case 2: return static_cast<double>(static_cast<std::int64_t>(rng()));
      default: {
        double d = 0;
        do {
          const std::uint64_t bits = rng();
          std::memcpy(&d, &bits, sizeof d);
        } while (!std::isfinite(d));
        return d;
      }
    }
  };
  const auto any_int = [&]() -> std::optional<int> {
    if (rng() % 4 == 0) return std::nullopt;
    return static_cast<int>(static_cast<std::uint32_t>(rng()));
  };
  const auto any_text = [&]() {
    static const std::string pieces[] = {"2015-01-01T06:41", "a", "\"", "\\", "\n", "\x01", "é", "☃", "/", " "};
    std::string s;
    for (auto n = rng() % 4; n > 0; --n) s += pieces[rng() % std::size(pieces)];
    return s;
  };
  for (int i = 0; i < 20000; ++i) {
    Condition c;
    if (rng() % 2) c.provider = any_text();
    c.summary = any_text();
    c.weather_code = any_int();
    for (auto field : {&Condition::temperature_max, &Condition::temperature_min, &Condition::apparent_temperature_max,
                       &Condition::apparent_temperature_min, &Condition::precipitation_sum, &Condition::rain_sum,
                       &Condition::snowfall_sum, &Condition::wind_speed_max, &Condition::wind_gusts_max})
      c.*field = any_double();
    c.wind_direction_dominant = any_int();
    if (rng() % 3) c.sunrise = any_text();
    if (rng() % 3) c.sunset = any_text();
    if (rng() % 10 == 0) c.legacy = R"({"icon":"rain"})";
    const std::string json = condition_to_json(c);
    const auto scanned = stored_condition_from_json(json);
    ASSERT_TRUE(scanned) << json;
    ASSERT_EQ(*scanned, c) << json;
    ASSERT_EQ(condition_from_json(json), scanned) << json;
  }
  const std::string rest =
      R"("temperature_min":null,"apparent_temperature_max":null,"apparent_temperature_min":null,)"
      R"("precipitation_sum":null,"rain_sum":null,"snowfall_sum":null,"wind_speed_max":null,"wind_gusts_max":null,)"
      R"("wind_direction_dominant":null,"sunrise":null,"sunset":null})";
  for (const std::string value :
       {"-0", "0", "-0.0", "1e400", "1e-400", "-", "01", "1.", ".5", "1e", "1E+2", "12345678901234567890",
        "-9223372036854775808", "9223372036854775808", "\"1\"", "nul", "true", "[]"}) {
    for (const std::string code : {"null", "7", "-0", "2147483648", "-2147483648", "7.0", "7e0"}) {
      const std::string json = R"({"provider":"open-meteo","summary":"","weather_code":)" + code +
                               R"(,"temperature_max":)" + value + "," + rest;
      SCOPED_TRACE(json);
      const auto scanned = stored_condition_from_json(json);
      const auto read = condition_from_json(json);
      ASSERT_EQ(scanned.has_value(), read.has_value());
      if (read) {
        EXPECT_EQ(*scanned, *read);
        EXPECT_EQ(std::signbit(scanned->temperature_max.value_or(1)), std::signbit(read->temperature_max.value_or(1)));
      }
    }
  }
  // Off the shape (order, space, escapes, a missing key, trailing text): the reader decides.
  const std::string canonical = condition_to_json(full_condition());
  for (const std::string& json :
       {" " + canonical, canonical + " ", canonical + "x", canonical.substr(0, canonical.size() - 1),
        std::string(R"({"summary":"Overcast","provider":"open-meteo"})"),
        std::string(R"({"provider":"open\u002dmeteo","summary":"x"})")}) {
    SCOPED_TRACE(json);
    EXPECT_EQ(stored_condition_from_json(json), condition_from_json(json));
  }
}

TEST(StoredCondition, KeepsTheTextAndDecodesItOnlyWhenAsked) {
  EXPECT_EQ(StoredCondition().json(), condition_to_json(Condition{}));
  // From a typed value: encoded once; the typed value is what that text reads back as (NaN is null).
  Condition c = full_condition();
  c.temperature_min = std::numeric_limits<double>::quiet_NaN();
  const StoredCondition made(c);
  EXPECT_EQ(made.json(), condition_to_json(c));
  ASSERT_TRUE(made.typed());
  c.temperature_min.reset();
  EXPECT_EQ(*made.typed(), c);
  EXPECT_EQ(made, StoredCondition(c));  // equal: the same stored text
  // From stored text: kept byte for byte, whatever it holds; typed() says whether it reads.
  const auto stored = StoredCondition::from_json(R"({"summary": "spaced",  "legacy" : [1]})");
  EXPECT_EQ(stored.json(), R"({"summary": "spaced",  "legacy" : [1]})");
  ASSERT_TRUE(stored.typed());
  EXPECT_EQ(stored.typed()->summary, "spaced");
  EXPECT_EQ(stored.typed()->legacy, "[1]");
  EXPECT_EQ(stored.typed(), stored.typed());  // decoded once, kept
  EXPECT_EQ(StoredCondition::from_json("garbage").typed(), nullptr);
  EXPECT_FALSE(stored == StoredCondition(*stored.typed()));  // other bytes, though the same value
}
