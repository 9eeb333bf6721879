// Values bound to SQL statements as parameters (never spliced into SQL text).
#pragma once
#include <cstdint>
#include <string>
#include <variant>

namespace jogtrack {

using SqlValue = std::variant<std::int64_t, double, std::string>;

}  // namespace jogtrack
