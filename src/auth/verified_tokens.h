// Access tokens already found authentic, so a token presented again costs a
// lookup instead of an HMAC, two base64 decodes and a JSON parse.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/tokens.h"

namespace jogtrack::auth {

// What verification learns from a token that does not depend on the time:
// its claims (signature, header, issuer, audience and claim types checked)
// and its nbf. The time checks (exp, iat ahead of now, nbf) are made again
// on every use, so a cached token still expires on time.
struct AuthenticToken {
  AccessClaims claims;
  std::optional<std::int64_t> not_before;
};

// Contract:
//  - keyed by the token's exact bytes: a hit is a token whose signature was
//    checked with this process's key, so nothing can be forged through it;
//    only authentic tokens are ever stored (hostile input never fills it);
//  - bounded: storing into a full cache first drops the entries that have
//    expired by `now`, and everything if that frees nothing;
//  - thread-safe (one mutex; entries are shared, immutable, and copied out of
//    the lock by the caller).
class VerifiedTokens {
 public:
  explicit VerifiedTokens(std::size_t capacity = 8192) : capacity_(capacity) {}
  std::shared_ptr<const AuthenticToken> find(std::string_view token) const;
  void store(std::string_view token, std::shared_ptr<const AuthenticToken> entry, std::int64_t now);
  std::size_t size() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const AuthenticToken>, Hash, std::equal_to<>> entries_;
};

}  // namespace jogtrack::auth
