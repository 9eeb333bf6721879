// The runs lists' and weekly reports' totals (X-Total-Count) cached in front of a RunStore
// (storage-internal; the composition root builds it with
// count_caching_run_store). A total is kept per owner, filter shape and
// filter values, with the owner's runs_version it was counted at; the inner
// store reads that version on the same connection as the page and counts only
// when it moved, so a hit costs one cheap read and no second lease.
#pragma once
#include <memory>
#include <string>

#include "storage/count_cache.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class CountCachingRunStore : public RunStore {
 public:
  CountCachingRunStore(std::unique_ptr<RunStore> inner, std::size_t max_entries, std::size_t max_key_bytes)
      : inner_(std::move(inner)), totals_(max_entries, max_key_bytes) {}

  RunRecord create(const RunValues& run, const Deadline& deadline) override { return inner_->create(run, deadline); }
  std::vector<RunRecord> create_many(const std::vector<RunValues>& runs, const Deadline& deadline) override {
    return inner_->create_many(runs, deadline);
  }
  std::optional<RunRecord> find(std::int64_t result_id) override { return inner_->find(result_id); }
  std::optional<RunRecord> update(std::int64_t result_id, const RunValues& run, const Deadline& deadline,
                                  const VersionCheck& check) override {
    return inner_->update(result_id, run, deadline, check);
  }
  bool remove(std::int64_t result_id, const Deadline& deadline, const VersionCheck& check) override {
    return inner_->remove(result_id, deadline, check);
  }
  // known given (a cache further out): passed on as is. Otherwise the cached
  // total of this list, and a counted total is remembered.
  VersionedRunPage list_versioned(std::int64_t owner, const ListRequest& request,
                                  const std::optional<KnownTotal>& known) override;
  // Likewise for the weekly report's total of weeks (its own keys).
  VersionedPage<WeekRow> weekly_versioned(std::int64_t owner, const ListRequest& request,
                                          const std::optional<KnownTotal>& known) override;

 private:
  std::unique_ptr<RunStore> inner_;
  CountCache totals_;
};

// The key of a cached total: owner, filter shape and every filter value
// (sort and page do not change a total).
std::string totals_key(std::int64_t owner, const ListRequest& request);

}  // namespace jogtrack::storage
