// Typed list requests for the storage list tests, parsed from query-string
// text against schemas that spell fields as the services' schemas do (only
// names and types matter to storage).
#pragma once
#include <string_view>

#include "filter/filter.h"
#include "storage/storage.h"

namespace jogtrack::storage::test_lists {

inline const filter::Schema& runs() {
  using filter::FieldType;
  static const filter::Schema s({{"result_id", FieldType::Integer},
                                 {"user_id", FieldType::Integer},
                                 {"date", FieldType::Date},
                                 {"distance", FieldType::Integer},
                                 {"speed", FieldType::Real},
                                 {"created_at", FieldType::Timestamp}});
  return s;
}
inline const filter::Schema& weeks() {
  using filter::FieldType;
  static const filter::Schema s({{"week", FieldType::Integer},
                                 {"runs", FieldType::Integer},
                                 {"total_distance", FieldType::Integer},
                                 {"total_time", FieldType::Integer},
                                 {"average_speed", FieldType::Real},
                                 {"average_distance", FieldType::Real}});
  return s;
}
inline const filter::Schema& users() {
  using filter::FieldType;
  static const filter::Schema s({{"user_id", FieldType::Integer}, {"role", FieldType::Text}});
  return s;
}

// sort_schema: where the sort fields differ from the filter's (the weekly
// report). The page holds 100, more than any test stores.
inline ListRequest request(const filter::Schema& schema, std::string_view filter, std::string_view sort,
                           std::string_view default_sort, const filter::Schema* sort_schema = nullptr) {
  ListRequest r;
  if (!filter.empty()) r.filter = filter::parse_filter(filter, schema);
  r.sort = filter::parse_sort(sort, sort_schema ? *sort_schema : schema, default_sort);
  r.count = 100;
  return r;
}

}  // namespace jogtrack::storage::test_lists
