// Refresh tokens and attempt-limit windows in Redis, shared by every instance.
#include "storage/redis_stores.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/logger.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "common/errors.h"

namespace jogtrack::storage {

namespace {

constexpr timeval kConnectTimeout{2, 0};
constexpr timeval kCommandTimeout{2, 0};
constexpr auto kLeaseTimeout = std::chrono::seconds(5);
constexpr const char* kPrefix = "jogtrack:";

[[noreturn]] void unavailable() {
  throw ApiError(ErrorKind::Unavailable, {}, {}, 1);  // the fact; the words are the kind's
}

// An idle connection has nothing to read: a readable socket means Redis
// closed it (restart, timeout, CLIENT KILL).
bool idle_connection_looks_broken(redisContext* c) {
  if (c->err != 0 || c->fd < 0) return true;
  pollfd p{c->fd, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

// Refresh tokens: rt:<hash> = {u: user, f: family, s: TokenState (ACTIVE, ROTATED, REVOKED), e: expiry};
// fam:<family> = {e: newest expiry, r: 1 once revoked}; uf:<user> = set of the user's families.
// Every key expires with the newest token it may still matter for, so a
// rotated token is remembered (for reuse detection) while its family lives.
constexpr const char* kExtendLua = R"(
local function extend(key, at, now)
  if at <= now then at = now + 60 end
  local ttl = redis.call('TTL', key)
  if ttl < at - now then redis.call('EXPIREAT', key, at) end
end
)";

constexpr const char* kSaveLua = R"(
local p, hash, user, fam, exp, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local key = p .. 'rt:' .. hash
redis.call('HSET', key, 'u', user, 'f', fam, 's', ACTIVE, 'e', exp)
redis.call('EXPIREAT', key, exp)
local fkey = p .. 'fam:' .. fam
if tonumber(redis.call('HGET', fkey, 'e') or '0') < exp then redis.call('HSET', fkey, 'e', exp) end
extend(fkey, exp, now)
local ukey = p .. 'uf:' .. user
redis.call('SADD', ukey, fam)
extend(ukey, exp, now)
return 1
)";

// Returns {outcome, user}: 0 unknown, 1 rotated, 2 reused (family revoked), 3 expired.
constexpr const char* kRotateLua = R"(
local p, old, new, nexp, now = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local okey = p .. 'rt:' .. old
local t = redis.call('HMGET', okey, 'u', 'f', 's', 'e')
if not t[1] then return {0, 0} end
local user, fam, state, exp = t[1], t[2], tonumber(t[3]), tonumber(t[4])
local fkey = p .. 'fam:' .. fam
if redis.call('HGET', fkey, 'r') then state = REVOKED end
if state ~= ACTIVE then
  redis.call('HSET', fkey, 'r', 1)
  extend(fkey, exp, now)
  return {2, tonumber(user)}
end
if now >= exp then return {3, tonumber(user)} end
redis.call('HSET', okey, 's', ROTATED)
redis.call('EXPIREAT', okey, nexp)
local nkey = p .. 'rt:' .. new
redis.call('HSET', nkey, 'u', user, 'f', fam, 's', ACTIVE, 'e', nexp)
redis.call('EXPIREAT', nkey, nexp)
if tonumber(redis.call('HGET', fkey, 'e') or '0') < nexp then redis.call('HSET', fkey, 'e', nexp) end
extend(fkey, nexp, now)
extend(p .. 'uf:' .. user, nexp, now)
return {1, tonumber(user)}
)";

constexpr const char* kRevokeLua = R"(
local key = ARGV[1] .. 'rt:' .. ARGV[2]
local s = redis.call('HGET', key, 's')
if not s or tonumber(s) == REVOKED then return 0 end
redis.call('HSET', key, 's', REVOKED)
return 1
)";

constexpr const char* kRevokeAllLua = R"(
local ukey = ARGV[1] .. 'uf:' .. ARGV[2]
for _, fam in ipairs(redis.call('SMEMBERS', ukey)) do
  local fkey = ARGV[1] .. 'fam:' .. fam
  if redis.call('EXISTS', fkey) == 1 then redis.call('HSET', fkey, 'r', 1) end
end
redis.call('DEL', ukey)
return 1
)";

