// /users: registration and account management.
#include "api/endpoint.h"
#include "api/request_parts.h"
#include "api/routes.h"
#include "common/json_body.h"
#include "api/user_json.h"

namespace jogtrack::api {

namespace {

users::Registration parse_registration(const http::Request& request) {
  JsonBody body(request.body);
  body.allow_only({"username", "password", "email", "name"});
  users::Registration r;
  auto username = body.string("username", true);
  auto password = body.string("password", true);
  auto email = body.nullable_string("email");
  auto name = body.nullable_string("name");
  body.finish();
  r.username = *username;
  r.password = *password;
  if (email) r.email = *email;
  if (name) r.name = *name;
  return r;
}

users::AccountChanges parse_changes(const http::Request& request) {
  JsonBody body(request.body);
  body.allow_only({"name", "email", "password", "current_password"});
  users::AccountChanges c;
  c.name = body.nullable_string("name");
  c.email = body.nullable_string("email");
  c.password = body.string("password", false);
  c.current_password = body.string("current_password", false);
  body.finish();
  return c;
}

}  // namespace

void add_user_routes(http::Router& router, Services& s) {
  auto& sessions = s.sessions;
  add_endpoint(router, sessions, {"POST", "/users", Auth::Public, {}, http::Pool::Registration}, [&s](const Call& c) {
    const auto user = s.accounts.register_from(parse_registration(c.request), c.request.remote_ip);
    auto response = http::Response::json(201, user_json(user));
    response.headers.emplace_back("Location", "/users/" + std::to_string(user.user_id));
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/users", Auth::Bearer, list_query()}, [&s](const Call& c) {
    const auto params = parse_list_params(c.request, users::user_fields(), "user_id", "u.user_id");
    const auto page = s.accounts.list(c.caller, params.query);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartArray();
    for (const auto& user : page.items) write_user(w, user);
    w.EndArray();
    auto response = http::Response::json(200, buf.GetString());
    add_paging_headers(response, c.request, params, page.total);
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/users/{id}"},
               [&s](const Call& c) { return http::Response::json(200, user_json(s.accounts.get(c.caller, c.id))); });

  add_endpoint(router, sessions, {"PATCH", "/users/{id}", Auth::Bearer, {}, http::Pool::Hashing}, [&s](const Call& c) {
    s.accounts.update(c.caller, c.id, parse_changes(c.request), c.request.remote_ip);
    return http::Response::no_content();
  });

  add_endpoint(router, sessions, {"DELETE", "/users/{id}"}, [&s](const Call& c) {
    s.accounts.remove(c.caller, c.id);
    return http::Response::no_content();
  });

  add_endpoint(router, sessions, {"PATCH", "/users/{id}/scopes"}, [&s](const Call& c) {
    JsonBody body(c.request.body);
    body.allow_only({"scopes"});
    auto scopes = body.string_array("scopes", true);
    body.finish();
    s.accounts.set_scopes(c.caller, c.id, *scopes);
    return http::Response::no_content();
  });
}

}  // namespace jogtrack::api
