#include "storage/count_cache.h"

namespace jogtrack::storage {

std::optional<std::int64_t> CountCache::find(const std::string& key, std::int64_t version) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end() || it->second.runs_version != version) return std::nullopt;
  return it->second.total;
}

std::optional<KnownTotal> CountCache::latest(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void CountCache::store(const std::string& key, std::int64_t version, std::int64_t total) {
  std::lock_guard lock(mutex_);
  if (entries_.find(key) == entries_.end()) {
    if (entries_.size() >= max_entries_ || key_bytes_ + key.size() > max_key_bytes_) {
      entries_.clear();
      key_bytes_ = 0;
    }
    key_bytes_ += key.size();
  }
  entries_[key] = KnownTotal{version, total};
}

std::size_t CountCache::size() {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace jogtrack::storage
