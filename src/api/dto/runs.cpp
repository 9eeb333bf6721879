#include "api/dto/runs.h"

namespace jogtrack::api::dto {

void write_run(JsonWriter& w, const storage::RunRecord& run) {
  w.StartObject();
  w.Key("result_id");
  w.Int64(run.result_id);
  w.Key("user_id");
  w.Int64(run.user_id);
  write_string(w, "date", run.date);
  w.Key("distance");
  w.Int64(run.distance);
  w.Key("time");
  w.Int64(run.time);
  write_string(w, "location", run.location);
  w.Key("speed");
  w.Double(run.speed);
  w.Key("condition");
  // Stored as condition_to_json wrote it: a complete JSON object.
  w.RawJson(run.condition_json, rapidjson::kObjectType);
  write_string(w, "created_at", run.created_at);
  write_string(w, "updated_at", run.updated_at);
  w.EndObject();
}

std::string run_json(const storage::RunRecord& run) {
  return write_json([&run](JsonWriter& w) { write_run(w, run); });
}

std::string runs_json(const std::vector<storage::RunRecord>& runs) { return write_json_array(runs, write_run); }

}  // namespace jogtrack::api::dto
