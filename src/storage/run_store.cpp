// Runs table (placeholder until the runs issue lands).
#include "storage/run_store.h"

namespace jogtrack::storage {

namespace {
[[noreturn]] void not_yet() { throw ApiError(ErrorKind::NotFound, "runs are not available yet"); }
}  // namespace

RunRecord SociRunStore::create(const RunValues&) { not_yet(); }
std::optional<RunRecord> SociRunStore::find(std::int64_t) { not_yet(); }
std::optional<RunRecord> SociRunStore::update(std::int64_t, const RunValues&) { not_yet(); }
bool SociRunStore::remove(std::int64_t) { not_yet(); }
Page<RunRecord> SociRunStore::list(std::int64_t, const ListQuery&) { not_yet(); }
Page<WeekRow> SociRunStore::weekly(std::int64_t, const ListQuery&) { not_yet(); }

}  // namespace jogtrack::storage
