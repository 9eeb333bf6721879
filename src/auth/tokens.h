// Access tokens: compact JWS, HS256 only, typ "at+jwt" (RFC 9068), issued and
// verified by jogtrack itself. The implementation (libsodium HMAC-SHA256 and
// RapidJSON) stays out of this header.
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
  std::optional<std::string> name;   // nullopt: the account has none (JSON null in the token)
  std::optional<std::string> email;  // likewise
  std::string jti;                   // the token's unique id ("" when a foreign token has none)
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

// Token layout (RFC 9068 profile): header {"alg":"HS256","typ":"at+jwt"}; claims
//   sub      user id as a decimal string (RFC 7519: StringOrURI)
//   user_id  the same id as a JSON integer
//   scopes   array of strings
//   scope    the same scopes, space-separated (RFC 9068 §2.2.3)
//   name     string, or null when the account has none (as in the API)
//   email    string or null, likewise; verify() reads an absent claim as null
//   jti      128 random bits, base64url: unique per token
//   iat, exp integers, seconds since the epoch; exp = iat + ttl
//   iss      "jogtrack"
//   aud      the configured audience (JOGTRACK_JWT_AUDIENCE, default "jogtrack")
// Thread-safe: the key and settings are const after construction; copies share
// them and one cache of the tokens already found authentic (verified_tokens.h).
class TokenService {
 public:
  // Throws std::invalid_argument if secret < 32 bytes, ttl_seconds <= 0 or
  // the audience is empty.
  TokenService(std::string secret, std::int64_t ttl_seconds, std::string audience = "jogtrack");

  // Throws std::invalid_argument if user_id <= 0.
  // Invalid UTF-8 in name/email is replaced with U+FFFD rather than thrown.
  std::string issue(std::int64_t user_id, const std::vector<std::string>& scopes,
                    const std::optional<std::string>& name, const std::optional<std::string>& email,
                    std::int64_t now) const;

  // nullopt for anything not valid: malformed (not exactly three base64url
  // segments, bad JSON), a signature that does not match (checked first, in
  // constant time, before anything in the token is parsed), alg != HS256
  // (including none and RS256), typ other than "at+jwt" or
  // "application/at+jwt" (ASCII case-insensitive, RFC 8725 §3.11), a "crit"
  // header, iss != "jogtrack", aud missing or not the configured audience (a
  // string, or an array containing it), missing or non-integer exp, iat, sub
  // or user_id, sub != user_id, user_id <= 0, iat > exp, now >= exp (no
  // leeway), iat more than 60 s ahead of now, an nbf after now (or not an
  // integer), scopes not an array of strings, name/email neither string nor
  // null, jti present but not a string. Never throws. When `expired` is
  // given it is set to whether the token is authentic (signature, header,
  // issuer and audience check out) and failed only because now >= exp, so the
  // client can be told to refresh rather than to log in again.
  std::optional<AccessClaims> verify(std::string_view token, std::int64_t now, bool* expired = nullptr) const;

  std::int64_t ttl() const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace jogtrack::auth
