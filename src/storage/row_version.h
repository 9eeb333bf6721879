// If-Match inside a write transaction: the row's version, read and locked, against the client's (storage-internal).
#pragma once
#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

// Throws ApiError(PreconditionFailed) when the row `id_column = id` of `table`
// exists and `check` refuses its version. Call it inside the write
// transaction, before the write: SQLite holds the write lock (BEGIN
// IMMEDIATE), PostgreSQL locks the row (FOR UPDATE), so no other write can
// slip in between the check and this one. A missing row passes: the write
// then finds nothing and its caller answers 404. `table` and `id_column` are
// constants of the caller, never request text.
void require_version(Connection& sql, const char* table, const char* id_column, long long id,
                     const VersionCheck& check);

}  // namespace jogtrack::storage