// Attempt limits: la:<key> = sorted set of events scored by time (a sliding
// window). Counting and adding are one script, so parallel reservations on any
// number of instances never overshoot the limit. Returns {1, 0} when granted,
// {0, time of the oldest event in the window} when refused.
constexpr const char* kReserveLua = R"(
local key, now, window, limit = ARGV[1] .. 'la:' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, tonumber(first[2] or now)}
end
redis.call('ZADD', key, now, ARGV[6])
if redis.call('TTL', key) < window + 1 then redis.call('EXPIRE', key, window + 1) end
return {1, 0}
)";

// Events of one key at one second are interchangeable: any one of them goes.
constexpr const char* kReleaseLua = R"(
local key, at = ARGV[1] .. 'la:' .. ARGV[2], ARGV[3]
local found = redis.call('ZRANGEBYSCORE', key, at, at, 'LIMIT', 0, 1)
if found[1] then redis.call('ZREM', key, found[1]) end
return 1
)";

// The token scripts name the states as the C++ code does (TokenState), never as bare numbers.
const std::string kTokenStatesLua = "local ACTIVE, ROTATED, REVOKED = " +
                                    std::to_string(static_cast<int>(TokenState::Active)) + ", " +
                                    std::to_string(static_cast<int>(TokenState::Rotated)) + ", " +
                                    std::to_string(static_cast<int>(TokenState::Revoked)) + "\n";

// Idempotency keys: idem:<hash> = {f: fingerprint, s: started at, r: stored answer once done},
// expiring with the key's 24 h (Redis prunes them). Replies: {0} started, {1} in flight,
// {2} mismatch, {3, answer} completed.
constexpr const char* kClaimLua = R"(
local key, fp, now, ttl, stale = ARGV[1] .. 'idem:' .. ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local v = redis.call('HMGET', key, 'f', 's', 'r')
if v[1] then
  if v[1] ~= fp then return {2} end
  if v[3] then return {3, v[3]} end
  if tonumber(v[2]) > now - stale then return {1} end
end
redis.call('DEL', key)
redis.call('HSET', key, 'f', fp, 's', now)
redis.call('EXPIRE', key, ttl)
return {0}
)";

constexpr const char* kCompleteLua = R"(
local key = ARGV[1] .. 'idem:' .. ARGV[2]
if redis.call('EXISTS', key) == 1 then redis.call('HSET', key, 'r', ARGV[3]) end
return 0
)";

constexpr const char* kForgetLua = R"(
local key = ARGV[1] .. 'idem:' .. ARGV[2]
if redis.call('HEXISTS', key, 'r') == 0 then redis.call('DEL', key) end
return 0
)";

std::vector<std::string> eval(const char* script, std::initializer_list<std::string> args, bool with_extend = false) {
  std::vector<std::string> argv{"EVAL", kTokenStatesLua + (with_extend ? kExtendLua : "") + script, "0", kPrefix};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::int64_t integer_at(const redisReply* r, std::size_t i) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements <= i || r->element[i]->type != REDIS_REPLY_INTEGER)
    throw std::runtime_error("unexpected reply");
  return r->element[i]->integer;
}

// A member that is unique per failure (two failures in one second are two).
std::string unique_member(std::int64_t now) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%lld:%016llx", static_cast<long long>(now),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

void ReplyDeleter::operator()(redisReply* r) const { freeReplyObject(r); }

RedisEndpoint parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0) throw std::runtime_error("JOGTRACK_REDIS_URL: expected redis://host:port/db");
  RedisEndpoint ep;
  std::string rest = url.substr(scheme.size());
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    const std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (auto colon = userinfo.find(':'); colon != std::string::npos) {
      ep.user = userinfo.substr(0, colon);
      ep.password = userinfo.substr(colon + 1);
    } else {
      ep.password = userinfo;
    }
  }
  std::string hostport = rest, db;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    hostport = rest.substr(0, slash);
    db = rest.substr(slash + 1);
  }
  std::string port;
  if (!hostport.empty() && hostport.front() == '[') {
    const auto close = hostport.find(']');
    if (close == std::string::npos) throw std::runtime_error("JOGTRACK_REDIS_URL: bad host");
    ep.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size() && hostport[close + 1] == ':') port = hostport.substr(close + 2);
  } else if (auto colon = hostport.rfind(':'); colon != std::string::npos) {
    ep.host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  } else if (!hostport.empty()) {
    ep.host = hostport;
  }
  const auto number = [](const std::string& text, int lo, int hi, const char* what) {
    try {
      std::size_t used = 0;
      const int v = std::stoi(text, &used);
      if (used == text.size() && v >= lo && v <= hi) return v;
    } catch (const std::exception&) {
    }
    throw std::runtime_error(std::string("JOGTRACK_REDIS_URL: bad ") + what);
  };
  if (!port.empty()) ep.port = number(port, 1, 65535, "port");
  if (!db.empty()) ep.db = number(db, 0, 1 << 20, "database number");
  if (ep.host.empty()) throw std::runtime_error("JOGTRACK_REDIS_URL: missing host");
  return ep;
}

