// Accounts on the wire: the JSON shape of an account (never the password
// hash) and the request bodies of /users.
#pragma once
#include <string>
#include <vector>

#include "api/dto/json_writer.h"
#include "storage/storage.h"
#include "users/account_service.h"

namespace jogtrack::api::dto {

void write_user(JsonWriter& w, const storage::UserRecord& user);
std::string user_json(const storage::UserRecord& user);
std::string users_json(const std::vector<storage::UserRecord>& users);
// GET /auth/me: {"me": user}
std::string me_json(const storage::UserRecord& user);

// POST /users {username, password, email?, name?}
users::Registration parse_registration(std::string_view body);
// PATCH /users/{id} {name?, email?, password?, current_password?}; null clears name or email.
users::AccountChanges parse_account_changes(std::string_view body);
// PATCH /users/{id}/scopes {"scopes": [...]}
std::vector<std::string> parse_scopes(std::string_view body);

}  // namespace jogtrack::api::dto
