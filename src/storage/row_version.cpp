#include "storage/row_version.h"

#include <string>


namespace jogtrack::storage {

void require_version(Connection& sql, const char* table, const char* id_column, long long id,
                     const VersionCheck& check) {
  if (!check.versions) return;
  std::optional<long long> version;
  const bool found = exec(sql,
                          std::string("SELECT version FROM ") + table + " WHERE " + id_column + " = :id" +
                              (sql.dialect() == Dialect::Postgres ? " FOR UPDATE" : ""),
                          use(id, "id"), into(version));
  if (!found || !version) return;
  check.enforce(*version);
}

}  // namespace jogtrack::storage
