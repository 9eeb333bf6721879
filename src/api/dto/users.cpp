#include "api/dto/users.h"

#include "common/json_body.h"

namespace jogtrack::api::dto {

void write_user(JsonWriter& w, const storage::UserRecord& user) {
  w.StartObject();
  w.Key("user_id");
  w.Int64(user.user_id);
  write_string(w, "username", user.username);
  write_optional_string(w, "email", user.email);
  write_optional_string(w, "name", user.name);
  write_string_array(w, "scopes", user.scopes);
  write_string(w, "role", user.role);
  write_string(w, "created_at", user.created_at);
  write_optional_string(w, "updated_at", user.updated_at);
  w.EndObject();
}

std::string user_json(const storage::UserRecord& user) {
  return write_json([&user](JsonWriter& w) { write_user(w, user); });
}

std::string users_json(const std::vector<storage::UserRecord>& users) { return write_json_array(users, write_user); }

std::string me_json(const storage::UserRecord& user) {
  return write_json([&user](JsonWriter& w) {
    w.StartObject();
    w.Key("me");
    write_user(w, user);
    w.EndObject();
  });
}

users::Registration parse_registration(std::string_view text) {
  JsonBody body(text);
  body.allow_only({"username", "password", "email", "name"});
  auto username = body.string("username", true);
  auto password = body.string("password", true);
  auto email = body.nullable_string("email");
  auto name = body.nullable_string("name");
  body.finish();
  users::Registration r;
  r.username = *username;
  r.password = *password;
  if (email) r.email = *email;
  if (name) r.name = *name;
  return r;
}

users::AccountChanges parse_account_changes(std::string_view text) {
  JsonBody body(text);
  body.allow_only({"name", "email", "password", "current_password"});
  users::AccountChanges c;
  c.name = body.nullable_string("name");
  c.email = body.nullable_string("email");
  c.password = body.string("password", false);
  c.current_password = body.string("current_password", false);
  body.finish();
  return c;
}

std::vector<std::string> parse_scopes(std::string_view text) {
  JsonBody body(text);
  body.allow_only({"scopes"});
  auto scopes = body.string_array("scopes", true);
  body.finish();
  return *scopes;
}

}  // namespace jogtrack::api::dto
