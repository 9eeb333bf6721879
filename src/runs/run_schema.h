// The filter and sort fields of runs: names and types only (storage maps them
// to columns). Apart from the service so that the filter fuzzer and tests can
// use the real schema without the service's dependencies.
#pragma once
#include <string_view>

#include "filter/filter.h"

namespace jogtrack::runs {

// Filter/sort fields of runs (and of the weekly report, applied before
// grouping). The admin schema adds user_id.
const filter::Schema& run_schema(bool admin);
// Default order of run lists (storage breaks ties by result id).
inline constexpr std::string_view kDefaultRunSort = "date";

}  // namespace jogtrack::runs
