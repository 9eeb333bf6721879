// Composes the SOCI stores over one database: the Storage the rest of the service sees.
#include <filesystem>

#include "storage/auth_stores.h"
#include "storage/idempotency_store.h"
#include "storage/redis_stores.h"
#include "storage/run_store.h"
#include "storage/user_store.h"

namespace jogtrack::storage {

namespace {

class SociStorage : public Storage {
 public:
  SociStorage(const std::string& url, std::size_t pool_size, const std::optional<std::string>& redis_url,
              long statement_timeout_ms)
      : db_(url, pool_size, statement_timeout_ms), users_(db_), tokens_(db_), attempts_(db_), runs_(db_), weather_cache_(db_),
        idempotency_(db_) {
    db_.migrate();
    if (redis_url) {
      // Refresh tokens, login failures and idempotency keys then live in Redis, shared by every instance.
      redis_ = std::make_unique<RedisPool>(*redis_url, pool_size);
      redis_tokens_ = std::make_unique<RedisTokenStore>(*redis_);
      redis_attempts_ = std::make_unique<RedisAttemptStore>(*redis_);
      redis_idempotency_ = std::make_unique<RedisIdempotencyStore>(*redis_);
    }
  }
  UserStore& users() override { return users_; }
  TokenStore& tokens() override { return redis_tokens_ ? static_cast<TokenStore&>(*redis_tokens_) : tokens_; }
  AttemptStore& attempts() override {
    return redis_attempts_ ? static_cast<AttemptStore&>(*redis_attempts_) : attempts_;
  }
  RunStore& runs() override { return runs_; }
  IdempotencyStore& idempotency() override {
    return redis_idempotency_ ? static_cast<IdempotencyStore&>(*redis_idempotency_) : idempotency_;
  }
  weather::WeatherCacheStore& weather_cache() override { return weather_cache_; }

  // Readiness is about the database: without Redis only logins and token
  // refreshes fail (503), everything else still works.
  bool ping() override { return db_.ping(); }

  std::string data_directory() const override {
    if (db_.dialect() != Dialect::Sqlite) return "";
    const auto parent = std::filesystem::path(db_.sqlite_path()).parent_path();
    return parent.empty() ? "." : parent.string();
  }

 private:
  Database db_;
  SociUserStore users_;
  SociTokenStore tokens_;
  SociAttemptStore attempts_;
  SociRunStore runs_;
  SociWeatherCacheStore weather_cache_;
  SociIdempotencyStore idempotency_;
  std::unique_ptr<RedisPool> redis_;
  std::unique_ptr<RedisTokenStore> redis_tokens_;
  std::unique_ptr<RedisAttemptStore> redis_attempts_;
  std::unique_ptr<RedisIdempotencyStore> redis_idempotency_;
};

}  // namespace

std::unique_ptr<Storage> open_storage(const std::string& url, std::size_t pool_size,
                                      const std::optional<std::string>& redis_url, long statement_timeout_ms) {
  try {
    return std::make_unique<SociStorage>(url, pool_size, redis_url, statement_timeout_ms);
  } catch (const soci::soci_error& e) {
    log_database_error("open", e);
    throw std::runtime_error("cannot open the database");
  }
}

int migrate_only(const std::string& url) {
  Database db(url, 1);
  return db.migrate();
}

}  // namespace jogtrack::storage
