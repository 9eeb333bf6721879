// The factories the composition root builds its stores with: the only place
// that names the SOCI and Redis implementations outside their own files.
#include <filesystem>

#include "storage/auth_stores.h"
#include "storage/idempotency_store.h"
#include "storage/redis_stores.h"
#include "storage/run_store.h"
#include "storage/user_store.h"

namespace jogtrack::storage {

namespace {

class DatabaseHealth : public HealthCheck {
 public:
  explicit DatabaseHealth(Database& db) : db_(db) {}
  bool ping() override { return db_.ping(); }

 private:
  Database& db_;
};

}  // namespace

std::shared_ptr<Database> open_database(const std::string& url, std::size_t pool_size, long statement_timeout_ms,
                                        Logger log) {
  auto db = std::make_shared<Database>(url, pool_size, statement_timeout_ms, log);
  try {
    db->migrate();
  } catch (const DatabaseError& e) {
    db->log_error("open", e);
    throw std::runtime_error("cannot open the database");
  }
  return db;
}

std::string data_directory(const Database& db) {
  if (db.dialect() != Dialect::Sqlite) return "";
  const auto parent = std::filesystem::path(db.sqlite_path()).parent_path();
  return parent.empty() ? "." : parent.string();
}

std::unique_ptr<UserStore> sql_user_store(Database& db) { return std::make_unique<SociUserStore>(db); }
std::unique_ptr<TokenStore> sql_token_store(Database& db) { return std::make_unique<SociTokenStore>(db); }
std::unique_ptr<AttemptStore> sql_attempt_store(Database& db) { return std::make_unique<SociAttemptStore>(db); }
std::unique_ptr<RunStore> sql_run_store(Database& db) { return std::make_unique<SociRunStore>(db); }
std::unique_ptr<IdempotencyStore> sql_idempotency_store(Database& db) {
  return std::make_unique<SociIdempotencyStore>(db);
}
std::unique_ptr<weather::WeatherCacheStore> sql_weather_cache(Database& db) {
  return std::make_unique<SociWeatherCacheStore>(db);
}
std::unique_ptr<HealthCheck> database_health(Database& db) { return std::make_unique<DatabaseHealth>(db); }

std::shared_ptr<RedisPool> open_redis(const std::string& url, std::size_t pool_size, Logger log) {
  return std::make_shared<RedisPool>(url, pool_size, std::move(log));
}
std::unique_ptr<TokenStore> redis_token_store(RedisPool& redis) { return std::make_unique<RedisTokenStore>(redis); }
std::unique_ptr<AttemptStore> redis_attempt_store(RedisPool& redis) {
  return std::make_unique<RedisAttemptStore>(redis);
}

std::unique_ptr<IdempotencyStore> redis_idempotency_store(RedisPool& redis) {
  return std::make_unique<RedisIdempotencyStore>(redis);
}

int migrate_only(const std::string& url, Logger log) {
  Database db(url, 1, 0, std::move(log));
  return db.migrate();
}

}  // namespace jogtrack::storage
