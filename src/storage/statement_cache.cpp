#include "storage/statement_cache.h"

#include <soci/sqlite3/soci-sqlite3.h>

#include "storage/database.h"

namespace jogtrack::storage {

void StatementCache::clear() noexcept {
  try {
    entries_.clear();
    named_.clear();
    keyed_.clear();
  } catch (...) {
    // Finalising a statement on a dead connection: nothing more to release.
  }
}

void finish_cached(soci::statement& st, Dialect dialect) {
  if (dialect != Dialect::Sqlite) return;
  // Only called for SQLite sessions (libsoci_sqlite3 exports no typeinfo for a dynamic_cast).
  auto* backend = static_cast<soci::sqlite3_statement_backend*>(st.get_backend());
  if (backend != nullptr && backend->stmt_ != nullptr) ::sqlite_api::sqlite3_reset(backend->stmt_);
}

}  // namespace jogtrack::storage
