#include "weather/provider_text.h"

namespace jogtrack::weather {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

std::optional<std::string> short_field(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return std::nullopt;
  for (unsigned char c : text)
    if (is_control(c)) return std::nullopt;
  return std::string(text);
}

std::string bounded_message(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view kCut = "...";
  std::size_t keep = text.size();
  if (keep > max_bytes) {
    keep = max_bytes > kCut.size() ? max_bytes - kCut.size() : 0;
    while (keep > 0 && is_continuation(static_cast<unsigned char>(text[keep]))) --keep;
  }
  std::string out(text.substr(0, keep));
  for (auto& c : out)
    if (is_control(static_cast<unsigned char>(c))) c = ' ';
  if (keep < text.size()) out += kCut;
  return out;
}

}  // namespace jogtrack::weather
