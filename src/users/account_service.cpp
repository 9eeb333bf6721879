#include "users/account_service.h"

#include "auth/passwords.h"
#include "auth/policy.h"
#include "common/dates.h"
#include "common/errors.h"

namespace jogtrack::users {

namespace {

constexpr std::size_t kMaxEmailLength = 254;
constexpr std::size_t kMaxNameLength = 200;

[[noreturn]] void forbidden(const char* detail) { throw ApiError(ErrorKind::Forbidden, detail); }
[[noreturn]] void not_found() { throw ApiError(ErrorKind::NotFound, "no such user"); }

void throw_if_any(std::vector<FieldError>& errors) {
  if (errors.empty()) return;
  std::string detail = "invalid input: " + errors.front().field + ": " + errors.front().message;
  throw ApiError(ErrorKind::Validation, detail, std::move(errors));
}

void check_password(const std::string& password, const std::string& username, std::size_t min_length,
                    std::vector<FieldError>& errors) {
  for (auto& message : auth::check_password(password, username, min_length))
    errors.push_back({"password", std::move(message)});
}

// A manager may act on plain users only; an admin on everyone.
bool may_manage(const Caller& caller, const storage::UserRecord& target) {
  if (caller.is_admin()) return true;
  return caller.is_manager() && target.role == "user";
}

}  // namespace

const filter::Schema& user_schema() {
  using filter::FieldType;
  static const filter::Schema table({
      {"user_id", FieldType::Integer},
      {"username", FieldType::Text},
      {"email", FieldType::Text},
      {"name", FieldType::Text},
      {"role", FieldType::Text},
      {"created_at", FieldType::Timestamp},
  });
  return table;
}

AccountService::AccountService(storage::UserStore& users, storage::TokenStore& refresh_tokens,
                               std::size_t password_min_length, const LoginThrottle& throttle,
                               const RegistrationLimit& registrations)
    : users_(users),
      refresh_tokens_(refresh_tokens),
      password_min_length_(password_min_length),
      throttle_(throttle),
      registrations_(registrations) {}

void AccountService::validate_profile(const std::optional<std::optional<std::string>>& email,
                                      const std::optional<std::optional<std::string>>& name,
                                      std::vector<FieldError>& errors) {
  if (email && *email) {
    const std::string& e = **email;
    const auto at = e.find('@');
    if (e.size() > kMaxEmailLength || at == std::string::npos || at == 0 || at + 1 == e.size() ||
        e.find_first_of(" \t\r\n") != std::string::npos)
      errors.push_back({"email", "must be an e-mail address of at most 254 characters"});
  }
  if (name && *name) {
    const std::string& n = **name;
    if (n.size() > kMaxNameLength) errors.push_back({"name", "must be at most 200 bytes"});
    for (unsigned char c : n)
      if (c < 0x20 || c == 0x7f) {
        errors.push_back({"name", "must not contain control characters"});
        break;
      }
  }
}

void AccountService::validate_registration(const Registration& r,
                                           const std::optional<std::vector<std::string>>& scopes) {
  std::vector<FieldError> errors;
  if (auto problem = auth::check_username(r.username)) errors.push_back({"username", *problem});
  check_password(r.password, r.username, password_min_length_, errors);
  validate_profile(r.email, r.name, errors);
  if (!scopes) errors.push_back({"role", "must be user, manager or admin"});
  throw_if_any(errors);
}

storage::UserRecord AccountService::create(const Registration& r, const std::vector<std::string>& scopes) {
  storage::NewUser user;
  user.username = r.username;
  user.username_key = auth::username_key(r.username);
  user.email = r.email;
  user.name = r.name;
  user.scopes = scopes;
  user.role = auth::role_of(scopes);
  user.password_hash = auth::hash_password(r.password);
  return users_.create(user);
}

storage::UserRecord AccountService::register_user(const Registration& r, const std::vector<std::string>& scopes) {
  const auto canonical = auth::canonical_scopes(scopes);
  validate_registration(r, canonical);
  return create(r, *canonical);
}

storage::UserRecord AccountService::register_from(const Registration& r, const std::string& client_address) {
  const auto canonical = auth::canonical_scopes({"user"});
  validate_registration(r, canonical);
  // Invalid input is cheap and not counted; every registration counted from
  // here on costs an Argon2id hash, taken or not.
  registrations_.reserve(client_address, unix_now());
  return create(r, *canonical);
}

storage::UserRecord AccountService::load_for(const Caller& caller, std::int64_t user_id) {
  const bool self = caller.user_id == user_id;
  if (!self && !caller.is_admin() && !caller.is_manager()) forbidden("you may only access your own account");
  auto target = users_.find(user_id);
  if (!target) not_found();
  if (!self && !may_manage(caller, *target)) forbidden("managers may only manage plain users");
  return *target;
}

storage::UserRecord AccountService::get(const Caller& caller, std::int64_t user_id) {
  return load_for(caller, user_id);
}

storage::Page<storage::UserRecord> AccountService::list(const Caller& caller, const storage::ListRequest& request) {
  // The visibility rule, as a typed scope: managers see plain users only.
  if (caller.is_admin()) return users_.list(request, std::nullopt);
  if (caller.is_manager()) return users_.list(request, std::string("user"));
  forbidden("listing accounts needs the manager or admin scope");
}

void AccountService::confirm_current_password(const storage::UserRecord& user, const std::string& password,
                                              const std::string& client_address) {
  // Without this, a stolen access token would be enough to lock the owner out
  // for good; counted like a login, so it is no way to guess the password either.
  const auto attempt = throttle_.begin(user.username, client_address, unix_now());
  if (!auth::verify_password(user.password_hash, password)) forbidden("the current password is wrong");
  throttle_.succeeded(attempt);
}

void AccountService::update(const Caller& caller, std::int64_t user_id, const AccountChanges& changes,
                            const std::string& client_address, const storage::VersionCheck& check) {
  const auto target = load_for(caller, user_id);
  check.enforce(target.version);
  std::vector<FieldError> errors;
  validate_profile(changes.email, changes.name, errors);
  if (changes.password) check_password(*changes.password, target.username, password_min_length_, errors);
  // Admins and managers resetting someone else's password cannot know it (SPEC §6).
  const bool own_password = changes.password && caller.user_id == user_id;
  if (own_password && !changes.current_password)
    errors.push_back({"current_password", "is required to change your own password"});
  if (changes.current_password && !changes.password)
    errors.push_back({"current_password", "is only accepted together with password"});
  throw_if_any(errors);
  if (own_password) confirm_current_password(target, *changes.current_password, client_address);

  storage::UserChanges stored;
  stored.email = changes.email;
  stored.name = changes.name;
  if (changes.password) stored.password_hash = auth::hash_password(*changes.password);
  if (!users_.update(user_id, stored, caller.user_id, check)) not_found();
  // A new password ends every session; access tokens simply run out.
  if (changes.password) refresh_tokens_.revoke_all_for_user(user_id);
}

void AccountService::set_scopes(const Caller& caller, std::int64_t user_id, const std::vector<std::string>& scopes) {
  if (!caller.is_admin()) forbidden("changing scopes needs the admin scope");
  const auto canonical = auth::canonical_scopes(scopes);
  if (!canonical) throw_invalid("scopes", "each scope must be user, manager or admin");
  if (!users_.set_scopes(user_id, *canonical, auth::role_of(*canonical), caller.user_id)) not_found();
}

void AccountService::remove(const Caller& caller, std::int64_t user_id, const storage::VersionCheck& check) {
  check.enforce(load_for(caller, user_id).version);
  if (!users_.remove(user_id, caller.user_id, check)) not_found();
  // The refresh tokens die with the account in the token store itself (with
  // Redis it is the only place they live). Should that store be down, the
  // deletion still stands and refresh() refuses the tokens of deleted users;
  // the store has logged the failure.
  try {
    refresh_tokens_.revoke_all_for_user(user_id);
  } catch (const ApiError& e) {
    if (e.kind() != ErrorKind::Unavailable) throw;
  }
}

void AccountService::set_role_by_username(const std::string& username, const std::string& role) {
  const auto user = users_.find_by_username_key(auth::username_key(username));
  if (!user) throw ApiError(ErrorKind::NotFound, "no such user: " + username);
  std::vector<std::string> scopes{"user"};
  if (role != "user") scopes.push_back(role);
  const auto canonical = auth::canonical_scopes(scopes);
  if (!canonical) throw_invalid("role", "must be user, manager or admin");
  users_.set_scopes(user->user_id, *canonical, auth::role_of(*canonical), user->user_id);
}

}  // namespace jogtrack::users
