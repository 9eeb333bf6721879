// Parser hooks that let serve() see the request's HTTP version, and end an HTTP/0.9 request at its request line.
//
// RESTinio 0.6.16 never copies the version http_parser reads into the request
// header (it always says 1.1), and a request line without a version
// ("GET /x\r\n", HTTP/0.9) leaves the parser waiting for header fields that an
// HTTP/0.9 client never sends, so the connection hung until the read timeout.
// RESTinio builds its parser callbacks with
// impl::create_parser_settings<Traits::http_methods_mapper_t>(); server.cpp's
// Traits names VersionAwareMethods, and the specialisation below wraps
// RESTinio's own callbacks:
//  - on message complete: copy http_major/http_minor into the request header;
//  - on the URL: when the request line ended without a version (http_parser
//    has just set 0.9), complete the message there, so serve() answers it.
// The same specialisation also wires parser_limits.h (414/431/413 answered).
// Include it only from server.cpp, before http_server_t is instantiated.
#pragma once
#include <restinio/http_server.hpp>

#include "http/parser_limits.h"

namespace jogtrack::http {

// RESTinio's method mapping, unchanged; only a distinct type to hook on.
struct VersionAwareMethods : restinio::default_http_methods_t {};

}  // namespace jogtrack::http

namespace restinio::impl {

namespace version_hooks {

inline http_parser_ctx_t& context_of(http_parser* parser) { return *static_cast<http_parser_ctx_t*>(parser->data); }

inline void copy_version(http_parser* parser) {
  auto& header = context_of(parser).m_header;
  header.http_major(parser->http_major);
  header.http_minor(parser->http_minor);
}

inline int on_message_complete(http_parser* parser) {
  copy_version(parser);
  return restinio_message_complete_cb<jogtrack::http::VersionAwareMethods>(parser);
}

inline int on_url(http_parser* parser, const char* at, size_t length) {
  if (parser_limits::url_too_long(parser, length)) return parser_limits::reject(parser, "414", on_message_complete);
  if (const int rc = restinio_url_cb(parser, at, length); rc != 0) return rc;
  // http_parser_init() zeroes the version; only a request line that ended
  // right after the URL sets 0.9 before this callback. (An explicit
  // "HTTP/0.9" is read after the URL and reported on message complete.)
  if (parser->http_major == 0 && parser->http_minor == 9) return on_message_complete(parser);
  return 0;
}

inline int on_header_field(http_parser* parser, const char* at, size_t length) {
  if (parser_limits::field_name_too_long(parser, length))
    return parser_limits::reject(parser, "431", on_message_complete);
  return restinio_header_field_cb(parser, at, length);
}

inline int on_header_value(http_parser* parser, const char* at, size_t length) {
  if (parser_limits::field_value_too_long(parser, length))
    return parser_limits::reject(parser, "431", on_message_complete);
  return restinio_header_value_cb(parser, at, length);
}

inline int on_headers_complete(http_parser* parser) {
  try {
    if (parser_limits::declared_body_too_large(parser))
      return parser_limits::reject(parser, "413", on_message_complete);
  } catch (const std::exception&) {
    return -1;  // out of memory recording the limit: drop the connection, as RESTinio does
  }
  return restinio_headers_complete_cb(parser);
}

inline int on_body(http_parser* parser, const char* at, size_t length) {
  if (parser_limits::body_too_large(parser, length)) return parser_limits::reject(parser, "413", on_message_complete);
  return restinio_body_cb(parser, at, length);
}

}  // namespace version_hooks

template <>
inline http_parser_settings create_parser_settings<jogtrack::http::VersionAwareMethods>() noexcept {
  http_parser_settings settings = create_parser_settings<default_http_methods_t>();
  settings.on_url = &version_hooks::on_url;
  settings.on_message_complete = &version_hooks::on_message_complete;
  settings.on_header_field = &version_hooks::on_header_field;
  settings.on_header_value = &version_hooks::on_header_value;
  settings.on_headers_complete = &version_hooks::on_headers_complete;
  settings.on_body = &version_hooks::on_body;
  return settings;
}

}  // namespace restinio::impl
