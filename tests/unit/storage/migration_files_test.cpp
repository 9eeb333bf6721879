// The compiled-in migration files: versions 1..N without gaps, each with a
// copy for both dialects (shared or one per dialect), statements ending in ';'.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "storage/migration_files.h"

namespace jogtrack::storage {
namespace {

TEST(MigrationFiles, EveryVersionHasBothDialects) {
  std::map<int, std::string> dialects;  // version -> "s", "p" or "sp"
  for (const auto& f : migration_files()) {
    const std::string name(f.name);
    ASSERT_GE(name.size(), 8u) << name;
    const int version = std::stoi(name.substr(0, 3));
    ASSERT_GT(version, 0) << name;
    if (name.ends_with(".sqlite.sql"))
      dialects[version] += "s";
    else if (name.ends_with(".postgres.sql"))
      dialects[version] += "p";
    else
      dialects[version] += "sp";
    EXPECT_NE(f.text.find(";\n"), std::string_view::npos) << name;
  }
  ASSERT_FALSE(dialects.empty());
  int expected = 1;
  for (const auto& [version, which] : dialects) {
    EXPECT_EQ(version, expected++);
    EXPECT_TRUE(which == "sp" || which == "ps") << version << ": " << which;
  }
}

}  // namespace
}  // namespace jogtrack::storage
