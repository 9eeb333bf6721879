// JSON shape of an account (never the password hash).
#pragma once
#include "api/request_parts.h"
#include "storage/storage.h"

namespace jogtrack::api {

void write_user(JsonWriter& w, const storage::UserRecord& user);
std::string user_json(const storage::UserRecord& user);

}  // namespace jogtrack::api
