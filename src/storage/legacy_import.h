// Writing the original system's accounts and runs into jogtrack's database
// (`jogtrack import-seed`, SPEC §7). The reading and converting is the legacy
// module's; this only stores what it is given, idempotently: every source id
// imported is remembered in legacy_imports, so a second import adds nothing twice.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/storage.h"  // Logger

namespace jogtrack::storage {

struct LegacyUser {
  std::int64_t source_id = 0;
  std::string username, username_key;
  std::optional<std::string> email, name;
  std::vector<std::string> scopes;
  std::string role;
  std::string password_hash;  // bcrypt "$2b$...", re-hashed with Argon2id at the first login
  std::string created_at;     // RFC 3339 UTC
  std::optional<std::string> deleted_at;  // expired in the original: stays deleted
};

struct LegacyRun {
  std::int64_t source_id = 0, source_user_id = 0;
  std::string date;  // YYYY-MM-DD
  std::int64_t distance = 0, time = 0;
  std::string location;
  double latitude = 0, longitude = 0;
  std::string condition_json;  // {"provider":"darksky", ..., "legacy": ...}
  int iso_year = 0, iso_week = 0;
  std::string created_at;
};

struct LegacyImportReport {
  int users_imported = 0, users_already = 0;
  std::vector<std::string> users_clashing;  // usernames a live jogtrack account already has
  int runs_imported = 0, runs_already = 0;
  int runs_skipped = 0;  // their owner was not imported (a clash)
};

// Migrates the database at url first. One transaction: all or nothing.
// log: where database failures go (the composition root's logger).
LegacyImportReport import_legacy(const std::string& url, const std::vector<LegacyUser>& users,
                                 const std::vector<LegacyRun>& runs, Logger log);

}  // namespace jogtrack::storage