// ---- the pool -----------------------------------------------------------------

void RedisPool::log_error(const char* operation, const std::string& message) const {
  if (log_) log_->error("redis error in {}: {}", operation, message);
}

RedisPool::RedisPool(const std::string& url, std::size_t size, Logger log)
    : log_(std::move(log)), endpoint_(parse_redis_url(url)), size_(std::max<std::size_t>(1, size)) {
  std::string error;
  redisContext* c = connect(error);
  if (c == nullptr)
    throw std::runtime_error("cannot connect to Redis at " + endpoint_.host + ":" + std::to_string(endpoint_.port) +
                             ": " + error);
  ++open_;
  release(c, false);
}

RedisPool::~RedisPool() {
  for (auto* c : idle_) redisFree(c);
}

redisContext* RedisPool::connect(std::string& error) {
  redisContext* c = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, kConnectTimeout);
  if (c == nullptr) {
    error = "out of memory";
    return nullptr;
  }
  const auto fail = [&](std::string why) -> redisContext* {
    error = std::move(why);
    redisFree(c);
    return nullptr;
  };
  if (c->err != 0) return fail(c->errstr);
  if (redisSetTimeout(c, kCommandTimeout) != REDIS_OK) return fail("cannot set the command timeout");
  const auto run = [&](std::vector<std::string> argv) -> std::string {
    std::vector<const char*> ptrs;
    std::vector<std::size_t> lens;
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    RedisReply r(static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data())));
    if (!r) return c->errstr;
    if (r->type == REDIS_REPLY_ERROR) return r->str ? r->str : "error";
    return "";
  };
  if (!endpoint_.password.empty()) {
    auto why = endpoint_.user.empty() ? run({"AUTH", endpoint_.password})
                                      : run({"AUTH", endpoint_.user, endpoint_.password});
    if (!why.empty()) return fail("authentication failed");
  }
  if (endpoint_.db != 0) {
    if (auto why = run({"SELECT", std::to_string(endpoint_.db)}); !why.empty()) return fail(why);
  }
  if (auto why = run({"PING"}); !why.empty()) return fail(why);
  return c;
}

redisContext* RedisPool::acquire(const char* operation) {
  std::unique_lock lock(mutex_);
  if (!available_.wait_for(lock, kLeaseTimeout, [&] { return !idle_.empty() || open_ < size_; })) {
    log_error(operation, "no free connection");
    unavailable();
  }
  redisContext* c = nullptr;
  if (!idle_.empty()) {
    c = idle_.back();
    idle_.pop_back();
  } else {
    ++open_;
  }
  lock.unlock();
  if (c != nullptr && !idle_connection_looks_broken(c)) return c;
  if (c != nullptr) redisFree(c);
  std::string error;
  c = connect(error);
  if (c == nullptr) {
    lock.lock();
    --open_;
    lock.unlock();
    available_.notify_one();
    log_error(operation, "cannot connect: " + error);
    unavailable();
  }
  return c;
}

void RedisPool::release(redisContext* c, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken) {
      redisFree(c);
      --open_;
    } else {
      idle_.push_back(c);
    }
  }
  available_.notify_one();
}

RedisReply RedisPool::command(const char* operation, const std::vector<std::string>& argv, bool idempotent) {
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  for (int attempt = 0;; ++attempt) {
    redisContext* c = acquire(operation);
    RedisReply reply(
        static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data())));
    if (!reply) {
      // I/O error or timeout: the connection is unusable.
      const std::string error = c->errstr;
      release(c, true);
      log_error(operation, error);
      if (attempt == 0 && idempotent) continue;
      unavailable();
    }
    release(c, false);
    if (reply->type == REDIS_REPLY_ERROR) {
      log_error(operation, reply->str ? reply->str : "error");
      unavailable();
    }
    return reply;
  }
}

bool RedisPool::ping() {
  try {
    auto r = command("ping", {"PING"}, true);
    return r->type == REDIS_REPLY_STATUS;
  } catch (const ApiError&) {
    return false;
  }
}

