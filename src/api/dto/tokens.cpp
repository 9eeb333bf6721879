#include "api/dto/tokens.h"

#include "api/dto/json_writer.h"
#include "common/json_body.h"

namespace jogtrack::api::dto {

Login parse_login(std::string_view text) {
  JsonBody body(text);
  body.allow_only({"username", "password", "session"});
  auto username = body.string("username", true);
  auto password = body.string("password", true);
  const auto session = body.string("session", false);
  if (session && *session != "cookie") body.add_error("session", "must be \"cookie\" when present");
  body.finish();
  return Login{std::move(*username), std::move(*password), session.has_value()};
}

std::optional<std::string> parse_refresh_token(std::string_view text, bool required) {
  JsonBody body(text);
  body.allow_only({"refresh_token"});
  auto token = body.string("refresh_token", required);
  body.finish();
  return token;
}

std::string token_pair_json(const users::TokenPair& pair, bool with_refresh) {
  return write_json([&](JsonWriter& w) {
    w.StartObject();
    write_string(w, "access_token", pair.access_token);
    if (with_refresh) write_string(w, "refresh_token", pair.refresh_token);
    write_string(w, "token_type", "Bearer");
    w.Key("expires_in");
    w.Int64(pair.expires_in);
    w.EndObject();
  });
}

}  // namespace jogtrack::api::dto
