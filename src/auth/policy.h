// Input rules for usernames, passwords and scopes (no crypto here).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jogtrack::auth {

inline constexpr std::size_t kUsernameMinLength = 3;
inline constexpr std::size_t kUsernameMaxLength = 64;
inline constexpr std::size_t kPasswordMaxLength = 128;  // code points

// Username: 3-64 characters, only ASCII letters, digits and . _ @ + -  .
// Returns an error message or nullopt. A forbidden character (including any
// non-ASCII byte) is reported before the length.
std::optional<std::string> check_username(std::string_view username);

// ASCII lower-case: the case-insensitive uniqueness key.
std::string username_key(std::string_view username);

// Password: length counted in Unicode code points (invalid UTF-8 -> that one
// error only), >= min_length (a min_length of 0 is treated as 1), <= 128, not
// equal to the username (ASCII case-insensitively), not in the bundled
// common-password list (ASCII case-insensitive; the lookup set is built once,
// thread-safely). Returns error messages (empty = ok). No composition rules
// (NIST SP 800-63B). No Unicode normalisation is applied.
std::vector<std::string> check_password(std::string_view password, std::string_view username,
                                        std::size_t min_length);

// Scopes: valid names are "user", "manager", "admin" (exact, case-sensitive).
// Canonical form: always contains "user", no duplicates, order user, manager,
// admin. nullopt if an unknown scope is present.
std::optional<std::vector<std::string>> canonical_scopes(const std::vector<std::string>& requested);

// Highest scope: admin > manager > user ("user" for an empty or unknown list).
std::string role_of(const std::vector<std::string>& scopes);

}  // namespace jogtrack::auth
