// /users: registration and account management.
#include "common/json_body.h"
#include "api/conditional.h"
#include "api/idempotency.h"
#include "api/routes.h"
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
  router.add({"POST", "/users",
              idempotent_for_address(s, [&s](const http::Request& request) {
                allow_query_params(request, {});
                const auto user = s.accounts.register_from(parse_registration(request), request.remote_ip);
                auto response = http::Response::json(201, user_json(user));
                response.headers.emplace_back("Location", "/users/" + std::to_string(user.user_id));
                return response;
              }),
              http::Pool::Registration});

  router.add({"GET", "/users", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto params = parse_list_params(request, users::user_fields(), "user_id", "u.user_id");
                const auto page = s.accounts.list(caller, params.query);
                rapidjson::StringBuffer buf;
                JsonWriter w(buf);
                w.StartArray();
                for (const auto& user : page.items) write_user(w, user);
                w.EndArray();
                auto response = http::Response::json(200, buf.GetString());
                add_paging_headers(response, request, params, page.total);
                return response;
              }});

  router.add({"GET", "/users/{id}", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                const auto user = s.accounts.get(caller, id);
                return with_etag(http::Response::json(200, user_json(user)), user.version);
              }});

  router.add({"PATCH", "/users/{id}",
              [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                s.accounts.update(caller, id, parse_changes(request), request.remote_ip, if_match(request));
                return http::Response::no_content();
              },
              http::Pool::Hashing});

  router.add({"DELETE", "/users/{id}", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                s.accounts.remove(caller, id, if_match(request));
                return http::Response::no_content();
              }});

  router.add({"PATCH", "/users/{id}/scopes", [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                const auto id = path_id(request);
                allow_query_params(request, {});
                JsonBody body(request.body);
                body.allow_only({"scopes"});
                auto scopes = body.string_array("scopes", true);
                body.finish();
                s.accounts.set_scopes(caller, id, *scopes);
                return http::Response::no_content();
              }});
}

}  // namespace jogtrack::api
