#include "api/endpoint.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "api/request_parts.h"

namespace jogtrack::api {

namespace {

// The index of the "{id}" segment among the pattern's parameters, or -1.
int id_param_index(std::string_view pattern) {
  int params = 0;
  std::size_t start = 1;
  while (start <= pattern.size()) {
    const auto end = std::min(pattern.find('/', start), pattern.size());
    const auto segment = pattern.substr(start, end - start);
    if (segment == "{id}") return params;
    if (segment.starts_with('{')) ++params;
    start = end + 1;
  }
  return -1;
}

void reject_unknown_query(const http::Request& request, const std::vector<std::string_view>& allowed) {
  for (const auto& [key, value] : request.query)
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) throw_invalid(key, "unknown query parameter");
}

}  // namespace

std::vector<std::string_view> list_query(std::initializer_list<std::string_view> extra) {
  std::vector<std::string_view> names(kListQuery.begin(), kListQuery.end());
  names.insert(names.end(), extra.begin(), extra.end());
  return names;
}

void add_endpoint(http::Router& router, users::SessionService& sessions, Endpoint endpoint, EndpointHandler handler) {
  if (!handler) throw std::invalid_argument("endpoint without a handler: " + endpoint.pattern);
  const int id_index = id_param_index(endpoint.pattern);
  http::Route route{std::move(endpoint.method), std::move(endpoint.pattern), {}, endpoint.pool};
  route.max_body_bytes = endpoint.max_body_bytes;
  route.content_types = std::move(endpoint.content_types);
  route.handler = [&sessions, auth = endpoint.auth, query = std::move(endpoint.query), id_index,
                   handler = std::move(handler)](const http::Request& request) {
    Call call{request, {}, 0};
    if (auth == Auth::Bearer) call.caller = sessions.authenticate(request.authorization);
    if (id_index >= 0) call.id = path_id(request, static_cast<std::size_t>(id_index));
    reject_unknown_query(request, query);
    return handler(call);
  };
  router.add(std::move(route));
}

}  // namespace jogtrack::api
