// GPX/TCX parsing (imports/tracks): fixtures written by hand in the shape
// Garmin and Strava export, expected distances computed here independently
// (the atan2 form of the haversine, not the module's asin form).
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "common/errors.h"
#include "imports/tracks.h"

using namespace jogtrack;
using namespace jogtrack::imports;

namespace {

struct Pt {
  double lat, lon;
};

double expected_metres(const std::vector<Pt>& pts) {
  const double r = 6371008.8, k = std::numbers::pi / 180;
  double total = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double p1 = pts[i - 1].lat * k, p2 = pts[i].lat * k;
    const double dp = p2 - p1, dl = (pts[i].lon - pts[i - 1].lon) * k;
    const double a = std::pow(std::sin(dp / 2), 2) + std::cos(p1) * std::cos(p2) * std::pow(std::sin(dl / 2), 2);
    total += r * 2 * std::atan2(std::sqrt(a), std::sqrt(1 - a));
  }
  return total;
}

std::int64_t expected_rounded(const std::vector<Pt>& pts) { return std::llround(expected_metres(pts)); }

// Garmin Connect's GPX 1.1 export: default namespace, TrackPointExtension.
const char* kGarmin = R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="Garmin Connect" version="1.1"
  xsi:schemaLocation="http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/11.xsd"
  xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
  xmlns="http://www.topografix.com/GPX/1/1"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns2="http://www.garmin.com/xmlschemas/GpxExtensions/v3">
  <metadata>
    <link href="connect.garmin.com"><text>Garmin Connect</text></link>
    <time>2024-05-01T04:30:00.000Z</time>
  </metadata>
  <trk>
    <name>Tel Aviv Running</name>
    <type>running</type>
    <trkseg>
      <trkpt lat="32.085300" lon="34.781800">
        <ele>12.4</ele><time>2024-05-01T04:30:00.000Z</time>
        <extensions><ns3:TrackPointExtension><ns3:hr>120</ns3:hr><ns3:cad>80</ns3:cad></ns3:TrackPointExtension></extensions>
      </trkpt>
      <trkpt lat="32.086300" lon="34.782300">
        <ele>12.6</ele><time>2024-05-01T04:30:40.000Z</time>
        <extensions><ns3:TrackPointExtension><ns3:hr>131</ns3:hr></ns3:TrackPointExtension></extensions>
      </trkpt>
      <trkpt lat="32.088100" lon="34.783900">
        <ele>13.0</ele><time>2024-05-01T04:31:52.000Z</time>
      </trkpt>
    </trkseg>
  </trk>
</gpx>)";
const std::vector<Pt> kGarminPts = {{32.0853, 34.7818}, {32.0863, 34.7823}, {32.0881, 34.7839}};

TEST(Gpx, GarminExportWithNamespacesAndExtensions) {
  const auto runs = parse_gpx(kGarmin);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].distance, expected_rounded(kGarminPts));
  EXPECT_GT(runs[0].distance, 300);
  EXPECT_EQ(runs[0].time, 112);
  EXPECT_EQ(runs[0].location, "32.0853 34.7818");
  EXPECT_DOUBLE_EQ(runs[0].where.latitude, 32.0853);
  // 04:30 UTC shifted by round(34.78 / 15) = 2 h: still May 1st.
  EXPECT_EQ(format_date(runs[0].date), "2024-05-01");
  EXPECT_NE(runs[0].source.find("Tel Aviv Running"), std::string::npos);
}

// Strava's export: GPX 1.1 with several segments (paused recording) and a
// point without a time; plus a second track in the same file.
const char* kStrava = R"(<?xml version="1.0" encoding="UTF-8"?>
<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1"
     xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">
 <metadata><time>2023-12-31T22:10:00Z</time></metadata>
 <trk>
  <name>Morning Run</name><type>9</type>
  <trkseg>
   <trkpt lat="-36.8485" lon="174.7633"><ele>5</ele><time>2023-12-31T22:10:00Z</time></trkpt>
   <trkpt lat="-36.8475" lon="174.7640"><ele>6</ele></trkpt>
   <trkpt lat="-36.8465" lon="174.7650"><ele>6</ele><time>2023-12-31T22:12:00Z</time></trkpt>
  </trkseg>
  <trkseg>
   <trkpt lat="-36.8455" lon="174.7660"><time>2023-12-31T22:20:00Z</time></trkpt>
   <trkpt lat="-36.8445" lon="174.7670"><time>2023-12-31T22:21:30.600Z</time></trkpt>
  </trkseg>
 </trk>
 <trk>
  <name>Evening Run</name>
  <trkseg>
   <trkpt lat="-36.8485" lon="174.7633"><time>2024-01-01T06:00:00Z</time></trkpt>
   <trkpt lat="-36.8585" lon="174.7633"><time>2024-01-01T06:05:00Z</time></trkpt>
  </trkseg>
 </trk>
</gpx>)";

