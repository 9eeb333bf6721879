// The only translation unit that includes RESTinio/asio (they take ~25 s to compile).
#include "http/server.h"

#include <restinio/asio_timer_manager.hpp>
#include <restinio/http_server.hpp>
#include <restinio/message_builders.hpp>
#include <restinio/null_logger.hpp>
#include <restinio/traits.hpp>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "http/connection_gate.h"
#include "http/conventions.h"
#include "http/http_version_hooks.h"
#include "http/resilient_acceptor.h"
#include "http/bounded_executor.h"
#include "http/cors.h"
#include "observability/logging.h"

namespace jogtrack::http {

// A filter may be 2,000 characters; as percent-encoded UTF-8 that is up to
// 2,000 x 4 x 3 = 24,000 bytes, plus the other query parameters.
constexpr std::size_t kMaxUrlBytes = 32 * 1024;
namespace {

using Clock = std::chrono::steady_clock;
using observability::Metrics;

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

// "Sun, 06 Nov 1994 08:49:37 GMT", recomputed once per second per thread.
const std::string& http_date() {
  thread_local std::time_t cached_sec = -1;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_sec) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[40];
    const int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                                tm.tm_sec);
    cached.assign(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    cached_sec = now;
  }
  return cached;
}

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<std::size_t>(i)] = kHex[v & 0xf];
  return id;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// "application/json", optionally followed by parameters (";charset=utf-8"); case-insensitive.
bool is_json_content_type(std::string_view ct) {
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  constexpr std::string_view kJson = "application/json";
  if (ct.size() < kJson.size()) return false;
  for (std::size_t i = 0; i < kJson.size(); ++i)
    if (lower(ct[i]) != kJson[i]) return false;
  ct.remove_prefix(kJson.size());
  while (!ct.empty() && (ct.front() == ' ' || ct.front() == '\t')) ct.remove_prefix(1);
  return ct.empty() || ct.front() == ';';
}

// Whether ct names one of `accepted` (media types, parameters such as charset ignored).
bool is_accepted_media_type(std::string_view ct, const std::vector<std::string>& accepted) {
  const auto semi = ct.find(';');
  std::string_view type = ct.substr(0, semi);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  for (const std::string& a : accepted) {
    if (a.size() != type.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < a.size() && same; ++i) same = lower(type[i]) == a[i];
    if (same) return true;
  }
  return false;
}

bool method_has_body(std::string_view m) { return m == "POST" || m == "PUT" || m == "PATCH"; }

// SPEC §6: an answer to a request that carried credentials (a bearer token or
// a cookie) is never kept by a cache, whatever its route or status. A route
// that chose its own Cache-Control (the static files) keeps it.
void forbid_storing_if_credentialed(const restinio::http_request_header_t& h, Response& resp) {
  if (!h.has_field(restinio::http_field::authorization) && !h.has_field(restinio::http_field::cookie)) return;
  for (const auto& [name, value] : resp.headers)
    if (name == "Cache-Control") return;
  resp.headers.emplace_back("Cache-Control", "no-store");
}

// A repeated query parameter (count=5&count=5000) or two Authorization
// headers: which one would count? Handlers read the first, a proxy or cache in
// front may read the last, so the request is refused instead of guessed at.
std::optional<Response> ambiguous_request(const restinio::http_request_header_t& h,
                                          const std::vector<std::pair<std::string, std::string>>& query) {
  if (const auto name = repeated_query_param(query)) {
    const std::string field(*name);
    return from_api_error(ApiError(ErrorKind::Validation, "query parameter '" + field + "' is given more than once",
                                   {FieldError{field, "given more than once"}}));
  }
  std::size_t authorizations = 0;
  h.for_each_value_of(restinio::http_field::authorization, [&authorizations](const restinio::string_view_t&) {
    ++authorizations;
    return restinio::http_header_fields_t::continue_enumeration();
  });
  if (authorizations > 1)
    return problem_response(ErrorKind::Validation, "the Authorization header is given more than once");
  return std::nullopt;
}

