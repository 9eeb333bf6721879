// What a handler's answer goes through before it is sent (SPEC §6): conditional GET (304) and gzip.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.h"

namespace jogtrack::http {

// Bodies up to this size are sent as they are: below it gzip saves less than
// it costs (headers, CPU) and most single-resource answers stay there.
inline constexpr std::size_t kGzipMinBytes = 1024;

// Applied to every handler answer, in this order:
//  - a body over kGzipMinBytes of a compressible type (JSON, problem+json,
//    text/*) gets Vary: Accept-Encoding, and is gzip-compressed unless the
//    request is HEAD or Accept-Encoding refuses gzip; its ETag, if any, becomes
//    "<tag>-gzip" (another representation, another strong validator). Answers
//    that chose their encoding themselves (a Content-Encoding or a Vary naming
//    Accept-Encoding: the web app's precompressed files) are left alone;
//  - a 200 to GET or HEAD whose ETag If-None-Match matches (weak comparison)
//    becomes 304 with the same headers; its body is kept only so that the
//    server can send the 200's Content-Length (it sends no content with a 304).
void finish_response(const Request& request, Response& response);

// gzip (RFC 1952) of `data`; throws std::runtime_error if zlib fails.
std::string gzip_compress(std::string_view data);

// The value of `name` among `response`'s headers (case-insensitive), or nullptr.
std::string* find_header(Response& response, std::string_view name);

}  // namespace jogtrack::http
