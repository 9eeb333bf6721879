// A route that declares what it needs (authentication, query parameters, the
// path id) instead of repeating the checks in its handler: add_endpoint runs
// them, in one order for every route, and hands the handler the result.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/router.h"
#include "users/caller.h"
#include "users/session_service.h"

namespace jogtrack::api {

enum class Auth {
  Public,  // anyone; credentials, even bad ones, are not looked at
  Bearer,  // a valid access token of a live account, else 401
};

// What a handler gets once the route's needs are met.
struct Call {
  const http::Request& request;
  users::Caller caller;  // the authenticated caller (Auth::Bearer), else empty
  std::int64_t id = 0;   // the {id} path parameter, when the pattern has one
};

using EndpointHandler = std::function<http::Response(const Call&)>;

// The query parameters every list takes (SPEC §3 Lists).
inline constexpr std::array<std::string_view, 4> kListQuery = {"page", "count", "sort", "filter"};

struct Endpoint {
  // A constructor rather than an aggregate: most routes state only method and
  // pattern, and -Wmissing-field-initializers would flag every such brace list.
  Endpoint(std::string method_, std::string pattern_, Auth auth_ = Auth::Bearer,
           std::vector<std::string_view> query_ = {}, http::Pool pool_ = http::Pool::Worker)
      : method(std::move(method_)), pattern(std::move(pattern_)), auth(auth_), query(std::move(query_)), pool(pool_) {}

  std::string method;
  std::string pattern;  // a segment "{id}" is the resource id: a positive integer, else 400
  Auth auth = Auth::Bearer;
  // Every query parameter the route reads; any other is a 400, so a typo is
  // never silently ignored. Lists add kListQuery.
  std::vector<std::string_view> query;
  http::Pool pool = http::Pool::Worker;
  // Routes that take files (http::Route): their own body limit (0 = the
  // server's 64 KiB) and media types (empty = application/json only).
  std::size_t max_body_bytes = 0;
  std::vector<std::string> content_types;
};

// Registers the endpoint. Before the handler, in this order: authentication
// (401), the path id (400), unknown query parameters (400).
void add_endpoint(http::Router& router, users::SessionService& sessions, Endpoint endpoint, EndpointHandler handler);

// The query parameters of a list route: kListQuery and the route's own.
std::vector<std::string_view> list_query(std::initializer_list<std::string_view> extra = {});

}  // namespace jogtrack::api
