#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "weather/weather.h"

using jogtrack::weather::parse_location;

TEST(ParseLocation, SeedExample) {
  auto loc = parse_location("32.0853 34.7818");
  ASSERT_TRUE(loc);
  EXPECT_DOUBLE_EQ(loc->latitude, 32.0853);
  EXPECT_DOUBLE_EQ(loc->longitude, 34.7818);
}

TEST(ParseLocation, AcceptedForms) {
  struct Case {
    const char* text;
    double lat, lon;
  };
  for (const Case& c : {Case{"-33.9249 18.4241", -33.9249, 18.4241}, Case{"+51.5 -0.1278", 51.5, -0.1278},
                        Case{"0 0", 0, 0}, Case{"10    20", 10, 20}, Case{".5 -.25", 0.5, -0.25},
                        Case{"1. 2.", 1, 2}, Case{"90 180", 90, 180}, Case{"-90 -180", -90, -180},
                        Case{"-90.000 -180.0000", -90, -180}, Case{"007.50 008", 7.5, 8}}) {
    SCOPED_TRACE(c.text);
    auto loc = parse_location(c.text);
    ASSERT_TRUE(loc);
    EXPECT_DOUBLE_EQ(loc->latitude, c.lat);
    EXPECT_DOUBLE_EQ(loc->longitude, c.lon);
  }
}

TEST(ParseLocation, NegativeZeroIsNormalised) {
  auto loc = parse_location("-0 -0.0");
  ASSERT_TRUE(loc);
  EXPECT_FALSE(std::signbit(loc->latitude));
  EXPECT_FALSE(std::signbit(loc->longitude));
}

TEST(ParseLocation, Rejected) {
  for (const char* text :
       {"", " ", "32.0853", "32.0853 ", " 32.0853 34.7818", "32.0853 34.7818 ", "32.0853 34.7818 5",
        "32.0853\t34.7818", "32.0853\n34.7818", "32.0853,34.7818", "32.0853, 34.7818", "90.0001 0",
        "-90.0001 0", "0 180.0001", "0 -180.0001", "1e1 2", "1 2E0", "0x10 0", "inf 0", "0 nan",
        "NaN NaN", "infinity 0", "- 1", "+ 1 2", "1 --2", "1 +-2", "++1 2", ". 2", "1 .", "1..2 3",
        "1.2.3 4", "abc def", "1 2abc", "١ ٢", "32,0853 34,7818", "1_000 2"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(parse_location(text));
  }
}

TEST(ParseLocation, RejectsEmbeddedNulAndOverlongInput) {
  EXPECT_FALSE(parse_location(std::string_view("1 2\0", 4)));
  EXPECT_FALSE(parse_location(std::string_view("1\0 2", 4)));
  std::string long_text = "1." + std::string(120, '0') + " 2";
  EXPECT_FALSE(parse_location(long_text));
  std::string ok_text = "1." + std::string(40, '0') + "1 2";
  EXPECT_TRUE(parse_location(ok_text));
}
