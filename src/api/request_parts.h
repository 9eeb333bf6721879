// Pieces every handler needs: path ids, list parameters with paging headers.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "filter/filter.h"
#include "http/message.h"
#include "storage/storage.h"

namespace jogtrack::api {

// The {id} path parameter at index; 400 unless a positive 64-bit integer.
std::int64_t path_id(const http::Request& request, std::size_t index = 0);

// ?user_id=N on routes where an admin may act for someone else; nullopt when absent.
std::optional<std::int64_t> query_user_id(const http::Request& request);

// Reads page, count, sort and filter into a typed list request (filter and
// sort checked against `schema`, or sort against `sort_schema` when given).
// Which query parameters a list accepts is the route's declaration alone
// (Endpoint::query, list_query): add_endpoint answers any other with 400
// before the handler runs.
storage::ListRequest parse_list_request(const http::Request& request, const filter::Schema& schema,
                                        std::string_view default_sort, const filter::Schema* sort_schema = nullptr);

// X-Total-Count and an RFC 8288 Link header (first, prev, next, last) that
// keeps the request's other query parameters.
void add_paging_headers(http::Response& response, const http::Request& request, const storage::ListRequest& list,
                        std::int64_t total);

}  // namespace jogtrack::api
