// Reading the original system's SQLite database (`jogtrack import-seed`): its
// `users` and `jogging_results` rows as they are, opened read-only. The SQL
// stays here, in storage; the legacy module converts the rows.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace jogtrack::storage {

struct SourceUserRow {
  std::int64_t user_id = 0;
  std::optional<std::string> username, email, name, scopes, hashed_password, create_date, expire_date;
};

struct SourceRunRow {
  std::int64_t result_id = 0, user_id = 0, running_distance = 0, time = 0;
  std::optional<std::string> date, location, condition, created_at;
};

struct SourceRows {
  std::vector<SourceUserRow> users;  // by user_id
  std::vector<SourceRunRow> runs;    // by result_id
};

// Throws std::runtime_error when the file cannot be opened or lacks those tables.
SourceRows read_original_database(const std::string& path);

}  // namespace jogtrack::storage
