// Every field /users can be filtered or sorted on has a column in storage.
#include <gtest/gtest.h>

#include "storage/list_sql.h"
#include "users/account_service.h"

namespace jogtrack {
namespace {

TEST(ListColumns, EveryUserFieldIsStored) {
  for (const auto& f : users::user_schema().fields())
    EXPECT_TRUE(storage::user_columns().has(f.name)) << f.name;
  EXPECT_NE(users::user_schema().find(users::kDefaultUserSort), nullptr);
}

}  // namespace
}  // namespace jogtrack