TEST(Gpx, StravaSegmentsUntimedPointsAndSeveralTracks) {
  const auto runs = parse_gpx(kStrava);
  ASSERT_EQ(runs.size(), 2u);
  const std::vector<Pt> first = {
      {-36.8485, 174.7633}, {-36.8475, 174.7640}, {-36.8465, 174.7650}, {-36.8455, 174.7660}, {-36.8445, 174.7670}};
  // The untimed point counts for distance; the gap between segments counts too.
  EXPECT_EQ(runs[0].distance, expected_rounded(first));
  EXPECT_EQ(runs[0].time, 691);  // 22:10:00 -> 22:21:30.6, rounded
  EXPECT_EQ(runs[0].location, "-36.8485 174.7633");
  // 22:10 UTC + round(174.76 / 15) = 12 h: New Year's Day in Auckland.
  EXPECT_EQ(format_date(runs[0].date), "2024-01-01");
  EXPECT_EQ(runs[1].distance, expected_rounded({{-36.8485, 174.7633}, {-36.8585, 174.7633}}));
  EXPECT_EQ(runs[1].time, 300);
}

TEST(Gpx, Version10WithoutNamespaceAndWithPrefixes) {
  const char* v10 = R"(<gpx version="1.0" creator="GPSBabel"><trk><trkseg>
    <trkpt lat="51.5" lon="-0.12"><time>2022-03-01T07:00:00Z</time></trkpt>
    <trkpt lat="51.51" lon="-0.12"><time>2022-03-01T07:06:00+00:00</time></trkpt>
  </trkseg></trk></gpx>)";
  const auto a = parse_gpx(v10);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].distance, expected_rounded({{51.5, -0.12}, {51.51, -0.12}}));
  EXPECT_EQ(a[0].time, 360);
  EXPECT_EQ(a[0].location, "51.5000 -0.1200");

  const char* prefixed = R"(<g:gpx xmlns:g="http://www.topografix.com/GPX/1/0" version="1.0"><g:trk><g:trkseg>
    <g:trkpt lat="51.5" lon="-0.12"><g:time>2022-03-01T08:00:00+01:00</g:time></g:trkpt>
    <g:trkpt lat="51.51" lon="-0.12"><g:time>2022-03-01T08:06:00+01:00</g:time></g:trkpt>
  </g:trkseg></g:trk></g:gpx>)";
  const auto b = parse_gpx(prefixed);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].distance, a[0].distance);
  EXPECT_EQ(b[0].time, 360);
  EXPECT_EQ(b[0].date, a[0].date);
}

TEST(Gpx, ThousandsOfPoints) {
  std::string doc = R"(<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>long</name><trkseg>)";
  std::vector<Pt> pts;
  for (int i = 0; i < 5000; ++i) {
    const Pt p{45.0 + i * 0.0001, 7.0 + (i % 7) * 0.00005};
    pts.push_back(p);
    char buf[200];
    std::snprintf(buf, sizeof buf, "<trkpt lat=\"%.6f\" lon=\"%.6f\"><time>2021-06-01T%02d:%02d:%02dZ</time></trkpt>",
                  p.lat, p.lon, 5 + i / 3600, (i / 60) % 60, i % 60);
    doc += buf;
  }
  doc += "</trkseg></trk></gpx>";
  const auto runs = parse_gpx(doc);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_NEAR(static_cast<double>(runs[0].distance), expected_metres(pts), 1.0);
  EXPECT_EQ(runs[0].time, 4999);
}

TEST(Gpx, DateShiftFollowsLongitude) {
  // 23:30 UTC at 100 W: shifted by round(-100 / 15) = -7 h -> the same day; at 100 E (+7 h) -> the next day.
  const auto track = [](const char* lon) {
    return std::string(R"(<gpx><trk><trkseg><trkpt lat="10" lon=")") + lon +
           R"("><time>2020-02-28T23:30:00Z</time></trkpt><trkpt lat="10.01" lon=")" + lon +
           R"("><time>2020-02-28T23:40:00Z</time></trkpt></trkseg></trk></gpx>)";
  };
  EXPECT_EQ(format_date(parse_gpx(track("-100"))[0].date), "2020-02-28");
  EXPECT_EQ(format_date(parse_gpx(track("100"))[0].date), "2020-02-29");
}

std::string error_of(const std::string& doc, bool tcx = false) {
  try {
    if (tcx)
      parse_tcx(doc);
    else
      parse_gpx(doc);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    return e.what();
  }
  return "(no error)";
}

TEST(Gpx, RefusesDoctypesSoNoEntityIsEverDeclared) {
  const std::string xxe = R"(<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<gpx><trk><name>&xxe;</name><trkseg>
<trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt>
<trkpt lat="1.01" lon="1"><time>2020-01-01T00:10:00Z</time></trkpt></trkseg></trk></gpx>)";
  EXPECT_NE(error_of(xxe).find("DOCTYPE"), std::string::npos);
  const std::string laughs = R"(<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<gpx><trk><name>&lol3;</name></trk></gpx>)";
  EXPECT_NE(error_of(laughs).find("DOCTYPE"), std::string::npos);
}

