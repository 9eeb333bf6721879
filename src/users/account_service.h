// Accounts: registration, reading, changing and deleting users within the role rules of SPEC §2.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "filter/filter.h"
#include "storage/storage.h"
#include "users/attempt_limits.h"
#include "users/caller.h"

namespace jogtrack::users {

struct Registration {
  std::string username;
  std::string password;
  std::optional<std::string> email;
  std::optional<std::string> name;
};

struct AccountChanges {
  std::optional<std::optional<std::string>> email;  // present; null clears
  std::optional<std::optional<std::string>> name;
  std::optional<std::string> password;
  // Required when callers change their own password (SPEC §6).
  std::optional<std::string> current_password;
};

// The fields /users can be filtered and sorted on.
const filter::Schema& user_schema();
// Default order of account lists.
inline constexpr std::string_view kDefaultUserSort = "user_id";

class AccountService {
 public:
  AccountService(storage::UserStore& users, storage::TokenStore& refresh_tokens, std::size_t password_min_length,
                 const LoginThrottle& throttle, const RegistrationLimit& registrations);

  // For the CLI: no limit, the operator is trusted.
  storage::UserRecord register_user(const Registration& r, const std::vector<std::string>& scopes = {"user"});
  // Public registration: counted per client address (429 beyond the limit).
  storage::UserRecord register_from(const Registration& r, const std::string& client_address);
  storage::UserRecord get(const Caller& caller, std::int64_t user_id);
  storage::Page<storage::UserRecord> list(const Caller& caller, const storage::ListRequest& request);
  // client_address: the throttle counts wrong current passwords like failed logins.
  // `check` (If-Match, update and remove): 412 unless the account's version
  // passes, checked first and again inside the write.
  void update(const Caller& caller, std::int64_t user_id, const AccountChanges& changes,
              const std::string& client_address, const storage::VersionCheck& check = {});
  void set_scopes(const Caller& caller, std::int64_t user_id, const std::vector<std::string>& scopes);
  void remove(const Caller& caller, std::int64_t user_id, const storage::VersionCheck& check = {});
  // For the CLI: no caller, the operator is trusted.
  void set_role_by_username(const std::string& username, const std::string& role);

 private:
  // Loads the target and checks the caller may act on it (403/404 otherwise).
  storage::UserRecord load_for(const Caller& caller, std::int64_t user_id);
  void validate_profile(const std::optional<std::optional<std::string>>& email,
                        const std::optional<std::optional<std::string>>& name, std::vector<FieldError>& errors);
  storage::UserRecord create(const Registration& r, const std::vector<std::string>& scopes);
  void validate_registration(const Registration& r, const std::optional<std::vector<std::string>>& scopes);
  // 403 for a wrong current password, 429 once the login throttle is used up.
  void confirm_current_password(const storage::UserRecord& user, const std::string& password,
                                const std::string& client_address);

  storage::UserStore& users_;
  storage::TokenStore& refresh_tokens_;  // revoked when a password changes or an account goes
  std::size_t password_min_length_;
  const LoginThrottle& throttle_;
  const RegistrationLimit& registrations_;
};

}  // namespace jogtrack::users
