// /users: registration and account management.
#include "api/conditional.h"
#include "api/dto/users.h"
#include "api/endpoint.h"
#include "api/idempotency.h"
#include "api/request_parts.h"
#include "api/routes.h"

namespace jogtrack::api {

void add_user_routes(http::Router& router, Services& s) {
  auto& sessions = s.sessions;
  add_endpoint(router, sessions, {"POST", "/users", Auth::Public, {}, http::Pool::Registration},
               idempotent(s, [&s](const Call& c) {
    const auto user = s.accounts.register_from(dto::parse_registration(c.request.body), c.request.remote_ip);
    auto response = http::Response::json(201, dto::user_json(user));
    response.headers.emplace_back("Location", "/users/" + std::to_string(user.user_id));
    return response;
  }));

  add_endpoint(router, sessions, {"GET", "/users", Auth::Bearer, list_query()}, [&s](const Call& c) {
    const auto list = parse_list_request(c.request, users::user_schema(), users::kDefaultUserSort);
    const auto page = s.accounts.list(c.caller, list);
    auto response = http::Response::json(200, dto::users_json(page.items));
    add_paging_headers(response, c.request, list, page.total);
    return response;
  });

  add_endpoint(router, sessions, {"GET", "/users/{id}"}, [&s](const Call& c) {
    const auto user = s.accounts.get(c.caller, c.id);
    return with_etag(http::Response::json(200, dto::user_json(user)), user.version);
  });

  add_endpoint(router, sessions, {"PATCH", "/users/{id}", Auth::Bearer, {}, http::Pool::Hashing}, [&s](const Call& c) {
    s.accounts.update(c.caller, c.id, dto::parse_account_changes(c.request.body), c.request.remote_ip,
                      if_match(c.request));
    return http::Response::no_content();
  });

  add_endpoint(router, sessions, {"DELETE", "/users/{id}"}, [&s](const Call& c) {
    s.accounts.remove(c.caller, c.id, if_match(c.request));
    return http::Response::no_content();
  });

  add_endpoint(router, sessions, {"PATCH", "/users/{id}/scopes"}, [&s](const Call& c) {
    s.accounts.set_scopes(c.caller, c.id, dto::parse_scopes(c.request.body));
    return http::Response::no_content();
  });
}

}  // namespace jogtrack::api
