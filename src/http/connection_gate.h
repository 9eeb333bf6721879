// Counts open client connections against a cap and parks the acceptor while the cap is reached.
#pragma once
#include <cstddef>
#include <functional>
#include <mutex>

#include "http/connection_stats.h"

namespace jogtrack::http {

// Thread-safe. One acceptor asks before each accept; connections report
// their creation and destruction from any thread (RESTinio's
// connection_lifetime_monitor_t calls the two *_parallel_connections methods,
// hence their names).
class ConnectionGate {
 public:
  // max_connections >= 1. stats, when given, is updated (open, max,
  // accepts_deferred) and must outlive the gate; otherwise the gate keeps its own.
  ConnectionGate(std::size_t max_connections, ConnectionStats* stats = nullptr);
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  // Called by the acceptor once, before accepting starts (and with an empty
  // function when it closes). When a parked acceptor may go on, the gate
  // calls it from the thread that closed a connection, under the gate's lock:
  // it must only schedule work (e.g. asio::post), never call back into the gate.
  void on_resume(std::function<void()> resume);

  // True: accept one connection now. False: the cap is reached; the acceptor
  // must stop until on_resume's function is called.
  bool try_admit();

  void increment_parallel_connections() noexcept;
  void decrement_parallel_connections() noexcept;

  std::size_t open() const;
  std::size_t max() const { return max_; }
  // Where the acceptor counts its failed accepts too.
  ConnectionStats& stats() { return stats_; }

 private:
  const std::size_t max_;
  ConnectionStats own_stats_;
  ConnectionStats& stats_;
  mutable std::mutex mu_;
  std::size_t open_ = 0;  // guarded by mu_
  bool parked_ = false;   // guarded by mu_
  std::function<void()> resume_;  // guarded by mu_
};

}  // namespace jogtrack::http
