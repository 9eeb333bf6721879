// The composition root: parses the command line, builds the services and runs the command.
#include "cli.h"

#include <CLI/CLI.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "api/routes.h"
#include "auth/passwords.h"
#include "auth/policy.h"
#include "common/dates.h"
#include "config/config.h"
#include "http/connection_stats.h"
#include "http/fd_budget.h"
#include "http/server.h"
#include "legacy/seed_import.h"
#include "observability/logging.h"
#include "observability/metrics.h"
#include "reports/weekly_report.h"
#include "runs/run_service.h"
#include "storage/storage.h"
#include "users/account_service.h"
#include "users/session_service.h"
#include "weather/limited_provider.h"
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

// Like ssh with a private key: a key that other accounts may read (or
// replace) is no secret, so refuse it rather than sign tokens with it.
void require_private_file(const std::string& path, const std::string& setting) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // reading it reports the problem
  const unsigned mode = st.st_mode & 07777;
  if ((mode & 077) == 0) return;
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode);
  throw config::ConfigError(setting + ": " + path + " is accessible by group or others (mode " + octal +
                            "); make it private: chmod 600 " + path);
}

std::string read_secret_file(const std::string& path, const std::string& setting) {
  require_private_file(path, setting);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config::ConfigError(setting + ": cannot read " + path);
  std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  secret = trim_newline(secret);
  if (secret.size() < 32) throw config::ConfigError("the JWT secret in " + path + " is shorter than 32 bytes");
  return secret;
}

// Generated once and kept 0600 beside the SQLite file, so tokens survive restarts.
std::string generated_secret(const storage::Database& db, const std::string& database_url) {
  const std::string dir = storage::data_directory(db);
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
  return read_secret_file(path, "the generated JWT secret");
}

