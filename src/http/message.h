// HTTP request/response values passed between the server plumbing and the handlers (no RESTinio here).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  std::string request_id;

  // First value of a query parameter, if present.
  std::optional<std::string_view> query_param(std::string_view name) const {
    for (const auto& [k, v] : query)
      if (k == name) return std::string_view(v);
    return std::nullopt;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<Header> headers;

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

// Where a handler runs: Inline on the I/O thread (cheap, never blocks),
// Worker for database work, Hashing for Argon2id (a small separate pool so a
// burst of logins cannot starve other requests).
enum class Pool { Inline, Worker, Hashing };

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;   // "GET", "POST", "PATCH", "DELETE"
  std::string pattern;  // "/results/{id}" — {name} matches one non-empty path segment
  Handler handler;
  Pool pool = Pool::Worker;
};

}  // namespace jogtrack::http
