#include "webapp/assets.h"

#include <algorithm>

namespace jogtrack::webapp {

const Asset* find_asset(std::string_view path) {
  const auto all = embedded_assets();
  const auto it = std::lower_bound(all.begin(), all.end(), path,
                                   [](const Asset& a, std::string_view p) { return a.path < p; });
  return it != all.end() && it->path == path ? &*it : nullptr;
}

}  // namespace jogtrack::webapp
