// Every field the services let clients filter or sort on has a column in
// storage (the schema lives with the service, the column map with storage).
#include <gtest/gtest.h>

#include "reports/weekly_report.h"
#include "runs/run_service.h"
#include "storage/list_sql.h"

namespace jogtrack {
namespace {

TEST(ListColumns, EveryRunFieldIsStored) {
  for (const auto& f : runs::run_schema(true).fields())
    EXPECT_TRUE(storage::run_columns().has(f.name)) << f.name;
}

TEST(ListColumns, EveryWeekSortFieldIsStoredBothWays) {
  for (const auto& f : reports::week_sort_schema().fields()) {
    EXPECT_TRUE(storage::week_group_columns().has(f.name)) << f.name;
    EXPECT_TRUE(storage::week_totals_columns().has(f.name)) << f.name;
  }
}

}  // namespace
}  // namespace jogtrack
