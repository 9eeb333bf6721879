#include "auth/policy.h"

#include "common/ascii.h"

#include <algorithm>
#include <array>
#include <string_view>
#include <unordered_set>

#include "jogtrack_data.h"

namespace jogtrack::auth {

namespace {

using jogtrack::ascii_lower;  // the per-character one, beside this file's whole-string overload

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool username_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '+' || c == '-';
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Returns the number of code points, or nullopt if invalid.
std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t count = 0;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b0 < 0x80) {
      len = 1;
    } else if (b0 >= 0xC2 && b0 <= 0xDF) {
      len = 2;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      len = 3;
      if (b0 == 0xE0) lo = 0xA0;  // overlong
      if (b0 == 0xED) hi = 0x9F;  // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      len = 4;
      if (b0 == 0xF0) lo = 0x90;  // overlong
      if (b0 == 0xF4) hi = 0x8F;  // > U+10FFFF
    } else {
      return std::nullopt;
    }
    if (len > n - i) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = (k == 1) ? lo : 0x80;
      const unsigned char max = (k == 1) ? hi : 0xBF;
      if (b < min || b > max) return std::nullopt;
    }
    i += len;
    ++count;
  }
  return count;
}

// The bundled list, lower-cased, built once (function-local static: thread-safe).
const std::unordered_set<std::string>& common_passwords() {
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> s;
    const std::string_view all = jogtrack::data::common_passwords();
    s.reserve(4096);
    std::size_t pos = 0;
    while (pos < all.size()) {
      std::size_t end = all.find('\n', pos);
      if (end == std::string_view::npos) end = all.size();
      std::string_view line = all.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty()) s.insert(ascii_lower(line));
      pos = end + 1;
    }
    return s;
  }();
  return set;
}

constexpr std::array<std::string_view, 3> kScopes = {"user", "manager", "admin"};

}  // namespace

std::optional<std::string> check_username(std::string_view username) {
  if (!std::all_of(username.begin(), username.end(), username_char)) {
    return "may contain only ASCII letters, digits and . _ @ + -";
  }
  if (username.size() < kUsernameMinLength || username.size() > kUsernameMaxLength) {
    return "must be 3 to 64 characters long";
  }
  return std::nullopt;
}

std::string username_key(std::string_view username) { return ascii_lower(username); }

std::vector<std::string> check_password(std::string_view password, std::string_view username,
                                        std::size_t min_length) {
  std::vector<std::string> errors;
  const auto length = utf8_length(password);
  if (!length) {
    errors.emplace_back("must be valid UTF-8");
    return errors;
  }
  const std::size_t min = std::max<std::size_t>(min_length, 1);
  if (*length < min) {
    errors.push_back("must be at least " + std::to_string(min) + " characters long");
  }
  if (*length > kPasswordMaxLength) {
    errors.push_back("must be at most " + std::to_string(kPasswordMaxLength) +
                     " characters long");
  }
  if (!username.empty() && iequals_ascii(password, username)) {
    errors.emplace_back("must not be the same as the username");
  }
  // Bounded work: a password longer than the maximum cannot be in the list.
  if (*length <= kPasswordMaxLength && common_passwords().contains(ascii_lower(password))) {
    errors.emplace_back("is too common; choose a less guessable password");
  }
  return errors;
}

std::optional<std::vector<std::string>> canonical_scopes(const std::vector<std::string>& requested) {
  std::array<bool, kScopes.size()> present{true, false, false};  // "user" always
  for (const auto& scope : requested) {
    const auto it = std::find(kScopes.begin(), kScopes.end(), scope);
    if (it == kScopes.end()) return std::nullopt;
    present[static_cast<std::size_t>(it - kScopes.begin())] = true;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kScopes.size(); ++i) {
    if (present[i]) out.emplace_back(kScopes[i]);
  }
  return out;
}

std::string role_of(const std::vector<std::string>& scopes) {
  const auto has = [&](std::string_view s) {
    return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
  };
  if (has("admin")) return "admin";
  if (has("manager")) return "manager";
  return "user";
}

}  // namespace jogtrack::auth
