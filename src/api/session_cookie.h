// The browser session's refresh-token cookie (SPEC §5): reading it from Cookie, setting and clearing it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jogtrack::api {

inline constexpr std::string_view kRefreshCookie = "jogtrack_refresh";

struct CookieSettings {
  bool secure = true;                // JOGTRACK_COOKIE_SECURE
  std::int64_t max_age = 2592000;    // the refresh-token lifetime, seconds
};

// The jogtrack_refresh value in a Cookie header; nullopt when absent or empty.
std::optional<std::string> refresh_cookie(std::string_view cookie_header);

// Set-Cookie values. Path=/auth: the browser sends it to /auth/refresh and
// /auth/logout only; HttpOnly: page scripts never see it; SameSite=Strict: no
// other site can make the browser send it.
std::string set_refresh_cookie(std::string_view token, const CookieSettings& settings);
std::string clear_refresh_cookie(const CookieSettings& settings);

}  // namespace jogtrack::api
