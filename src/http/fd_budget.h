// How many file descriptors client connections may use: the open-files limit minus what the rest of the process needs.
#pragma once
#include <cstddef>
#include <cstdint>

namespace jogtrack::http {

// Descriptors the process holds besides client connections.
struct FdNeeds {
  std::size_t database_connections = 0;
  bool sqlite = false;                    // an SQLite connection holds the database and its WAL (+ one -shm)
  std::size_t redis_connections = 0;
  std::size_t weather_threads = 0;        // threads that may call Open-Meteo (libcurl)
};

// Raises the soft RLIMIT_NOFILE to the hard limit, so a default systemd or
// shell soft limit of 1024 does not cap a server allowed more. Returns the
// soft limit in force afterwards (the old one if raising failed).
std::uint64_t raise_open_files_limit();

// Descriptors reserved for everything but client connections.
std::size_t reserved_descriptors(const FdNeeds& needs);

// JOGTRACK_MAX_CONNECTIONS when it is not set: the limit minus the reserve,
// at least kMinConnections (a tiny limit still serves a few clients; accept
// errors then back off instead of stopping the server).
constexpr std::size_t kMinConnections = 16;
std::size_t default_max_connections(std::uint64_t open_files_limit, const FdNeeds& needs);

}  // namespace jogtrack::http
