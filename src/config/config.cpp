#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <thread>

namespace jogtrack::config {

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"JOGTRACK_LISTEN", "--listen", "address:port to listen on (port 0 picks a free port)"},
      {"JOGTRACK_DATABASE_URL", "--database-url", "sqlite:PATH or postgresql://user:pass@host:port/db"},
      {"JOGTRACK_REDIS_URL", "--redis-url", "redis://host:port/db for refresh tokens and rate limits"},
      {"JOGTRACK_JWT_SECRET", "--jwt-secret", "HS256 key, at least 32 bytes"},
      {"JOGTRACK_JWT_SECRET_FILE", "--jwt-secret-file", "file holding the HS256 key"},
      {"JOGTRACK_JWT_AUDIENCE", "--jwt-audience", "the access tokens' audience (aud), checked on every request"},
      {"JOGTRACK_ACCESS_TOKEN_TTL", "--access-token-ttl", "access-token lifetime, seconds"},
      {"JOGTRACK_REFRESH_TOKEN_TTL", "--refresh-token-ttl", "refresh-token lifetime, seconds"},
      {"JOGTRACK_WEATHER_FORECAST_URL", "--weather-forecast-url", "Open-Meteo forecast endpoint"},
      {"JOGTRACK_WEATHER_ARCHIVE_URL", "--weather-archive-url", "Open-Meteo archive endpoint"},
      {"JOGTRACK_WEATHER_TIMEOUT_MS", "--weather-timeout-ms", "time allowed for one weather lookup"},
      {"JOGTRACK_REQUEST_TIMEOUT_MS", "--request-timeout-ms",
       "deadline of each request from its arrival (100..55000, default 30000); past it: 503, nothing written"},
      {"JOGTRACK_THREADS", "--threads", "worker threads (default: number of cores)"},
      {"JOGTRACK_PASSWORD_MIN_LENGTH", "--password-min-length", "shortest password accepted"},
      {"JOGTRACK_LOG_LEVEL", "--log-level", "trace, debug, info, warn or error"},
      {"JOGTRACK_LOG_FORMAT", "--log-format", "text or json"},
      {"JOGTRACK_DB_POOL_SIZE", "--db-pool-size", "database connections (default: 2 x threads + 2)"},
      {"JOGTRACK_MAX_CONNECTIONS", "--max-connections",
       "open client connections at most; more wait in the listen backlog (default: the open-files limit "
       "minus what the database, Redis, weather lookups and logs need)"},
      {"JOGTRACK_REGISTER_LIMIT", "--register-limit",
       "registrations per client address and hour (default 20, 0 = no limit)"},
      {"JOGTRACK_COOKIE_SECURE", "--cookie-secure", "true or false: mark the browser session cookie Secure"},
      {"JOGTRACK_CORS_ORIGINS", "--cors-origins", "comma-separated origins allowed to call the API cross-origin"},
      {"JOGTRACK_TRUSTED_PROXIES", "--trusted-proxies",
       "comma-separated CIDRs of proxies whose X-Forwarded-For names the client (default: none)"},
      {"JOGTRACK_DB_STATEMENT_TIMEOUT_MS", "--db-statement-timeout-ms",
       "PostgreSQL: longest a statement may run before the request gets 503 (default 5000, 0 = none)"},
  };
  return all;
}

namespace {

std::int64_t parse_int(const std::string& name, const std::string& text, std::int64_t min,
                       std::int64_t max) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw ConfigError(name + ": '" + text + "' is not an integer");
  if (value < min || value > max)
    throw ConfigError(name + ": " + text + " is out of range " + std::to_string(min) + ".." +
                      std::to_string(max));
  return value;
}

void parse_listen(const std::string& text, Config& cfg) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw ConfigError("JOGTRACK_LISTEN: '" + text + "' is not host:port");
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  cfg.listen_host = host;
  cfg.listen_port =
      static_cast<std::uint16_t>(parse_int("JOGTRACK_LISTEN port", text.substr(colon + 1), 0, 65535));
}

void require_url(const std::string& name, const std::string& url) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw ConfigError(name + ": '" + url + "' is not an http(s) URL");
}