// The route's own body limit for a request target as sent (0: the default).
// Its path is decoded as on_request() decodes it, so "/results/%69mport" gets
// the import limit too; a malformed one gets the default (and then a 400).
std::size_t route_body_limit(const Router& router, std::string_view method, std::string_view target) {
  const std::string_view raw_path = target.substr(0, target.find_first_of("?#"));
  if (raw_path.find('%') == std::string_view::npos) return router.body_limit(method, raw_path);
  const auto path = percent_decode(raw_path, false);
  return path ? router.body_limit(method, *path) : 0;
}

// The answer to a request the parser cut short at a limit (parser_limits.h).
Response over_limit(std::string_view status, std::uint64_t max_body_bytes) {
  if (status == "414")
    return problem_response(ErrorKind::UriTooLong,
                            "the request target exceeds " + std::to_string(kMaxUrlBytes) + " bytes");
  if (status == "413")
    return problem_response(ErrorKind::PayloadTooLarge,
                            "the request body exceeds " + std::to_string(max_body_bytes) + " bytes");
  return problem_response(ErrorKind::HeaderFieldsTooLarge,
                          "a header field exceeds 16384 bytes, a field name 1024 bytes, or there are over 100 fields");
}

// What a request gets when it cannot be served in time: the client may retry
// shortly, and (unlike a closed connection) knows its request did nothing.
Response overloaded(std::string_view detail) {
  Response resp = problem_response(ErrorKind::Unavailable, detail);
  resp.headers.emplace_back("Retry-After", "1");
  return resp;
}

// Lowers the calling thread's CPU priority (Linux: nice is per thread). Best
// effort: without it the pool still has its own bounded budget.
void lower_thread_priority() {
  if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) != 0)
    spdlog::debug("could not lower a pool thread's priority: {}", std::strerror(errno));
}

BoundedExecutor make_pool(const char* name, const PoolLimits& limits) {
  return BoundedExecutor(name, limits.threads, limits.queue,
                         limits.low_priority ? std::function<void()>(lower_thread_priority) : nullptr);
}

// The request deadline must fall before RESTinio's handle timeout, whose
// expiry closes the connection without an answer.
std::chrono::milliseconds effective_request_timeout(const ServerOptions& o) {
  const auto cap = std::chrono::duration_cast<std::chrono::milliseconds>(o.handle_timeout) - std::chrono::seconds(5);
  return std::clamp(o.request_timeout, std::chrono::milliseconds(1), std::max(cap, std::chrono::milliseconds(1)));
}

// The headers only some routes read: the web app's and cookie sessions (SPEC
// §5), conditional requests and idempotent POSTs (SPEC §6).
void read_browser_headers(const restinio::http_request_header_t& h, Request& r) {
  if (const auto* v = h.try_get_field(restinio::http_field::cookie)) r.cookie = *v;
  if (const auto* v = h.try_get_field(restinio::http_field::accept_encoding)) r.accept_encoding = *v;
  if (const auto* v = h.try_get_field(restinio::http_field::if_none_match)) r.if_none_match = *v;
  if (const auto* v = h.try_get_field(restinio::http_field::if_match)) r.if_match = *v;
  if (const auto* v = h.try_get_field("Idempotency-Key")) r.idempotency_key = *v;
}

struct State;

// The one catch-all request handler: RESTinio's express router would build a
// std::regex per route; we match segments ourselves.
struct CatchAll {
  explicit CatchAll(State* s) : st(s) {}
  restinio::request_handling_status_t operator()(restinio::request_handle_t req) const;
  State* st;
};

struct Traits : restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, CatchAll> {
  using http_methods_mapper_t = VersionAwareMethods;  // see http_version_hooks.h
};
using Server = restinio::http_server_t<Traits>;

}  // namespace
}  // namespace jogtrack::http

// Connections report to our ConnectionGate, and our acceptor keeps accepting
// after accept() errors (see resilient_acceptor.h).
template <>
struct restinio::connection_count_limit_types<jogtrack::http::Traits> {
  using limiter_t = jogtrack::http::ConnectionGate;
  using lifetime_monitor_t = restinio::connection_count_limits::connection_lifetime_monitor_t<limiter_t>;
};
template <>
class restinio::impl::acceptor_t<jogtrack::http::Traits> final
    : public jogtrack::http::ResilientAcceptor<jogtrack::http::Traits> {
 public:
  using ResilientAcceptor::ResilientAcceptor;
};

