// SOCI implementations of the refresh-token and login-attempt stores (storage-internal).
#pragma once
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
  AttemptWindow failures_since(const std::string& key, std::int64_t since) override;
  void record_failure(const std::string& key, std::int64_t now, std::int64_t window_seconds) override;
  void clear(const std::string& key) override;

 private:
  Database& db_;
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
