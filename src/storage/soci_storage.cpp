// Composes the SOCI stores over one database: the Storage the rest of the service sees.
#include <filesystem>

#include "storage/auth_stores.h"
#include "storage/run_store.h"
#include "storage/user_store.h"

namespace jogtrack::storage {

namespace {

class SociStorage : public Storage {
 public:
  SociStorage(const std::string& url, std::size_t pool_size)
      : db_(url, pool_size), users_(db_), tokens_(db_), attempts_(db_), runs_(db_), weather_cache_(db_) {
    db_.migrate();
  }
  UserStore& users() override { return users_; }
  TokenStore& tokens() override { return tokens_; }
  AttemptStore& attempts() override { return attempts_; }
  RunStore& runs() override { return runs_; }
  weather::WeatherCacheStore& weather_cache() override { return weather_cache_; }

  bool ping() override {
    try {
      soci::session sql(db_.pool());
      int one = 0;
      sql << "SELECT 1", soci::into(one);
      return one == 1;
    } catch (const std::exception&) {
      return false;
    }
  }

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
};

}  // namespace

std::unique_ptr<Storage> open_storage(const std::string& url, std::size_t pool_size) {
  try {
    return std::make_unique<SociStorage>(url, pool_size);
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
