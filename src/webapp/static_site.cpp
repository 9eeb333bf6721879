#include "webapp/static_site.h"

#include "common/ascii.h"
#include "http/router.h"
#include "webapp/assets.h"

namespace jogtrack::webapp {

namespace {

constexpr std::string_view kHashedDir = "assets/";  // Vite's content-hashed output: never changes under one name

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls f(item) for each comma-separated, trimmed, non-empty item.
template <typename F>
void for_each_item(std::string_view list, F f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!item.empty()) f(item);
  }
}

// "q=0", "q=0.0", "q=0.000" refuse a coding; anything else (or no q) accepts it.
bool q_is_zero(std::string_view params) {
  for (;;) {
    const auto semi = params.find(';');
    if (semi == std::string_view::npos) return false;
    params = params.substr(semi + 1);
    const std::string_view p = trim(params.substr(0, params.find(';')));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      const std::string_view v = trim(p.substr(2));
      return !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
    }
  }
}

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

bool accepts_gzip(std::string_view accept_encoding) {
  bool gzip = false, star = false, gzip_named = false;
  for_each_item(accept_encoding, [&](std::string_view item) {
    const std::string_view coding = trim(item.substr(0, item.find(';')));
    const bool ok = !q_is_zero(item);
    if (iequals_ascii(coding, "gzip") || iequals_ascii(coding, "x-gzip")) {
      gzip_named = true;
      gzip = gzip || ok;
    } else if (coding == "*") {
      star = ok;
    }
  });
  return gzip_named ? gzip : star;
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*") return true;
  const auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  bool match = false;
  for_each_item(if_none_match, [&](std::string_view tag) { match = match || opaque(tag) == opaque(etag); });
  return match;
}

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
