// Runs: recording, reading, changing and deleting a user's runs, with the
// day's weather attached, under the privacy rules of SPEC §2/§3:
//  - everyone acts on their own runs; managers have no access to others' runs;
//  - an admin may read, change or delete any run by id, and may name another
//    user (?user_id=N, or user_id in a new run's body) to list, report or
//    create for them (404 if N is not a live user);
//  - anyone else naming a user gets 403; someone else's run is 404.
#pragma once
#include <cstdint>
#include <optional>

#include "filter/filter.h"
#include "imports/imported_run.h"
#include "runs/run_input.h"
#include "runs/run_schema.h"
#include "storage/storage.h"
#include "users/caller.h"
#include "weather/weather.h"

namespace jogtrack::runs {

inline const filter::Schema& run_schema(const users::Caller& caller) { return run_schema(caller.is_admin()); }

// Whose runs a request is about: the caller's, or (admins only) `requested`.
// 403 for a non-admin naming any user (even themselves), 404 if the named
// user is not a live account.
std::int64_t resolve_owner(storage::UserStore& user_store, const users::Caller& caller,
                           std::optional<std::int64_t> requested);

class RunService {
 public:
  RunService(storage::RunStore& runs, storage::UserStore& users, weather::CachedWeather& weather);

  // Writes give up with 503 (nothing stored or changed) once `deadline` has
  // passed, checked after the weather lookup and again right before COMMIT.
  //
  // query_user_id: ?user_id=N. The body's user_id (run.user_id) must agree with it (400).
  // The weather is looked up first; if that fails (422/503) nothing is stored.
  storage::RunRecord create(const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                            const NewRun& run, const Deadline& deadline);
  storage::RunRecord get(const users::Caller& caller, std::int64_t result_id);
  // Looks the weather up again only when the date or the coordinates change;
  // if that fails nothing is changed. An empty patch changes nothing.
  // `check` (If-Match): 412 unless the run's version passes, checked first and again inside the write.
  storage::RunRecord update(const users::Caller& caller, std::int64_t result_id, const RunPatch& patch,
                            const Deadline& deadline, const storage::VersionCheck& check = {});
  void remove(const users::Caller& caller, std::int64_t result_id, const Deadline& deadline,
              const storage::VersionCheck& check = {});
  storage::Page<storage::RunRecord> list(const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                         const storage::ListRequest& request);
  // POST /results/import: all or nothing (runs/run_import.h, where it is defined).
  std::vector<storage::RunRecord> import(const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                         const std::vector<imports::ImportedRun>& runs, Days today,
                                         const Deadline& deadline);

 private:
  storage::RunRecord load_visible(const users::Caller& caller, std::int64_t result_id);

  storage::RunStore& runs_;
  storage::UserStore& users_;  // whether a named owner is a live account
  weather::CachedWeather& weather_;
};

// The stored columns for a run: the one place its derived values (speed in
// m/s, ISO year and week) are computed.
// `condition`: a looked-up Condition converts (encoded once), an unchanged run's is carried over.
storage::RunValues make_run_values(std::int64_t user_id, Days date, std::int64_t distance, std::int64_t time,
                                   std::string location, weather::Location where,
                                   weather::StoredCondition condition);

}  // namespace jogtrack::runs