std::string jwt_secret(const config::Config& cfg, const storage::Database& db) {
  if (cfg.jwt_secret) return *cfg.jwt_secret;
  if (cfg.jwt_secret_file) return read_secret_file(*cfg.jwt_secret_file, "JOGTRACK_JWT_SECRET_FILE");
  return generated_secret(db, cfg.database_url);
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

// The acceptor's connection counters on /metrics.
void add_connection_metrics(observability::Metrics& metrics, const http::ConnectionStats& stats) {
  metrics.add_collector([&stats](std::string& out) {
    const auto metric = [&out](const char* name, const char* type, const char* help,
                               const std::atomic<std::uint64_t>& value) {
      out += std::string("# HELP ") + name + " " + help + "\n";
      out += std::string("# TYPE ") + name + " " + type + "\n";
      out += std::string(name) + " " + std::to_string(value.load(std::memory_order_relaxed)) + "\n";
    };
    metric("jogtrack_http_connections_open", "gauge", "Client connections open now.", stats.open);
    metric("jogtrack_http_connections_max", "gauge",
           "Cap on open client connections (JOGTRACK_MAX_CONNECTIONS).", stats.max);
    metric("jogtrack_accept_errors_total", "counter",
           "Failed accepts of client connections (e.g. too many open files); retried after 50 ms.",
           stats.accept_errors);
    metric("jogtrack_accepts_deferred_total", "counter",
           "Times accepting paused at the connection cap; new clients wait in the listen backlog meanwhile.",
           stats.accepts_deferred);
  });
}

// JOGTRACK_MAX_CONNECTIONS, or what the open-files limit leaves for clients
// once the database, Redis, weather lookups and logs have theirs.
std::size_t max_connections(const config::Config& cfg, std::uint64_t open_files, std::size_t weather_threads) {
  http::FdNeeds needs;
  needs.database_connections = cfg.db_pool_size;
  needs.sqlite = cfg.database_url.rfind("sqlite:", 0) == 0;
  needs.redis_connections = cfg.redis_url ? cfg.db_pool_size : 0;
  needs.weather_threads = weather_threads;
  const std::size_t reserved = http::reserved_descriptors(needs);
  if (cfg.max_connections > 0) {
    if (cfg.max_connections + reserved > open_files)
      spdlog::warn("JOGTRACK_MAX_CONNECTIONS={} with an open-files limit of {} ({} reserved): accepts may fail "
                   "with 'too many open files' (they are retried)",
                   cfg.max_connections, open_files, reserved);
    return cfg.max_connections;
  }
  const std::size_t derived = http::default_max_connections(open_files, needs);
  spdlog::info("max connections {} (open-files limit {}, {} reserved)", derived, open_files, reserved);
  return derived;
}

// The Weather pool (POST/PATCH /results, see http::Pool): twice as many
// threads as may wait on the provider at once, so when the provider hangs the
// other half still serves runs whose weather is cached.
std::size_t weather_threads(const config::Config& cfg) { return std::max<std::size_t>(8, 4 * cfg.threads); }
std::size_t max_provider_calls(const config::Config& cfg) { return weather_threads(cfg) / 2; }
// A provider call finding every slot taken waits while the calls holding them
// are younger than 1 s (Open-Meteo answers in ~0.1-0.5 s), at most 2 s: a
// burst on a healthy provider gets through, a hanging one is not queued on.
constexpr std::chrono::seconds kProviderStallAfter{1};
constexpr std::chrono::seconds kProviderSlotWait{2};

// Storage and Redis log through the process's logger (set up by setup_logging).
storage::Logger storage_logger() { return spdlog::default_logger(); }

// The database (migrated), Redis when configured, and the stores every
// command that touches accounts needs. Refresh tokens and login failures live
// in Redis when it is configured, so every instance shares them.
struct AccountStores {
  explicit AccountStores(const config::Config& cfg)
      : db(storage::open_database(cfg.database_url, cfg.db_pool_size, cfg.db_statement_timeout_ms,
                                  storage_logger())),
        redis(cfg.redis_url ? storage::open_redis(*cfg.redis_url, cfg.db_pool_size, storage_logger()) : nullptr),
        users(storage::sql_user_store(*db)),
        refresh_tokens(redis ? storage::redis_token_store(*redis) : storage::sql_token_store(*db)),
        attempts(redis ? storage::redis_attempt_store(*redis) : storage::sql_attempt_store(*db)) {}

  std::shared_ptr<storage::Database> db;
  std::shared_ptr<storage::RedisPool> redis;  // nullptr: none configured
  std::unique_ptr<storage::UserStore> users;
  std::unique_ptr<storage::TokenStore> refresh_tokens;
  std::unique_ptr<storage::AttemptStore> attempts;
};

// What the account commands (user create, user set-role) need: the account
// stores and rules. No JWT secret (none is created or read), no session
// service (no Argon2 dummy hash), no run store, no weather client.
struct Accounts {
  explicit Accounts(const config::Config& cfg)
      : stores(cfg),
        throttle(*stores.attempts),
        registrations(*stores.attempts, cfg.register_limit),
        accounts(*stores.users, *stores.refresh_tokens, cfg.password_min_length, throttle, registrations) {}

  AccountStores stores;
  users::LoginThrottle throttle;
  users::RegistrationLimit registrations;
  users::AccountService accounts;
};

// Everything the server needs, built in dependency order.
struct App {
  explicit App(const config::Config& cfg)
      : core(cfg),
        stores(core.stores),
        accounts(core.accounts),
        // Totals of run lists are cached in front of the SQL store (keyed by
        // runs_version, so they hold across instances); drop the wrapper to count every time.
        run_store(storage::count_caching_run_store(storage::sql_run_store(*stores.db))),
        weather_cache(storage::sql_weather_cache(*stores.db)),
        health(storage::database_health(*stores.db)),
        // With Redis, idempotency keys are shared by every instance like tokens and attempts.
        idempotency(stores.redis ? storage::redis_idempotency_store(*stores.redis)
                                 : storage::sql_idempotency_store(*stores.db)),
        tokens(jwt_secret(cfg, *stores.db), cfg.access_token_ttl, cfg.jwt_audience),
        sessions(*stores.users, *stores.refresh_tokens, tokens, cfg.refresh_token_ttl, core.throttle),
        weather_client(weather_options(cfg)),
        limited_weather_client(weather_client, max_provider_calls(cfg), kProviderStallAfter, kProviderSlotWait),
        weather(limited_weather_client, *weather_cache, weather_stats),
        runs(*run_store, *stores.users, weather),
        reports(*run_store, *stores.users),
        services{*health, *idempotency, sessions, accounts, metrics, runs, reports, cfg.trusted_proxies,
                 {cfg.cookie_secure, cfg.refresh_token_ttl}} {
    add_weather_metrics(metrics, weather_stats);
    add_connection_metrics(metrics, connection_stats);
  }

  Accounts core;
  AccountStores& stores;
  users::AccountService& accounts;
  std::unique_ptr<storage::RunStore> run_store;
  std::unique_ptr<weather::WeatherCacheStore> weather_cache;
  std::unique_ptr<storage::HealthCheck> health;
  std::unique_ptr<storage::IdempotencyStore> idempotency;
  auth::TokenService tokens;
  users::SessionService sessions;
  observability::Metrics metrics;
  weather::WeatherStats weather_stats;
  http::ConnectionStats connection_stats;
  weather::OpenMeteoClient weather_client;
  weather::LimitedProvider limited_weather_client;
  weather::CachedWeather weather;
  runs::RunService runs;
  reports::ReportService reports;
  api::Services services;
};

// Test-only (see calendar_now in common/dates.h): fixes "today" for the date rules.
void apply_test_clock() {
  const char* fixed = std::getenv("JOGTRACK_TEST_NOW");
  if (!fixed || !*fixed) return;
  const auto instant = parse_utc_instant(fixed);
  if (!instant) throw std::runtime_error("JOGTRACK_TEST_NOW must be YYYY-MM-DDTHH:MM:SSZ");
  set_calendar_now(*instant);
  spdlog::warn("JOGTRACK_TEST_NOW={}: today's date is fixed; this is for tests only", fixed);
}

int serve(const config::Config& cfg) {
  apply_test_clock();
  const std::uint64_t open_files = http::raise_open_files_limit();
  App app(cfg);
  const http::Router router = api::build_router(app.services);
  http::ServerOptions options;
  options.host = cfg.listen_host;
  options.port = cfg.listen_port;
  options.io_threads = cfg.threads;
  // Queue bounds: roughly what a pool can finish within a request's deadline;
  // beyond them a request gets 503 at once rather than an unbounded wait.
  options.worker = {std::max<std::size_t>(2, 2 * cfg.threads), 512};
  options.weather = {weather_threads(cfg), 128};
  options.hashing = {std::max<std::size_t>(1, cfg.threads / 2), 64};  // ~50 ms of Argon2id each
  // Public: a flood gets 503s, and logins keep their own threads and the CPU first.
  options.registration = {1, 8, true};
  options.request_timeout = std::chrono::milliseconds(cfg.request_timeout_ms);
  options.max_connections = max_connections(cfg, open_files, weather_threads(cfg));
  options.connection_stats = &app.connection_stats;
  options.cors_origins = cfg.cors_origins;
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
  Accounts app(cfg);
  users::Registration r{username, trim_newline(password), email, name};
  std::vector<std::string> scopes{"user"};
  if (role != "user") scopes.push_back(role);
  const auto user = app.accounts.register_user(r, scopes);
  std::cout << user.user_id << std::endl;
  return 0;
}

// The route table needs the handlers, never their data: they are built over a
// throwaway in-memory database and a random key, so listing routes neither
// migrates the configured database nor reads or generates its JWT key.
int print_routes(config::Config cfg) {
  cfg.database_url = "sqlite::memory:";
  cfg.redis_url.reset();
  cfg.jwt_secret = auth::random_token_urlsafe(48);
  cfg.jwt_secret_file.reset();
  App app(cfg);
  for (const auto& [method, pattern] : api::build_router(app.services).list())
    std::cout << method << " " << pattern << "\n";
  return 0;
}

// One line per problem: the detail already repeats the first field error, so
// with field errors only those are printed.
void print_api_error(const ApiError& e) {
  if (e.errors().empty()) {
    std::cerr << "error: " << e.what() << "\n";
    return;
  }
  for (const auto& fe : e.errors()) std::cerr << "error: " << fe.field << ": " << fe.message << "\n";
}

// CLI11 calls every string option TEXT; say what the setting takes instead.
std::string setting_type(const std::string& env) {
  const auto ends_with = [&env](std::string_view tail) { return env.ends_with(tail); };
  if (ends_with("_URL")) return "URL";
  if (ends_with("_TTL") || ends_with("_MS") || ends_with("_THREADS") || ends_with("_LENGTH") ||
      ends_with("_SIZE") || ends_with("_CONNECTIONS") || ends_with("_LIMIT"))
    return "INT";
  if (ends_with("_SECURE")) return "BOOL";
  if (ends_with("_FILE")) return "PATH";
  if (ends_with("_LISTEN")) return "HOST:PORT";
  if (ends_with("_LEVEL") || ends_with("_FORMAT")) return "NAME";
  if (ends_with("_ORIGINS") || ends_with("_PROXIES")) return "LIST";
  return "TEXT";
}

// A setting's default as --help shows it, read from a default Config so it
// cannot drift; empty when the help text already explains it.
std::string default_text(const std::string& env) {
  const config::Config d;
  const std::map<std::string, std::string> known = {
      {"JOGTRACK_LISTEN", d.listen_host + ":" + std::to_string(d.listen_port)},
      {"JOGTRACK_DATABASE_URL", d.database_url},
      {"JOGTRACK_JWT_SECRET", "generated once, kept beside the SQLite file"},
      {"JOGTRACK_JWT_AUDIENCE", d.jwt_audience},
      {"JOGTRACK_ACCESS_TOKEN_TTL", std::to_string(d.access_token_ttl)},
      {"JOGTRACK_REFRESH_TOKEN_TTL", std::to_string(d.refresh_token_ttl)},
      {"JOGTRACK_WEATHER_FORECAST_URL", d.weather_forecast_url},
      {"JOGTRACK_WEATHER_ARCHIVE_URL", d.weather_archive_url},
      {"JOGTRACK_WEATHER_TIMEOUT_MS", std::to_string(d.weather_timeout_ms)},
      {"JOGTRACK_PASSWORD_MIN_LENGTH", std::to_string(d.password_min_length)},
      {"JOGTRACK_LOG_LEVEL", d.log_level},
      {"JOGTRACK_LOG_FORMAT", d.log_format},
      {"JOGTRACK_COOKIE_SECURE", d.cookie_secure ? "true" : "false"},
      {"JOGTRACK_CORS_ORIGINS", "none: same origin only"},
      {"JOGTRACK_REDIS_URL", "none: tokens and counters in the database"},
  };
  const auto it = known.find(env);
  return it == known.end() ? std::string() : it->second;
}

std::string setting_help(const config::Setting& s) {
  const std::string def = default_text(s.env);
  return s.help + (def.empty() ? "" : " (default: " + def + ")") + " [" + s.env + "]";
}

// The first word that is not an option (or an option's value) must be a
// command, and so must the word after a command that has commands of its own
// (`user create`): CLI11 would otherwise say only "A subcommand is required".
// Returns the message for a word that is not one (or a missing one), listing
// the commands there.
std::optional<std::string> unknown_command(int argc, char** argv, const CLI::App& app) {
  const CLI::App* level = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("-")) {
      // Every option before a command is a setting taking a value, unless it is --help or --version.
      const bool informational = arg == "-h" || arg == "--help" || arg == "--version";
      if (informational) return std::nullopt;  // CLI11 answers those
      if (arg.find('=') == std::string_view::npos) ++i;
      continue;
    }
    const auto commands = level->get_subcommands([](const CLI::App*) { return true; });
    const auto match = std::find_if(commands.begin(), commands.end(),
                                    [arg](const CLI::App* sub) { return sub->get_name() == arg; });
    if (match == commands.end()) {
      std::string names;  // the ones --help lists (hidden ones have no group)
      for (const auto* sub : commands)
        if (!sub->get_group().empty()) names += (names.empty() ? "" : ", ") + sub->get_name();
      return "unknown command '" + path + std::string(arg) + "' (commands: " + names + ")";
    }
    level = *match;
    path += std::string(arg) + " ";
    if (level->get_subcommands([](const CLI::App*) { return true; }).empty()) return std::nullopt;
  }
  std::string names;
  for (const auto* sub : level->get_subcommands([](const CLI::App* sub) { return !sub->get_group().empty(); }))
    names += (names.empty() ? "" : ", ") + sub->get_name();
  return "missing command after '" + (path.empty() ? std::string("jogtrack") : path.substr(0, path.size() - 1)) +
         "' (commands: " + names + ")";
}

