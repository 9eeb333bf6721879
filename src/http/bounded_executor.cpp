#include "http/bounded_executor.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace jogtrack::http {

BoundedExecutor::BoundedExecutor(std::string name, std::size_t threads, std::size_t queue_capacity,
                                 std::function<void()> on_start)
    : name_(std::move(name)), capacity_(queue_capacity) {
  const std::size_t n = threads == 0 ? 1 : threads;
  idle_ = n;  // counted before they start, so work submitted at once is accepted
  threads_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) threads_.emplace_back([this, on_start] { work(on_start); });
}

BoundedExecutor::~BoundedExecutor() { join(); }

bool BoundedExecutor::try_submit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (closed_ || queue_.size() >= capacity_ + idle_) return false;
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

std::size_t BoundedExecutor::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void BoundedExecutor::join() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

void BoundedExecutor::abandon() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    abandoned_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.detach();
}

void BoundedExecutor::work(const std::function<void()>& on_start) {
  if (on_start) on_start();
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return abandoned_ || !queue_.empty() || closed_; });
      if (abandoned_ || queue_.empty()) return;  // abandoned, or closed and drained
      task = std::move(queue_.front());
      queue_.pop_front();
      --idle_;
    }
    try {
      task();
    } catch (const std::exception& e) {
      spdlog::error("{} pool: task failed: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{} pool: task failed with a non-standard exception", name_);
    }
    std::lock_guard lock(mu_);
    ++idle_;
  }
}

}  // namespace jogtrack::http
