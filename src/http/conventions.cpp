#include "http/conventions.h"

#include <zlib.h>

#include <stdexcept>

#include "common/ascii.h"
#include "http/negotiation.h"

namespace jogtrack::http {

namespace {

// Level 4: JSON compresses almost as well as at 6-9, for about half the CPU.
constexpr int kGzipLevel = 4;

bool compressible(std::string_view content_type) {
  const auto starts = [&](std::string_view prefix) {
    return content_type.size() >= prefix.size() && iequals_ascii(content_type.substr(0, prefix.size()), prefix);
  };
  return starts("application/json") || starts("application/problem+json") || starts("text/");
}

bool names_accept_encoding(std::string_view vary) {
  bool found = false;
  for_each_list_item(vary, [&](std::string_view item) { found = found || iequals_ascii(item, "accept-encoding"); });
  return found;
}

// The route negotiated the encoding itself (the web app's precompressed files).
bool encoding_chosen(Response& response) {
  if (find_header(response, "Content-Encoding")) return true;
  for (const auto& [name, value] : response.headers)
    if (iequals_ascii(name, "Vary") && names_accept_encoding(value)) return true;
  return false;
}

bool is_get_or_head(const Request& request) { return request.method == "GET" || request.method == "HEAD"; }

}  // namespace

std::string* find_header(Response& response, std::string_view name) {
  for (auto& [n, v] : response.headers)
    if (iequals_ascii(n, name)) return &v;
  return nullptr;
}

std::string gzip_compress(std::string_view data) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, kGzipLevel, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib: deflateInit2 failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto written = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib: deflate did not finish");
  out.resize(written);
  return out;
}

void finish_response(const Request& request, Response& response) {
  bool gzip = false;
  if (response.body.size() > kGzipMinBytes && response.status != 204 && response.status != 304 &&
      compressible(response.content_type) && !encoding_chosen(response)) {
    response.headers.emplace_back("Vary", "Accept-Encoding");
    gzip = request.method != "HEAD" && accepts_gzip(request.accept_encoding);
  }
  std::string* etag = find_header(response, "ETag");
  if (gzip && etag && etag->size() >= 2 && etag->back() == '"') etag->insert(etag->size() - 1, "-gzip");

  if (response.status == 200 && etag && is_get_or_head(request) && !request.if_none_match.empty() &&
      none_match(request.if_none_match, *etag)) {
    // The body stays (gzipped as the 200 would be) only for its length: the
    // server sends a 304 like a HEAD answer, Content-Length without content
    // (RFC 9110 §8.6: a 304's Content-Length, if any, is the 200's).
    response.status = 304;
    response.content_type.clear();
    if (gzip) response.body = gzip_compress(response.body);
    return;
  }
  if (gzip) {
    response.body = gzip_compress(response.body);
    response.headers.emplace_back("Content-Encoding", "gzip");
  }
}

}  // namespace jogtrack::http
