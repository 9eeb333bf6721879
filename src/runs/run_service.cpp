#include "runs/run_service.h"

#include "common/errors.h"

namespace jogtrack::runs {

namespace {

[[noreturn]] void run_not_found() { throw ApiError(ErrorKind::NotFound, "no such run"); }

}  // namespace

std::int64_t resolve_owner(storage::UserStore& user_store, const users::Caller& caller,
                           std::optional<std::int64_t> requested) {
  if (!requested) return caller.user_id;
  if (!caller.is_admin()) throw ApiError(ErrorKind::Forbidden, "only an admin may act on another user's runs");
  if (*requested != caller.user_id && !user_store.find(*requested))
    throw ApiError(ErrorKind::NotFound, "no such user");
  return *requested;
}

storage::RunValues make_run_values(std::int64_t user_id, Days date, std::int64_t distance, std::int64_t time,
                                   std::string location, weather::Location where,
                                   weather::StoredCondition condition) {
  storage::RunValues v;
  v.user_id = user_id;
  v.date = date;
  v.distance = distance;
  v.time = time;
  v.speed = time > 0 ? static_cast<double>(distance) / static_cast<double>(time) : 0.0;
  v.location = std::move(location);
  v.where = where;
  v.condition = std::move(condition);
  const IsoWeek week = iso_week(date);
  v.iso_year = week.year;
  v.iso_week = week.week;
  return v;
}

RunService::RunService(storage::RunStore& runs, storage::UserStore& users, weather::CachedWeather& weather)
    : runs_(runs), users_(users), weather_(weather) {}

storage::RunRecord RunService::create(const users::Caller& caller, std::optional<std::int64_t> query_user_id,
                                      const NewRun& run, const Deadline& deadline) {
  std::optional<std::int64_t> requested = query_user_id;
  if (run.user_id) {
    if (!caller.is_admin()) throw ApiError(ErrorKind::Forbidden, "only an admin may record a run for another user");
    if (query_user_id && *query_user_id != *run.user_id)
      throw_invalid("user_id", "the body's user_id differs from the query's user_id");
    requested = run.user_id;
  }
  const std::int64_t owner = resolve_owner(users_, caller, requested);
  weather::Condition condition = weather_.lookup(run.date, run.where);
  deadline.check();  // a slow lookup: do not even take the write lock
  return runs_.create(
      make_run_values(owner, run.date, run.distance, run.time, run.location, run.where, std::move(condition)),
      deadline);
}

storage::RunRecord RunService::load_visible(const users::Caller& caller, std::int64_t result_id) {
  auto run = runs_.find(result_id);
  // Someone else's run is indistinguishable from a missing one.
  if (!run || (run->user_id != caller.user_id && !caller.is_admin())) run_not_found();
  return *run;
}

storage::RunRecord RunService::get(const users::Caller& caller, std::int64_t result_id) {
  return load_visible(caller, result_id);
}

storage::RunRecord RunService::update(const users::Caller& caller, std::int64_t result_id, const RunPatch& patch,
                                      const Deadline& deadline, const storage::VersionCheck& check) {
  const auto current = load_visible(caller, result_id);
  check.enforce(current.version);  // before a weather lookup that would be wasted
  if (patch.empty()) return current;

  const Days date = patch.date.value_or(current.date);
  const weather::Location where = patch.where.value_or(current.where);
  const bool look_up = date != current.date || where != current.where;
  // The stored condition is written again: it must read back (its filterable values fill their columns).
  if (!look_up && current.condition.typed() == nullptr)
    throw std::runtime_error("run " + std::to_string(result_id) + " has an unreadable condition");
  weather::StoredCondition condition = look_up ? weather_.lookup(date, where) : current.condition;

  auto values = make_run_values(current.user_id, date, patch.distance.value_or(current.distance),
                                patch.time.value_or(current.time), patch.location.value_or(current.location), where,
                                std::move(condition));
  deadline.check();  // a slow lookup: do not even take the write lock
  auto updated = runs_.update(result_id, values, deadline, check);
  if (!updated) run_not_found();
  return *updated;
}

void RunService::remove(const users::Caller& caller, std::int64_t result_id, const Deadline& deadline,
                        const storage::VersionCheck& check) {
  check.enforce(load_visible(caller, result_id).version);
  if (!runs_.remove(result_id, deadline, check)) run_not_found();
}

storage::Page<storage::RunRecord> RunService::list(const users::Caller& caller,
                                                   std::optional<std::int64_t> query_user_id,
                                                   const storage::ListRequest& request) {
  // The visibility rule, as a typed scope: only the resolved owner's runs.
  return runs_.list(resolve_owner(users_, caller, query_user_id), request);
}

}  // namespace jogtrack::runs