// ---- refresh tokens -------------------------------------------------------------

void RedisTokenStore::save(const std::string& token_hash, std::int64_t user_id, const std::string& family,
                           std::int64_t expires_at, std::int64_t now) {
  pool_.command("save refresh token",
                eval(kSaveLua,
                     {token_hash, std::to_string(user_id), family, std::to_string(expires_at), std::to_string(now)},
                     true),
                true);  // the same values again change nothing
}

RotateResult RedisTokenStore::rotate(const std::string& old_hash, const std::string& new_hash,
                                     std::int64_t new_expires_at, std::int64_t now) {
  auto r = pool_.command(
      "rotate refresh token",
      eval(kRotateLua, {old_hash, new_hash, std::to_string(new_expires_at), std::to_string(now)}, true), false);
  try {
    static constexpr RotateOutcome outcomes[] = {RotateOutcome::Unknown, RotateOutcome::Rotated,
                                                 RotateOutcome::Reused, RotateOutcome::Expired};
    const auto code = integer_at(r.get(), 0);
    if (code < 0 || code > 3) throw std::runtime_error("unexpected reply");
    return RotateResult{outcomes[code], integer_at(r.get(), 1)};
  } catch (const std::runtime_error& e) {
    pool_.log_error("rotate refresh token", e.what());
    unavailable();
  }
}

bool RedisTokenStore::revoke(const std::string& token_hash) {
  auto r = pool_.command("revoke refresh token", eval(kRevokeLua, {token_hash}), true);
  return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
}

void RedisTokenStore::revoke_all_for_user(std::int64_t user_id) {
  pool_.command("revoke user tokens", eval(kRevokeAllLua, {std::to_string(user_id)}), true);
}

// ---- login failures -------------------------------------------------------------

Reservation RedisAttemptStore::reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                                       std::int64_t window_seconds) {
  // A unique member per event: a retried command adds nothing twice.
  auto r = pool_.command("reserve attempt",
                         eval(kReserveLua, {key, std::to_string(now), std::to_string(window_seconds),
                                            std::to_string(limit), unique_member(now)}),
                         true);
  try {
    return Reservation{integer_at(r.get(), 0) == 1, integer_at(r.get(), 1)};
  } catch (const std::runtime_error& e) {
    pool_.log_error("reserve attempt", e.what());
    unavailable();
  }
}

void RedisAttemptStore::release(const std::string& key, std::int64_t at) {
  // Not retried: run twice it would give back two events.
  pool_.command("release attempt", eval(kReleaseLua, {key, std::to_string(at)}), false);
}

void RedisAttemptStore::clear(const std::string& key) {
  pool_.command("clear login failures", {"DEL", std::string(kPrefix) + "la:" + key}, true);
}

// ---- idempotency keys -----------------------------------------------------------

IdempotencyClaim RedisIdempotencyStore::claim(const std::string& key_hash, const std::string& fingerprint,
                                              std::int64_t now, std::int64_t ttl_seconds,
                                              std::int64_t stale_seconds) {
  // Not retried: a lost reply to a claim that started would turn the retry into "in flight".
  auto r = pool_.command("claim idempotency key",
                         eval(kClaimLua, {key_hash, fingerprint, std::to_string(now), std::to_string(ttl_seconds),
                                          std::to_string(stale_seconds)}),
                         false);
  try {
    switch (integer_at(r.get(), 0)) {
      case 0: return {ClaimOutcome::Started, {}};
      case 1: return {ClaimOutcome::InFlight, {}};
      case 2: return {ClaimOutcome::Mismatch, {}};
      case 3: {
        if (r->elements < 2 || r->element[1]->type != REDIS_REPLY_STRING) break;
        const redisReply* answer = r->element[1];
        return {ClaimOutcome::Completed, std::string(answer->str, answer->len)};
      }
      default: break;
    }
    throw std::runtime_error("unexpected reply");
  } catch (const std::runtime_error& e) {
    pool_.log_error("claim idempotency key", e.what());
    unavailable();
  }
}

void RedisIdempotencyStore::complete(const std::string& key_hash, const std::string& response) {
  pool_.command("complete idempotency key", eval(kCompleteLua, {key_hash, response}), true);
}

void RedisIdempotencyStore::release(const std::string& key_hash) {
  pool_.command("release idempotency key", eval(kForgetLua, {key_hash}), true);
}

}  // namespace jogtrack::storage
