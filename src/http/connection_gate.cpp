#include "http/connection_gate.h"

#include <algorithm>

namespace jogtrack::http {

ConnectionGate::ConnectionGate(std::size_t max_connections, ConnectionStats* stats)
    : max_(std::max<std::size_t>(1, max_connections)), stats_(stats ? *stats : own_stats_) {
  stats_.max.store(max_, std::memory_order_relaxed);
}

void ConnectionGate::on_resume(std::function<void()> resume) {
  std::lock_guard lock(mu_);
  resume_ = std::move(resume);
}

bool ConnectionGate::try_admit() {
  std::lock_guard lock(mu_);
  if (open_ < max_) return true;
  if (!parked_) stats_.accepts_deferred.fetch_add(1, std::memory_order_relaxed);
  parked_ = true;
  return false;
}

void ConnectionGate::increment_parallel_connections() noexcept {
  std::lock_guard lock(mu_);
  ++open_;
  stats_.open.store(open_, std::memory_order_relaxed);
}

void ConnectionGate::decrement_parallel_connections() noexcept {
  std::lock_guard lock(mu_);
  if (open_ > 0) --open_;
  stats_.open.store(open_, std::memory_order_relaxed);
  if (parked_ && open_ < max_) {
    parked_ = false;
    // Under the lock so that a concurrent on_resume({}) (the acceptor
    // closing) cannot destroy the function while it runs.
    if (resume_) resume_();
  }
}

std::size_t ConnectionGate::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

}  // namespace jogtrack::http
