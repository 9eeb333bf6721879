#include "api/conditional.h"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "http/negotiation.h"

namespace jogtrack::api {

namespace {

// "\"v12\"" or "\"v12-gzip\"" -> 12.
std::optional<std::int64_t> version_of(std::string_view tag) {
  if (tag.size() < 4 || tag.front() != '"' || tag.back() != '"' || tag[1] != 'v') return std::nullopt;
  std::string_view digits = tag.substr(2, tag.size() - 3);
  if (digits.ends_with("-gzip")) digits.remove_suffix(5);
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace

http::Response with_etag(http::Response response, std::int64_t version) {
  response.headers.emplace_back("ETag", "\"v" + std::to_string(version) + "\"");
  return response;
}

storage::VersionCheck if_match(const http::Request& request) {
  storage::VersionCheck check;
  const std::string_view header = http::trim_ows(request.if_match);
  if (header.empty() || header == "*") return check;
  check.versions.emplace();
  http::for_each_list_item(header, [&](std::string_view tag) {
    if (const auto v = version_of(tag)) check.versions->push_back(*v);
  });
  return check;
}

}  // namespace jogtrack::api
