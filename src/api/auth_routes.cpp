// /auth: login, refresh, logout, verify, me; refresh tokens in the body or, for browsers, in a cookie.
#include "api/conditional.h"
#include "api/dto/tokens.h"
#include "api/dto/users.h"
#include "api/endpoint.h"
#include "api/routes.h"
#include "api/session_cookie.h"

namespace jogtrack::api {

namespace {

http::Response token_response(const users::TokenPair& pair) {
  auto response = http::Response::json(200, dto::token_pair_json(pair, true));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// A cookie session: the refresh token goes into the cookie, never into the body.
http::Response cookie_session_response(const users::TokenPair& pair, const CookieSettings& cookie) {
  auto response = http::Response::json(200, dto::token_pair_json(pair, false));
  response.headers.emplace_back("Cache-Control", "no-store");
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
  if (!request.body.empty() || !cookie) token = dto::parse_refresh_token(request.body, !cookie);
  if (token) return {std::move(*token), false};
  return {std::move(*cookie), true};
}

}  // namespace

void add_auth_routes(http::Router& router, Services& s) {
  auto& sessions = s.sessions;
  add_endpoint(router, sessions, {"POST", "/auth", Auth::Public, {}, http::Pool::Hashing}, [&s](const Call& c) {
    const auto login = dto::parse_login(c.request.body);
    const std::string client = s.trusted_proxies.client_address(c.request.remote_ip, c.request.forwarded_for);
    const auto pair = s.sessions.login(login.username, login.password, client);
    return login.cookie_session ? cookie_session_response(pair, s.cookie) : token_response(pair);
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
    return with_etag(http::Response::json(200, dto::me_json(me)), me.version);
  });
}

}  // namespace jogtrack::api
