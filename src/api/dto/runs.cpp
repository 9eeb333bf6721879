#include "api/dto/runs.h"

namespace jogtrack::api::dto {

// The hot path of every list page: keys and strings are copied whole unless
// they need escaping (JsonWriter::PlainKey).
void write_run(JsonWriter& w, const storage::RunRecord& run) {
  w.StartObject();
  w.PlainKey("result_id");
  w.Int64(run.result_id);
  w.PlainKey("user_id");
  w.Int64(run.user_id);
  w.PlainKey("date");
  w.PlainString(format_date(run.date));
  w.PlainKey("distance");
  w.Int64(run.distance);
  w.PlainKey("time");
  w.Int64(run.time);
  w.PlainKey("location");
  write_string(w, run.location);
  w.PlainKey("speed");
  w.Double(run.speed);
  w.PlainKey("condition");
  // As stored (condition_to_json's text): a list page decodes no condition.
  w.RawJson(run.condition.json(), rapidjson::kObjectType);
  w.PlainKey("created_at");
  w.PlainString(run.created_at);
  w.PlainKey("updated_at");
  w.PlainString(run.updated_at);
  w.EndObject();
}

std::string run_json(const storage::RunRecord& run) {
  return write_json([&run](JsonWriter& w) { write_run(w, run); });
}

std::string runs_json(const std::vector<storage::RunRecord>& runs) { return write_json_array(runs, write_run); }

}  // namespace jogtrack::api::dto
