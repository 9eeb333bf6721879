// Limits on attempts, kept in the AttemptStore so every instance shares them: failed password checks
// per username and per client address (SPEC §3), and registrations per client address.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/storage.h"

namespace jogtrack::users {

struct ThrottlePolicy {
  std::int64_t window_seconds = 15 * 60;
  std::int64_t max_failures_per_username = 10;
  std::int64_t max_failures_per_address = 100;
};

// One password check in progress: the failure slots it holds.
struct PasswordAttempt {
  std::string user_key;
  std::string address_key;
  std::int64_t at = 0;
};

// Counts failed password checks (login, and the current password of a password change).
// A slot is reserved before the password is verified, so parallel guesses can never get
// more than the limit through; a right password gives its slots back.
class LoginThrottle {
 public:
  LoginThrottle(storage::AttemptStore& store, ThrottlePolicy policy = {});

  // Reserves a failure for the address and for the username, or throws 429 (Retry-After)
  // when either has used up its window. A wrong password needs nothing more: the
  // reservation is the failure.
  PasswordAttempt begin(std::string_view username, const std::string& client_address, std::int64_t now) const;
  // The password was right: the username's failures are forgiven, the address's slot is given back.
  void succeeded(const PasswordAttempt& attempt) const;

 private:
  storage::AttemptStore& store_;
  ThrottlePolicy policy_;
};

// Registrations per client address in a sliding hour; a limit of 0 turns it off.
class RegistrationLimit {
 public:
  static constexpr std::int64_t kWindowSeconds = 3600;
  RegistrationLimit(storage::AttemptStore& store, std::int64_t per_hour);
  // Counts one registration from the address, or throws 429 (Retry-After).
  void reserve(const std::string& client_address, std::int64_t now) const;

 private:
  storage::AttemptStore& store_;
  std::int64_t per_hour_;
};

}  // namespace jogtrack::users
