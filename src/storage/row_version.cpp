#include "storage/row_version.h"

#include <string>


namespace jogtrack::storage {

void require_version(soci::session& sql, Dialect dialect, const char* table, const char* id_column, long long id,
                     const VersionCheck& check) {
  if (!check.versions) return;
  long long version = 0;
  soci::indicator ind = soci::i_null;
  sql << std::string("SELECT version FROM ") + table + " WHERE " + id_column + " = :id" +
             (dialect == Dialect::Postgres ? " FOR UPDATE" : ""),
      soci::use(id, "id"), soci::into(version, ind);
  if (!sql.got_data() || ind != soci::i_ok) return;
  check.enforce(version);
}

}  // namespace jogtrack::storage
