#include "http/fd_budget.h"

#include <sys/resource.h>

#include <algorithm>

namespace jogtrack::http {
namespace {

// stdio, the listening socket, epoll, eventfd, timerfd, the signal pipe, log
// files, and room for what libraries open briefly (resolv.conf, /dev/urandom).
constexpr std::size_t kBaseDescriptors = 32;
// libcurl keeps one connection per Open-Meteo host (forecast, archive) on
// each thread's handle, plus its threaded resolver's socket pair while a name
// is looked up.
constexpr std::size_t kPerWeatherThread = 3;
// Beyond this the default is not a useful bound (RLIM_INFINITY, huge hard limits).
constexpr std::uint64_t kMaxDefault = 1'000'000;

}  // namespace

std::uint64_t raise_open_files_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return kMaxDefault;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
  }
  return lim.rlim_cur == RLIM_INFINITY ? kMaxDefault : static_cast<std::uint64_t>(lim.rlim_cur);
}

std::size_t reserved_descriptors(const FdNeeds& needs) {
  const std::size_t per_db = needs.sqlite ? 2 : 1;
  return kBaseDescriptors + needs.database_connections * per_db + (needs.sqlite ? 1 : 0) +
         needs.redis_connections + needs.weather_threads * kPerWeatherThread;
}

std::size_t default_max_connections(std::uint64_t open_files_limit, const FdNeeds& needs) {
  const std::uint64_t limit = std::min(open_files_limit, kMaxDefault);
  const std::uint64_t reserve = reserved_descriptors(needs);
  if (limit <= reserve + kMinConnections) return kMinConnections;
  return static_cast<std::size_t>(limit - reserve);
}

}  // namespace jogtrack::http
