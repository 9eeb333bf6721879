// Idempotency-Key on POSTs that create (SPEC §6): one wrapper around the route's handler.
#pragma once
#include <string>

#include "api/endpoint.h"
#include "api/routes.h"
#include "http/message.h"

namespace jogtrack::api {

// How long a key is remembered, and how long a first request may stay in
// flight before a retry may take its key over (its process must have died:
// requests are cut off long before, see ServerOptions::request_timeout).
inline constexpr std::int64_t kIdempotencyTtlSeconds = 24 * 60 * 60;
inline constexpr std::int64_t kIdempotencyStaleSeconds = 120;
inline constexpr std::size_t kMaxIdempotencyKeyLength = 255;

// Wraps an endpoint's handler so that a request with an Idempotency-Key header
// (1..255 visible ASCII characters, else 400):
//  - the first time runs the handler; a 2xx answer (status, headers, body) is
//    stored for 24 h; any other answer, or an exception, forgets the key so a
//    corrected retry runs afresh;
//  - again from the same caller with the same request (method, route, query
//    and body, by hash) replays the stored answer with Idempotent-Replayed: true
//    and runs nothing;
//  - with another request -> 422 #idempotency-key-reused;
//  - while the first is still running -> 409 with Retry-After: 1.
// Keys are per route and per caller: the authenticated user on Auth::Bearer
// routes (authentication comes first: 401), else the client address as the
// login throttle sees it behind trusted proxies. Without the header the
// handler just runs. Usage: add_endpoint(..., idempotent(services, handler)).
EndpointHandler idempotent(Services& services, EndpointHandler handler);

}  // namespace jogtrack::api
