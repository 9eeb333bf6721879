// Operations: liveness, readiness, metrics and the OpenAPI document.
#include "api/routes.h"
#include "common/errors.h"
#include "jogtrack_data.h"

namespace jogtrack::api {

void add_ops_routes(http::Router& router, Services& s) {
  router.add({"GET", "/healthz",
              [](const http::Request&) { return http::Response::json(200, R"({"status":"ok"})"); },
              http::Pool::Inline});

  router.add({"GET", "/readyz", [&s](const http::Request&) {
                if (!s.storage.ping())
                  throw ApiError(ErrorKind::Unavailable, "the database is not reachable", {}, 1);
                return http::Response::json(200, R"({"status":"ready"})");
              }});

  router.add({"GET", "/metrics",
              [&s](const http::Request&) {
                http::Response response;
                response.content_type = "text/plain; version=0.0.4; charset=utf-8";
                response.body = s.metrics.render();
                return response;
              },
              http::Pool::Inline});

  router.add({"GET", "/openapi.json",
              [](const http::Request&) { return http::Response::json(200, std::string(data::openapi_json())); },
              http::Pool::Inline});
}

}  // namespace jogtrack::api
