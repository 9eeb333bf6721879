#include "webapp/static_site.h"

#include "http/router.h"
#include "webapp/assets.h"

namespace jogtrack::webapp {

namespace {

constexpr std::string_view kHashedDir = "assets/";  // Vite's content-hashed output: never changes under one name

void add_page_headers(http::Response& r) {
  r.headers.emplace_back("Content-Security-Policy", std::string(kContentSecurityPolicy));
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
}

http::Response serve(const Asset& asset, const http::Request& request) {
  const bool gzip = !asset.gzip.empty() && accepts_gzip(request.accept_encoding);
  const std::string_view etag = gzip ? asset.gzip_etag : asset.etag;
  http::Response r;
  add_page_headers(r);
  r.headers.emplace_back("ETag", std::string(etag));
  r.headers.emplace_back("Cache-Control", asset.path.starts_with(kHashedDir) ? "public, max-age=31536000, immutable"
                                                                           : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (none_match(request.if_none_match, etag)) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  r.content_type = std::string(asset.content_type);
  if (gzip) r.headers.emplace_back("Content-Encoding", "gzip");
  r.body = std::string(gzip ? asset.gzip : asset.bytes);
  return r;
}

http::Response not_found(std::string_view detail) {
  http::Response r = http::problem_response(ErrorKind::NotFound, detail);
  add_page_headers(r);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

}  // namespace

http::Response app_page(const http::Request& request, std::string_view path) {
  if (const Asset* asset = find_asset(path)) return serve(*asset, request);
  if (path.starts_with(kHashedDir)) return not_found("no such file in the web app");
  const Asset* index = find_asset("index.html");
  if (!index) return not_found("this build of jogtrack does not include the web app");
  return serve(*index, request);
}

http::Response docs_page(const http::Request& request) {
  const Asset* docs = find_asset("docs.html");
  if (!docs) return not_found("this build of jogtrack does not include the API reference page");
  return serve(*docs, request);
}

http::Response redirect(const http::Request& request, std::string_view location) {
  http::Response r;
  r.status = 302;
  r.content_type.clear();
  std::string target(location);
  if (!request.raw_query.empty()) target += "?" + request.raw_query;
  r.headers.emplace_back("Location", std::move(target));
  r.headers.emplace_back("Cache-Control", "no-cache");
  add_page_headers(r);
  return r;
}

http::Response serve_embedded(const Asset& asset, const http::Request& request) { return serve(asset, request); }

}  // namespace jogtrack::webapp
