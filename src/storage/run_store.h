// SOCI implementation of RunStore (storage-internal).
#pragma once
#include <cstdint>

#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociRunStore : public RunStore {
 public:
  explicit SociRunStore(Database& db) : db_(db) {}
  RunRecord create(const RunValues& run, const Deadline& deadline) override;
  std::vector<RunRecord> create_many(const std::vector<RunValues>& runs, const Deadline& deadline) override;
  std::optional<RunRecord> find(std::int64_t result_id) override;
  std::optional<RunRecord> update(std::int64_t result_id, const RunValues& run, const Deadline& deadline,
                                  const VersionCheck& check) override;
  bool remove(std::int64_t result_id, const Deadline& deadline, const VersionCheck& check) override;
  VersionedRunPage list_versioned(std::int64_t owner, const ListRequest& request,
                                  const std::optional<KnownTotal>& known) override;
  VersionedPage<WeekRow> weekly_versioned(std::int64_t owner, const ListRequest& request,
                                          const std::optional<KnownTotal>& known) override;

 private:
  Database& db_;
};

}  // namespace jogtrack::storage
