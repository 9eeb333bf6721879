// Tokens on the wire: the /auth request bodies and the token answer.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "users/session_service.h"

namespace jogtrack::api::dto {

struct Login {
  std::string username;
  std::string password;
  bool cookie_session = false;  // "session": "cookie": the refresh token goes into a cookie, not the body
};

// POST /auth {username, password, session?}
Login parse_login(std::string_view body);

// POST /auth/refresh and /auth/logout {refresh_token}: required unless the
// caller has the cookie to fall back on; nullopt when absent.
std::optional<std::string> parse_refresh_token(std::string_view body, bool required);

// {access_token, refresh_token, token_type, expires_in}; without
// refresh_token for a cookie session, whose refresh token never appears in a body.
std::string token_pair_json(const users::TokenPair& pair, bool with_refresh);

}  // namespace jogtrack::api::dto
