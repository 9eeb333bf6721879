// Provider strings are bounded and clean before they are stored or echoed.
#include "weather/provider_text.h"

#include <gtest/gtest.h>

#include <string>

#include "common/errors.h"
#include "weather/weather.h"

using namespace jogtrack;
using namespace jogtrack::weather;

namespace {

std::string one_day(const std::string& sunrise_json) {
  return R"({"daily":{"time":["2015-01-01"],"temperature_2m_max":[17.2],"sunrise":[)" + sunrise_json +
         R"(],"sunset":["2015-01-01T16:47"]}})";
}

TEST(ProviderText, ShortFieldKeepsOrdinaryValues) {
  EXPECT_EQ(short_field("2015-01-01T06:39", kMaxTimeOfDayBytes), "2015-01-01T06:39");
  EXPECT_EQ(short_field(std::string(64, 'x'), 64), std::string(64, 'x'));
}

TEST(ProviderText, ShortFieldDropsLongOrControlText) {
  EXPECT_EQ(short_field(std::string(65, 'x'), 64), std::nullopt);
  EXPECT_EQ(short_field("06:39\x1b[2J", 64), std::nullopt);
  EXPECT_EQ(short_field(std::string("06\0:39", 6), 64), std::nullopt);
}

TEST(ProviderText, BoundedMessageCutsOnACharacterBoundary) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += "\xC3\xA9";  // é, 2 bytes each
  const std::string out = bounded_message(text, 200);
  EXPECT_LE(out.size(), 200u);
  EXPECT_EQ(out.substr(out.size() - 3), "...");
  EXPECT_EQ((out.size() - 3) % 2, 0u);  // no half character left before the marker
  EXPECT_EQ(bounded_message("short", 200), "short");
}

TEST(ProviderText, BoundedMessageBlanksControlCharacters) {
  EXPECT_EQ(bounded_message("a\nb\x1b" "c", 200), "a b c");
}

TEST(ProviderText, JunkSunriseIsDroppedWeatherKept) {
  const Condition c = parse_daily_response(one_day("\"" + std::string(5000, 'x') + "\""), *parse_date("2015-01-01"));
  EXPECT_EQ(c.sunrise, std::nullopt);
  EXPECT_EQ(c.sunset, "2015-01-01T16:47");
  EXPECT_EQ(c.temperature_max, 17.2);
  EXPECT_EQ(parse_daily_response(one_day(R"("06:39\u0000evil")"), *parse_date("2015-01-01")).sunrise, std::nullopt);
}

TEST(ProviderText, InvalidUtf8MakesTheResponseMalformed) {
  try {
    parse_daily_response(one_day("\"\xff\xfe\""), *parse_date("2015-01-01"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
  }
}

TEST(ProviderText, NoDataReasonIsBounded) {
  const std::string body = R"({"error":true,"reason":")" + std::string(10000, 'r') + R"(\n"})";
  try {
    parse_daily_response(body, *parse_date("2015-01-01"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::NoWeatherData);
    EXPECT_LT(std::string(e.what()).size(), 300u);
  }
}

}  // namespace
