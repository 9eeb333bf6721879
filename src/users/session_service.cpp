#include "users/session_service.h"

#include <algorithm>
#include <cctype>

#include "auth/passwords.h"
#include "auth/policy.h"
#include "common/dates.h"
#include "common/errors.h"

namespace jogtrack::users {

namespace {
[[noreturn]] void invalid_token(const char* detail) { throw ApiError(ErrorKind::InvalidToken, detail); }
}  // namespace

SessionService::SessionService(storage::UserStore& users, storage::TokenStore& refresh_tokens,
                               const auth::TokenService& tokens, std::int64_t refresh_ttl,
                               const LoginThrottle& throttle)
    : users_(users),
      refresh_tokens_(refresh_tokens),
      tokens_(tokens),
      refresh_ttl_(refresh_ttl),
      throttle_(throttle),
      dummy_hash_(auth::hash_password(auth::random_token_urlsafe(16))) {}

TokenPair SessionService::login(std::string_view username, std::string_view password,
                                const std::string& client_address) {
  const std::int64_t now = unix_now();
  const auto attempt = throttle_.begin(username, client_address, now);
  // Longer names cannot exist (and must not become database keys).
  const auto user = username.size() <= auth::kUsernameMaxLength
                        ? users_.find_by_username_key(auth::username_key(username))
                        : std::nullopt;
  const bool ok = auth::verify_password(user ? user->password_hash : dummy_hash_, password) && user;
  if (!ok) throw ApiError(ErrorKind::InvalidCredentials);  // the reserved slots stay, as the failure
  throttle_.succeeded(attempt);
  if (auth::password_needs_rehash(user->password_hash)) {
    storage::UserChanges changes;
    changes.password_hash = auth::hash_password(password);
    users_.update(user->user_id, changes, user->user_id);
  }
  return issue(*user, auth::random_token_urlsafe(16), now);
}

TokenPair SessionService::issue(const storage::UserRecord& user, const std::string& family, std::int64_t now) {
  TokenPair pair;
  pair.access_token = tokens_.issue(user.user_id, user.scopes, user.name, user.email, now);
  pair.expires_in = tokens_.ttl();
  if (!family.empty()) {
    pair.refresh_token = auth::random_token_urlsafe(32);
    refresh_tokens_.save(auth::hash_token(pair.refresh_token), user.user_id, family, now + refresh_ttl_, now);
  }
  return pair;
}

TokenPair SessionService::refresh(std::string_view refresh_token) {
  const std::int64_t now = unix_now();
  TokenPair pair;
  pair.refresh_token = auth::random_token_urlsafe(32);
  const auto result = refresh_tokens_.rotate(auth::hash_token(refresh_token), auth::hash_token(pair.refresh_token),
                                               now + refresh_ttl_, now);
  if (result.outcome != storage::RotateOutcome::Rotated) invalid_token("the refresh token is invalid, expired or revoked");
  const auto user = users_.find(result.user_id);
  if (!user) invalid_token("the refresh token is invalid, expired or revoked");
  pair.access_token = tokens_.issue(user->user_id, user->scopes, user->name, user->email, now);
  pair.expires_in = tokens_.ttl();
  return pair;
}

void SessionService::logout(std::string_view refresh_token) {
  refresh_tokens_.revoke(auth::hash_token(refresh_token));
}

Caller SessionService::authenticate(std::string_view header) {
  // The scheme name is case-insensitive (RFC 9110 §11.1). RFC 6750 §3.1: a
  // request without bearer credentials is told only that they are needed; one
  // whose bearer token fails is told the token is invalid.
  constexpr std::string_view scheme = "bearer";
  bool is_bearer = header.size() >= scheme.size() && (header.size() == scheme.size() || header[scheme.size()] == ' ');
  for (std::size_t i = 0; is_bearer && i < scheme.size(); ++i)
    is_bearer = std::tolower(static_cast<unsigned char>(header[i])) == scheme[i];
  if (!is_bearer) throw ApiError(ErrorKind::Unauthenticated);
  const std::string_view token = header.substr(std::min(header.size(), scheme.size() + 1));
  if (token.empty()) invalid_token("the bearer token is empty");
  bool expired = false;
  const auto claims = tokens_.verify(token, unix_now(), &expired);
  if (!claims) {
    if (expired) throw ApiError(ErrorKind::TokenExpired);
    invalid_token("the access token is invalid");
  }
  // The database, not the token, says who the caller is now: a deleted
  // account or a changed role takes effect at once.
  const auto user = users_.find(claims->user_id);
  if (!user) invalid_token("the account no longer exists");
  return Caller{user->user_id, user->username, user->scopes, user->role};
}

}  // namespace jogtrack::users
