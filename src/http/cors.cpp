#include "http/cors.h"

#include <algorithm>

namespace jogtrack::http {

namespace {

constexpr const char* kAllowHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id";
constexpr const char* kExposeHeaders = "Link, X-Total-Count, Location, ETag, Retry-After, X-Request-Id";
constexpr const char* kMaxAgeSeconds = "600";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// Appends to an existing Vary field rather than sending a second one.
void add_vary(Response& response, std::string_view token) {
  for (auto& [name, value] : response.headers)
    if (iequals(name, "Vary")) {
      value += ", ";
      value += token;
      return;
    }
  response.headers.emplace_back("Vary", std::string(token));
}

}  // namespace

CorsPolicy::CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool CorsPolicy::is_preflight(std::string_view method, std::string_view origin, std::string_view request_method) {
  return method == "OPTIONS" && !origin.empty() && !request_method.empty();
}

Response CorsPolicy::preflight(const std::vector<std::string>& methods) const {
  std::string allow;
  for (const auto& m : methods) {
    if (!allow.empty()) allow += ", ";
    allow += m;
  }
  Response r = Response::no_content();
  r.headers.emplace_back("Access-Control-Allow-Methods", std::move(allow));
  r.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
  r.headers.emplace_back("Access-Control-Max-Age", kMaxAgeSeconds);
  return r;
}

void CorsPolicy::decorate(Response& response, std::string_view origin) const {
  if (!enabled()) return;
  add_vary(response, "Origin");
  if (!allows(origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
  response.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
}

}  // namespace jogtrack::http
