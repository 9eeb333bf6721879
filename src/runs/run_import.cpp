#include "runs/run_import.h"

#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "common/errors.h"
#include "runs/run_input.h"
#include "runs/run_service.h"

namespace jogtrack::runs {

namespace {

[[noreturn]] void bad(const imports::ImportedRun& run, const char* field, const std::string& message) {
  throw ApiError(ErrorKind::Validation, run.source + ": " + field + " " + message,
                 {{field, run.source + ": " + message}});
}

std::string key_text(const weather::CacheKey& k) {
  return k.date + ' ' + std::to_string(k.lat_centi) + ' ' + std::to_string(k.lon_centi);
}

// One lookup per distinct cache key, `threads` at a time; the first failure
// stops the others from starting new lookups and is rethrown.
std::vector<weather::Condition> lookup_all(weather::CachedWeather& weather,
                                           const std::vector<const imports::ImportedRun*>& wanted,
                                           const Deadline& deadline) {
  std::vector<weather::Condition> found(wanted.size());
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    for (std::size_t i = next++; i < wanted.size() && !failed; i = next++) {
      try {
        deadline.check();
        found[i] = weather.lookup(wanted[i]->date, wanted[i]->where);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t extra = std::min(kImportLookupThreads, wanted.size()) - (wanted.empty() ? 0 : 1);
  std::vector<std::jthread> helpers;
  helpers.reserve(extra);
  for (std::size_t t = 0; t < extra; ++t) helpers.emplace_back(work);
  work();  // this thread is one of the lookers
  helpers.clear();  // joins
  if (error) std::rethrow_exception(error);
  return found;
}

}  // namespace

void validate_imported_run(const imports::ImportedRun& run, Days today) {
  if (run.date < earliest_run_date()) bad(run, "date", "must not be before 1940-01-01");
  if (run.date > today) bad(run, "date", "must not be in the future (not after today in UTC+14)");
  if (run.distance < 1 || run.distance > kMaxDistance)
    bad(run, "distance", "must be between 1 and " + std::to_string(kMaxDistance) + " metres (it is " +
                             std::to_string(run.distance) + ")");
  if (run.time < 1 || run.time > kMaxTime)
    bad(run, "time", "must be between 1 and " + std::to_string(kMaxTime) + " seconds (it is " +
                         std::to_string(run.time) + ")");
}

std::vector<storage::RunRecord> import_runs(storage::RunStore& run_store, storage::UserStore& user_store,
                                            weather::CachedWeather& weather,
                                            const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                            const std::vector<imports::ImportedRun>& runs, Days today,
                                            const Deadline& deadline) {
  const std::int64_t owner = resolve_owner(user_store, caller, query_user_id);
  for (const auto& run : runs) validate_imported_run(run, today);

  // Distinct keys, in file order (so the first failure is the earliest run's).
  std::map<std::string, std::size_t> slot_of;
  std::vector<const imports::ImportedRun*> wanted;
  std::vector<std::size_t> slot(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto [it, inserted] =
        slot_of.emplace(key_text(weather::make_cache_key(runs[i].date, runs[i].where)), wanted.size());
    if (inserted) wanted.push_back(&runs[i]);
    slot[i] = it->second;
  }
  const auto conditions = lookup_all(weather, wanted, deadline);
  deadline.check();  // a slow lookup: do not even take the write lock

  std::vector<storage::RunValues> values;
  values.reserve(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i)
    values.push_back(make_run_values(owner, runs[i].date, runs[i].distance, runs[i].time, runs[i].location,
                                     runs[i].where, conditions[slot[i]]));
  return run_store.create_many(values, deadline);
}

std::vector<storage::RunRecord> RunService::import(const users::Caller& caller,
                                                   std::optional<std::int64_t> query_user_id,
                                                   const std::vector<imports::ImportedRun>& runs, Days today,
                                                   const Deadline& deadline) {
  return import_runs(runs_, users_, weather_, caller, query_user_id, runs, today, deadline);
}

}  // namespace jogtrack::runs
