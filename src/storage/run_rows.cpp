#include "storage/run_rows.h"

#include <stdexcept>

namespace jogtrack::storage {

RunRecord RunRow::take() {
  const auto day = parse_date(date);
  if (!day) throw std::runtime_error("run " + std::to_string(record.result_id) + " has an unreadable date");
  record.date = *day;
  record.condition = weather::StoredCondition::from_json(std::move(condition));
  return std::move(record);
}

}  // namespace jogtrack::storage
