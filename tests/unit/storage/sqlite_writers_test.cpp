// SQLite writers: the in-process queue, the busy handler and background checkpoints.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace jogtrack::storage {
namespace {

std::string temp_db() {
  static std::mt19937_64 rng{std::random_device{}()};
  return ::testing::TempDir() + "/writers_" + std::to_string(rng()) + ".db";
}

int count_rows(Database& db) {
  int n = 0;
  db.run("count", Retry::Safe, [&](Connection& sql) { exec(sql, "SELECT COUNT(*) FROM t", into(n)); });
  return n;
}

TEST(SqliteWriters, ConcurrentWriteTransactionsAllCommit) {
  Database db("sqlite:" + temp_db(), 4);
  db.run("create", Retry::Safe, [](Connection& sql) { exec(sql, "CREATE TABLE t (v TEXT)"); });
  constexpr int kThreads = 6, kEach = 200;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&db] {
      const std::string payload(2000, 'x');  // ~1 page per row: the WAL passes 1,000 pages
      for (int j = 0; j < kEach; ++j)
        db.run("insert", Retry::BeforeSend, [&](Connection& sql) {
          WriteTransaction tx(db, sql);
          exec(sql, "INSERT INTO t (v) VALUES (:v)", use(payload, "v"));
          tx.commit();
        });
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(count_rows(db), kThreads * kEach);
}

TEST(SqliteWriters, AWriteWaitsOutAnotherProcessesShortLock) {
  const std::string path = temp_db();
  Database db("sqlite:" + path, 2);
  db.run("create", Retry::Safe, [](Connection& sql) { exec(sql, "CREATE TABLE t (v TEXT)"); });
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread release([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  const auto t0 = std::chrono::steady_clock::now();
  db.run("insert", Retry::BeforeSend, [&](Connection& sql) {
    WriteTransaction tx(db, sql);
    exec(sql, "INSERT INTO t (v) VALUES ('x')");
    tx.commit();
  });
  const auto waited = std::chrono::steady_clock::now() - t0;
  release.join();
  sqlite3_close(other);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(3));
  EXPECT_EQ(count_rows(db), 1);
}

TEST(SqliteWriters, TheWalIsCheckpointedInTheBackground) {
  const std::string path = temp_db();
  Database db("sqlite:" + path, 2);
  db.run("create", Retry::Safe, [](Connection& sql) { exec(sql, "CREATE TABLE t (v TEXT)"); });
  const std::string payload(3000, 'y');
  for (int j = 0; j < 1500; ++j)
    db.run("insert", Retry::BeforeSend, [&](Connection& sql) {
      WriteTransaction tx(db, sql);
      exec(sql, "INSERT INTO t (v) VALUES (:v)", use(payload, "v"));
      tx.commit();
    });
  // The checkpointer copies the WAL into the database file: the file grows
  // to hold the rows while the process is still running.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::filesystem::file_size(path) < 1500u * 3000u && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_GE(std::filesystem::file_size(path), 1500u * 3000u);
}

}  // namespace
}  // namespace jogtrack::storage
