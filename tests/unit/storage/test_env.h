// Helpers shared by the storage tests that reach the private PostgreSQL and Redis
// (scripts/test-backends.sh): reading their URLs and naming scratch databases and keys.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

namespace jogtrack::storage::test_env {

// The variable's value, or "" when it is not set.
inline std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// 16 random hex digits: unique names for scratch databases and key prefixes.
inline std::string random_hex() {
  static std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace jogtrack::storage::test_env
