// Parser hooks that turn RESTinio's size limits into answers: 414, 431, 413 instead of a dropped connection.
//
// RESTinio 0.6.16 checks incoming_http_msg_limits_t in its http_parser
// callbacks and, past a limit, fails the parse: the connection is closed with
// no answer at all, so a client cannot tell a too-long URL from a crash.
// These callbacks (wired in http_version_hooks.h) check the same limits just
// before RESTinio's own callbacks would fail and, instead, end the message at
// that point: they record the status in a header field whose name no client
// can send (it contains a space, which http_parser refuses in field names) and
// complete the message, which pauses the parser. RESTinio hands that request
// to serve() as usual (it reads nothing more from the connection until the
// answer is written: one request at a time), and serve() answers it with a
// problem+json body and Connection: close. Whatever the client sent after the
// limit is never read.
//
// Body limits are per route (Route::max_body_bytes: file imports take 10 MiB,
// everything else the server default, 64 KiB), but RESTinio reads a body
// whole before serve() routes it, against one limit for every connection.
// So the limit is settled here, when the request's headers are complete:
// a request that declares a body over the default, or sends a chunked one,
// has its route looked up (BodyLimits::route_bytes; a declared body within
// the default, i.e. nearly every request, costs no lookup). A declared
// Content-Length over that route's limit is answered 413 before any of the
// body is read; a chunked body is cut at the limit as it arrives. A route
// without a large limit thus never buffers more than the default plus one
// read. RESTinio's own limit (server.cpp) is only the ceiling: the largest.
// Include it only from http_version_hooks.h.
#pragma once
#include <restinio/http_server.hpp>

#include <charconv>
#include <climits>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jogtrack::http {

// The field serve() looks for; its value is the status to answer ("414", "431", "413").
inline constexpr std::string_view kRejectedField = "jogtrack rejected";
// Set when the request's route allows a body over the default: that limit,
// in decimal (read back while the body arrives, and by serve() for a 413).
// Unforgeable for the same reason as kRejectedField.
inline constexpr std::string_view kBodyLimitField = "jogtrack body limit";

// How large a request body may be.
struct BodyLimits {
  std::uint64_t default_bytes = 0;
  // The route's own limit for a method and a request target (as sent: query
  // and percent-encoding included), or 0 when the default applies.
  std::function<std::uint64_t(std::string_view method, std::string_view target)> route_bytes;
};

// RESTinio's parser callbacks are plain functions that see only the parser,
// and they run on the server's I/O threads: each of those points this at its
// server's limits before it runs (so two servers in one process stay apart).
// Unset (nullptr), only RESTinio's own limit applies.
inline thread_local const BodyLimits* t_body_limits = nullptr;

// The body limit recorded for this request (kBodyLimitField), else `fallback`.
inline std::uint64_t recorded_body_limit(const restinio::http_request_header_t& header, std::uint64_t fallback) {
  const auto* field = header.try_get_field(kBodyLimitField);
  if (!field) return fallback;
  std::uint64_t limit = 0;
  const auto [end, ec] = std::from_chars(field->data(), field->data() + field->size(), limit);
  return ec == std::errc{} && end == field->data() + field->size() ? limit : fallback;
}

}  // namespace jogtrack::http

namespace restinio::impl::parser_limits {

inline http_parser_ctx_t& ctx_of(http_parser* parser) { return *static_cast<http_parser_ctx_t*>(parser->data); }

// Ends the message here, answered with `status` (complete_message is the
// message-complete callback, which pauses the parser).
inline int reject(http_parser* parser, const char* status, int (*complete_message)(http_parser*)) {
  try {
    ctx_of(parser).m_header.set_field(std::string(jogtrack::http::kRejectedField), status);
  } catch (const std::exception&) {
    return -1;
  }
  return complete_message(parser);
}

// The URL so far plus this piece would exceed max_url_size.
inline bool url_too_long(http_parser* parser, size_t length) {
  const auto& ctx = ctx_of(parser);
  return ctx.m_header.request_target().length() + length > ctx.m_limits.max_url_size();
}

// One field too many, or a field name or value over its limit (the same tests
// as RESTinio's callbacks, made before they run).
inline bool field_name_too_long(http_parser* parser, size_t length) {
  const auto& ctx = ctx_of(parser);
  if (ctx.m_last_was_value) return ctx.m_total_field_count == ctx.m_limits.max_field_count() ||
                                   length > ctx.m_limits.max_field_name_size();
  return ctx.m_current_field_name.size() + length > ctx.m_limits.max_field_name_size();
}

inline bool field_value_too_long(http_parser* parser, size_t length) {
  const auto& ctx = ctx_of(parser);
  const std::size_t total = ctx.m_last_was_value ? ctx.m_last_value_total_size + length : length;
  return total >= ctx.m_limits.max_field_value_size();
}

// At headers complete: settles this request's body limit (recording it when
// it is above the default) and says whether the declared body exceeds it.
// Throws (std::bad_alloc) only while recording.
inline bool declared_body_too_large(http_parser* parser) {
  auto& ctx = ctx_of(parser);
  const bool declared = parser->content_length != ULLONG_MAX;
  const auto* limits = jogtrack::http::t_body_limits;
  if (!limits) return declared && parser->content_length > ctx.m_limits.max_body_size();
  // No body (http_parser: a request without Content-Length or chunked coding
  // has none), or one within the default: no route lookup.
  if (declared ? parser->content_length <= limits->default_bytes : (parser->flags & F_CHUNKED) == 0) return false;
  const auto method = default_http_methods_t::from_nodejs(parser->method);
  const std::uint64_t route = limits->route_bytes(method.c_str(), ctx.m_header.request_target());
  const std::uint64_t limit = route > 0 ? route : limits->default_bytes;
  if (limit > limits->default_bytes)
    ctx.m_header.set_field(std::string(jogtrack::http::kBodyLimitField), std::to_string(limit));
  return declared && parser->content_length > limit;
}

// While the body arrives (chunked, or a declared length that was allowed).
inline bool body_too_large(http_parser* parser, size_t length) {
  const auto& ctx = ctx_of(parser);
  const std::uint64_t total = static_cast<std::uint64_t>(ctx.m_body.size()) + length;
  const auto* limits = jogtrack::http::t_body_limits;
  if (!limits) return total > ctx.m_limits.max_body_size();
  if (total <= limits->default_bytes) return false;  // the common case: no field lookup
  return total > jogtrack::http::recorded_body_limit(ctx.m_header, limits->default_bytes);
}

}  // namespace restinio::impl::parser_limits
