// The HTTP server: RESTinio underneath, but no RESTinio or asio in this header.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "http/connection_stats.h"
#include "http/router.h"
#include "observability/metrics.h"

namespace jogtrack::http {

// One handler pool: its threads, and how many requests may wait for them
// (beyond the threads that are idle) before the next one gets 503.
struct PoolLimits {
  std::size_t threads = 1;
  std::size_t queue = 64;
  // Run at a lower CPU priority (nice +10): the pool only gets the CPU that
  // the others leave, e.g. public registration next to logins on few cores.
  bool low_priority = false;
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // IPv4/IPv6 literal or "localhost"
  std::uint16_t port = 8080;       // 0 = the OS picks one (reported to on_listening)
  std::size_t io_threads = 2;      // accept/parse/write + Pool::Inline handlers
  PoolLimits worker{4, 512};       // Pool::Worker handlers
  PoolLimits weather{8, 128};      // Pool::Weather handlers
  PoolLimits hashing{1, 64};       // Pool::Hashing handlers
  PoolLimits registration{1, 8, true};  // Pool::Registration handlers
  std::size_t max_body_bytes = 64 * 1024;  // larger bodies get 413 (see serve())
  std::vector<std::string> cors_origins;   // see CorsPolicy; empty = same origin only
  std::chrono::seconds read_timeout{30}, handle_timeout{60}, write_timeout{30};
  // Every request's deadline, from its arrival. Kept below handle_timeout
  // (serve() clamps it to handle_timeout - 5 s): past handle_timeout RESTinio
  // closes the connection without an answer, so the 503 must come first.
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::seconds drain_timeout{10};
  // Open client connections at most (0 = no cap). At the cap the server stops
  // accepting until one closes; new clients wait in the listen backlog.
  std::size_t max_connections = 0;
  // Where the server counts open connections, failed and deferred accepts
  // (nullptr: not reported). Must outlive serve().
  ConnectionStats* connection_stats = nullptr;
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
//  - 413 for a body over the route's own Route::max_body_bytes (file
//    imports), else over max_body_bytes, then the connection is closed. The
//    parser enforces it (parser_limits.h): once the headers are in, a request
//    declaring a body over max_body_bytes, or sending a chunked one, has its
//    route looked up; a declared length over that route's limit is answered
//    before any of the body is read, a chunked body as soon as it passes the
//    limit. So only a route with a large limit can make a connection buffer
//    more than max_body_bytes (+ one read). Header fields over 16 KiB, names
//    over 1 KiB or over 100 fields (431), and URLs over 32 KiB (414) are cut
//    short by the parser too. All of these are answered with a problem first
//    of all (so a large body to an unknown path is 413, not 404), and the
//    connection closed;
//  - 415 for a non-empty POST/PUT/PATCH body that is not application/json
//    (parameters allowed, case-insensitive), or not one of the route's
//    Route::content_types when it names some;
//  - a Response with a stream is sent chunked as it is produced (see Response::stream);
//  - 400 for malformed percent-encoding in the query, a query parameter given
//    twice, or two Authorization headers;
//  - 503 + Retry-After: 1 when the route's pool has no idle thread and its
//    queue is full, or when the request's deadline passed while it waited in
//    the queue (its handler is then never run);
//  - then the route's handler, in its Pool. A HEAD answer is the handler's
//    answer with its Content-Length but without its body (so is a 304);
//    then finish_response (conventions.h: gzip, If-None-Match); ApiError -> problem via
//    from_api_error; anything else -> 500 "internal error" (logged with the
//    request id; the message is never sent).
// Every answer gets CorsPolicy::decorate (Vary: Origin, and for a listed
// origin Access-Control-Allow-Origin / -Expose-Headers).
// Metrics and one access log line for every answered request.
// HTTP versions (made visible by http_version_hooks.h): HTTP/0.9, i.e. a
// request line without a version, gets 400 and versions above 1.1 get 505,
// both followed by closing the connection.
// Connections: accept() errors (EMFILE, ...) are retried every 50 ms, and at
// max_connections accepting pauses until a connection closes
// (resilient_acceptor.h).
//
// Installs SIGINT/SIGTERM handling for its duration (one serve() at a time).
void serve(const ServerOptions& options, const Router& router, observability::Metrics& metrics);

}  // namespace jogtrack::http
