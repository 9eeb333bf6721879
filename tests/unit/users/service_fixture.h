// A real SQLite database in a fresh directory per test, with the account and session services over it.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "auth/tokens.h"
#include "common/errors.h"
#include "storage/storage.h"
#include "users/account_service.h"
#include "users/attempt_limits.h"
#include "users/session_service.h"

namespace jogtrack::users {

inline constexpr const char* kPassword = "correct horse battery staple";

class UsersServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("jt_users_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = storage::open_database("sqlite:" + (dir_ / "t.db").string(), 2, 0, nullptr);
    users_ = storage::sql_user_store(*db_);
    refresh_tokens_ = storage::sql_token_store(*db_);
    attempts_ = storage::sql_attempt_store(*db_);
    throttle_ = std::make_unique<LoginThrottle>(*attempts_);
    registrations_ = std::make_unique<RegistrationLimit>(*attempts_, 1000);
    accounts_ = std::make_unique<AccountService>(*users_, *refresh_tokens_, 8, *throttle_, *registrations_);
    sessions_ = std::make_unique<SessionService>(*users_, *refresh_tokens_, tokens_, 3600, *throttle_);
  }

  void TearDown() override {
    sessions_.reset();
    accounts_.reset();
    registrations_.reset();
    throttle_.reset();
    attempts_.reset();
    refresh_tokens_.reset();
    users_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  Caller add(const std::string& name, std::vector<std::string> scopes = {"user"}) {
    const auto user = accounts_->register_user({name, kPassword, std::nullopt, std::nullopt}, scopes);
    return Caller{user.user_id, user.username, user.scopes, user.role};
  }

  // The kind of ApiError f throws; fails the test when it throws none.
  static ErrorKind kind_of(const std::function<void()>& f) {
    try {
      f();
    } catch (const ApiError& e) {
      return e.kind();
    }
    ADD_FAILURE() << "no ApiError";
    return ErrorKind::Internal;
  }

  std::filesystem::path dir_;
  auth::TokenService tokens_{std::string(32, 'k'), 900};
  std::shared_ptr<storage::Database> db_;
  std::unique_ptr<storage::UserStore> users_;
  std::unique_ptr<storage::TokenStore> refresh_tokens_;
  std::unique_ptr<storage::AttemptStore> attempts_;
  std::unique_ptr<LoginThrottle> throttle_;
  std::unique_ptr<RegistrationLimit> registrations_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<SessionService> sessions_;
};

}  // namespace jogtrack::users
