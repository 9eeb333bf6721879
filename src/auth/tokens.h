// Access tokens: compact JWS, HS256 only, typ "at+jwt" (RFC 9068), issued and
// verified by jogtrack itself. The implementation (libsodium HMAC-SHA256 and
// nlohmann::json) stays out of this header.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jogtrack::auth {

struct AccessClaims {
  std::int64_t user_id = 0;
  std::vector<std::string> scopes;
  std::string name;
  std::string email;  // "" when the user has no e-mail address (never null in tokens we issue)
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// Token layout: header {"alg":"HS256","typ":"at+jwt"}; claims
//   sub      user id as a decimal string (RFC 7519: StringOrURI)
//   user_id  the same id as a JSON integer
//   scopes   array of strings
//   name     string ("" if none)
//   email    string ("" if none) — always a string, never null; verify()
//            also reads null or an absent claim as ""
//   iat, exp integers, seconds since the epoch; exp = iat + ttl
//   iss      "jogtrack"
// Thread-safe: all members are const after construction; copies share state.
class TokenService {
 public:
  // Throws std::invalid_argument if secret < 32 bytes or ttl_seconds <= 0.
  TokenService(std::string secret, std::int64_t ttl_seconds);

  // Throws std::invalid_argument if user_id <= 0.
  // Invalid UTF-8 in name/email is replaced with U+FFFD rather than thrown.
  std::string issue(std::int64_t user_id, const std::vector<std::string>& scopes,
                    const std::string& name, const std::string& email, std::int64_t now) const;

  // nullopt for anything not valid: malformed (not exactly three base64url
  // segments, bad JSON), a signature that does not match (checked first, in
  // constant time, before anything in the token is parsed), alg != HS256
  // (including none and RS256), typ != "at+jwt", a "crit" header, iss !=
  // "jogtrack", missing or non-integer exp, iat, sub or user_id, sub !=
  // user_id, user_id <= 0, iat > exp, now >= exp (no leeway), scopes not an
  // array of strings, name/email neither string nor null. Never throws.
  std::optional<AccessClaims> verify(std::string_view token, std::int64_t now) const;

  std::int64_t ttl() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace jogtrack::auth
