// The authenticated caller of a request, as the database knows them right now.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace jogtrack::users {

struct Caller {
  std::int64_t user_id = 0;
  std::string username;
  std::vector<std::string> scopes;
  std::string role;  // highest scope

  bool has(const std::string& scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }
  bool is_admin() const { return has("admin"); }
  bool is_manager() const { return has("manager"); }
};

}  // namespace jogtrack::users
