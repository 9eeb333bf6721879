// ASCII-only case folding for protocol tokens (header values, media types, usernames):
// locale-independent on purpose, where std::tolower would follow the process locale.
#pragma once
#include <string_view>

namespace jogtrack {

constexpr char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace jogtrack
