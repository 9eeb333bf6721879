// CSV import and export (imports/run_csv): RFC 4180, the seed dataset's shape,
// the export's header shape, the formula guard.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "imports/run_csv.h"

using namespace jogtrack;
using namespace jogtrack::imports;

namespace {

std::string error_of(std::string_view text) {
  try {
    parse_runs_csv(text);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Validation);
    return e.what();
  }
  return "(no error)";
}

TEST(CsvImport, SeedShape) {
  const auto runs = parse_runs_csv("2015-01-01,32.0853 34.7818,2000,405\n2019-02-01,42.0853 34.7920,100,20\n");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(format_date(runs[0].date), "2015-01-01");
  EXPECT_EQ(runs[0].location, "32.0853 34.7818");
  EXPECT_EQ(runs[0].distance, 2000);
  EXPECT_EQ(runs[0].time, 405);
  EXPECT_EQ(runs[1].source, "line 2");
  EXPECT_DOUBLE_EQ(runs[1].where.latitude, 42.0853);
}

TEST(CsvImport, TheSeedDatasetIsEighteenRuns) {
  std::ifstream in(JOGTRACK_SOURCE_DIR "/tests/api/jogging_dataset.csv", std::ios::binary);
  ASSERT_TRUE(in) << "the dataset copy in tests/api";
  std::stringstream ss;
  ss << in.rdbuf();
  const auto runs = parse_runs_csv(ss.str());
  ASSERT_EQ(runs.size(), 18u);
  EXPECT_EQ(format_date(runs[17].date), "2019-07-15");
  EXPECT_EQ(runs[17].distance, 600);
  EXPECT_EQ(runs[17].time, 300);
}

TEST(CsvImport, QuotedFieldsCrlfBomAndBlankLines) {
  const auto runs = parse_runs_csv(
      "\xEF\xBB\xBF\"2015-01-01\",\"32.0853 34.7818\",\"2000\",405\r\n\r\n2015-01-02,32.0853 34.7818,2100,378");
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].distance, 2000);
  EXPECT_EQ(runs[1].distance, 2100);
  EXPECT_EQ(runs[1].source, "line 3");
}

TEST(CsvImport, HeaderShapeReadsAnExportBack) {
  const auto runs = parse_runs_csv(
      "result_id,date,distance,time,location,speed,summary,temperature_max,temperature_min,precipitation,"
      "wind_speed\r\n"
      "7,2016-01-09,2000,410,'-33.9000 18.4000,4.878,\"Rain, heavy\",20.5,,0,3\r\n");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].location, "-33.9000 18.4000");
  EXPECT_EQ(runs[0].distance, 2000);
  EXPECT_EQ(runs[0].source, "line 2");
}

TEST(CsvImport, BadRowsNameTheirLineAndField) {
  const std::string good = "2015-01-01,32.0853 34.7818,2000,405\n";
  auto e = error_of(good + good + "2015-01-03,32.0853 34.7818,two km,405\n");
  EXPECT_NE(e.find("line 3"), std::string::npos) << e;
  EXPECT_NE(e.find("distance"), std::string::npos) << e;
  e = error_of(good + "2015-02-30,32.0853 34.7818,2000,405\n");
  EXPECT_NE(e.find("line 2, field date"), std::string::npos) << e;
  e = error_of(good + "2015-01-01,somewhere,2000,405\n");
  EXPECT_NE(e.find("line 2, field location"), std::string::npos) << e;
  e = error_of("2015-01-01,32.0853 34.7818,2000,-405\n");
  EXPECT_NE(e.find("field time"), std::string::npos) << e;
  e = error_of(good + "2015-01-01,32.0853 34.7818,2000\n");
  EXPECT_NE(e.find("expected 4 fields, found 3"), std::string::npos) << e;
  e = error_of(good + "\"2015-01-01,32.0853 34.7818,2000,405\n");
  EXPECT_NE(e.find("never closed"), std::string::npos) << e;
  e = error_of("2015-01-01,32.08\"53 34.7818,2000,405\n");
  EXPECT_NE(e.find("quote"), std::string::npos) << e;
  EXPECT_NE(error_of("").find("no runs"), std::string::npos);
  e = error_of("date,distance,time\n");
  EXPECT_NE(e.find("field location: is missing"), std::string::npos) << e;
}

TEST(CsvExport, HeaderAndRows) {
  std::string out(kExportHeader);
  ExportRow row;
  row.result_id = 12;
  row.date = "2015-01-01";
  row.distance = 2000;
  row.time = 400;
  row.location = "32.0853 34.7818";
  row.speed = 5;
  row.summary = "Slight rain";
  row.temperature_max = 15.5;
  row.temperature_min = -2.25;
  row.wind_speed = 10;
  append_export_row(out, row);
  EXPECT_EQ(out,
            "result_id,date,distance,time,location,speed,summary,temperature_max,temperature_min,precipitation,"
            "wind_speed\r\n12,2015-01-01,2000,400,32.0853 34.7818,5,Slight rain,15.5,-2.25,,10\r\n");
}

TEST(CsvExport, EscapesPerRfc4180AndGuardsFormulas) {
  const auto cell = [](std::string_view v) {
    std::string s;
    append_cell(s, v);
    return s;
  };
  EXPECT_EQ(cell("plain"), "plain");
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(cell("+1 555"), "'+1 555");
  EXPECT_EQ(cell("-33.9 18.4"), "'-33.9 18.4");
  EXPECT_EQ(cell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(cell("-3.5"), "-3.5");
  EXPECT_EQ(cell("+12"), "+12");
  EXPECT_EQ(cell("-1e-3"), "-1e-3");
  EXPECT_TRUE(is_number("0.5"));
  EXPECT_FALSE(is_number("-"));
  EXPECT_FALSE(is_number("1e"));
}

TEST(CsvExport, RoundTripThroughTheImporter) {
  std::string out(kExportHeader);
  ExportRow row;
  row.result_id = 1;
  row.date = "2019-03-15";
  row.distance = 110;
  row.time = 20;
  row.location = "-42.0853 -34.7920";
  row.speed = 5.5;
  row.summary = "Fog, \"thick\"";
  append_export_row(out, row);
  const auto runs = parse_runs_csv(out);
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].location, "-42.0853 -34.7920");
  EXPECT_EQ(format_date(runs[0].date), "2019-03-15");
  EXPECT_EQ(runs[0].distance, 110);
  EXPECT_EQ(runs[0].time, 20);
}

}  // namespace