namespace jogtrack::http {
namespace {

// Everything a request needs. Outlives the io_context (write notificators may
// run while the io_context is being destroyed).
struct State {
  State(const ServerOptions& o, const Router& r, Metrics& m)
      : opts(o),
        router(r),
        metrics(m),
        request_timeout(effective_request_timeout(o)),
        worker(make_pool("worker", o.worker)),
        weather(make_pool("weather", o.weather)),
        hashing(make_pool("hashing", o.hashing)),
        registration(make_pool("registration", o.registration)),
        cors(o.cors_origins),
        body_limits{o.max_body_bytes, [&r](std::string_view method, std::string_view target) {
                      return std::uint64_t{route_body_limit(r, method, target)};
                    }} {}

  const ServerOptions& opts;
  const Router& router;
  Metrics& metrics;

  // Requests received whose response has not finished writing yet.
  std::atomic<long> inflight{0};
  std::atomic<bool> draining{false};
  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;  // guarded by mu
  int stop_signal = 0;

  const std::chrono::milliseconds request_timeout;
  // One bounded pool per Pool (see message.h): separate threads AND separate
  // queues, so a hanging weather provider or a registration flood fills only
  // its own pool. Separate pools rather than libcurl multi on an event loop:
  // handlers are synchronous (SOCI blocks too), so a provider call holds a
  // thread whatever libcurl does; what matters is whose thread it holds.
  BoundedExecutor worker;
  BoundedExecutor weather;
  BoundedExecutor hashing;
  BoundedExecutor registration;
  asio::io_context* io = nullptr;  // the I/O threads' context, set before serving
  const CorsPolicy cors;
  const BodyLimits body_limits;  // what the parser allows each body (parser_limits.h)

  BoundedExecutor& executor_for(Pool pool) {
    switch (pool) {
      case Pool::Weather: return weather;
      case Pool::Hashing: return hashing;
      case Pool::Registration: return registration;
      case Pool::Inline:
      case Pool::Worker: break;
    }
    return worker;
  }
  void join_pools() {
    for (auto* p : {&worker, &weather, &hashing, &registration}) p->join();
  }
  void abandon_pools() {
    for (auto* p : {&worker, &weather, &hashing, &registration}) p->abandon();
  }

  void release() noexcept {
    if (inflight.fetch_sub(1) == 1 && draining.load()) {
      std::lock_guard lock(mu);
      cv.notify_all();
    }
  }

