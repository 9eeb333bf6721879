// /docs/problems: the page scripts/gen-openapi.py writes beside the OpenAPI document.
#include <cstdint>
#include <cstdio>
#include <string>

#include "jogtrack_data.h"
#include "webapp/assets.h"
#include "webapp/static_site.h"

namespace jogtrack::webapp {

http::Response problems_page(const http::Request& request) {
  // Built once: the page is a constant of the binary, so its ETag is too.
  static const std::string etag = [] {
    std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: a change detector, not a security hash
    for (unsigned char c : data::problems_html()) h = (h ^ c) * 1099511628211ULL;
    char buf[24];
    std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
    return std::string(buf);
  }();
  static const Asset page{"problems.html", "text/html; charset=utf-8", data::problems_html(), {}, etag, etag};
  return serve_embedded(page, request);
}

}  // namespace jogtrack::webapp
