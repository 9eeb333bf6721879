#include "api/user_json.h"

namespace jogtrack::api {

void write_user(JsonWriter& w, const storage::UserRecord& user) {
  w.StartObject();
  w.Key("user_id");
  w.Int64(user.user_id);
  w.Key("username");
  w.String(user.username.c_str());
  write_optional_string(w, "email", user.email);
  write_optional_string(w, "name", user.name);
  write_string_array(w, "scopes", user.scopes);
  w.Key("role");
  w.String(user.role.c_str());
  w.Key("created_at");
  w.String(user.created_at.c_str());
  write_optional_string(w, "updated_at", user.updated_at);
  w.EndObject();
}

std::string user_json(const storage::UserRecord& user) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write_user(w, user);
  return buf.GetString();
}

}  // namespace jogtrack::api
