#include "api/session_cookie.h"

namespace jogtrack::api {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string cookie(std::string_view value, std::int64_t max_age, bool secure) {
  std::string out(kRefreshCookie);
  out += "=";
  out += value;
  out += "; Path=/auth; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

}  // namespace

std::optional<std::string> refresh_cookie(std::string_view header) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    const std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || trim(pair.substr(0, eq)) != kRefreshCookie) continue;
    std::string_view value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (!value.empty()) return std::string(value);
  }
  return std::nullopt;
}

std::string set_refresh_cookie(std::string_view token, const CookieSettings& settings) {
  return cookie(token, settings.max_age, settings.secure);
}

std::string clear_refresh_cookie(const CookieSettings& settings) { return cookie("", 0, settings.secure); }

}  // namespace jogtrack::api
