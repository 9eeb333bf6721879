// Versioned schema migrations (src/storage/migrations/*.sql, compiled in), one
// copy per dialect where they differ; all pending ones apply in one transaction.
#include <charconv>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.h"
#include "storage/migration_files.h"

namespace jogtrack::storage {

namespace {

struct Migration {
  int version = 0;
  std::vector<std::string> sqlite;
  std::vector<std::string> postgres;
};

// The statements of a migration file: comment lines dropped, split after each
// ';' that ends a line.
std::vector<std::string> statements_of(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  while (!text.empty()) {
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    const std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line.substr(start, 2) == "--") continue;
    const std::size_t end = line.find_last_not_of(" \t\r");
    line = line.substr(0, end + 1);
    const bool last = line.back() == ';';
    if (last) line.remove_suffix(1);
    if (!current.empty()) current += '\n';
    current += line;
    if (last) {
      out.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) throw std::logic_error("migration statement without a closing ';': " + current);
  return out;
}

// Every migration, by version, from the compiled-in files (migration_files.h).
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = [] {
    std::map<int, Migration> by_version;
    for (const auto& file : migration_files()) {
      int version = 0;
      const auto [ptr, ec] = std::from_chars(file.name.data(), file.name.data() + file.name.size(), version);
      if (ec != std::errc() || version <= 0 || ptr == file.name.data())
        throw std::logic_error("migration file name needs a version: " + std::string(file.name));
      Migration& m = by_version[version];
      m.version = version;
      const auto ends_with = [&](std::string_view suffix) {
        return file.name.size() >= suffix.size() && file.name.substr(file.name.size() - suffix.size()) == suffix;
      };
      auto statements = statements_of(file.text);
      if (ends_with(".sqlite.sql")) {
        m.sqlite = std::move(statements);
      } else if (ends_with(".postgres.sql")) {
        m.postgres = std::move(statements);
      } else {
        m.sqlite = statements;
        m.postgres = std::move(statements);
      }
    }
    std::vector<Migration> ordered;
    for (auto& [version, m] : by_version) {
      if (m.sqlite.empty() || m.postgres.empty())
        throw std::logic_error("migration " + std::to_string(version) + " lacks a dialect's statements");
      ordered.push_back(std::move(m));
    }
    return ordered;
  }();
  return all;
}

int current_version(Connection& sql) {
  std::optional<int> version;
  exec(sql, "SELECT MAX(version) FROM schema_version", into(version));
  return version.value_or(0);
}

}  // namespace

int apply_migrations(Connection& sql) {
  const Dialect dialect = sql.dialect();
  WriteTransaction tx(sql);
  // Several processes may start at once on one PostgreSQL: serialise them
  // (even CREATE TABLE IF NOT EXISTS can fail when two run it concurrently).
  if (dialect == Dialect::Postgres) exec(sql, "SELECT pg_advisory_xact_lock(7413)");
  exec(sql, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
  int version = current_version(sql);
  for (const auto& m : migrations()) {
    if (m.version <= version) continue;
    for (const auto& statement : dialect == Dialect::Sqlite ? m.sqlite : m.postgres) exec(sql, statement);
    exec(sql,
         std::string("INSERT INTO schema_version (version, applied_at) VALUES (:v, ") +
             (dialect == Dialect::Sqlite ? "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                                         : "to_char(now() at time zone 'utc', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')") +
             ")",
         use(m.version, "v"));
    version = m.version;
  }
  tx.commit();
  return version;
}

}  // namespace jogtrack::storage
