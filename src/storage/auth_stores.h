// SOCI implementations of the refresh-token and attempt-limit stores (storage-internal).
#pragma once
#include <atomic>

#include "storage/database.h"
#include "storage/storage.h"

namespace jogtrack::storage {

class SociTokenStore : public TokenStore {
 public:
  explicit SociTokenStore(Database& db) : db_(db) {}
  void save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
            std::int64_t expires_at, std::int64_t now) override;
  RotateResult rotate(const std::string& old_hash, const std::string& new_hash, std::int64_t new_expires_at,
                      std::int64_t now) override;
  bool revoke(const std::string& token_hash) override;
  void revoke_all_for_user(std::int64_t user_id) override;

 private:
  Database& db_;
};

class SociAttemptStore : public AttemptStore {
 public:
  explicit SociAttemptStore(Database& db) : db_(db) {}
  Reservation reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                      std::int64_t window_seconds) override;
  void release(const std::string& key, std::int64_t at) override;
  void clear(const std::string& key) override;
  // Deletes every event that no longer counts; run by every kPruneEvery-th reservation.
  void prune(std::int64_t now);
  static constexpr std::uint64_t kPruneEvery = 64;

 private:
  Database& db_;
  std::atomic<std::uint64_t> reservations_{0};
};

class SociWeatherCacheStore : public weather::WeatherCacheStore {
 public:
  explicit SociWeatherCacheStore(Database& db) : db_(db) {}
  std::optional<std::string> get(const weather::CacheKey& key) override;
  void put(const weather::CacheKey& key, const std::string& condition_json) override;

 private:
  Database& db_;
};

}  // namespace jogtrack::storage
