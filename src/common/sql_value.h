// Values bound to SQL statements as parameters (never spliced into SQL text).
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace jogtrack {

using SqlValue = std::variant<std::int64_t, double, std::string>;

// A fragment of SQL with named placeholders (":p0", ":p1", ...) and the values
// to bind to them, in order.
struct SqlFragment {
  std::string sql;
  std::vector<std::pair<std::string, SqlValue>> params;
};

}  // namespace jogtrack
