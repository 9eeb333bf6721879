// /auth: login, refresh, logout, verify, me; refresh tokens in the body or, for browsers, in a cookie.
#include "api/conditional.h"
#include "api/routes.h"
#include "api/session_cookie.h"
#include "api/user_json.h"
#include "common/json_body.h"

namespace jogtrack::api {

namespace {

// with_refresh false: a cookie session, whose refresh token never appears in a body.
http::Response token_response(const users::TokenPair& pair, bool with_refresh = true) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("access_token");
  w.String(pair.access_token.c_str());
  if (with_refresh) {
    w.Key("refresh_token");
    w.String(pair.refresh_token.c_str());
  }
  w.Key("token_type");
  w.String("Bearer");
  w.Key("expires_in");
  w.Int64(pair.expires_in);
  w.EndObject();
  auto response = http::Response::json(200, buf.GetString());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

http::Response cookie_session_response(const users::TokenPair& pair, const CookieSettings& cookie) {
  auto response = token_response(pair, false);
  response.headers.emplace_back("Set-Cookie", set_refresh_cookie(pair.refresh_token, cookie));
  return response;
}

struct RefreshToken {
  std::string value;
  bool from_cookie = false;
};

// A refresh_token in the body wins; a body of {} (or none) means the
// jogtrack_refresh cookie. Neither: 400, as the body's required field.
RefreshToken refresh_token_of(const http::Request& request) {
  auto cookie = refresh_cookie(request.cookie);
  std::optional<std::string> token;
  if (!request.body.empty() || !cookie) {
    JsonBody body(request.body);
    body.allow_only({"refresh_token"});
    token = body.string("refresh_token", !cookie);
    body.finish();
  }
  if (token) return {std::move(*token), false};
  return {std::move(*cookie), true};
}

// "session": "cookie" asks for a cookie session; absent means tokens in the body.
bool wants_cookie_session(JsonBody& body) {
  const auto session = body.string("session", false);
  if (session && *session != "cookie") body.add_error("session", "must be \"cookie\" when present");
  return session.has_value();
}

}  // namespace

void add_auth_routes(http::Router& router, Services& s) {
  router.add({"POST", "/auth",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                JsonBody body(request.body);
                body.allow_only({"username", "password", "session"});
                auto username = body.string("username", true);
                auto password = body.string("password", true);
                const bool cookie = wants_cookie_session(body);
                body.finish();
                const std::string client =
                    s.trusted_proxies.client_address(request.remote_ip, request.forwarded_for);
                const auto pair = s.sessions.login(*username, *password, client);
                return cookie ? cookie_session_response(pair, s.cookie) : token_response(pair);
              },
              http::Pool::Hashing});

  router.add({"POST", "/auth/refresh",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                const auto token = refresh_token_of(request);
                if (!token.from_cookie) return token_response(s.sessions.refresh(token.value));
                try {
                  return cookie_session_response(s.sessions.refresh(token.value), s.cookie);
                } catch (const ApiError& e) {
                  if (e.kind() != ErrorKind::Unauthorized) throw;
                  // A dead cookie (expired, revoked, reused) is dropped so the page stops sending it.
                  auto response = http::from_api_error(e);
                  response.headers.emplace_back("Set-Cookie", clear_refresh_cookie(s.cookie));
                  return response;
                }
              }});

  router.add({"POST", "/auth/logout",
              [&s](const http::Request& request) {
                allow_query_params(request, {});
                const auto token = refresh_token_of(request);
                s.sessions.logout(token.value);
                auto response = http::Response::no_content();
                if (token.from_cookie) response.headers.emplace_back("Set-Cookie", clear_refresh_cookie(s.cookie));
                return response;
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
                return with_etag(http::Response::json(200, buf.GetString()), me.version);
              }});
}

}  // namespace jogtrack::api
