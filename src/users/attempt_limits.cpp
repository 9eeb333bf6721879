#include "users/attempt_limits.h"

#include <algorithm>

#include "auth/policy.h"
#include "common/errors.h"

namespace jogtrack::users {

namespace {

// Keys are stored per event: an attacker must not choose their size. Nothing
// longer can be a username (64) or an IP address, so all such texts share one
// key ('#' occurs in neither).
constexpr std::size_t kMaxKeyText = auth::kUsernameMaxLength;

std::string bounded_key(std::string_view prefix, std::string_view text) {
  if (text.size() > kMaxKeyText) return std::string(prefix) + "#too-long";
  return std::string(prefix) + std::string(text);
}

std::int64_t retry_after(const storage::Reservation& r, std::int64_t window, std::int64_t now) {
  return std::max<std::int64_t>(1, r.oldest_at + window - now);
}

[[noreturn]] void too_many(const char* detail, std::int64_t seconds) {
  throw ApiError(ErrorKind::TooManyAttempts, detail, {}, static_cast<int>(seconds));
}

constexpr const char* kTooManyFailures = "too many failed login attempts; try again later";

}  // namespace

LoginThrottle::LoginThrottle(storage::AttemptStore& store, ThrottlePolicy policy) : store_(store), policy_(policy) {}

PasswordAttempt LoginThrottle::begin(std::string_view username, const std::string& client_address,
                                     std::int64_t now) const {
  PasswordAttempt attempt{bounded_key("user:", auth::username_key(username)), bounded_key("addr:", client_address),
                          now};
  const auto window = policy_.window_seconds;
  const auto address = store_.reserve(attempt.address_key, policy_.max_failures_per_address, now, window);
  if (!address.granted) too_many(kTooManyFailures, retry_after(address, window, now));
  const auto user = store_.reserve(attempt.user_key, policy_.max_failures_per_username, now, window);
  if (!user.granted) {
    // Refused before any password was checked: not a failure of this address.
    store_.release(attempt.address_key, now);
    too_many(kTooManyFailures, retry_after(user, window, now));
  }
  return attempt;
}

void LoginThrottle::succeeded(const PasswordAttempt& attempt) const {
  store_.clear(attempt.user_key);
  store_.release(attempt.address_key, attempt.at);
}

RegistrationLimit::RegistrationLimit(storage::AttemptStore& store, std::int64_t per_hour)
    : store_(store), per_hour_(per_hour) {}

void RegistrationLimit::reserve(const std::string& client_address, std::int64_t now) const {
  if (per_hour_ <= 0) return;
  const auto r = store_.reserve(bounded_key("reg:", client_address), per_hour_, now, kWindowSeconds);
  if (!r.granted)
    too_many("too many registrations from this address; try again later", retry_after(r, kWindowSeconds, now));
}

}  // namespace jogtrack::users
