// fd_budget: the descriptors reserved for everything but clients, and the derived connection cap.
#include "http/fd_budget.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

namespace jogtrack::http {
namespace {

TEST(FdBudget, ReserveGrowsWithWhatTheProcessHolds) {
  FdNeeds base;
  FdNeeds sqlite{6, true, 0, 4};
  FdNeeds postgres{6, false, 6, 4};
  EXPECT_GT(reserved_descriptors(sqlite), reserved_descriptors(base));
  EXPECT_GE(reserved_descriptors(sqlite), reserved_descriptors(base) + 2 * 6 + 1 + 4);
  EXPECT_GE(reserved_descriptors(postgres), reserved_descriptors(base) + 6 + 6 + 4);
}

TEST(FdBudget, DefaultIsTheLimitMinusTheReserveWithAFloor) {
  const FdNeeds needs{6, true, 0, 4};
  const std::size_t reserve = reserved_descriptors(needs);
  EXPECT_EQ(default_max_connections(1024, needs), 1024 - reserve);
  EXPECT_EQ(default_max_connections(65536, needs), 65536 - reserve);
  EXPECT_EQ(default_max_connections(reserve, needs), kMinConnections);
  EXPECT_EQ(default_max_connections(16, needs), kMinConnections);
  EXPECT_LE(default_max_connections(~std::uint64_t{0}, needs), 1'000'000u);  // RLIM_INFINITY
}

TEST(FdBudget, RaisesTheSoftLimitToTheHardOne) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  const std::uint64_t now = raise_open_files_limit();
  rlimit after{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(after.rlim_cur, after.rlim_max);
  if (after.rlim_cur != RLIM_INFINITY) {
    EXPECT_EQ(now, after.rlim_cur);
  }
  EXPECT_GE(after.rlim_cur, before.rlim_cur);
}

}  // namespace
}  // namespace jogtrack::http
