// The point in time after which a request's work is pointless: its client is answered 503 instead.
#pragma once
#include <chrono>
#include <string>

#include "common/errors.h"

namespace jogtrack {

// A monotonic-clock deadline carried by a request from its arrival to the
// commit of whatever it writes. never() is for callers without a client
// waiting (the CLI, tests).
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline never() { return Deadline(Clock::time_point::max()); }
  static Deadline at(Clock::time_point when) { return Deadline(when); }

  Clock::time_point when() const { return when_; }
  bool expired() const { return Clock::now() >= when_; }

  // Throws 503 (Retry-After 1) once the deadline has passed: called before
  // work that must not happen for a client that will not be told about it
  // (starting a request, committing a write).
  void check() const {
    if (expired()) throw ApiError(ErrorKind::Unavailable, "the request took too long; try again", {}, 1);
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
};

}  // namespace jogtrack