void require_one_of(const std::string& name, const std::string& value,
                    std::initializer_list<const char*> allowed) {
  std::string list;
  for (const char* a : allowed) {
    if (value == a) return;
    list += list.empty() ? a : std::string(", ") + a;
  }
  throw ConfigError(name + ": '" + value + "' is not one of: " + list);
}

bool parse_bool(const std::string& name, const std::string& text) {
  if (text == "true" || text == "1") return true;
  if (text == "false" || text == "0") return false;
  throw ConfigError(name + ": '" + text + "' is not true or false");
}

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

std::vector<std::string> parse_origins(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    std::string origin = parse_origin(item);
    if (std::find(out.begin(), out.end(), origin) == out.end()) out.push_back(std::move(origin));
  }
  return out;
}

}  // namespace

std::string parse_origin(const std::string& text) {
  const auto bad = [&text](const std::string& why) {
    return ConfigError("JOGTRACK_CORS_ORIGINS: '" + text + "' is not an origin like https://app.example.com (" +
                       why + ")");
  };
  std::string s = lower_ascii(text);
  std::string scheme;
  if (s.rfind("https://", 0) == 0) scheme = "https";
  else if (s.rfind("http://", 0) == 0) scheme = "http";
  else throw bad("scheme must be http or https");
  std::string rest = s.substr(scheme.size() + 3);
  if (rest.empty()) throw bad("no host");
  if (rest.find_first_of("/?#@*\\ ") != std::string::npos) throw bad("only scheme://host[:port], no path or wildcard");
  std::string host = rest, port;
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      throw bad("bad port");
    port = std::to_string(std::stoi(port));  // no leading zeros, as browsers serialise it
  }
  const bool ipv6 = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (host.empty() ||
      (!ipv6 && host.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos) ||
      (ipv6 && host.find_first_not_of("0123456789abcdef:.", 1) != host.size() - 1))
    throw bad("bad host");
  // Browsers leave the scheme's default port out of Origin.
  if ((scheme == "https" && port == "443") || (scheme == "http" && port == "80")) port.clear();
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

