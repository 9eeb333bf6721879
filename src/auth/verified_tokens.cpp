#include "auth/verified_tokens.h"

#include <utility>

namespace jogtrack::auth {

std::shared_ptr<const AuthenticToken> VerifiedTokens::find(std::string_view token) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(token);
  return it == entries_.end() ? nullptr : it->second;
}

void VerifiedTokens::store(std::string_view token, std::shared_ptr<const AuthenticToken> entry, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) {
    std::erase_if(entries_, [now](const auto& kv) { return now >= kv.second->claims.expires_at; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(std::string(token), std::move(entry));
}

std::size_t VerifiedTokens::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace jogtrack::auth
