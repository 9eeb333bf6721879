// ConnectionGate: the cap, parking at it, resuming when a connection closes, and the counters.
#include "http/connection_gate.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace jogtrack::http {
namespace {

TEST(ConnectionGate, AdmitsUpToTheCapThenParksUntilOneCloses) {
  ConnectionStats stats;
  ConnectionGate gate(2, &stats);
  int resumed = 0;
  gate.on_resume([&resumed] { ++resumed; });
  EXPECT_EQ(stats.max.load(), 2u);

  ASSERT_TRUE(gate.try_admit());
  gate.increment_parallel_connections();
  ASSERT_TRUE(gate.try_admit());
  gate.increment_parallel_connections();
  EXPECT_EQ(stats.open.load(), 2u);

  EXPECT_FALSE(gate.try_admit());
  EXPECT_FALSE(gate.try_admit());  // still the same pause
  EXPECT_EQ(stats.accepts_deferred.load(), 1u);
  EXPECT_EQ(resumed, 0);

  gate.decrement_parallel_connections();
  EXPECT_EQ(resumed, 1);
  EXPECT_EQ(stats.open.load(), 1u);
  gate.decrement_parallel_connections();  // not parked any more: no second resume
  EXPECT_EQ(resumed, 1);
  EXPECT_TRUE(gate.try_admit());
}

TEST(ConnectionGate, NoResumeWithoutAPauseOrAfterTheAcceptorLeft) {
  ConnectionGate gate(1);
  int resumed = 0;
  gate.on_resume([&resumed] { ++resumed; });
  ASSERT_TRUE(gate.try_admit());
  gate.increment_parallel_connections();
  gate.decrement_parallel_connections();
  EXPECT_EQ(resumed, 0);

  gate.increment_parallel_connections();
  EXPECT_FALSE(gate.try_admit());
  gate.on_resume({});  // the acceptor closed
  gate.decrement_parallel_connections();
  EXPECT_EQ(resumed, 0);
  EXPECT_EQ(gate.open(), 0u);
}

TEST(ConnectionGate, CountsStayExactUnderConcurrentCloses) {
  ConnectionStats stats;
  ConnectionGate gate(1000, &stats);
  for (int i = 0; i < 800; ++i) gate.increment_parallel_connections();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&gate] {
      for (int i = 0; i < 200; ++i) gate.decrement_parallel_connections();
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(gate.open(), 0u);
  EXPECT_EQ(stats.open.load(), 0u);
}

}  // namespace
}  // namespace jogtrack::http
