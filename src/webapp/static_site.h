// How the browser-facing pages are answered: the app under /app/, /docs, redirects, caching and security headers.
#pragma once
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/negotiation.h"

namespace jogtrack::webapp {

// Content-Security-Policy of every page: scripts only from this origin;
// inline styles allowed (the docs UI and the chart set style attributes).
inline constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

// GET/HEAD /app/{path*}, `path` being what follows "/app/": the embedded file
// at that path; else, outside assets/, the app's index.html (the app routes
// on the client); a missing file under assets/ is a 404 problem.
http::Response app_page(const http::Request& request, std::string_view path);

// GET/HEAD /docs: the API reference page (docs.html).
http::Response docs_page(const http::Request& request);

// GET/HEAD /docs/problems: what each problem `type` (/docs/problems#<kind>) means
// (problems_page.cpp). Compiled in with the OpenAPI document, so it exists even in
// a build without the web app.
http::Response problems_page(const http::Request& request);

struct Asset;
// An embedded file as the app's files are answered: page headers, ETag, 304, gzip.
http::Response serve_embedded(const Asset& asset, const http::Request& request);

// 302 to `location`, keeping the request's query string.
http::Response redirect(const http::Request& request, std::string_view location);

// Shared with the server's own gzip and conditional requests (http/negotiation.h).
using http::accepts_gzip;
using http::none_match;

}  // namespace jogtrack::webapp
