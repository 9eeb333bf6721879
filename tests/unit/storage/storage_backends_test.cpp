// Storage backends: URL handling, and — when scripts/test-backends.sh provides them
// (JOGTRACK_TEST_PG_URL, JOGTRACK_TEST_REDIS_URL) — the PostgreSQL connection and the Redis stores.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <random>
#include <sstream>

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include "common/errors.h"
#include "storage/database.h"
#include "storage/redis_stores.h"
#include "test_env.h"

namespace jogtrack::storage {
namespace {

using test_env::env;
using test_env::random_hex;

TEST(RedisUrl, Parses) {
  auto ep = parse_redis_url("redis://10.1.2.3:6380/4");
  EXPECT_EQ(ep.host, "10.1.2.3");
  EXPECT_EQ(ep.port, 6380);
  EXPECT_EQ(ep.db, 4);
  EXPECT_TRUE(ep.password.empty());
  ep = parse_redis_url("redis://localhost");
  EXPECT_EQ(ep.host, "localhost");
  EXPECT_EQ(ep.port, 6379);
  EXPECT_EQ(ep.db, 0);
  ep = parse_redis_url("redis://:s3cret@h:1/2");
  EXPECT_EQ(ep.password, "s3cret");
  EXPECT_TRUE(ep.user.empty());
  ep = parse_redis_url("redis://app:pw@[::1]:7000");
  EXPECT_EQ(ep.user, "app");
  EXPECT_EQ(ep.password, "pw");
  EXPECT_EQ(ep.host, "::1");
  EXPECT_EQ(ep.port, 7000);
}

TEST(RedisUrl, RejectsNonsense) {
  for (const char* bad : {"http://x", "redis://h:port", "redis://h:70000", "redis://h:1/x", "redis://h/-1",
                          "redis://:1/0", "redis://[::1"})
    EXPECT_THROW(parse_redis_url(bad), std::runtime_error) << bad;
}

TEST(DatabaseUrl, RedactsThePassword) {
  EXPECT_EQ(redact_url("postgresql://app:hunter2@db:5432/jt"), "postgresql://app:***@db:5432/jt");
  EXPECT_EQ(redact_url("postgresql://app@db/jt"), "postgresql://app@db/jt");
  EXPECT_EQ(redact_url("postgresql://db/jt?x=a@b"), "postgresql://db/jt?x=a@b");
  EXPECT_EQ(redact_url("sqlite:/tmp/a:b@c.db"), "sqlite:/tmp/a:b@c.db");
}

TEST(Database, UnreachablePostgresIsAClearErrorWithoutThePassword) {
  try {
    Database db("postgresql://app:hunter2@127.0.0.1:1/jt", 1);
    FAIL() << "connected to a closed port";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot connect to the database postgresql://app:***@127.0.0.1:1/jt"), std::string::npos)
        << what;
    EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
  }
}

TEST(Database, SqliteFailuresBecome503) {
  const std::string path = ::testing::TempDir() + "/storage_" + random_hex() + ".db";
  Database db("sqlite:" + path, 2);
  db.migrate();
  EXPECT_TRUE(db.ping());
  try {
    db.run("bad statement", Retry::Safe, [](Connection& sql) { exec(sql, "SELECT * FROM no_such_table"); });
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_EQ(e.retry_after(), 1);
  }
  // domain errors pass through untouched
  EXPECT_THROW(db.run("conflict", Retry::BeforeSend,
                      [](Connection&) { throw ApiError(ErrorKind::UsernameTaken); }),
               ApiError);
}

// The database logs through the logger it was given (the composition root's),
// one line per failure, without the values SOCI appends (they may be hashes).
TEST(Database, FailuresGoToTheInjectedLogger) {
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  const std::string path = ::testing::TempDir() + "/storage_" + random_hex() + ".db";
  Database db("sqlite:" + path, 1, 0, log);
  db.migrate();
  const std::string secret = "hash-" + random_hex();
  EXPECT_THROW(db.run("probe", Retry::Safe,
                      [&](Connection& sql) { exec(sql, "SELECT * FROM no_such_table WHERE x = :x", use(secret)); }),
               ApiError);
  log->flush();
  const std::string text = out.str();
  EXPECT_NE(text.find("database error in probe"), std::string::npos) << text;
  EXPECT_NE(text.find("no_such_table"), std::string::npos) << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
}

// ---- PostgreSQL (when available) -----------------------------------------------------------

TEST(Postgres, UrlWithoutQueryStringConnects) {
  const std::string base = env("JOGTRACK_TEST_PG_URL");
  // scripts/test.sh starts PostgreSQL for these; without it they fail, never skip.
  ASSERT_FALSE(base.empty()) << "JOGTRACK_TEST_PG_URL not set";
  // SOCI 4.0.3 mangles a bare URL; the database name must survive.
  Database db(base + "/postgres", 2);
  EXPECT_TRUE(db.ping());
  std::string name;
  db.run("db name", Retry::Safe, [&](Connection& sql) { exec(sql, "SELECT current_database()", into(name)); });
  EXPECT_EQ(name, "postgres");
  // an explicit query string is kept
  Database db2(base + "/postgres?application_name=probe", 1);
  db2.run("app name", Retry::Safe,
          [&](Connection& sql) { exec(sql, "SELECT current_setting('application_name')", into(name)); });
  EXPECT_EQ(name, "probe");
}

TEST(Postgres, KilledConnectionIsReplacedBeforeUse) {
  const std::string base = env("JOGTRACK_TEST_PG_URL");
  // scripts/test.sh starts PostgreSQL for these; without it they fail, never skip.
  ASSERT_FALSE(base.empty()) << "JOGTRACK_TEST_PG_URL not set";
  Database db(base + "/postgres", 1);
  Database killer(base + "/postgres", 1);
  int pid = 0;
  db.run("pid", Retry::Safe, [&](Connection& sql) { exec(sql, "SELECT pg_backend_pid()", into(pid)); });
  killer.run("kill", Retry::Safe,
             [&](Connection& sql) { exec(sql, "SELECT pg_terminate_backend(:p)", use(pid, "p")); });
  for (int i = 0; i < 50; ++i) {  // the termination notice arrives asynchronously
    int alive = 1;
    killer.run("wait", Retry::Safe, [&](Connection& sql) {
      exec(sql, "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = :p", use(pid, "p"), into(alive));
    });
    if (alive == 0) break;
  }
  // A write (not retried once sent) still succeeds: the dead connection is replaced before use.
  int new_pid = 0;
  db.run("write", Retry::BeforeSend,
         [&](Connection& sql) { exec(sql, "SELECT pg_backend_pid()", into(new_pid)); });
  EXPECT_NE(new_pid, pid);
}

TEST(Postgres, StatementTimeoutIsA503AndTheConnectionSurvives) {
  const std::string base = env("JOGTRACK_TEST_PG_URL");
  // scripts/test.sh starts PostgreSQL for these; without it they fail, never skip.
  ASSERT_FALSE(base.empty()) << "JOGTRACK_TEST_PG_URL not set";
  Database db(base + "/postgres", 1, 200);
  const auto t0 = std::chrono::steady_clock::now();
  try {
    db.run("slow", Retry::Safe, [](Connection& sql) { exec(sql, "SELECT pg_sleep(3)"); });
    FAIL() << "no error";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Unavailable);
    EXPECT_EQ(e.retry_after(), 1);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  EXPECT_TRUE(db.ping());
  std::string timeout;
  db.run("setting", Retry::Safe,
         [&](Connection& sql) { exec(sql, "SELECT current_setting('statement_timeout')", into(timeout)); });
  EXPECT_EQ(timeout, "200ms");
}

// ---- Redis stores (when available) -----------------------------------------------------------

class RedisStores : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string base = env("JOGTRACK_TEST_REDIS_URL");
    ASSERT_FALSE(base.empty()) << "JOGTRACK_TEST_REDIS_URL not set";
    pool_ = std::make_unique<RedisPool>(base + "/0", 2);
  }
  std::unique_ptr<RedisPool> pool_;
};

