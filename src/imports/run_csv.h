// CSV in and out of jogtrack (SPEC §7), RFC 4180: fields separated by commas,
// records by CRLF or LF, a field in double quotes may hold commas, line breaks
// and doubled quotes ("").
//
// Reading (POST /results/import, text/csv):
//  - the original system's dataset shape, `date,location,distance,time` with no
//    header (seed/jogging_dataset.csv), or
//  - a file with a header row naming its columns (what GET /results/export
//    writes): date, distance, time and location are required, the other export
//    columns (result_id, speed, summary, temperatures, precipitation,
//    wind_speed) are recognised and ignored — the server computes them again.
//  Blank lines and a UTF-8 byte order mark are skipped. A cell the export
//  guarded against formula injection ('=..., '+..., '-..., '@...) loses its
//  leading quote again, so an export imports back unchanged.
//  Any problem -> ApiError BadRequest naming the line and the field.
//
// Writing (GET /results/export): the header row, then one row per run.
// Spreadsheet formula guard: a text cell starting with = + - or @ is written
// with a leading ' so a spreadsheet shows it instead of evaluating it; numbers
// (-3.5) are written as they are.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imports/imported_run.h"

namespace jogtrack::imports {

std::vector<ImportedRun> parse_runs_csv(std::string_view text);

// The export's header row, CRLF-terminated.
inline constexpr std::string_view kExportHeader =
    "result_id,date,distance,time,location,speed,summary,temperature_max,temperature_min,precipitation,"
    "wind_speed\r\n";

struct ExportRow {
  std::int64_t result_id = 0;
  std::string_view date;
  std::int64_t distance = 0;
  std::int64_t time = 0;
  std::string_view location;
  double speed = 0;
  std::string_view summary;
  std::optional<double> temperature_max, temperature_min, precipitation, wind_speed;  // empty cell when absent
};

// Appends one CRLF-terminated row.
void append_export_row(std::string& out, const ExportRow& row);

// One text cell: formula-guarded, then quoted when it holds a comma, a quote,
// CR or LF (RFC 4180).
void append_cell(std::string& out, std::string_view value);

// True for a plain decimal number ("-3.5", "12", "1e-3"): never formula-guarded.
bool is_number(std::string_view value);

}  // namespace jogtrack::imports
