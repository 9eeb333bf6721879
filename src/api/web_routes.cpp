// The browser-facing pages (SPEC §5): / and /app redirect, /app/... is the web app, /docs the API reference,
// /docs/problems the problem types.
#include "api/routes.h"
#include "webapp/static_site.h"

namespace jogtrack::api {

// /app/{path*} rather than a prefix check before routing: the route table
// stays the one place that says what is served (jogtrack routes, 404/405,
// metrics labels). HEAD is registered beside GET; the server sends HEAD
// answers without their body.
void add_web_routes(http::Router& router) {
  for (const char* method : {"GET", "HEAD"}) {
    router.add({method, "/", [](const http::Request& r) { return webapp::redirect(r, "/app/"); },
                http::Pool::Inline});
    router.add({method, "/app", [](const http::Request& r) { return webapp::redirect(r, "/app/"); },
                http::Pool::Inline});
    router.add({method, "/app/{path*}",
                [](const http::Request& r) { return webapp::app_page(r, r.path_params.at(0)); },
                http::Pool::Inline});
    router.add({method, "/docs", [](const http::Request& r) { return webapp::docs_page(r); }, http::Pool::Inline});
    router.add({method, "/docs/problems", [](const http::Request& r) { return webapp::problems_page(r); },
                http::Pool::Inline});
  }
}

}  // namespace jogtrack::api
