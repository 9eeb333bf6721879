// Operations: liveness, readiness, metrics and the OpenAPI document.
#include "api/endpoint.h"
#include "api/routes.h"
#include "common/errors.h"
#include "jogtrack_data.h"

namespace jogtrack::api {

// Public like every probe, and as strict about the query as every other route.
void add_ops_routes(http::Router& router, Services& s) {
  auto& sessions = s.sessions;
  add_endpoint(router, sessions, {"GET", "/healthz", Auth::Public, {}, http::Pool::Inline},
               [](const Call&) { return http::Response::json(200, R"({"status":"ok"})"); });

  add_endpoint(router, sessions, {"GET", "/readyz", Auth::Public, {}}, [&s](const Call&) {
    if (!s.health.ping()) throw ApiError(ErrorKind::Unavailable, "the database is not reachable", {}, 1);
    return http::Response::json(200, R"({"status":"ready"})");
  });

  add_endpoint(router, sessions, {"GET", "/metrics", Auth::Public, {}, http::Pool::Inline}, [&s](const Call&) {
    http::Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = s.metrics.render();
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/openapi.json", Auth::Public, {}, http::Pool::Inline},
               [](const Call&) { return http::Response::json(200, std::string(data::openapi_json())); });
}

}  // namespace jogtrack::api
