// SOCI implementation of RunStore (storage-internal).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociRunStore : public RunStore {
 public:
  explicit SociRunStore(Database& db) : db_(db) {}
  RunRecord create(const RunValues& run, const Deadline& deadline) override;
  std::optional<RunRecord> find(std::int64_t result_id) override;
  std::optional<RunRecord> update(std::int64_t result_id, const RunValues& run, const Deadline& deadline,
                                  const VersionCheck& check) override;
  bool remove(std::int64_t result_id, const Deadline& deadline, const VersionCheck& check) override;
  Page<RunRecord> list(std::int64_t user_id, const ListQuery& query) override;
  Page<WeekRow> weekly(std::int64_t user_id, const ListQuery& query) override;

 private:
  // X-Total-Count of a filtered list, by (owner, filter SQL, parameters):
  // valid while the owner's users.runs_version (bumped in the transaction of
  // every run write, so also by other instances on one PostgreSQL) is unchanged.
  struct CachedTotal {
    std::int64_t runs_version = 0;
    std::int64_t total = 0;
  };
  static constexpr std::size_t kMaxCachedTotals = 4096;
  static constexpr std::size_t kMaxCachedTotalsBytes = 2 << 20;  // of keys (filters may be long)
  Database& db_;
  std::mutex totals_mutex_;
  std::unordered_map<std::string, CachedTotal> totals_;
  std::size_t totals_bytes_ = 0;
};

}  // namespace jogtrack::storage