Config parse_config(const std::map<std::string, std::string>& values) {
  Config cfg;
  auto get = [&](const char* key) -> const std::string* {
    auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  };
  if (auto v = get("JOGTRACK_LISTEN")) parse_listen(*v, cfg);
  if (auto v = get("JOGTRACK_DATABASE_URL")) {
    if (v->rfind("sqlite:", 0) != 0 && v->rfind("postgresql://", 0) != 0 &&
        v->rfind("postgres://", 0) != 0)
      throw ConfigError("JOGTRACK_DATABASE_URL: expected sqlite:PATH or postgresql://...");
    if (*v == "sqlite:") throw ConfigError("JOGTRACK_DATABASE_URL: sqlite: needs a path");
    cfg.database_url = *v;
  }
  if (auto v = get("JOGTRACK_REDIS_URL"); v && !v->empty()) {
    if (v->rfind("redis://", 0) != 0) throw ConfigError("JOGTRACK_REDIS_URL: expected redis://host:port/db");
    cfg.redis_url = *v;
  }
  if (auto v = get("JOGTRACK_JWT_SECRET"); v && !v->empty()) {
    if (v->size() < 32) throw ConfigError("JOGTRACK_JWT_SECRET: must be at least 32 bytes");
    cfg.jwt_secret = *v;
  }
  if (auto v = get("JOGTRACK_JWT_SECRET_FILE"); v && !v->empty()) cfg.jwt_secret_file = *v;
  if (auto v = get("JOGTRACK_JWT_AUDIENCE")) {
    if (v->empty() || v->size() > 200) throw ConfigError("JOGTRACK_JWT_AUDIENCE: must be 1 to 200 characters");
    cfg.jwt_audience = *v;
  }
  if (auto v = get("JOGTRACK_ACCESS_TOKEN_TTL"))
    cfg.access_token_ttl = parse_int("JOGTRACK_ACCESS_TOKEN_TTL", *v, 1, 86400 * 7);
  if (auto v = get("JOGTRACK_REFRESH_TOKEN_TTL"))
    cfg.refresh_token_ttl = parse_int("JOGTRACK_REFRESH_TOKEN_TTL", *v, 1, 86400LL * 3650);
  if (auto v = get("JOGTRACK_WEATHER_FORECAST_URL")) {
    require_url("JOGTRACK_WEATHER_FORECAST_URL", *v);
    cfg.weather_forecast_url = *v;
  }
  if (auto v = get("JOGTRACK_WEATHER_ARCHIVE_URL")) {
    require_url("JOGTRACK_WEATHER_ARCHIVE_URL", *v);
    cfg.weather_archive_url = *v;
  }
  if (auto v = get("JOGTRACK_WEATHER_TIMEOUT_MS"))
    cfg.weather_timeout_ms = static_cast<long>(parse_int("JOGTRACK_WEATHER_TIMEOUT_MS", *v, 1, 600000));
  // At most 55 s: RESTinio closes a connection unanswered after 60 s.
  if (auto v = get("JOGTRACK_REQUEST_TIMEOUT_MS"))
    cfg.request_timeout_ms = static_cast<long>(parse_int("JOGTRACK_REQUEST_TIMEOUT_MS", *v, 100, 55000));
  if (auto v = get("JOGTRACK_THREADS"))
    cfg.threads = static_cast<unsigned>(parse_int("JOGTRACK_THREADS", *v, 1, 1024));
  if (cfg.threads == 0) cfg.threads = std::max(1u, std::thread::hardware_concurrency());
  if (auto v = get("JOGTRACK_PASSWORD_MIN_LENGTH"))
    cfg.password_min_length =
        static_cast<std::size_t>(parse_int("JOGTRACK_PASSWORD_MIN_LENGTH", *v, 1, 128));
  if (auto v = get("JOGTRACK_LOG_LEVEL")) {
    require_one_of("JOGTRACK_LOG_LEVEL", *v, {"trace", "debug", "info", "warn", "error"});
    cfg.log_level = *v;
  }
  if (auto v = get("JOGTRACK_LOG_FORMAT")) {
    require_one_of("JOGTRACK_LOG_FORMAT", *v, {"text", "json"});
    cfg.log_format = *v;
  }
  if (auto v = get("JOGTRACK_DB_POOL_SIZE"))
    cfg.db_pool_size = static_cast<std::size_t>(parse_int("JOGTRACK_DB_POOL_SIZE", *v, 1, 1024));
  if (cfg.db_pool_size == 0) cfg.db_pool_size = 2 * cfg.threads + 2;
  if (auto v = get("JOGTRACK_MAX_CONNECTIONS"))
    cfg.max_connections = static_cast<std::size_t>(parse_int("JOGTRACK_MAX_CONNECTIONS", *v, 1, 1'000'000));
  if (auto v = get("JOGTRACK_REGISTER_LIMIT"))
    cfg.register_limit = parse_int("JOGTRACK_REGISTER_LIMIT", *v, 0, 1000000);
  if (auto v = get("JOGTRACK_COOKIE_SECURE")) cfg.cookie_secure = parse_bool("JOGTRACK_COOKIE_SECURE", *v);
  if (auto v = get("JOGTRACK_CORS_ORIGINS")) cfg.cors_origins = parse_origins(*v);
  if (auto v = get("JOGTRACK_TRUSTED_PROXIES")) {
    try {
      cfg.trusted_proxies = TrustedProxies::parse(*v);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(std::string("JOGTRACK_TRUSTED_PROXIES: ") + e.what());
    }
  }
  if (auto v = get("JOGTRACK_DB_STATEMENT_TIMEOUT_MS"))
    cfg.db_statement_timeout_ms =
        static_cast<long>(parse_int("JOGTRACK_DB_STATEMENT_TIMEOUT_MS", *v, 0, 3'600'000));
  return cfg;
}

std::map<std::string, std::string> values_from_environment() {
  std::map<std::string, std::string> values;
  for (const auto& s : settings())
    if (const char* v = std::getenv(s.env.c_str())) values[s.env] = v;
  return values;
}

}  // namespace jogtrack::config