  void on_request(restinio::request_handle_t req, Clock::time_point arrival);
  void dispatch(const restinio::request_handle_t& req, Request r, const Route& route, Clock::time_point t0);
  bool is_listed_preflight(const restinio::http_request_header_t& h, const Request& r) const {
    const auto* method = h.try_get_field(restinio::http_field::access_control_request_method);
    return CorsPolicy::is_preflight(r.method, r.origin, method ? *method : std::string_view{}) &&
           cors.allows(r.origin);
  }
  void run_handler(const restinio::request_handle_t& req, const Request& r, const Route& route, Clock::time_point t0);
  void respond(const restinio::request_handle_t& req, const Request& r, std::string_view route_label, Response resp,
               Clock::time_point t0, bool close = false);
  void send_stream(const restinio::request_handle_t& req, const Request& r, Response resp,
                   const restinio::http_status_line_t& status_line, bool close);
};

restinio::request_handling_status_t CatchAll::operator()(restinio::request_handle_t req) const {
  // Never answer from inside this call. When RESTinio 0.6.16 gets a complete
  // response before the handler returns, it starts reading the next request
  // at once AND again after the write completes; the second start resets the
  // parser, so a pipelined or fast follow-up request larger than one read
  // (a 70 KiB body right after a 415, say) was parsed from its middle and the
  // connection dropped (HPE_INVALID_METHOD). Posting makes every answer
  // asynchronous: the read resumes exactly once, after the write.
  st->inflight.fetch_add(1);  // counted now, so a drain waits for it
  asio::post(*st->io, [st = st, req = std::move(req), arrival = Clock::now()]() mutable {
    st->on_request(std::move(req), arrival);
  });
  return restinio::request_accepted();
}

// HEAD (RFC 9110 §9.3.2): the headers GET would send, Content-Length
// included, and no body. The handler answers as for GET; the body is dropped here.
bool is_head(const Request& r) { return r.method == "HEAD"; }

template <typename Builder>
void add_headers(Builder& builder, const Request& r, Response& resp, bool close) {
  builder.append_header(restinio::http_field::date, http_date());
  if (!resp.content_type.empty())
    builder.append_header(restinio::http_field::content_type, std::move(resp.content_type));
  builder.append_header("X-Request-Id", r.request_id);
  for (auto& [name, value] : resp.headers) builder.append_header(std::move(name), std::move(value));
  if (close) builder.connection_close();
}

void State::respond(const restinio::request_handle_t& req, const Request& r, std::string_view route_label,
                    Response resp, Clock::time_point t0, bool close) {
  bool handed_over = false;
  try {
    if (resp.status < 200 || resp.status > 599) {
      spdlog::error("request {}: handler returned invalid status {}", r.request_id, resp.status);
      resp = problem_response(ErrorKind::Internal, "internal error");
    }
    const restinio::http_status_line_t status_line{
        restinio::http_status_code_t{static_cast<std::uint16_t>(resp.status)}, reason_phrase(resp.status)};
    close = close || draining.load(std::memory_order_relaxed);
    cors.decorate(resp, r.origin);
    forbid_storing_if_credentialed(req->header(), resp);

    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    metrics.observe_request(r.method, route_label, resp.status, seconds);
    observability::log_access({r.method, route_label, resp.status, seconds * 1000.0, r.request_id, r.remote_ip});

    auto on_written = [this](const asio::error_code&) { release(); };
    if (resp.stream && !is_head(r) && resp.status != 304) {
      handed_over = true;  // send_stream releases the in-flight slot on every path
      send_stream(req, r, std::move(resp), status_line, close);
      return;
    }
    // A 304 is sent like a HEAD answer: the length of what a 200 would carry, no content.
    if (is_head(r) || resp.status == 304) {
      auto builder = req->create_response<restinio::user_controlled_output_t>(status_line);
      add_headers(builder, r, resp, close);
      builder.set_content_length(resp.body.size());
      handed_over = true;  // from here on the write notificator releases the in-flight slot
      builder.done(on_written);
    } else {
      auto builder = req->create_response(status_line);
      add_headers(builder, r, resp, close);
      builder.set_body(std::move(resp.body));
      handed_over = true;
      builder.done(on_written);
    }
  } catch (const std::exception& e) {
    spdlog::error("request {}: could not send the response: {}", r.request_id, e.what());
    if (!handed_over) release();
  }
}

void State::send_stream(const restinio::request_handle_t& req, const Request& r, Response resp,
                        const restinio::http_status_line_t& status_line, bool close) {
  try {
    auto builder = req->create_response<restinio::chunked_output_t>(status_line);
    add_headers(builder, r, resp, close);
    // Generous: RESTinio itself closes a connection whose write takes write_timeout.
    const auto patience = opts.write_timeout + std::chrono::seconds(5);
    const ChunkSink sink = [&builder, patience](std::string chunk) {
      if (chunk.empty()) return true;
      auto written = std::make_shared<std::promise<bool>>();
      auto outcome = written->get_future();
      builder.append_chunk(std::move(chunk));
      builder.flush([written](const asio::error_code& ec) { written->set_value(!ec); });
      return outcome.wait_for(patience) == std::future_status::ready && outcome.get();
    };
    resp.stream(sink);
    builder.done([this](const asio::error_code&) { release(); });
    return;
  } catch (const std::exception& e) {
    // Too late for an error response. The builder goes without done(): the
    // chunked body never gets its final chunk, RESTinio closes the connection
    // (server_test checks it) and the client sees a truncated transfer, never
    // a complete-looking one.
    spdlog::error("request {}: streamed response aborted: {}", r.request_id, e.what());
  }
  release();
}

void State::run_handler(const restinio::request_handle_t& req, const Request& r, const Route& route,
                        Clock::time_point t0) {
  Response resp;
  try {
    resp = route.handler(r);
  } catch (const ApiError& e) {
    resp = from_api_error(e);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: unhandled exception: {}", r.request_id, r.method, route.pattern, e.what());
    resp = problem_response(ErrorKind::Internal, "internal error");
  } catch (...) {
    spdlog::error("request {} {} {}: unhandled non-standard exception", r.request_id, r.method, route.pattern);
    resp = problem_response(ErrorKind::Internal, "internal error");
  }
  try {
    finish_response(r, resp);
  } catch (const std::exception& e) {
    spdlog::error("request {}: could not finish the response: {}", r.request_id, e.what());
    resp = problem_response(ErrorKind::Internal, "internal error");
  }
  respond(req, r, route.pattern, std::move(resp), t0);
}

// Runs the handler on the route's pool, or answers 503 at once when that pool
// is full; a request whose deadline passed while it was queued is answered 503
// without running its handler (its client may be about to give up on it).
void State::dispatch(const restinio::request_handle_t& req, Request r, const Route& route, Clock::time_point t0) {
  auto shared = std::make_shared<Request>(std::move(r));
  const bool accepted = executor_for(route.pool).try_submit([this, req, shared, &route, t0] {
    if (shared->deadline.expired()) {
      respond(req, *shared, route.pattern, overloaded("the server is busy: the request waited too long"), t0);
      return;
    }
    run_handler(req, *shared, route, t0);
  });
  if (!accepted)
    respond(req, *shared, route.pattern, overloaded("the server is busy: too many requests of this kind are waiting"),
            t0);
}

void State::on_request(restinio::request_handle_t req, Clock::time_point arrival) {
  const auto t0 = arrival;  // latency and the deadline both count from arrival, before any queue

  Request r;
  r.deadline = Deadline::at(arrival + request_timeout);
  const auto& h = req->header();
  r.method = h.method().c_str();
  if (const auto* incoming = h.try_get_field("X-Request-Id"); incoming && valid_request_id(*incoming))
    r.request_id = *incoming;
  else
    r.request_id = new_request_id();
  try {
    r.remote_ip = req->remote_endpoint().address().to_string();
  } catch (const std::exception&) {
  }
  // All of them: haproxy appends its own field after any the client sent.
  h.for_each_value_of("X-Forwarded-For", [&r](restinio::string_view_t v) {
    r.forwarded_for.append(r.forwarded_for.empty() ? "" : ", ").append(v.data(), v.size());
    return restinio::http_header_fields_t::continue_enumeration();
  });
  if (const auto* origin = h.try_get_field(restinio::http_field::origin)) r.origin = *origin;  // CORS, every answer

  try {
    // A limit the parser hit (parser_limits.h): the request is cut short, so
    // nothing else about it can be trusted; answer and close.
    if (const auto* rejected = h.try_get_field(kRejectedField)) {
      respond(req, r, Metrics::kUnmatched, over_limit(*rejected, recorded_body_limit(h, opts.max_body_bytes)), t0,
              true);
      return;
    }
    // The parsed version, copied into the header by http_version_hooks.h.
    if (h.http_major() == 0) {
      respond(req, r, Metrics::kUnmatched,
              problem_response(ErrorKind::Validation, "HTTP/0.9 requests (a request line without a version) are not "
                                                   "supported"),
              t0, true);
      return;
    }
    if (h.http_major() != 1 || h.http_minor() > 1) {
      respond(req, r, Metrics::kUnmatched,
              problem_response(ErrorKind::HttpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are supported"), t0,
              true);
      return;
    }
    auto path = percent_decode(h.path(), false);
    if (!path) {
      respond(req, r, Metrics::kUnmatched, problem_response(ErrorKind::Validation, "malformed percent-encoding in the path"),
              t0);
      return;
    }
    r.path = std::move(*path);

    MatchResult m = router.match(r.method, r.path);
    if (m.path_known && is_listed_preflight(h, r)) {
      respond(req, r, m.pattern, cors.preflight(m.allowed), t0);
      return;
    }
    if (!m.found()) {
      if (m.path_known) {
        Response resp = problem_response(ErrorKind::MethodNotAllowed,
                                         "method " + r.method + " is not allowed on this resource");
        resp.headers.emplace_back("Allow", m.allow_header());
        respond(req, r, m.pattern, std::move(resp), t0);
      } else {
        respond(req, r, Metrics::kUnmatched, problem_response(ErrorKind::NotFound, "no such resource"), t0);
      }
      return;
    }
    const Route& route = *m.route;
    r.route = route.pattern;
    if (draining.load()) {
      Response resp = problem_response(ErrorKind::Unavailable, "the server is shutting down");
      resp.headers.emplace_back("Retry-After", "1");
      respond(req, r, route.pattern, std::move(resp), t0, true);
      return;
    }
    // Normally the parser has answered an oversized body already; this is
    // the backstop if its hooks were not installed.
    const std::string& body = req->body();
    const std::size_t body_limit = route.max_body_bytes > 0 ? route.max_body_bytes : opts.max_body_bytes;
    if (body.size() > body_limit) {
      respond(req, r, route.pattern,
              problem_response(ErrorKind::PayloadTooLarge,
                               "the request body exceeds " + std::to_string(body_limit) + " bytes"),
              t0, true);
      return;
    }
    if (const auto* ct = h.try_get_field(restinio::http_field::content_type)) r.content_type = *ct;
    if (!body.empty() && method_has_body(r.method) &&
        !(route.content_types.empty() ? is_json_content_type(r.content_type)
                                      : is_accepted_media_type(r.content_type, route.content_types))) {
      std::string expected = "application/json";
      if (!route.content_types.empty()) {
        expected = "one of";
        for (const auto& t : route.content_types) expected += " " + t;
      }
      respond(req, r, route.pattern,
              problem_response(ErrorKind::UnsupportedMediaType, "the request body must be " + expected), t0);
      return;
    }
    r.raw_query = h.query();
    auto query = parse_query(r.raw_query);
    if (!query) {
      respond(req, r, route.pattern,
              problem_response(ErrorKind::Validation, "malformed percent-encoding in the query string"), t0);
      return;
    }
    r.query = std::move(*query);
    if (auto problem = ambiguous_request(h, r.query)) {
      respond(req, r, route.pattern, std::move(*problem), t0);
      return;
    }
    r.path_params = std::move(m.params);
    if (const auto* auth = h.try_get_field(restinio::http_field::authorization)) r.authorization = *auth;
    read_browser_headers(h, r);
    // The request object is ours alone and its body is not read again: take it
    // instead of copying (body() is const only by interface; the member is not).
    r.body = std::move(const_cast<std::string&>(body));

    if (route.pool == Pool::Inline)
      run_handler(req, r, route, t0);
    else
      dispatch(req, std::move(r), route, t0);
  } catch (const std::exception& e) {
    // Only plumbing failures (e.g. bad_alloc) get here; handler exceptions are caught in run_handler.
    spdlog::error("request {}: {}", r.request_id, e.what());
    respond(req, r, Metrics::kUnmatched, problem_response(ErrorKind::Internal, "internal error"), t0, true);
  }
}

}  // namespace

void serve(const ServerOptions& o, const Router& router, Metrics& metrics) {
  // Heap-allocated so that, if the drain times out with a handler still stuck
  // in a pool, we can return without destroying what it still uses.
  auto state = std::make_unique<State>(o, router, metrics);
  auto ioctx = std::make_unique<asio::io_context>(static_cast<int>(std::max<std::size_t>(1, o.io_threads)));
  auto work = asio::make_work_guard(*ioctx);
  state->io = ioctx.get();

  // Outlives the io_context: connections report their end to it when destroyed.
  auto gate = std::make_unique<ConnectionGate>(
      o.max_connections > 0 ? o.max_connections : std::numeric_limits<std::size_t>::max(), o.connection_stats);

  std::uint16_t bound_port = 0;
  AcceptorSettings<Traits> settings;
  settings.connection_gate(*gate);
  settings.address(o.host)
      .port(o.port)
      .request_handler(state.get())
      .read_next_http_message_timelimit(o.read_timeout)
      .handle_request_timeout(o.handle_timeout)
      .write_http_response_timelimit(o.write_timeout)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_url_size(kMaxUrlBytes)
                                    .max_field_name_size(1024)
                                    .max_field_value_size(16 * 1024 + 1)  // RESTinio refuses >= the limit
                                    .max_field_count(100)
                                    // Only the ceiling: each request's own limit (its
                                    // route's, else max_body_bytes) is enforced below it
                                    // by the parser hooks, which answer 413 (parser_limits.h).
                                    .max_body_size(std::max(std::uint64_t{o.max_body_bytes},
                                                            std::uint64_t{router.max_route_body_bytes()})))
      .socket_options_setter([](restinio::socket_options_t& opts) { opts.set_option(asio::ip::tcp::no_delay{true}); })
      .acceptor_post_bind_hook(
          [&bound_port](asio::ip::tcp::acceptor& acceptor) { bound_port = acceptor.local_endpoint().port(); });

