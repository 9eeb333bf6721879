#include "storage/count_caching_run_store.h"

#include <cstring>
#include <functional>

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
      key += 'i';
      key += std::to_string(*i);
    } else if (auto* d = std::get_if<double>(&value)) {
      // The exact bits: two doubles that print alike may still count apart.
      char bytes[sizeof(double)];
      std::memcpy(bytes, d, sizeof bytes);
      key += 'd';
      key.append(bytes, sizeof bytes);
    } else {
      key += 's';
      key += std::get<std::string>(value);
    }
  }
  return key;
}

namespace {

// known given (a cache further out): passed on as is. Otherwise the cached
// total under `key`, and a counted total is remembered.
template <class Read>
auto cached_total(CountCache& totals, const std::optional<KnownTotal>& known, Read&& read,
                  const std::function<std::string()>& key_of) {
  if (known) return read(known);
  const std::string key = key_of();
  auto result = read(totals.latest(key));
  if (result.counted && result.runs_version) totals.store(key, *result.runs_version, result.page.total);
  return result;
}

}  // namespace

VersionedRunPage CountCachingRunStore::list_versioned(std::int64_t owner, const ListRequest& request,
                                                      const std::optional<KnownTotal>& known) {
  return cached_total(
      totals_, known, [&](const std::optional<KnownTotal>& k) { return inner_->list_versioned(owner, request, k); },
      [&] { return totals_key(owner, request); });
}

VersionedPage<WeekRow> CountCachingRunStore::weekly_versioned(std::int64_t owner, const ListRequest& request,
                                                              const std::optional<KnownTotal>& known) {
  // Weeks, not runs: the same filter counts something else, so its own keys.
  return cached_total(
      totals_, known, [&](const std::optional<KnownTotal>& k) { return inner_->weekly_versioned(owner, request, k); },
      [&] { return "w" + totals_key(owner, request); });
}

std::unique_ptr<RunStore> count_caching_run_store(std::unique_ptr<RunStore> inner, std::size_t max_entries,
                                                  std::size_t max_key_bytes) {
  return std::make_unique<CountCachingRunStore>(std::move(inner), max_entries, max_key_bytes);
}

}  // namespace jogtrack::storage
