// What import-seed stores as a legacy run's condition: the stored shape every
// condition has (condition_to_json's), Dark Sky's data whole under "legacy".
#include <gtest/gtest.h>

#include "legacy/seed_import.h"
#include "weather/weather.h"

namespace jogtrack::legacy {
namespace {

const std::string kNulls =
    R"("weather_code":null,"temperature_max":null,"temperature_min":null,"apparent_temperature_max":null,)"
    R"("apparent_temperature_min":null,"precipitation_sum":null,"rain_sum":null,"snowfall_sum":null,)"
    R"("wind_speed_max":null,"wind_gusts_max":null,"wind_direction_dominant":null,"sunrise":null,"sunset":null)";

TEST(LegacyCondition, JsonIsKeptAsAnObjectWithItsSummary) {
  EXPECT_EQ(legacy_condition_json(R"({ "summary": "Clear", "temperatureMax": 64.81, "icon": "clear-day" })"),
            R"({"provider":"darksky","summary":"Clear",)" + kNulls +
                R"(,"legacy":{"summary":"Clear","temperatureMax":64.81,"icon":"clear-day"}})");
  EXPECT_EQ(legacy_condition_json("[1, 2]"), R"({"provider":"darksky","summary":"",)" + kNulls + R"(,"legacy":[1,2]})");
}

TEST(LegacyCondition, AnythingElseIsKeptAsAString) {
  EXPECT_EQ(legacy_condition_json("{'summary': 'Clear', 'x': None}"),
            R"({"provider":"darksky","summary":"",)" + kNulls + R"(,"legacy":"{'summary': 'Clear', 'x': None}"})");
  EXPECT_EQ(legacy_condition_json(""), R"({"provider":"darksky","summary":"",)" + kNulls + R"(,"legacy":""})");
}

TEST(LegacyCondition, ReadsBackAsATypedCondition) {
  const auto c = weather::stored_condition_from_json(legacy_condition_json(R"({"summary":"Rain \"heavy\""})"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->provider, "darksky");
  EXPECT_EQ(c->summary, "Rain \"heavy\"");
  EXPECT_EQ(c->legacy, R"({"summary":"Rain \"heavy\""})");
  EXPECT_FALSE(c->temperature_max);
}

}  // namespace
}  // namespace jogtrack::legacy