  auto server = std::make_unique<Server>(restinio::external_io_context(*ioctx), std::move(settings));

  auto signals = std::make_unique<asio::signal_set>(*ioctx, SIGINT, SIGTERM);
  signals->async_wait([st = state.get()](const asio::error_code& ec, int signo) {
    if (ec) return;
    std::lock_guard lock(st->mu);
    st->stop_requested = true;
    st->stop_signal = signo;
    st->cv.notify_all();
  });

  try {
    server->open_sync();
  } catch (const std::exception& e) {
    signals->cancel();
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " + e.what());
  }

  std::vector<std::thread> io_threads;
  const std::size_t n_io = std::max<std::size_t>(1, o.io_threads);
  for (std::size_t i = 0; i < n_io; ++i)
    io_threads.emplace_back([io = ioctx.get(), limits = &state->body_limits] {
      t_body_limits = limits;  // the parser runs here (parser_limits.h)
      for (;;) {
        try {
          io->run();
          return;
        } catch (const std::exception& e) {
          spdlog::error("I/O thread: unexpected exception: {}", e.what());
        }
      }
    });

  spdlog::info("listening on {}:{}", o.host, bound_port);
  std::exception_ptr callback_error;
  if (o.on_listening) {
    try {
      o.on_listening(o.host, bound_port);
    } catch (...) {
      callback_error = std::current_exception();
    }
  }

