#include "api/routes.h"

namespace jogtrack::api {

http::Router build_router(Services& services) {
  http::Router router;
  add_auth_routes(router, services);
  add_user_routes(router, services);
  add_run_routes(router, services);
  add_transfer_routes(router, services);
  add_ops_routes(router, services);
  add_web_routes(router);
  return router;
}

}  // namespace jogtrack::api
