// /auth: login, refresh, logout, verify, me.
#include "common/json_body.h"
#include "api/routes.h"
#include "api/user_json.h"

namespace jogtrack::api {

namespace {

http::Response token_response(const users::TokenPair& pair) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("access_token");
  w.String(pair.access_token.c_str());
  w.Key("refresh_token");
  w.String(pair.refresh_token.c_str());
  w.Key("token_type");
  w.String("Bearer");
  w.Key("expires_in");
  w.Int64(pair.expires_in);
  w.EndObject();
  auto response = http::Response::json(200, buf.GetString());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

std::string refresh_token_of(const http::Request& request) {
  JsonBody body(request.body);
  body.allow_only({"refresh_token"});
  auto token = body.string("refresh_token", true);
  body.finish();
  return *token;
}

}  // namespace

void add_auth_routes(http::Router& router, Services& s) {
  router.add({"POST", "/auth",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                JsonBody body(request.body);
                body.allow_only({"username", "password"});
                auto username = body.string("username", true);
                auto password = body.string("password", true);
                body.finish();
                const std::string client =
                    s.trusted_proxies.client_address(request.remote_ip, request.forwarded_for);
                return token_response(s.sessions.login(*username, *password, client));
              },
              http::Pool::Hashing});

  router.add({"POST", "/auth/refresh",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                return token_response(s.sessions.refresh(refresh_token_of(request)));
              }});

  router.add({"POST", "/auth/logout",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                s.sessions.logout(refresh_token_of(request));
                return http::Response::no_content();
              }});

  router.add({"GET", "/auth/verify",
              [&s](const http::Request& request) {
                s.sessions.authenticate(request.authorization);
                allow_query_params(request, {});
                return http::Response::json(200, R"({"valid":true})");
              }});

  router.add({"GET", "/auth/me",
              [&s](const http::Request& request) {
                const auto caller = s.sessions.authenticate(request.authorization);
                allow_query_params(request, {});
                const auto me = s.accounts.get(caller, caller.user_id);
                rapidjson::StringBuffer buf;
                JsonWriter w(buf);
                w.StartObject();
                w.Key("me");
                write_user(w, me);
                w.EndObject();
                return http::Response::json(200, buf.GetString());
              }});
}

}  // namespace jogtrack::api
