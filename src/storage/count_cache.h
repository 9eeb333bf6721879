// X-Total-Count of filtered lists (storage-internal): the count of a key
// (owner, filter shape and values) stays valid while the owner's version
// (users.runs_version, bumped in the transaction of every run write, so also
// by other instances on one PostgreSQL) is unchanged.
#pragma once
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "storage/storage.h"

namespace jogtrack::storage {

class CountCache {
 public:
  // Bounded: when an entry would exceed max_entries or max_key_bytes (filters
  // may be long), everything is dropped and the cache refills.
  explicit CountCache(std::size_t max_entries = 4096, std::size_t max_key_bytes = 2 << 20)
      : max_entries_(max_entries), max_key_bytes_(max_key_bytes) {}
  // The total stored for key at exactly this version; nullopt if none (or stale).
  std::optional<std::int64_t> find(const std::string& key, std::int64_t version);
  // The total last stored for key, with its version: the store checks that
  // version against the one it reads (CountCachingRunStore).
  std::optional<KnownTotal> latest(const std::string& key);
  // Store a total counted after reading `version`: a write committed in
  // between is at worst already counted, and its new version makes it stale.
  void store(const std::string& key, std::int64_t version, std::int64_t total);
  std::size_t size();

 private:
  const std::size_t max_entries_;
  const std::size_t max_key_bytes_;
  std::mutex mutex_;
  std::unordered_map<std::string, KnownTotal> entries_;
  std::size_t key_bytes_ = 0;
};

}  // namespace jogtrack::storage
