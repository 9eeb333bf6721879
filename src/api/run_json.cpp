#include "api/run_json.h"

namespace jogtrack::api {

void write_run(JsonWriter& w, const storage::RunRecord& run) {
  w.StartObject();
  w.Key("result_id");
  w.Int64(run.result_id);
  w.Key("user_id");
  w.Int64(run.user_id);
  w.Key("date");
  w.String(run.date.data(), static_cast<rapidjson::SizeType>(run.date.size()));
  w.Key("distance");
  w.Int64(run.distance);
  w.Key("time");
  w.Int64(run.time);
  w.Key("location");
  w.String(run.location.data(), static_cast<rapidjson::SizeType>(run.location.size()));
  w.Key("speed");
  w.Double(run.speed);
  w.Key("condition");
  // Stored as condition_to_json wrote it: a complete JSON object.
  w.RawValue(run.condition_json.data(), run.condition_json.size(), rapidjson::kObjectType);
  w.Key("created_at");
  w.String(run.created_at.data(), static_cast<rapidjson::SizeType>(run.created_at.size()));
  w.Key("updated_at");
  w.String(run.updated_at.data(), static_cast<rapidjson::SizeType>(run.updated_at.size()));
  w.EndObject();
}

std::string run_json(const storage::RunRecord& run) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_run(w, run);
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace jogtrack::api
