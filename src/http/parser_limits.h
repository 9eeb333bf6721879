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
// Include it only from http_version_hooks.h.
#pragma once
#include <restinio/http_server.hpp>

#include <climits>
#include <string_view>

namespace jogtrack::http {

// The field serve() looks for; its value is the status to answer ("414", "431", "413").
inline constexpr std::string_view kRejectedField = "jogtrack rejected";

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

inline bool declared_body_too_large(http_parser* parser) {
  return parser->content_length != ULLONG_MAX && parser->content_length > ctx_of(parser).m_limits.max_body_size();
}

inline bool body_too_large(http_parser* parser, size_t length) {
  const auto& ctx = ctx_of(parser);
  return static_cast<std::uint64_t>(ctx.m_body.size()) + length > ctx.m_limits.max_body_size();
}

}  // namespace restinio::impl::parser_limits
