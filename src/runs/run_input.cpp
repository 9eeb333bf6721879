#include "runs/run_input.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <set>
#include <vector>

#include "common/errors.h"

namespace jogtrack::runs {

namespace {

using namespace std::chrono;

constexpr const char* kFields[] = {"date", "distance", "time", "location", "user_id"};

// A parsed body and the field errors found so far.
class Reader {
 public:
  Reader(std::string_view body, bool allow_user_id) {
    if (body.empty()) throw ApiError(ErrorKind::BadRequest, "the request needs a JSON object body");
    doc_.Parse<rapidjson::kParseValidateEncodingFlag>(body.data(), body.size());
    if (doc_.HasParseError())
      throw ApiError(ErrorKind::BadRequest, std::string("malformed JSON at offset ") +
                                                std::to_string(doc_.GetErrorOffset()) + ": " +
                                                rapidjson::GetParseError_En(doc_.GetParseError()));
    if (!doc_.IsObject()) throw ApiError(ErrorKind::BadRequest, "the body must be a JSON object");
    std::set<std::string> seen;
    for (auto it = doc_.MemberBegin(); it != doc_.MemberEnd(); ++it) {
      const std::string name(it->name.GetString(), it->name.GetStringLength());
      const std::size_t known_count = allow_user_id ? std::size(kFields) : std::size(kFields) - 1;
      const bool known = std::any_of(kFields, kFields + known_count, [&](const char* f) { return name == f; });
      if (!known)
        add(name, "unknown field");
      else if (!seen.insert(name).second)
        add(name, "appears more than once");
    }
  }

  const rapidjson::Value* member(const char* name, bool required) {
    auto it = doc_.FindMember(name);
    if (it == doc_.MemberEnd()) {
      if (required) add(name, "is required");
      return nullptr;
    }
    return &it->value;
  }

  std::optional<Days> date(bool required, Days today) {
    const auto* v = member("date", required);
    if (!v) return std::nullopt;
    if (!v->IsString()) return fail<Days>("date", "must be a string \"YYYY-MM-DD\"");
    const auto day = parse_date(std::string_view(v->GetString(), v->GetStringLength()));
    if (!day) return fail<Days>("date", "must be a real calendar date written YYYY-MM-DD");
    if (*day < earliest_run_date()) return fail<Days>("date", "must not be before 1940-01-01");
    if (*day > today) return fail<Days>("date", "must not be in the future (UTC)");
    return day;
  }

  std::optional<std::int64_t> bounded_integer(const char* name, bool required, std::int64_t max,
                                              const char* unit) {
    const auto* v = member(name, required);
    if (!v) return std::nullopt;
    const std::string range = "must be a positive integer of at most " + std::to_string(max) + " " + unit;
    if (!v->IsInt64()) return fail<std::int64_t>(name, range);
    const std::int64_t value = v->GetInt64();
    if (value < 1 || value > max) return fail<std::int64_t>(name, range);
    return value;
  }

  std::optional<std::pair<std::string, weather::Location>> location(bool required) {
    using Result = std::pair<std::string, weather::Location>;
    const auto* v = member("location", required);
    if (!v) return std::nullopt;
    constexpr const char* message =
        "must be \"LAT LON\" in decimal degrees (latitude -90..90, longitude -180..180)";
    if (!v->IsString()) return fail<Result>("location", message);
    std::string text(v->GetString(), v->GetStringLength());
    const auto where = weather::parse_location(text);
    if (!where) return fail<Result>("location", message);
    return Result{std::move(text), *where};
  }

  std::optional<std::int64_t> user_id() {
    const auto* v = member("user_id", false);
    if (!v) return std::nullopt;
    if (!v->IsInt64() || v->GetInt64() < 1) return fail<std::int64_t>("user_id", "must be a positive integer");
    return v->GetInt64();
  }

  void add(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }

  void finish() {
    if (errors_.empty()) return;
    std::string detail = "invalid run: " + errors_.front().field + " " + errors_.front().message;
    if (errors_.size() > 1) detail += " (and " + std::to_string(errors_.size() - 1) + " more)";
    throw ApiError(ErrorKind::BadRequest, detail, std::move(errors_));
  }

 private:
  template <class T>
  std::optional<T> fail(const char* field, std::string message) {
    add(field, std::move(message));
    return std::nullopt;
  }

  rapidjson::Document doc_;
  std::vector<FieldError> errors_;
};

}  // namespace

Days earliest_run_date() { return sys_days{year{1940} / January / 1}; }

NewRun parse_new_run(std::string_view body, Days today) {
  Reader in(body, true);
  auto date = in.date(true, today);
  auto distance = in.bounded_integer("distance", true, kMaxDistance, "metres");
  auto time = in.bounded_integer("time", true, kMaxTime, "seconds");
  auto location = in.location(true);
  auto user_id = in.user_id();
  in.finish();
  NewRun run;
  run.date = *date;
  run.distance = *distance;
  run.time = *time;
  run.location = std::move(location->first);
  run.where = location->second;
  run.user_id = user_id;
  return run;
}

RunPatch parse_run_patch(std::string_view body, Days today) {
  Reader in(body, false);
  RunPatch patch;
  patch.date = in.date(false, today);
  patch.distance = in.bounded_integer("distance", false, kMaxDistance, "metres");
  patch.time = in.bounded_integer("time", false, kMaxTime, "seconds");
  if (auto location = in.location(false)) {
    patch.location = std::move(location->first);
    patch.where = location->second;
  }
  in.finish();
  return patch;
}

}  // namespace jogtrack::runs
