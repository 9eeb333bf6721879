// The composition root: parses the command line, builds the services and runs the command.
#include "cli.h"

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "api/routes.h"
#include "auth/passwords.h"
#include "auth/policy.h"
#include "config/config.h"
#include "http/server.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "reports/weekly_report.h"
#include "runs/run_service.h"
#include "storage/storage.h"
#include "users/account_service.h"
#include "users/session_service.h"
#include "weather/weather.h"

#ifndef JOGTRACK_VERSION
#define JOGTRACK_VERSION "dev"
#endif

namespace jogtrack::cli {

namespace {

std::string trim_newline(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError("JOGTRACK_JWT_SECRET_FILE: cannot read " + path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  secret = trim_newline(secret);
  if (secret.size() < 32) throw config::ConfigError("the JWT secret in " + path + " is shorter than 32 bytes");
  return secret;
}

// Generated once and kept 0600 beside the SQLite file, so tokens survive restarts.
std::string generated_secret(const storage::Storage& storage, const std::string& database_url) {
  const std::string dir = storage.data_directory();
  if (dir.empty())
    throw config::ConfigError("set JOGTRACK_JWT_SECRET or JOGTRACK_JWT_SECRET_FILE: with PostgreSQL every "
                              "instance must share one key");
  const std::string db_file = std::filesystem::path(database_url.substr(7)).filename().string();
  const std::string path = (std::filesystem::path(dir) / (db_file + ".jwt-secret")).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    const std::string secret = auth::random_token_urlsafe(48);
    const bool ok = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw config::ConfigError("cannot write the generated JWT secret to " + path);
    return secret;
  }
  return read_secret_file(path);
}

std::string jwt_secret(const config::Config& cfg, const storage::Storage& storage) {
  if (cfg.jwt_secret) return *cfg.jwt_secret;
  if (cfg.jwt_secret_file) return read_secret_file(*cfg.jwt_secret_file);
  return generated_secret(storage, cfg.database_url);
}

weather::OpenMeteoOptions weather_options(const config::Config& cfg) {
  weather::OpenMeteoOptions options;
  options.forecast_url = cfg.weather_forecast_url;
  options.archive_url = cfg.weather_archive_url;
  options.timeout_ms = cfg.weather_timeout_ms;
  return options;
}

// The weather lookup counters as Prometheus counters on /metrics.
void add_weather_metrics(observability::Metrics& metrics, const weather::WeatherStats& stats) {
  metrics.add_collector([&stats](std::string& out) {
    const auto counter = [&out](const char* name, const char* help, const std::atomic<std::uint64_t>& value) {
      out += std::string("# HELP ") + name + " " + help + "\n";
      out += std::string("# TYPE ") + name + " counter\n";
      out += std::string(name) + " " + std::to_string(value.load(std::memory_order_relaxed)) + "\n";
    };
    counter("jogtrack_weather_lookups_total", "Weather lookups made for runs.", stats.lookups);
    counter("jogtrack_weather_cache_hits_total", "Weather lookups answered without a provider call of their own.",
            stats.cache_hits);
    counter("jogtrack_weather_provider_calls_total", "Calls made to the weather provider.", stats.provider_calls);
    counter("jogtrack_weather_failures_total", "Weather lookups that failed (422 or 503).", stats.failures);
  });
}

// Everything a command needs, built in dependency order.
struct App {
  explicit App(const config::Config& cfg)
      : storage(storage::open_storage(cfg.database_url, cfg.db_pool_size, cfg.redis_url,
                                      cfg.db_statement_timeout_ms)),
        tokens(jwt_secret(cfg, *storage), cfg.access_token_ttl),
        sessions(*storage, tokens, cfg.refresh_token_ttl),
        accounts(*storage, cfg.password_min_length),
        weather_client(weather_options(cfg)),
        weather(weather_client, storage->weather_cache(), weather_stats),
        runs(*storage, weather),
        reports(*storage),
        services{*storage, sessions, accounts, metrics, runs, reports, cfg.trusted_proxies} {
    add_weather_metrics(metrics, weather_stats);
  }

