// BoundedExecutor: bounded queue, refusal instead of waiting, FIFO, join and abandon.
#include "http/bounded_executor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <vector>

namespace jogtrack::http {
namespace {

using namespace std::chrono_literals;

// Holds every task that calls wait() until open().
class Gate {
 public:
  void wait() { opened_.wait(); }
  void open() { promise_.set_value(); }

 private:
  std::promise<void> promise_;
  std::shared_future<void> opened_ = promise_.get_future().share();
};

// Waits (bounded) until pred() holds.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

TEST(BoundedExecutor, RunsAcceptedTasks) {
  std::atomic<int> ran{0};
  {
    BoundedExecutor ex("test", 2, 16);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(ex.try_submit([&] { ran.fetch_add(1); }));
  }  // the destructor joins after running the queue
  EXPECT_EQ(ran.load(), 10);
}

TEST(BoundedExecutor, RefusesAtOnceWhenThreadsAndQueueAreFull) {
  Gate gate;
  std::atomic<int> started{0};
  BoundedExecutor ex("test", 2, 3);
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(ex.try_submit([&] {
      started.fetch_add(1);
      gate.wait();
    }));
  ASSERT_TRUE(eventually([&] { return started.load() == 2; }));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(ex.try_submit([] {})) << i;
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ex.try_submit([] {}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);  // refused, not made to wait
  EXPECT_EQ(ex.queued(), 3u);
  gate.open();
  EXPECT_TRUE(eventually([&] { return ex.queued() == 0; }));
  EXPECT_TRUE(ex.try_submit([] {}));  // room again
}

TEST(BoundedExecutor, ZeroCapacityAcceptsOnlyWhatAnIdleThreadCanTake) {
  Gate gate;
  std::atomic<bool> started{false};
  BoundedExecutor ex("test", 1, 0);
  ASSERT_TRUE(ex.try_submit([&] {
    started = true;
    gate.wait();
  }));
  ASSERT_TRUE(eventually([&] { return started.load(); }));
  EXPECT_FALSE(ex.try_submit([] {}));
  gate.open();
  EXPECT_TRUE(eventually([&] { return ex.try_submit([] {}); }));
}

TEST(BoundedExecutor, OneThreadRunsTasksInSubmissionOrder) {
  std::mutex mu;
  std::vector<int> order;
  {
    Gate gate;
    BoundedExecutor ex("test", 1, 100);
    ASSERT_TRUE(ex.try_submit([&] { gate.wait(); }));
    for (int i = 0; i < 50; ++i)
      ASSERT_TRUE(ex.try_submit([&, i] {
        std::lock_guard lock(mu);
        order.push_back(i);
      }));
    gate.open();
  }
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
}

TEST(BoundedExecutor, NeverRunsMoreTasksAtOnceThanItHasThreads) {
  std::atomic<int> running{0}, peak{0};
  {
    BoundedExecutor ex("test", 3, 200);
    for (int i = 0; i < 60; ++i)
      ASSERT_TRUE(ex.try_submit([&] {
        const int now = running.fetch_add(1) + 1;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(1ms);
        running.fetch_sub(1);
      }));
  }
  EXPECT_LE(peak.load(), 3);
  EXPECT_GE(peak.load(), 2);
}

TEST(BoundedExecutor, ATaskThatThrowsDoesNotStopItsThread) {
  std::atomic<int> ran{0};
  {
    BoundedExecutor ex("test", 1, 8);
    ASSERT_TRUE(ex.try_submit([] { throw std::runtime_error("boom"); }));
    ASSERT_TRUE(ex.try_submit([&] { ran.fetch_add(1); }));
  }
  EXPECT_EQ(ran.load(), 1);
}

TEST(BoundedExecutor, JoinRefusesNewWork) {
  BoundedExecutor ex("test", 1, 8);
  ex.join();
  EXPECT_FALSE(ex.try_submit([] {}));
  ex.join();  // idempotent
}

TEST(BoundedExecutor, AbandonLeavesTheQueueAndDoesNotWait) {
  auto gate = std::make_shared<Gate>();
  auto started = std::make_shared<std::atomic<bool>>(false);
  auto queued_ran = std::make_shared<std::atomic<bool>>(false);
  // Never destroyed, as the contract asks; kept reachable from a static (itself
  // never destroyed) so LeakSanitizer does not count it, even with --gtest_repeat.
  static auto* const kept = new std::vector<BoundedExecutor*>();
  auto* ex = kept->emplace_back(new BoundedExecutor("test", 1, 8));
  ASSERT_TRUE(ex->try_submit([gate, started] {
    *started = true;
    gate->wait();
  }));
  ASSERT_TRUE(ex->try_submit([queued_ran] { *queued_ran = true; }));
  ASSERT_TRUE(eventually([&] { return started->load(); }));
  const auto t0 = std::chrono::steady_clock::now();
  ex->abandon();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
  EXPECT_FALSE(ex->try_submit([] {}));
  gate->open();
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(queued_ran->load());
}

}  // namespace
}  // namespace jogtrack::http
