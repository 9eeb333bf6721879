#include "storage/count_caching_run_store.h"

#include <cstring>

#include "storage/list_sql.h"

namespace jogtrack::storage {

std::string totals_key(std::int64_t owner, const ListRequest& request) {
  std::string key = std::to_string(owner);
  key += '\x1f';
  if (!request.filter) return key;
  append_shape(key, *request.filter);
  std::vector<SqlValue> values;
  append_filter_values(values, *request.filter);
  for (const auto& value : values) {
    key += '\x1f';
    if (auto* i = std::get_if<std::int64_t>(&value)) {
      key += "i" + std::to_string(*i);
    } else if (auto* d = std::get_if<double>(&value)) {
      // The exact bits: two doubles that print alike may still count apart.
      char bytes[sizeof(double)];
      std::memcpy(bytes, d, sizeof bytes);
      key += "d";
      key.append(bytes, sizeof bytes);
    } else {
      key += "s" + std::get<std::string>(value);
    }
  }
  return key;
}

VersionedRunPage CountCachingRunStore::list_versioned(std::int64_t owner, const ListRequest& request,
                                                      const std::optional<KnownTotal>& known) {
  if (known) return inner_->list_versioned(owner, request, known);
  const std::string key = totals_key(owner, request);
  auto read = inner_->list_versioned(owner, request, totals_.latest(key));
  if (read.counted && read.runs_version) totals_.store(key, *read.runs_version, read.page.total);
  return read;
}

std::unique_ptr<RunStore> count_caching_run_store(std::unique_ptr<RunStore> inner, std::size_t max_entries,
                                                  std::size_t max_key_bytes) {
  return std::make_unique<CountCachingRunStore>(std::move(inner), max_entries, max_key_bytes);
}

}  // namespace jogtrack::storage