  std::unique_ptr<storage::Storage> storage;
  auth::TokenService tokens;
  users::SessionService sessions;
  users::AccountService accounts;
  observability::Metrics metrics;
  weather::WeatherStats weather_stats;
  weather::OpenMeteoClient weather_client;
  weather::CachedWeather weather;
  runs::RunService runs;
  reports::ReportService reports;
  api::Services services;
};

int serve(const config::Config& cfg) {
  App app(cfg);
  const http::Router router = api::build_router(app.services);
  http::ServerOptions options;
  options.host = cfg.listen_host;
  options.port = cfg.listen_port;
  options.io_threads = cfg.threads;
  options.worker_threads = std::max<std::size_t>(2, 2 * cfg.threads);
  options.hashing_threads = std::max<std::size_t>(1, cfg.threads / 2);
  options.on_listening = [](const std::string& host, std::uint16_t port) {
    std::cout << "jogtrack listening on " << host << ":" << port << std::endl;
  };
  http::serve(options, router, app.metrics);
  spdlog::info("stopped");
  return 0;
}

int create_user(const config::Config& cfg, const std::string& username, const std::string& role,
                const std::optional<std::string>& email, const std::optional<std::string>& name) {
  std::string password;
  if (!std::getline(std::cin, password)) {
    std::cerr << "error: expected the password on standard input\n";
    return 2;
  }
  App app(cfg);
  users::Registration r{username, trim_newline(password), email, name};
  std::vector<std::string> scopes{"user"};
  if (role != "user") scopes.push_back(role);
  const auto user = app.accounts.register_user(r, scopes);
  std::cout << user.user_id << std::endl;
  return 0;
}

int print_routes(const config::Config& cfg) {
  App app(cfg);
  for (const auto& [method, pattern] : api::build_router(app.services).list())
    std::cout << method << " " << pattern << "\n";
  return 0;
}

void print_api_error(const ApiError& e) {
  std::cerr << "error: " << e.what() << "\n";
  for (const auto& fe : e.errors()) std::cerr << "  " << fe.field << ": " << fe.message << "\n";
}

}  // namespace

int run(int argc, char** argv) {
  // libcurl's global setup must happen before any thread exists.
  weather::init_http_client_library();
  CLI::App app{"jogtrack: a REST API that tracks jogging times"};
  app.set_version_flag("--version", JOGTRACK_VERSION);
  app.require_subcommand(1);

  // Each setting is an environment variable with a --flag twin; flags win.
  std::map<std::string, std::string> flag_values;
  std::vector<std::pair<std::string, CLI::Option*>> flag_options;
  for (const auto& s : config::settings())
    flag_options.emplace_back(s.env, app.add_option(s.flag, flag_values[s.env], s.help + " [" + s.env + "]"));

  auto* serve_cmd = app.add_subcommand("serve", "run the HTTP API");
  auto* migrate_cmd = app.add_subcommand("migrate", "apply schema migrations and exit");
  auto* routes_cmd = app.add_subcommand("routes", "print every route the server serves");
  routes_cmd->group("");
  auto* user_cmd = app.add_subcommand("user", "manage accounts");
  user_cmd->require_subcommand(1);

  std::string username, role = "user";
  std::optional<std::string> email, name;
  bool password_stdin = false;
  auto* create_cmd = user_cmd->add_subcommand("create", "create an account; prints its user_id");
  create_cmd->add_option("--username", username, "account name")->required();
  create_cmd->add_flag("--password-stdin", password_stdin, "read the password from standard input")->required();
  create_cmd->add_option("--role", role, "user, manager or admin")->check(CLI::IsMember({"user", "manager", "admin"}));
  create_cmd->add_option("--email", email, "e-mail address");
  create_cmd->add_option("--name", name, "display name");
  auto* set_role_cmd = user_cmd->add_subcommand("set-role", "change an account's role");
  set_role_cmd->add_option("--username", username, "account name")->required();
  set_role_cmd->add_option("--role", role, "user, manager or admin")
      ->required()
      ->check(CLI::IsMember({"user", "manager", "admin"}));
  for (auto* sub : {serve_cmd, migrate_cmd, routes_cmd, user_cmd, create_cmd, set_role_cmd}) sub->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    auto values = config::values_from_environment();
    for (const auto& [env, option] : flag_options)
      if (option->count() > 0) values[env] = flag_values[env];
    const config::Config cfg = config::parse_config(values);
    observability::setup_logging(cfg.log_level, cfg.log_format);

    if (*serve_cmd) return serve(cfg);
    if (*migrate_cmd) {
      std::cout << "schema version " << storage::migrate_only(cfg.database_url) << std::endl;
      return 0;
    }
    if (*routes_cmd) return print_routes(cfg);
    if (*create_cmd) return create_user(cfg, username, role, email, name);
    if (*set_role_cmd) {
      App a(cfg);
      a.accounts.set_role_by_username(username, role);
      return 0;
    }
  } catch (const config::ConfigError& e) {
    std::cerr << "configuration error: " << e.what() << "\n";
    return 2;
  } catch (const ApiError& e) {
    print_api_error(e);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace jogtrack::cli
