// Login, token refresh and logout, and turning a bearer token into a Caller.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/tokens.h"
#include "storage/storage.h"
#include "users/attempt_limits.h"
#include "users/caller.h"

namespace jogtrack::users {

struct TokenPair {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in = 0;
};

class SessionService {
 public:
  SessionService(storage::UserStore& users, storage::TokenStore& refresh_tokens, const auth::TokenService& tokens,
                 std::int64_t refresh_ttl, const LoginThrottle& throttle);

  // Wrong username and wrong password fail identically (401), in about the same time.
  TokenPair login(std::string_view username, std::string_view password, const std::string& client_address);
  TokenPair refresh(std::string_view refresh_token);
  void logout(std::string_view refresh_token);
  // Validates "Bearer <jwt>" and loads the caller's live account (401 otherwise).
  Caller authenticate(std::string_view authorization_header);

 private:
  TokenPair issue(const storage::UserRecord& user, const std::string& family, std::int64_t now);

  storage::UserStore& users_;
  storage::TokenStore& refresh_tokens_;
  const auth::TokenService& tokens_;
  std::int64_t refresh_ttl_;
  const LoginThrottle& throttle_;
  std::string dummy_hash_;  // verified against when the username is unknown, to equalise timing
};

}  // namespace jogtrack::users
