// finish_response: gzip over 1 KiB when accepted, Vary, ETag variants, and If-None-Match -> 304.
#include "http/conventions.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace jogtrack::http {
namespace {

std::string gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

Request get(std::string accept_encoding, std::string if_none_match = "", std::string method = "GET") {
  Request r;
  r.method = std::move(method);
  r.accept_encoding = std::move(accept_encoding);
  r.if_none_match = std::move(if_none_match);
  return r;
}

Response big_json() {
  Response r = Response::json(200, "[" + std::string(3000, ' ') + "]");
  r.headers.emplace_back("ETag", "\"v7\"");
  return r;
}

TEST(Conventions, GzipsLargeJsonWhenAccepted) {
  Response r = big_json();
  const std::string original = r.body;
  finish_response(get("gzip"), r);
  EXPECT_EQ(*find_header(r, "content-encoding"), "gzip");
  EXPECT_EQ(*find_header(r, "Vary"), "Accept-Encoding");
  EXPECT_EQ(*find_header(r, "ETag"), "\"v7-gzip\"");
  EXPECT_LT(r.body.size(), original.size());
  EXPECT_EQ(gunzip(r.body), original);
}

TEST(Conventions, LeavesSmallRefusedHeadAndEncodedAnswersAlone) {
  Response small = Response::json(200, std::string(1024, 'x'));
  finish_response(get("gzip"), small);
  EXPECT_EQ(find_header(small, "Content-Encoding"), nullptr);
  EXPECT_EQ(find_header(small, "Vary"), nullptr);

  for (const char* refused : {"gzip;q=0", "identity", ""}) {
    Response r = big_json();
    finish_response(get(refused), r);
    EXPECT_EQ(find_header(r, "Content-Encoding"), nullptr) << refused;
    EXPECT_EQ(*find_header(r, "Vary"), "Accept-Encoding") << refused;  // it could have been
    EXPECT_EQ(*find_header(r, "ETag"), "\"v7\"");
  }

  Response head = big_json();
  finish_response(get("gzip", "", "HEAD"), head);
  EXPECT_EQ(find_header(head, "Content-Encoding"), nullptr);

  Response image = Response::json(200, std::string(5000, 'x'));
  image.content_type = "image/png";
  finish_response(get("gzip"), image);
  EXPECT_EQ(find_header(image, "Content-Encoding"), nullptr);

  Response chosen = big_json();
  chosen.headers.emplace_back("Vary", "Accept-Encoding");  // the web app picked its own copy
  finish_response(get("gzip"), chosen);
  EXPECT_EQ(find_header(chosen, "Content-Encoding"), nullptr);
}

TEST(Conventions, IfNoneMatchMakesA304WithTheLengthOfThe200) {
  Response r = big_json();
  const auto length = r.body.size();
  finish_response(get("", "\"x\", W/\"v7\""), r);
  EXPECT_EQ(r.status, 304);
  EXPECT_TRUE(r.content_type.empty());
  EXPECT_EQ(r.body.size(), length);  // for Content-Length only: the server sends no content
  EXPECT_EQ(*find_header(r, "ETag"), "\"v7\"");

  Response zipped = big_json();
  finish_response(get("gzip", "\"v7-gzip\""), zipped);
  EXPECT_EQ(zipped.status, 304);
  EXPECT_EQ(find_header(zipped, "Content-Encoding"), nullptr);

  Response other = big_json();
  finish_response(get("", "\"v6\""), other);
  EXPECT_EQ(other.status, 200);

  Response created = big_json();
  created.status = 201;
  finish_response(get("", "\"v7\""), created);
  EXPECT_EQ(created.status, 201);  // only a 200 to GET/HEAD becomes 304
}

}  // namespace
}  // namespace jogtrack::http
