// Service configuration: every JOGTRACK_* setting, parsed and validated in one place.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/trusted_proxies.h"

namespace jogtrack::config {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Config {
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::string database_url = "sqlite:jogtrack.db";
  std::optional<std::string> redis_url;
  std::optional<std::string> jwt_secret;
  std::optional<std::string> jwt_secret_file;
  std::int64_t access_token_ttl = 900;
  std::int64_t refresh_token_ttl = 2592000;
  std::string weather_forecast_url = "https://api.open-meteo.com/v1/forecast";
  std::string weather_archive_url = "https://archive-api.open-meteo.com/v1/archive";
  long weather_timeout_ms = 5000;
  unsigned threads = 0;  // 0 = number of cores
  std::size_t password_min_length = 8;
  std::string log_level = "info";
  std::string log_format = "text";
  std::size_t db_pool_size = 0;  // 0 = derived from threads
  TrustedProxies trusted_proxies;  // peers whose X-Forwarded-For names the client (default: none)
  long db_statement_timeout_ms = 5000;  // PostgreSQL statement_timeout; 0 = none
};

// One setting: its environment variable, the matching --flag and a help line.
struct Setting {
  std::string env;
  std::string flag;
  std::string help;
};
const std::vector<Setting>& settings();

// Builds a Config from raw values keyed by environment-variable name (flags
// are mapped onto the same names by the CLI). Unknown keys are ignored; a bad
// value throws ConfigError naming the setting.
Config parse_config(const std::map<std::string, std::string>& values);

// Reads every JOGTRACK_* setting from the process environment.
std::map<std::string, std::string> values_from_environment();

}  // namespace jogtrack::config