// "JOGTRACK_LISTEN: ..." becomes "--listen (JOGTRACK_LISTEN): ..." when the
// value came from the flag, so the message names what the user typed.
std::string name_the_flag(std::string message, const std::vector<std::string>& from_flags) {
  for (const auto& s : config::settings()) {
    if (!message.starts_with(s.env)) continue;
    if (std::find(from_flags.begin(), from_flags.end(), s.env) != from_flags.end())
      message = s.flag + " (" + s.env + ")" + message.substr(s.env.size());
    break;
  }
  return message;
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
  std::string settings_help = "\nSettings (each also an environment variable; give them before or after the "
                              "command):\n";
  for (const auto& s : config::settings()) {
    flag_options.emplace_back(
        s.env, app.add_option(s.flag, flag_values[s.env], setting_help(s))->type_name(setting_type(s.env)));
    settings_help += "  " + s.flag + " " + setting_type(s.env) + "  " + setting_help(s) + "\n";
  }

  auto* serve_cmd = app.add_subcommand("serve", "run the HTTP API");
  serve_cmd->footer(settings_help);
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
  std::string seed_path;
  auto* import_seed_cmd =
      app.add_subcommand("import-seed", "import the original system's SQLite database (users and runs)");
  import_seed_cmd->add_option("--from", seed_path, "path of the original system's SQLite file")
      ->required()
      ->check(CLI::ExistingFile);
  for (auto* sub : {serve_cmd, migrate_cmd, routes_cmd, user_cmd, create_cmd, set_role_cmd, import_seed_cmd})
    sub->fallthrough();

  if (const auto problem = unknown_command(argc, argv, app)) {
    std::cerr << "error: " << *problem << "\nRun with --help for more information.\n";
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  // The SQLite database and its WAL and SHM files hold password and token
  // hashes: whatever a command creates is for this account only.
  ::umask(077);

  std::vector<std::string> from_flags;
  try {
    auto values = config::values_from_environment();
    for (const auto& [env, option] : flag_options)
      if (option->count() > 0) {
        values[env] = flag_values[env];
        from_flags.push_back(env);
      }
    const config::Config cfg = config::parse_config(values);
    observability::setup_logging(cfg.log_level, cfg.log_format);

    if (*serve_cmd) return serve(cfg);
    if (*migrate_cmd) {
      // Migrate first: on failure nothing but the error is printed.
      const auto version = storage::migrate_only(cfg.database_url, storage_logger());
      std::cout << "schema version " << version << std::endl;
      return 0;
    }
    if (*routes_cmd) return print_routes(cfg);
    if (*import_seed_cmd) return legacy::import_seed(seed_path, cfg.database_url, std::cout, storage_logger());
    if (*create_cmd) return create_user(cfg, username, role, email, name);
    if (*set_role_cmd) {
      Accounts a(cfg);
      a.accounts.set_role_by_username(username, role);
      return 0;
    }
  } catch (const config::ConfigError& e) {
    std::cerr << "configuration error: " << name_the_flag(e.what(), from_flags) << "\n";
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
