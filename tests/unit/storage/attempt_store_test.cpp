// Attempt stores (login throttle, registration limit) on SQLite, PostgreSQL and Redis: the sliding
// window, reserving atomically under parallel callers, giving back, and pruning rows that no longer count.
// PostgreSQL and Redis come from scripts/test-backends.sh (JOGTRACK_TEST_PG_URL, JOGTRACK_TEST_REDIS_URL).
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "storage/auth_stores.h"
#include "storage/database.h"
#include "storage/redis_stores.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {

using test_env::random_hex;

constexpr std::size_t kThreads = 8;

// One backend under test: the store, and (for SQL) the database to look into.
struct Backend : test_env::ScratchBackend {
  std::unique_ptr<AttemptStore> store;

  std::int64_t rows() {
    long long n = 0;
    db->run("count", Retry::Safe, [&](Connection& sql) { exec(sql, "SELECT COUNT(*) FROM login_failures", into(n)); });
    return n;
  }
};

std::unique_ptr<Backend> open_backend(const std::string& kind) {
  auto b = std::make_unique<Backend>();
  b->open(kind, "attempts", kThreads);
  if (b->redis) {
    b->store = std::make_unique<RedisAttemptStore>(*b->redis);
  } else {
    b->store = std::make_unique<SociAttemptStore>(*b->db);
  }
  return b;
}

class AttemptStores : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_NO_THROW(backend_ = open_backend(GetParam())); }
  AttemptStore& store() { return *backend_->store; }
  std::unique_ptr<Backend> backend_;
  const std::string key_ = "test:" + random_hex();
  const std::int64_t now_ = std::time(nullptr);
};

TEST_P(AttemptStores, SlidingWindow) {
  const std::int64_t window = 900;
  EXPECT_TRUE(store().reserve(key_, 3, now_, window).granted);
  EXPECT_TRUE(store().reserve(key_, 3, now_, window).granted);  // the same second counts twice
  EXPECT_TRUE(store().reserve(key_, 3, now_ + 10, window).granted);
  const auto refused = store().reserve(key_, 3, now_ + 20, window);
  EXPECT_FALSE(refused.granted);
  EXPECT_EQ(refused.oldest_at, now_);
  // a refusal records nothing; the two oldest stop counting `window` seconds after they happened
  EXPECT_FALSE(store().reserve(key_, 3, now_ + window - 1, window).granted);
  EXPECT_TRUE(store().reserve(key_, 3, now_ + window, window).granted);
  EXPECT_TRUE(store().reserve(key_, 3, now_ + window, window).granted);
  const auto again = store().reserve(key_, 3, now_ + window, window);
  EXPECT_FALSE(again.granted);
  EXPECT_EQ(again.oldest_at, now_ + 10);
  // keys are independent
  EXPECT_TRUE(store().reserve(key_ + "x", 3, now_ + 30, window).granted);
}

TEST_P(AttemptStores, ReleaseGivesBackOneAndClearForgetsAll) {
  EXPECT_TRUE(store().reserve(key_, 2, now_, 60).granted);
  EXPECT_TRUE(store().reserve(key_, 2, now_, 60).granted);
  EXPECT_FALSE(store().reserve(key_, 2, now_, 60).granted);
  store().release(key_, now_);
  EXPECT_TRUE(store().reserve(key_, 2, now_, 60).granted);
  EXPECT_FALSE(store().reserve(key_, 2, now_, 60).granted);
  store().release(key_, now_ - 5);  // nothing at that time: nothing given back
  EXPECT_FALSE(store().reserve(key_, 2, now_, 60).granted);
  store().clear(key_);
  EXPECT_TRUE(store().reserve(key_, 2, now_, 60).granted);
}

TEST_P(AttemptStores, ParallelReservationsNeverOvershootTheLimit) {
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i)
        if (store().reserve(key_, 10, now_, 900).granted) ++granted;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 10);
}

INSTANTIATE_TEST_SUITE_P(Backends, AttemptStores, ::testing::Values("sqlite", "postgres", "redis"),
                         [](const auto& info) { return info.param; });

// ---- pruning: rows of keys never seen again ---------------------------------------------------

class SqlAttemptPruning : public AttemptStores {};

TEST_P(SqlAttemptPruning, ExpiredRowsOfOneShotKeysArePruned) {
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(store().reserve(key_ + std::to_string(i), 5, now_, 60).granted);
  // a registration-sized window next to them: still counting later on
  ASSERT_TRUE(store().reserve(key_ + "long", 5, now_, 3600).granted);
  EXPECT_EQ(backend_->rows(), 101);
  // later, ordinary traffic on another key prunes them along the way
  for (std::uint64_t i = 0; i < 2 * SociAttemptStore::kPruneEvery; ++i)
    store().reserve(key_ + "busy" + std::to_string(i % 7), 1000, now_ + 61, 60);
  EXPECT_EQ(backend_->rows(), static_cast<std::int64_t>(2 * SociAttemptStore::kPruneEvery + 1));
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlAttemptPruning, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// ---- Redis: one key per limited name, expiring by itself ----------------------------------------

TEST(RedisAttempts, KeysExpireWithTheirWindow) {
  auto b = open_backend("redis");
  const std::string key = "test:" + random_hex();
  const std::int64_t now = std::time(nullptr);
  ASSERT_TRUE(b->store->reserve(key, 5, now, 60).granted);
  auto r = b->redis->command("ttl", {"TTL", "jogtrack:la:" + key}, true);
  ASSERT_EQ(r->type, REDIS_REPLY_INTEGER);
  EXPECT_GT(r->integer, 0);
  EXPECT_LE(r->integer, 61);
}

}  // namespace
}  // namespace jogtrack::storage
