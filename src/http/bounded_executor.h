// A fixed set of threads draining a bounded FIFO queue: work is refused, never made to wait, when it is full.
#pragma once
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace jogtrack::http {

// Contract:
//  - try_submit() never blocks. It accepts a task when fewer tasks are waiting
//    than queue_capacity plus the threads that are idle right now (so with
//    capacity 0 a task is accepted only if a thread is free to take it), and
//    returns false otherwise, or after close();
//  - tasks run in submission order, at most `threads` at a time; a task that
//    throws is logged and forgotten (the thread keeps serving);
//  - on_start, if given, runs once on each thread before it takes any task
//    (e.g. to lower the thread's scheduling priority);
//  - join(): refuses new work, runs every task already accepted, then joins
//    the threads (idempotent; the destructor calls it);
//  - abandon(): refuses new work and lets each thread exit after its current
//    task without running what is queued; it does not wait. Only for a
//    process that is about to exit: the object must then be kept alive (never
//    destroyed) because a stuck task may still be running on one of its threads.
class BoundedExecutor {
 public:
  BoundedExecutor(std::string name, std::size_t threads, std::size_t queue_capacity,
                  std::function<void()> on_start = {});
  ~BoundedExecutor();
  BoundedExecutor(const BoundedExecutor&) = delete;
  BoundedExecutor& operator=(const BoundedExecutor&) = delete;

  bool try_submit(std::function<void()> task);
  void join();
  void abandon();

  const std::string& name() const { return name_; }
  std::size_t queued() const;  // accepted, not started yet

 private:
  void work(const std::function<void()>& on_start);

  const std::string name_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  std::size_t idle_ = 0;                      // guarded by mu_: threads not running a task
  bool closed_ = false;                       // guarded by mu_: no new work
  bool abandoned_ = false;                    // guarded by mu_: leave the queue alone
  std::vector<std::thread> threads_;
};

}  // namespace jogtrack::http
