// /auth: login, refresh, logout, verify, me; refresh tokens in the body or, for browsers, in a cookie.
#include "api/endpoint.h"
#include "api/request_parts.h"
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
  auto& sessions = s.sessions;
  add_endpoint(router, sessions, {"POST", "/auth", Auth::Public, {}, http::Pool::Hashing}, [&s](const Call& c) {
    JsonBody body(c.request.body);
    body.allow_only({"username", "password", "session"});
    auto username = body.string("username", true);
    auto password = body.string("password", true);
    const bool cookie = wants_cookie_session(body);
    body.finish();
    const std::string client = s.trusted_proxies.client_address(c.request.remote_ip, c.request.forwarded_for);
    const auto pair = s.sessions.login(*username, *password, client);
    return cookie ? cookie_session_response(pair, s.cookie) : token_response(pair);
  });

  add_endpoint(router, sessions, {"POST", "/auth/refresh", Auth::Public, {}}, [&s](const Call& c) {
    const auto token = refresh_token_of(c.request);
    if (!token.from_cookie) return token_response(s.sessions.refresh(token.value));
    try {
      return cookie_session_response(s.sessions.refresh(token.value), s.cookie);
    } catch (const ApiError& e) {
      if (http::problem_type(e.kind()).status != 401) throw;
      // A dead cookie (expired, revoked, reused) is dropped so the page stops sending it.
      auto response = http::from_api_error(e);
      response.headers.emplace_back("Set-Cookie", clear_refresh_cookie(s.cookie));
      return response;
    }
  });

  add_endpoint(router, sessions, {"POST", "/auth/logout", Auth::Public, {}}, [&s](const Call& c) {
    const auto token = refresh_token_of(c.request);
    s.sessions.logout(token.value);
    auto response = http::Response::no_content();
    if (token.from_cookie) response.headers.emplace_back("Set-Cookie", clear_refresh_cookie(s.cookie));
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/auth/verify"},
               [](const Call&) { return http::Response::json(200, R"({"valid":true})"); });

  add_endpoint(router, sessions, {"GET", "/auth/me"}, [&s](const Call& c) {
    const auto me = s.accounts.get(c.caller, c.caller.user_id);
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("me");
    write_user(w, me);
    w.EndObject();
    return http::Response::json(200, buf.GetString());
  });
}

}  // namespace jogtrack::api