TEST(Gpx, NamesWhatIsWrong) {
  EXPECT_NE(error_of("<gpx><trk>").find("malformed XML"), std::string::npos);
  EXPECT_NE(error_of("").find("malformed XML"), std::string::npos);
  EXPECT_NE(error_of("<kml/>").find("root element"), std::string::npos);
  EXPECT_NE(error_of("<gpx/>").find("no track"), std::string::npos);
  const std::string one_point = R"(<gpx><trk><name>Lonely</name><trkseg>
    <trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt><trkpt lat="1.1" lon="1"/></trkseg></trk></gpx>)";
  const auto e = error_of(one_point);
  EXPECT_NE(e.find("track 1 \"Lonely\""), std::string::npos) << e;
  EXPECT_NE(e.find("1 timed point"), std::string::npos) << e;
  EXPECT_NE(error_of(R"(<gpx><trk><trkseg><trkpt lat="91" lon="1"/></trkseg></trk></gpx>)").find("lat"),
            std::string::npos);
  EXPECT_NE(error_of(R"(<gpx><trk><trkseg><trkpt lat="1" lon="1"><time>yesterday</time></trkpt></trkseg></trk></gpx>)")
                .find("ISO 8601"),
            std::string::npos);
}

// Garmin's TCX: namespaced, laps, a trackpoint without a position (paused).
const char* kTcx = R"(<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2 http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"
  xmlns:ns5="http://www.garmin.com/xmlschemas/ActivityGoals/v1" xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"
  xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <Activities>
    <Activity Sport="Running">
      <Id>2019-06-15T05:00:00.000Z</Id>
      <Lap StartTime="2019-06-15T05:00:00.000Z">
        <TotalTimeSeconds>60.0</TotalTimeSeconds><DistanceMeters>200.0</DistanceMeters>
        <Track>
          <Trackpoint><Time>2019-06-15T05:00:00.000Z</Time>
            <Position><LatitudeDegrees>42.0853</LatitudeDegrees><LongitudeDegrees>34.7920</LongitudeDegrees></Position>
            <AltitudeMeters>10.0</AltitudeMeters><HeartRateBpm><Value>110</Value></HeartRateBpm>
            <Extensions><ns3:TPX><ns3:Speed>3.1</ns3:Speed></ns3:TPX></Extensions></Trackpoint>
          <Trackpoint><Time>2019-06-15T05:00:30.000Z</Time></Trackpoint>
          <Trackpoint><Time>2019-06-15T05:01:00.000Z</Time>
            <Position><LatitudeDegrees>42.0871</LatitudeDegrees><LongitudeDegrees>34.7920</LongitudeDegrees></Position></Trackpoint>
        </Track>
      </Lap>
      <Lap StartTime="2019-06-15T05:01:00.000Z">
        <Track>
          <Trackpoint><Time>2019-06-15T05:02:05.000Z</Time>
            <Position><LatitudeDegrees>42.0871</LatitudeDegrees><LongitudeDegrees>34.7945</LongitudeDegrees></Position></Trackpoint>
        </Track>
      </Lap>
      <Creator xsi:type="Device_t"><Name>Forerunner 245</Name></Creator>
    </Activity>
  </Activities>
</TrainingCenterDatabase>)";

TEST(Tcx, GarminActivityWithLapsAndAPause) {
  const auto runs = parse_tcx(kTcx);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].distance, expected_rounded({{42.0853, 34.7920}, {42.0871, 34.7920}, {42.0871, 34.7945}}));
  EXPECT_EQ(runs[0].time, 125);
  EXPECT_EQ(runs[0].location, "42.0853 34.7920");
  EXPECT_EQ(format_date(runs[0].date), "2019-06-15");
  EXPECT_NE(runs[0].source.find("activity 1"), std::string::npos);
}

TEST(Tcx, RefusesOtherDocumentsAndDoctypes) {
  EXPECT_NE(error_of(kGarmin, true).find("root element"), std::string::npos);
  EXPECT_NE(error_of("<!DOCTYPE x><TrainingCenterDatabase/>", true).find("DOCTYPE"), std::string::npos);
  EXPECT_NE(error_of("<TrainingCenterDatabase><Activities/></TrainingCenterDatabase>", true).find("no activity"),
            std::string::npos);
}

TEST(Haversine, KnownDistances) {
  // One degree of latitude on the mean-radius sphere: R * pi / 180.
  EXPECT_NEAR(haversine_metres(0, 0, 1, 0), 6371008.8 * std::numbers::pi / 180, 1e-6);
  EXPECT_EQ(haversine_metres(10, 20, 10, 20), 0.0);
  EXPECT_NEAR(haversine_metres(0, 0, 0, 180), 6371008.8 * std::numbers::pi, 1e-3);
}

TEST(Location, FourDecimalsNeverNegativeZero) {
  EXPECT_EQ(format_location(32.08534, 34.78176), "32.0853 34.7818");
  EXPECT_EQ(format_location(-0.00001, -0.00004), "0.0000 0.0000");
}

}  // namespace
