#include "http/negotiation.h"

#include "common/ascii.h"

namespace jogtrack::http {

namespace {

// "q=0", "q=0.0", "q=0.000" refuse a coding; anything else (or no q) accepts it.
bool q_is_zero(std::string_view params) {
  for (;;) {
    const auto semi = params.find(';');
    if (semi == std::string_view::npos) return false;
    params = params.substr(semi + 1);
    const std::string_view p = trim_ows(params.substr(0, params.find(';')));
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      const std::string_view v = trim_ows(p.substr(2));
      return !v.empty() && v.find_first_not_of("0.") == std::string_view::npos;
    }
  }
}

}  // namespace

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool accepts_gzip(std::string_view accept_encoding) {
  bool gzip = false, star = false, gzip_named = false;
  for_each_list_item(accept_encoding, [&](std::string_view item) {
    const std::string_view coding = trim_ows(item.substr(0, item.find(';')));
    const bool ok = !q_is_zero(item);
    if (iequals_ascii(coding, "gzip") || iequals_ascii(coding, "x-gzip")) {
      gzip_named = true;
      gzip = gzip || ok;
    } else if (coding == "*") {
      star = ok;
    }
  });
  return gzip_named ? gzip : star;
}

bool none_match(std::string_view if_none_match, std::string_view etag) {
  if (trim_ows(if_none_match) == "*") return true;
  const auto opaque = [](std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; };
  bool match = false;
  for_each_list_item(if_none_match, [&](std::string_view tag) { match = match || opaque(tag) == opaque(etag); });
  return match;
}

}  // namespace jogtrack::http
