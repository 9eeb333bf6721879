#include "runs/run_schema.h"

#include <vector>

namespace jogtrack::runs {

namespace {

std::vector<filter::Field> common_fields() {
  using filter::FieldType;
  return {
      {"result_id", FieldType::Integer},
      {"date", FieldType::Date},
      {"distance", FieldType::Integer},
      {"time", FieldType::Integer},
      {"speed", FieldType::Real},
      {"location", FieldType::Text},
      {"temperature_max", FieldType::Real},
      {"temperature_min", FieldType::Real},
      {"precipitation", FieldType::Real},
      {"wind_speed", FieldType::Real},
      {"weather_code", FieldType::Integer},
      {"created_at", FieldType::Timestamp},
  };
}

}  // namespace

const filter::Schema& run_schema(bool admin) {
  static const filter::Schema user_table(common_fields());
  static const filter::Schema admin_table([] {
    auto fields = common_fields();
    fields.push_back({"user_id", filter::FieldType::Integer});
    return fields;
  }());
  return admin ? admin_table : user_table;
}

}  // namespace jogtrack::runs
