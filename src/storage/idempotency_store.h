// SOCI implementation of IdempotencyStore (storage-internal).
#pragma once
#include <atomic>
#include <cstdint>

#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociIdempotencyStore : public IdempotencyStore {
 public:
  explicit SociIdempotencyStore(Database& db) : db_(db) {}
  IdempotencyClaim claim(const std::string& key_hash, const std::string& fingerprint, std::int64_t now,
                         std::int64_t ttl_seconds, std::int64_t stale_seconds) override;
  void complete(const std::string& key_hash, const std::string& response) override;
  void release(const std::string& key_hash) override;
  // Deletes expired rows; run by every kPruneEvery-th claim (keys are rarely reused,
  // so nothing else would ever delete them).
  void prune(std::int64_t now);
  static constexpr std::uint64_t kPruneEvery = 64;

 private:
  Database& db_;
  std::atomic<std::uint64_t> claims_{0};
};

}  // namespace jogtrack::storage