  {
    std::unique_lock lock(state->mu);
    state->cv.wait(lock, [&] { return state->stop_requested || callback_error; });
  }
  if (!callback_error) spdlog::info("signal {} received: draining", state->stop_signal);

  // 1. Stop accepting and answer 503 to requests that still arrive on open connections.
  state->draining.store(true);
  {
    std::promise<void> closed;
    server->close_async([&closed]() noexcept { closed.set_value(); },
                        [&closed](std::exception_ptr) noexcept { closed.set_value(); });
    closed.get_future().wait();
  }
  // 2. Let in-flight requests finish, bounded by drain_timeout.
  bool drained;
  {
    std::unique_lock lock(state->mu);
    drained = state->cv.wait_for(lock, o.drain_timeout, [&] { return state->inflight.load() == 0; });
  }
  // 3. Shut down.
  signals->cancel();
  work.reset();
  ioctx->stop();
  for (auto& t : io_threads) t.join();
  if (drained) {
    state->join_pools();
    server.reset();
    signals.reset();
    ioctx.reset();  // destroys idle connections
    gate.reset();
    state.reset();
    spdlog::info("server stopped");
  } else {
    spdlog::warn("drain timeout ({} s) reached with {} request(s) still in flight: abandoning them",
                 o.drain_timeout.count(), state->inflight.load());
    state->abandon_pools();
    // A handler still running in a pool references these: leak them on purpose
    // (the process is about to exit).
    (void)server.release();
    (void)signals.release();
    (void)ioctx.release();
    (void)gate.release();
    (void)state.release();
  }
  if (callback_error) std::rethrow_exception(callback_error);
}

}  // namespace jogtrack::http
