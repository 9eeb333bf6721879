// A real SQLite database in a fresh directory per test, with the stores and
// the runs service over it (the run store composed as src/cli.cpp does, with
// its count cache) and a fake weather provider of the test's own.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runs/run_service.h"
#include "storage/storage.h"

namespace jogtrack::runs {

template <class Provider>
class RunServiceFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("jt_" + std::string(test->test_suite_name()) + "_" + std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = storage::open_database("sqlite:" + (dir_ / "t.db").string(), 2, 0, nullptr);
    users_ = storage::sql_user_store(*db_);
    runs_ = storage::count_caching_run_store(storage::sql_run_store(*db_));
    weather_cache_ = storage::sql_weather_cache(*db_);
    weather_ = std::make_unique<weather::CachedWeather>(provider_, *weather_cache_, stats_);
    service_ = std::make_unique<RunService>(*runs_, *users_, *weather_);
  }
  void TearDown() override {
    service_.reset();
    weather_.reset();
    weather_cache_.reset();
    runs_.reset();
    users_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  // An account with these scopes; its role is the last (highest) of them.
  users::Caller make_user(const std::string& name, std::vector<std::string> scopes) {
    storage::NewUser u;
    u.username = u.username_key = name;
    u.scopes = scopes;
    u.role = scopes.back();
    u.password_hash = "x";
    const auto record = users_->create(u);
    return users::Caller{record.user_id, name, scopes, u.role};
  }

  std::filesystem::path dir_;
  Provider provider_;
  weather::WeatherStats stats_;
  std::shared_ptr<storage::Database> db_;
  std::unique_ptr<storage::UserStore> users_;
  std::unique_ptr<storage::RunStore> runs_;
  std::unique_ptr<weather::WeatherCacheStore> weather_cache_;
  std::unique_ptr<weather::CachedWeather> weather_;
  std::unique_ptr<RunService> service_;
};

}  // namespace jogtrack::runs
