// Redis (hiredis) implementations of the refresh-token, attempt-limit and idempotency-key stores (storage-internal).
// Every instance behind a load balancer shares them; each multi-step change is
// one Lua script, so it is atomic across instances.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/storage.h"

struct redisContext;
struct redisReply;

namespace jogtrack::storage {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string user;
  std::string password;
};

// redis://[[user]:password@]host[:port][/db]; throws std::runtime_error.
RedisEndpoint parse_redis_url(const std::string& url);

struct ReplyDeleter {
  void operator()(redisReply* r) const;
};
using RedisReply = std::unique_ptr<redisReply, ReplyDeleter>;

// A small pool of hiredis connections (a context is not thread-safe): each
// command leases one, with connect and command timeouts. A failure becomes a
// 503 problem; a connection that failed is dropped and replaced on next use.
class RedisPool {
 public:
  // Connects once and PINGs: throws std::runtime_error (no password in it) if Redis is unreachable.
  // log: where failures are reported (nullptr: nowhere).
  RedisPool(const std::string& url, std::size_t size, Logger log = nullptr);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs one command. `idempotent` commands are retried once on a fresh
  // connection when the connection breaks; others only fail (503).
  RedisReply command(const char* operation, const std::vector<std::string>& argv, bool idempotent);
  bool ping();
  // Like the database errors: one log line, never a token or a password.
  void log_error(const char* operation, const std::string& message) const;

 private:
  redisContext* acquire(const char* operation);
  void release(redisContext* c, bool broken);
  redisContext* connect(std::string& error);

  Logger log_;
  RedisEndpoint endpoint_;
  std::size_t size_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<redisContext*> idle_;
  std::size_t open_ = 0;  // connections that exist (idle or leased)
};

class RedisTokenStore : public TokenStore {
 public:
  explicit RedisTokenStore(RedisPool& pool) : pool_(pool) {}
  void save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
            std::int64_t expires_at, std::int64_t now) override;
  RotateResult rotate(const std::string& old_hash, const std::string& new_hash, std::int64_t new_expires_at,
                      std::int64_t now) override;
  bool revoke(const std::string& token_hash) override;
  void revoke_all_for_user(std::int64_t user_id) override;

 private:
  RedisPool& pool_;
};

class RedisAttemptStore : public AttemptStore {
 public:
  explicit RedisAttemptStore(RedisPool& pool) : pool_(pool) {}
  Reservation reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                      std::int64_t window_seconds) override;
  void release(const std::string& key, std::int64_t at) override;
  void clear(const std::string& key) override;

 private:
  RedisPool& pool_;
};

// Idempotency keys expire on their own (Redis TTL): nothing to prune.
class RedisIdempotencyStore : public IdempotencyStore {
 public:
  explicit RedisIdempotencyStore(RedisPool& pool) : pool_(pool) {}
  IdempotencyClaim claim(const std::string& key_hash, const std::string& fingerprint, std::int64_t now,
                         std::int64_t ttl_seconds, std::int64_t stale_seconds) override;
  void complete(const std::string& key_hash, const std::string& response) override;
  void release(const std::string& key_hash) override;

 private:
  RedisPool& pool_;
};

}  // namespace jogtrack::storage
