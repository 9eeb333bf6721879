// Importing runs from a file (POST /results/import, SPEC §7): all or nothing.
//  1. every run is checked as POST /results checks one (400 naming the track
//     or line: date 1940-01-01..today in UTC+14, distance 1..1,000,000 m,
//     time 1..604,800 s);
//  2. the weather of every distinct (date, place rounded to 0.01°) is looked
//     up through the shared cache, at most kImportLookupThreads at a time;
//     the first 422/503 ends the import with nothing stored;
//  3. all runs are written in ONE transaction (RunStore::create_many).
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "common/deadline.h"
#include "imports/imported_run.h"
#include "storage/storage.h"
#include "users/caller.h"
#include "weather/weather.h"

namespace jogtrack::runs {

// Concurrent weather lookups of one import. Small: the provider is shared
// (LimitedProvider bounds it process-wide) and a warm cache needs no threads.
inline constexpr std::size_t kImportLookupThreads = 4;

// 400 naming run.source when a value is out of the range POST /results accepts.
void validate_imported_run(const imports::ImportedRun& run, Days today);

// query_user_id: an admin's ?user_id=N (403 for anyone else, 404 for no such user).
std::vector<storage::RunRecord> import_runs(storage::RunStore& run_store, storage::UserStore& user_store,
                                            weather::CachedWeather& weather,
                                            const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                            const std::vector<imports::ImportedRun>& runs, Days today,
                                            const Deadline& deadline);

}  // namespace jogtrack::runs
