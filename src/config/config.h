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
  std::string jwt_audience = "jogtrack";  // the tokens' "aud", checked on every request
  std::int64_t access_token_ttl = 900;
  std::int64_t refresh_token_ttl = 2592000;
  std::string weather_forecast_url = "https://api.open-meteo.com/v1/forecast";
  std::string weather_archive_url = "https://archive-api.open-meteo.com/v1/archive";
  long weather_timeout_ms = 5000;
  long request_timeout_ms = 30000;  // each request's deadline, from its arrival
  unsigned threads = 0;  // 0 = number of cores
  std::size_t password_min_length = 8;
  std::string log_level = "info";
  std::string log_format = "text";
  std::size_t db_pool_size = 0;  // 0 = derived from threads
  // Open client connections at most; 0 = derived at start from the open-files
  // limit (see http/fd_budget.h), which parse_config cannot know.
  std::size_t max_connections = 0;
  std::int64_t register_limit = 20;  // registrations per client address and hour; 0 = off
  bool cookie_secure = true;     // the browser session cookie's Secure attribute
  // Origins (scheme://host[:port], lower-case, no default port) allowed to
  // call the API from another site's pages; empty = same origin only.
  std::vector<std::string> cors_origins;
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

// "https://App.example.com:443" -> "https://app.example.com"; ConfigError for
// anything that is not an http(s) origin (a path, a wildcard, userinfo, ...).
std::string parse_origin(const std::string& text);

// Reads every JOGTRACK_* setting from the process environment.
std::map<std::string, std::string> values_from_environment();

}  // namespace jogtrack::config
