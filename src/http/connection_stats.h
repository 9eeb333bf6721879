// Counters about client connections that the acceptor keeps and /metrics shows (no RESTinio here).
#pragma once
#include <atomic>
#include <cstdint>

namespace jogtrack::http {

struct ConnectionStats {
  std::atomic<std::uint64_t> open{0};              // client connections open now
  std::atomic<std::uint64_t> max{0};               // the cap (JOGTRACK_MAX_CONNECTIONS)
  std::atomic<std::uint64_t> accept_errors{0};     // accept() failures (EMFILE, ENFILE, ENOBUFS, ...)
  std::atomic<std::uint64_t> accepts_deferred{0};  // times accepting paused at the cap
};

}  // namespace jogtrack::http
