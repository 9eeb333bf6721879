// Module `imports`: turning files runners bring (GPX 1.0/1.1, TCX, the original
// system's CSV) into runs, and writing runs out as CSV (SPEC §7). Everything
// here is pure: bytes in, values out, no database, no weather, no HTTP. The
// route (api) and the service that stores the runs (runs) sit on top.
#pragma once
#include <cstdint>
#include <string>

#include "common/dates.h"
#include "weather/weather.h"

namespace jogtrack::imports {

// Most runs one import may create: each needs a weather lookup and a row in
// one transaction, so the request stays within its deadline and its memory.
inline constexpr std::size_t kMaxRunsPerImport = 10'000;

// One run read from a file. The parsers check the file's shape; the range
// checks POST /results applies (dates, distance, time) are the runs module's
// (runs/run_import.h), so they stay in one place.
struct ImportedRun {
  Days date{};
  std::int64_t distance = 0;  // metres
  std::int64_t time = 0;      // seconds
  std::string location;       // "LAT LON"
  weather::Location where{};
  std::string source;  // what the file called it, for error messages: `track 2 "Morning Run"`, `line 7`
};

// "LAT LON" with 4 decimals (about 11 m), never "-0.0000".
std::string format_location(double latitude, double longitude);

}  // namespace jogtrack::imports