TEST_F(RedisStores, RotationReuseAndExpiry) {
  RedisTokenStore tokens(*pool_);
  const std::int64_t now = std::time(nullptr);
  const std::int64_t user = 900'000'000 + static_cast<std::int64_t>(std::random_device{}() % 1000);
  const std::string t0 = random_hex(), t1 = random_hex(), t2 = random_hex(), fam = random_hex();
  tokens.save(t0, user, fam, now + 100, now);
  auto r = tokens.rotate(t0, t1, now + 200, now + 1);
  EXPECT_EQ(r.outcome, RotateOutcome::Rotated);
  EXPECT_EQ(r.user_id, user);
  EXPECT_EQ(tokens.rotate(random_hex(), random_hex(), now + 200, now).outcome, RotateOutcome::Unknown);
  // t0 again: reuse, and the whole family (t1) is dead
  EXPECT_EQ(tokens.rotate(t0, t2, now + 300, now + 2).outcome, RotateOutcome::Reused);
  EXPECT_EQ(tokens.rotate(t1, t2, now + 300, now + 3).outcome, RotateOutcome::Reused);

  const std::string e0 = random_hex();
  tokens.save(e0, user, random_hex(), now + 10, now);
  EXPECT_EQ(tokens.rotate(e0, random_hex(), now + 100, now + 10).outcome, RotateOutcome::Expired);
}

TEST_F(RedisStores, RevokeAndRevokeAll) {
  RedisTokenStore tokens(*pool_);
  const std::int64_t now = std::time(nullptr);
  const std::int64_t user = 800'000'000 + static_cast<std::int64_t>(std::random_device{}() % 1000);
  const std::string a = random_hex(), b = random_hex(), c = random_hex();
  tokens.save(a, user, random_hex(), now + 100, now);
  tokens.save(b, user, random_hex(), now + 100, now);
  tokens.save(c, user + 1, random_hex(), now + 100, now);
  EXPECT_TRUE(tokens.revoke(a));
  EXPECT_FALSE(tokens.revoke(a));
  EXPECT_FALSE(tokens.revoke(random_hex()));
  EXPECT_EQ(tokens.rotate(a, random_hex(), now + 200, now).outcome, RotateOutcome::Reused);
  tokens.revoke_all_for_user(user);
  EXPECT_EQ(tokens.rotate(b, random_hex(), now + 200, now).outcome, RotateOutcome::Reused);
  EXPECT_EQ(tokens.rotate(c, random_hex(), now + 200, now).outcome, RotateOutcome::Rotated);  // another user
}

TEST(RedisPoolTest, UnreachableIsAClearError) {
  try {
    RedisPool pool("redis://:hunter2@127.0.0.1:1/0", 1);
    FAIL() << "connected to a closed port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to Redis at 127.0.0.1:1"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos);
  }
}

}  // namespace
}  // namespace jogtrack::storage
