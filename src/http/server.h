// The HTTP server: RESTinio underneath, but no RESTinio or asio in this header.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/router.h"
#include "observability/metrics.h"

namespace jogtrack::http {

struct ServerOptions {
  std::string host = "127.0.0.1";  // IPv4/IPv6 literal or "localhost"
  std::uint16_t port = 8080;       // 0 = the OS picks one (reported to on_listening)
  std::size_t io_threads = 2;      // accept/parse/write + Pool::Inline handlers
  std::size_t worker_threads = 4;  // Pool::Worker handlers
  std::size_t hashing_threads = 1;  // Pool::Hashing handlers
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies get 413 (see serve())
  std::vector<std::string> cors_origins;   // see CorsPolicy; empty = same origin only
  std::chrono::seconds read_timeout{30}, handle_timeout{60}, write_timeout{30};
  std::chrono::seconds drain_timeout{10};
  // Called once, from the thread that called serve(), when the server is
  // bound AND listening, with the real port.
  std::function<void(const std::string& host, std::uint16_t port)> on_listening;
};

// Serves until SIGINT or SIGTERM, then stops accepting, lets in-flight
// requests finish (bounded by drain_timeout; requests that arrive meanwhile on
// open keep-alive connections get 503 + Connection: close), and returns.
// Throws std::runtime_error if it cannot bind/listen.
//
// Per request, in this order:
//  - X-Request-Id on every response: a valid incoming one (1..64 chars of
//    [A-Za-z0-9._-]) is kept, else 16 random hex chars;
//  - 400 for malformed percent-encoding in the path;
//  - a CORS preflight (OPTIONS + Origin + Access-Control-Request-Method) from
//    a listed origin on a known path: 204 (CorsPolicy); from anyone else it
//    goes on like any OPTIONS request;
//  - 404, or 405 + Allow, from the router (HEAD/OPTIONS: 405 unless registered);
//  - 503 while draining;
//  - 413 for a body over max_body_bytes. Bodies over max(1 MiB,
//    2 x max_body_bytes), headers over 16 KiB per field or 100 fields, and URLs
//    over 32 KiB make RESTinio drop the connection without any answer;
//  - 415 for a non-empty POST/PUT/PATCH body that is not application/json
//    (parameters allowed, case-insensitive);
//  - 400 for malformed percent-encoding in the query;
//  - then the route's handler, in its Pool. A HEAD answer is the handler's
//    answer with its Content-Length but without its body; ApiError -> problem via
//    from_api_error; anything else -> 500 "internal error" (logged with the
//    request id; the message is never sent).
// Every answer gets CorsPolicy::decorate (Vary: Origin, and for a listed
// origin Access-Control-Allow-Origin / -Expose-Headers).
// Metrics and one access log line for every answered request.
// HTTP versions: RESTinio 0.6.16 does not expose the request's version, so
// whatever its parser accepts (even HTTP/9.9) is answered as HTTP/1.1.
//
// Installs SIGINT/SIGTERM handling for its duration (one serve() at a time).
void serve(const ServerOptions& options, const Router& router, observability::Metrics& metrics);

}  // namespace jogtrack::http
