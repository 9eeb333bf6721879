// Cross-origin policy (SPEC §5): which sites' pages may call the API, and the CORS headers that say so.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace jogtrack::http {

// Listed origins get CORS headers; anyone else gets none, so their browser
// refuses to hand the answer to the page. Never Access-Control-Allow-
// Credentials: cookies (the refresh cookie) are same-site only.
class CorsPolicy {
 public:
  // Origins as config::parse_origin leaves them ("https://app.example.com"); empty = CORS off.
  explicit CorsPolicy(std::vector<std::string> origins = {});

  bool enabled() const { return !origins_.empty(); }
  // Exact match with a listed origin (browsers send it lower-case, without a default port).
  bool allows(std::string_view origin) const;

  // An OPTIONS request with Origin and Access-Control-Request-Method.
  static bool is_preflight(std::string_view method, std::string_view origin, std::string_view request_method);
  // The answer to a listed origin's preflight on a path served with `methods`:
  // 204 with Allow-Methods, Allow-Headers and Max-Age (decorate() adds the rest).
  Response preflight(const std::vector<std::string>& methods) const;

  // For every answer: Vary: Origin when CORS is on (answers differ by Origin,
  // so caches must key on it), and for a listed origin Allow-Origin and
  // Expose-Headers.
  void decorate(Response& response, std::string_view origin) const;

 private:
  std::vector<std::string> origins_;
};

}  // namespace jogtrack::http
