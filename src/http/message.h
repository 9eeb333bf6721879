// HTTP request/response values passed between the server plumbing and the handlers (no RESTinio here).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/deadline.h"

namespace jogtrack::http {

using Header = std::pair<std::string, std::string>;

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string path;          // decoded path without query, e.g. "/users/12"
  std::string route;         // matched route template, e.g. "/users/{id}"
  std::string raw_query;     // query string as received, without '?'
  std::vector<std::pair<std::string, std::string>> query;  // percent-decoded, in order
  std::vector<std::string> path_params;                    // values of {..} segments, in order
  std::string body;
  std::string content_type;
  std::string authorization;  // Authorization header value or empty
  std::string remote_ip;      // the peer (TCP) address
  std::string forwarded_for;  // every X-Forwarded-For field, in order, joined by ", "
  // For the browser-facing routes (web app, cookie sessions); empty when absent.
  std::string cookie;           // Cookie
  std::string accept_encoding;  // Accept-Encoding
  std::string if_none_match;    // If-None-Match
  std::string origin;           // Origin (CORS)
  // Conventions of SPEC §6; empty when absent.
  std::string if_match;         // If-Match (PATCH/DELETE of runs and users)
  std::string idempotency_key;  // Idempotency-Key (POSTs that create)
  std::string request_id;
  // Set by the server from the request's arrival (ServerOptions::request_timeout):
  // work still undone when it passes is dropped or rolled back, and the client
  // gets 503 while its connection is still open.
  Deadline deadline = Deadline::never();

  // First value of a query parameter, if present.
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return std::string_view(v);
    return std::nullopt;
  }
};

// Hands one chunk of a streamed body to the connection. Returns once the chunk
// was written (so a stream holds one chunk at a time however slow the client),
// or false when the client has gone: the producer should stop then.
using ChunkSink = std::function<bool(std::string chunk)>;

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<Header> headers;
  // When set, the body is produced by this function instead (body is ignored)
  // and sent with Transfer-Encoding: chunked. The server calls it once, on the
  // handler's thread, after the status line and headers are sent. It should
  // do everything that can fail with a clean error (validation, the first
  // query) in the handler, before returning the Response: an exception thrown
  // by it can no longer become an error response, so the connection is
  // dropped without the final chunk and the client sees a truncated transfer,
  // never a complete-looking one.
  std::function<void(const ChunkSink&)> stream;

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
};

// Where a handler runs. Each pool but Inline has its own threads and its own
// bounded queue (ServerOptions::pools), so a route that is slow or flooded
// fills only its own pool; when that is full the request gets 503 +
// Retry-After at once instead of waiting behind the others.
//  - Inline: on the I/O thread (cheap, never blocks);
//  - Worker: database work;
//  - Weather: handlers that may wait on the weather provider (creating or
//    moving a run): a provider that hangs holds these threads, never Worker's;
//  - Hashing: Argon2id for callers who hold an account (login, password change);
//  - Registration: Argon2id for public account creation, a small budget of
//    its own so a registration flood cannot delay logins.
enum class Pool { Inline, Worker, Weather, Hashing, Registration };

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // "/results/{id}" — {name} matches one non-empty path segment; a last
                        // segment {name*} matches the rest of the path (see Router)
  Handler handler;
  Pool pool = Pool::Worker;
  // Bodies beyond the server's JSON default, for routes that take files: a
  // larger size limit (0 = ServerOptions::max_body_bytes) and the media types
  // accepted (empty = application/json only).
  std::size_t max_body_bytes = 0;
  std::vector<std::string> content_types{};
};

}  // namespace jogtrack::http
