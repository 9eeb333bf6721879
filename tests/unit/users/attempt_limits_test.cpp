// The login throttle and the registration limit over an in-memory AttemptStore: which keys they
// reserve, what a success gives back, what a refusal leaves behind.
#include "users/attempt_limits.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "common/errors.h"

namespace jogtrack::users {
namespace {

// A sliding window per key, in memory; remembers every key it was asked about.
class MemoryAttempts : public storage::AttemptStore {
 public:
  storage::Reservation reserve(const std::string& key, std::int64_t limit, std::int64_t now,
                               std::int64_t window) override {
    keys.push_back(key);
    auto& events = events_[key];
    std::erase_if(events, [&](std::int64_t at) { return at <= now - window; });
    if (static_cast<std::int64_t>(events.size()) >= limit) return {false, events.front()};
    events.push_back(now);
    return {true, 0};
  }
  void release(const std::string& key, std::int64_t at) override {
    auto& events = events_[key];
    if (auto it = std::find(events.begin(), events.end(), at); it != events.end()) events.erase(it);
  }
  void clear(const std::string& key) override { events_.erase(key); }
  std::size_t count(const std::string& key) { return events_[key].size(); }

  std::vector<std::string> keys;

 private:
  std::map<std::string, std::vector<std::int64_t>> events_;
};

// 0 when let through, 429 when refused as too many attempts (the API's
// status for that kind), -1 for any other error.
int status_of(const std::function<void()>& f) {
  try {
    f();
    return 0;
  } catch (const ApiError& e) {
    return e.kind() == ErrorKind::TooManyAttempts ? 429 : -1;
  }
}

TEST(LoginThrottle, AWrongPasswordIsTheReservationItself) {
  MemoryAttempts store;
  const LoginThrottle throttle(store, ThrottlePolicy{900, 3, 100});
  for (int i = 0; i < 3; ++i) throttle.begin("Alice", "10.0.0.1", 1000 + i);
  EXPECT_EQ(store.count("user:alice"), 3u);  // case-insensitive, like usernames
  EXPECT_EQ(store.count("addr:10.0.0.1"), 3u);
  try {
    throttle.begin("alice", "10.0.0.1", 1010);
    FAIL() << "a fourth attempt was allowed";
  } catch (const ApiError& e) {
    EXPECT_EQ(e.kind(), ErrorKind::TooManyAttempts);
    EXPECT_EQ(e.retry_after(), 1000 + 900 - 1010);
  }
  // refused before any password check: the address is not charged for it
  EXPECT_EQ(store.count("addr:10.0.0.1"), 3u);
}

TEST(LoginThrottle, SuccessForgivesTheUsernameAndGivesBackTheAddressSlot) {
  MemoryAttempts store;
  const LoginThrottle throttle(store);
  throttle.begin("bob", "10.0.0.2", 1000);
  const auto attempt = throttle.begin("bob", "10.0.0.2", 1001);
  throttle.succeeded(attempt);
  EXPECT_EQ(store.count("user:bob"), 0u);
  EXPECT_EQ(store.count("addr:10.0.0.2"), 1u);  // the earlier failure still counts for the address
}

TEST(LoginThrottle, OverlongNamesShareOneBoundedKey) {
  MemoryAttempts store;
  const LoginThrottle throttle(store, ThrottlePolicy{900, 2, 100});
  throttle.begin(std::string(70'000, 'a'), "10.0.0.3", 1000);
  throttle.begin(std::string(65, 'b'), std::string(200, 'f'), 1000);
  for (const auto& key : store.keys) EXPECT_LE(key.size(), 80u) << key.substr(0, 80);
  EXPECT_EQ(status_of([&] { throttle.begin(std::string(100, 'c'), "10.0.0.4", 1001); }), 429);
  // a real username of the maximum length is its own key
  EXPECT_EQ(status_of([&] { throttle.begin(std::string(64, 'd'), "10.0.0.4", 1001); }), 0);
}

TEST(RegistrationLimit, CountsPerAddressPerHour) {
  MemoryAttempts store;
  const RegistrationLimit limit(store, 2);
  limit.reserve("10.0.0.5", 1000);
  limit.reserve("10.0.0.5", 1001);
  EXPECT_EQ(status_of([&] { limit.reserve("10.0.0.5", 1002); }), 429);
  EXPECT_EQ(status_of([&] { limit.reserve("10.0.0.6", 1002); }), 0);
  EXPECT_EQ(status_of([&] { limit.reserve("10.0.0.5", 1000 + 3600); }), 0);
}

TEST(RegistrationLimit, ZeroIsOff) {
  MemoryAttempts store;
  const RegistrationLimit limit(store, 0);
  for (int i = 0; i < 100; ++i) limit.reserve("10.0.0.7", 1000);
  EXPECT_TRUE(store.keys.empty());
}

}  // namespace
}  // namespace jogtrack::users
