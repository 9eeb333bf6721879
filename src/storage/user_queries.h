// The fixed statements on users that read whole rows, by name (storage-internal):
// the one column list UserRow binds, shared by the finds and the list emitter.
#pragma once

namespace jogtrack::storage::queries {

// The columns of a user row, in the order UserRow binds them.
#define JT_USER_COLUMNS \
  "u.user_id, u.username, u.email, u.name, u.scopes, u.role, u.password_hash, u.created_at, u.updated_at, " \
  "u.version"
inline constexpr const char* kUserColumns = JT_USER_COLUMNS;

// Every authenticated request runs the first, every login the second: both are
// prepared once per pooled connection (Database::prepared).
inline constexpr const char* kFindLiveUserById =
    "SELECT " JT_USER_COLUMNS " FROM users u WHERE u.user_id = :k AND u.deleted_at IS NULL";
inline constexpr const char* kFindLiveUserByKey =
    "SELECT " JT_USER_COLUMNS " FROM users u WHERE u.username_key = :k AND u.deleted_at IS NULL";
#undef JT_USER_COLUMNS

}  // namespace jogtrack::storage::queries
