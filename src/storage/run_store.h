// SOCI implementation of RunStore (storage-internal).
#pragma once
#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociRunStore : public RunStore {
 public:
  explicit SociRunStore(Database& db) : db_(db) {}
  RunRecord create(const RunValues& run) override;
  std::optional<RunRecord> find(std::int64_t result_id) override;
  std::optional<RunRecord> update(std::int64_t result_id, const RunValues& run) override;
  bool remove(std::int64_t result_id) override;
  Page<RunRecord> list(std::int64_t user_id, const ListQuery& query) override;
  Page<WeekRow> weekly(std::int64_t user_id, const ListQuery& query) override;

 private:
  Database& db_;
};

}  // namespace jogtrack::storage
