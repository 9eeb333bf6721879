// The HTTP API: every route of SPEC §3, wired to the domain services.
#pragma once
#include "common/trusted_proxies.h"
#include "api/session_cookie.h"
#include "http/router.h"
#include "observability/metrics.h"
#include "reports/weekly_report.h"
#include "runs/run_service.h"
#include "storage/storage.h"
#include "users/account_service.h"
#include "users/session_service.h"

namespace jogtrack::api {

// What the handlers need; owned by the composition root in main.
struct Services {
  storage::HealthCheck& health;  // readiness (/readyz)
  storage::IdempotencyStore& idempotency;  // Idempotency-Key (idempotent())
  users::SessionService& sessions;
  users::AccountService& accounts;
  observability::Metrics& metrics;
  runs::RunService& runs;
  reports::ReportService& reports;
  // Whose X-Forwarded-For names the client (the per-address login throttle).
  const TrustedProxies& trusted_proxies;
  CookieSettings cookie;  // browser sessions' refresh-token cookie
};

void add_auth_routes(http::Router& router, Services& services);
void add_user_routes(http::Router& router, Services& services);
void add_ops_routes(http::Router& router, Services& services);
// /results and /results/reports/weekly (run_routes.cpp).
void add_run_routes(http::Router& router, Services& services);
// /results/import and /results/export: runs in and out in bulk (transfer_routes.cpp).
void add_transfer_routes(http::Router& router, Services& services);

// /, /app, /app/{path*}, /docs: the web app and the API reference (web_routes.cpp).
void add_web_routes(http::Router& router);

http::Router build_router(Services& services);

}  // namespace jogtrack::api
