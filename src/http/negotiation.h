// Header lists the server and the web app both read: Accept-Encoding, If-None-Match, If-Match.
#pragma once
#include <string_view>

namespace jogtrack::http {

// Accept-Encoding allows gzip (RFC 9110 §12.5.3: "gzip", "x-gzip" or "*"
// with a q-value above 0; a named gzip;q=0 refuses even when "*" allows).
bool accepts_gzip(std::string_view accept_encoding);

// If-None-Match matches `etag` (weak comparison, RFC 9110 §13.1.2), or is "*".
bool none_match(std::string_view if_none_match, std::string_view etag);

// Calls f(item) for each comma-separated, trimmed, non-empty item of a header list.
template <typename F>
void for_each_list_item(std::string_view list, F f);

std::string_view trim_ows(std::string_view s);

template <typename F>
void for_each_list_item(std::string_view list, F f) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim_ows(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (!item.empty()) f(item);
  }
}

}  // namespace jogtrack::http
