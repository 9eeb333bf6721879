// Module `legacy`: `jogtrack import-seed --from PATH` (SPEC §7) — reads the
// original system's SQLite database (users, jogging_results; the schema of
// seed/original-system.md) and converts it for storage::import_legacy:
//  - users keep username, e-mail, name and scopes (a JSON array there); their
//    bcrypt hash is kept as it is, verified once at the first login and then
//    replaced by Argon2id (auth/passwords); an expire_date means deleted;
//  - runs keep date, distance, time and location; their stored Dark Sky data
//    becomes condition.legacy with provider "darksky" — parsed when it is
//    JSON, else (the original's Python dict repr, single quotes) kept as the
//    string it is; ISO week and year are computed again;
//  - rows jogtrack cannot hold (a bad date, location, distance or time) are
//    skipped and reported, never half-imported.
// The source is opened read-only and never changed (storage/legacy_source.h).
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "storage/legacy_import.h"

namespace jogtrack::legacy {

struct SourceData {
  std::vector<storage::LegacyUser> users;
  std::vector<storage::LegacyRun> runs;
  std::vector<std::string> rejected;  // "run 17: bad location '...'"
};

// Throws std::runtime_error when the file is not a database with those tables.
SourceData read_source(const std::string& path);

// The condition column as jogtrack stores it for a legacy run.
std::string legacy_condition_json(const std::string& stored);

// Reads, imports into the database at target_url, prints the counts. Returns the exit status.
int import_seed(const std::string& source_path, const std::string& target_url, std::ostream& out,
                storage::Logger log);

}  // namespace jogtrack::legacy
