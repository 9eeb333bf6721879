#include <charconv>
#include <cmath>

#include "weather/weather.h"

namespace jogtrack::weather {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// NUMBER = [+-]? ( DIGITS ( "." DIGITS? )? | "." DIGITS ), whole token.
std::optional<double> parse_number(std::string_view tok) {
  std::size_t i = 0;
  bool negative = false;
  if (i < tok.size() && (tok[i] == '+' || tok[i] == '-')) negative = tok[i++] == '-';
  const std::size_t body_start = i;
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < tok.size() && is_digit(tok[i])) ++i, ++int_digits;
  if (i < tok.size() && tok[i] == '.') {
    ++i;
    while (i < tok.size() && is_digit(tok[i])) ++i, ++frac_digits;
  }
  if (i != tok.size() || (int_digits == 0 && frac_digits == 0)) return std::nullopt;
  // The grammar above is a strict subset of what from_chars(general) accepts.
  double value = 0;
  const char* first = tok.data() + body_start;
  const char* last = tok.data() + tok.size();
  auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::fixed);
  if (ec != std::errc() || ptr != last || !std::isfinite(value)) return std::nullopt;
  if (value == 0) return 0.0;  // normalise -0
  return negative ? -value : value;
}

}  // namespace

std::optional<Location> parse_location(std::string_view text) {
  if (text.empty() || text.size() > 100) return std::nullopt;
  const std::size_t sp = text.find(' ');
  if (sp == std::string_view::npos || sp == 0) return std::nullopt;
  std::size_t second = sp;
  while (second < text.size() && text[second] == ' ') ++second;
  if (second == text.size()) return std::nullopt;  // trailing spaces, no second token
  const auto lat = parse_number(text.substr(0, sp));
  const auto lon = parse_number(text.substr(second));  // a later space makes this fail
  if (!lat || !lon) return std::nullopt;
  if (*lat < -90.0 || *lat > 90.0 || *lon < -180.0 || *lon > 180.0) return std::nullopt;
  return Location{*lat, *lon};
}

}  // namespace jogtrack::weather
