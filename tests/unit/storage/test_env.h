// Helpers shared by the storage tests that reach the private PostgreSQL and Redis
// (scripts/test-backends.sh): reading their URLs, naming scratch databases and keys,
// and opening one scratch backend of a kind.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "storage/database.h"
#include "storage/redis_stores.h"

namespace jogtrack::storage::test_env {

// The variable's value, or "" when it is not set.
inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// 16 random hex digits: unique names for scratch databases and key prefixes.
inline std::string random_hex() {
  static std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// One backend a store test runs on, by kind: "sqlite" (a file in the test's
// temporary directory), "postgres" (a fresh database on JOGTRACK_TEST_PG_URL,
// dropped afterwards) or "redis" (database 0 of JOGTRACK_TEST_REDIS_URL; keys
// must be unique per test). SQL databases are migrated.
class ScratchBackend {
 public:
  ScratchBackend() = default;
  ScratchBackend(const ScratchBackend&) = delete;
  ScratchBackend& operator=(const ScratchBackend&) = delete;
  ~ScratchBackend() {
    db.reset();  // its connections first: PostgreSQL refuses to drop a database in use
    if (admin_) admin_->run("drop", Retry::Safe, [&](Connection& sql) { exec(sql, "DROP DATABASE " + pg_name_); });
  }

  // name: part of the scratch file or database name; pool: connections. Throws
  // std::runtime_error when the backend's URL is not set: scripts/test.sh starts
  // them, and without them these tests fail, never skip.
  void open(const std::string& kind, const std::string& name, std::size_t pool) {
    if (kind == "redis") {
      redis = std::make_unique<RedisPool>(required("JOGTRACK_TEST_REDIS_URL") + "/0", pool);
      return;
    }
    if (kind == "sqlite") {
      url = "sqlite:" + ::testing::TempDir() + "/" + name + "_" + random_hex() + ".db";
    } else {
      const std::string base = required("JOGTRACK_TEST_PG_URL");
      admin_ = std::make_unique<Database>(base + "/postgres", 1);
      pg_name_ = "jt_" + name + "_" + random_hex();
      admin_->run("create", Retry::Safe, [&](Connection& sql) { exec(sql, "CREATE DATABASE " + pg_name_); });
      url = base + "/" + pg_name_;
    }
    db = std::make_unique<Database>(url, pool);
    db->migrate();
  }

  std::string url;                   // SQL kinds: the database's URL (for a second pool on it)
  std::unique_ptr<Database> db;      // SQL kinds
  std::unique_ptr<RedisPool> redis;  // "redis"

 private:
  static std::string required(const char* name) {
    std::string value = env(name);
    if (value.empty()) throw std::runtime_error(std::string(name) + " not set");
    return value;
  }
  std::unique_ptr<Database> admin_;
  std::string pg_name_;
};

}  // namespace jogtrack::storage::test_env
