// Idempotency-key stores on SQLite, PostgreSQL and Redis: claim, replay, mismatch, release, expiry,
// takeover of an abandoned key, and exactly one winner among parallel first requests; and If-Match
// (VersionCheck) inside run and user writes.
// PostgreSQL and Redis come from scripts/test-backends.sh (JOGTRACK_TEST_PG_URL, JOGTRACK_TEST_REDIS_URL).
#include <gtest/gtest.h>

#include <atomic>
#include <ctime>
#include <memory>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "storage/idempotency_store.h"
#include "storage/redis_stores.h"
#include "storage/storage.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {

using test_env::random_hex;

constexpr std::size_t kThreads = 8;
constexpr std::int64_t kTtl = 86400, kStale = 120;

struct Backend : test_env::ScratchBackend {
  std::unique_ptr<IdempotencyStore> store;
};

std::unique_ptr<Backend> open_backend(const std::string& kind) {
  auto b = std::make_unique<Backend>();
  b->open(kind, "idem", kThreads);
  if (b->redis) {
    b->store = std::make_unique<RedisIdempotencyStore>(*b->redis);
  } else {
    b->store = std::make_unique<SociIdempotencyStore>(*b->db);
  }
  return b;
}

class IdempotencyStores : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { ASSERT_NO_THROW(backend_ = open_backend(GetParam())); }
  IdempotencyStore& store() { return *backend_->store; }
  std::unique_ptr<Backend> backend_;
  const std::string key_ = "k" + random_hex();
  const std::int64_t now_ = std::time(nullptr);
};

TEST_P(IdempotencyStores, ClaimCompleteReplayMismatch) {
  EXPECT_EQ(store().claim(key_, "fp", now_, kTtl, kStale).outcome, ClaimOutcome::Started);
  EXPECT_EQ(store().claim(key_, "fp", now_ + 1, kTtl, kStale).outcome, ClaimOutcome::InFlight);
  EXPECT_EQ(store().claim(key_, "other", now_ + 1, kTtl, kStale).outcome, ClaimOutcome::Mismatch);
  store().complete(key_, R"({"status":201})");
  const auto replay = store().claim(key_, "fp", now_ + 2, kTtl, kStale);
  EXPECT_EQ(replay.outcome, ClaimOutcome::Completed);
  EXPECT_EQ(replay.response, R"({"status":201})");
  EXPECT_EQ(store().claim(key_, "other", now_ + 2, kTtl, kStale).outcome, ClaimOutcome::Mismatch);
  store().release(key_);  // a completed key is never forgotten early
  EXPECT_EQ(store().claim(key_, "fp", now_ + 3, kTtl, kStale).outcome, ClaimOutcome::Completed);
}

TEST_P(IdempotencyStores, ReleasedAndAbandonedKeysStartAgain) {
  EXPECT_EQ(store().claim(key_, "fp", now_, kTtl, kStale).outcome, ClaimOutcome::Started);
  store().release(key_);
  EXPECT_EQ(store().claim(key_, "fp2", now_, kTtl, kStale).outcome, ClaimOutcome::Started);
  // Still in flight kStale seconds later: its process died, a retry takes the key over.
  EXPECT_EQ(store().claim(key_, "fp2", now_ + kStale - 1, kTtl, kStale).outcome, ClaimOutcome::InFlight);
  EXPECT_EQ(store().claim(key_, "fp2", now_ + kStale + 1, kTtl, kStale).outcome, ClaimOutcome::Started);
}

TEST_P(IdempotencyStores, ParallelFirstRequestsHaveOneWinner) {
  std::atomic<int> started{0}, in_flight{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      const auto c = store().claim(key_, "fp", now_, kTtl, kStale);
      if (c.outcome == ClaimOutcome::Started) ++started;
      if (c.outcome == ClaimOutcome::InFlight) ++in_flight;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(started.load(), 1);
  EXPECT_EQ(in_flight.load(), static_cast<int>(kThreads) - 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, IdempotencyStores, ::testing::Values("sqlite", "postgres", "redis"),
                         [](const auto& info) { return info.param; });

// Only SQL keeps a table that needs pruning (Redis expires keys itself).
class SqlIdempotencyExpiry : public IdempotencyStores {};

TEST_P(SqlIdempotencyExpiry, ExpiredKeysStartAgainAndArePruned) {
  auto& sql_store = static_cast<SociIdempotencyStore&>(store());
  EXPECT_EQ(store().claim(key_, "fp", now_, kTtl, kStale).outcome, ClaimOutcome::Started);
  store().complete(key_, "{}");
  EXPECT_EQ(store().claim(key_, "other", now_ + kTtl, kTtl, kStale).outcome, ClaimOutcome::Started);
  sql_store.prune(now_ + 3 * kTtl);
  long long rows = -1;
  backend_->db->run("count", Retry::Safe,
                    [&](Connection& sql) { exec(sql, "SELECT COUNT(*) FROM idempotency_keys", into(rows)); });
  EXPECT_EQ(rows, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlIdempotencyExpiry, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace jogtrack::storage
