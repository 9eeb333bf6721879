#include "config/config.h"

#include <gtest/gtest.h>

using namespace jogtrack::config;

TEST(Config, DefaultsMatchTheSpec) {
  const Config cfg = parse_config({});
  EXPECT_EQ(cfg.listen_host, "127.0.0.1");
  EXPECT_EQ(cfg.listen_port, 8080);
  EXPECT_EQ(cfg.database_url, "sqlite:jogtrack.db");
  EXPECT_EQ(cfg.access_token_ttl, 900);
  EXPECT_EQ(cfg.refresh_token_ttl, 2592000);
  EXPECT_EQ(cfg.weather_timeout_ms, 5000);
  EXPECT_EQ(cfg.password_min_length, 8u);
  EXPECT_GE(cfg.threads, 1u);
  EXPECT_FALSE(cfg.redis_url.has_value());
  EXPECT_EQ(cfg.log_format, "text");
  EXPECT_TRUE(cfg.cookie_secure);
  EXPECT_TRUE(cfg.cors_origins.empty());
}

TEST(Config, ParsesListenAddresses) {
  EXPECT_EQ(parse_config({{"JOGTRACK_LISTEN", "0.0.0.0:0"}}).listen_port, 0);
  const Config v6 = parse_config({{"JOGTRACK_LISTEN", "[::1]:9000"}});
  EXPECT_EQ(v6.listen_host, "::1");
  EXPECT_EQ(v6.listen_port, 9000);
}

TEST(Config, RejectsBadValuesWithTheSettingName) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"JOGTRACK_LISTEN", "8080"},
      {"JOGTRACK_LISTEN", "localhost:http"},
      {"JOGTRACK_LISTEN", "localhost:70000"},
      {"JOGTRACK_DATABASE_URL", "mysql://x"},
      {"JOGTRACK_JWT_SECRET", "short"},
      {"JOGTRACK_ACCESS_TOKEN_TTL", "-1"},
      {"JOGTRACK_ACCESS_TOKEN_TTL", "15m"},
      {"JOGTRACK_THREADS", "0"},
      {"JOGTRACK_WEATHER_TIMEOUT_MS", ""},
      {"JOGTRACK_WEATHER_ARCHIVE_URL", "ftp://x"},
      {"JOGTRACK_LOG_LEVEL", "loud"},
      {"JOGTRACK_LOG_FORMAT", "xml"},
      {"JOGTRACK_REDIS_URL", "http://x"},
      {"JOGTRACK_PASSWORD_MIN_LENGTH", "200"},
      {"JOGTRACK_COOKIE_SECURE", "yes"},
      {"JOGTRACK_CORS_ORIGINS", "*"},
      {"JOGTRACK_CORS_ORIGINS", "app.example.com"},
      {"JOGTRACK_CORS_ORIGINS", "https://app.example.com/"},
      {"JOGTRACK_CORS_ORIGINS", "https://app.example.com/app"},
      {"JOGTRACK_CORS_ORIGINS", "https://*.example.com"},
      {"JOGTRACK_CORS_ORIGINS", "https://user@app.example.com"},
      {"JOGTRACK_CORS_ORIGINS", "ftp://app.example.com"},
      {"JOGTRACK_CORS_ORIGINS", "https://app.example.com:0"},
      {"JOGTRACK_CORS_ORIGINS", "https://app.example.com:99999"},
      {"JOGTRACK_CORS_ORIGINS", "https://app.example.com:"},
      {"JOGTRACK_CORS_ORIGINS", "https://"},
      {"JOGTRACK_CORS_ORIGINS", "null"},
      {"JOGTRACK_CORS_ORIGINS", "https://ok.example, https://bad_host.example"},
  };
  for (const auto& [key, value] : bad) {
    try {
      parse_config({{key, value}});
      ADD_FAILURE() << key << "=" << value << " was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(key.substr(0, 12)), std::string::npos) << e.what();
    }
  }
}

TEST(Config, BrowserSettings) {
  EXPECT_FALSE(parse_config({{"JOGTRACK_COOKIE_SECURE", "false"}}).cookie_secure);
  EXPECT_TRUE(parse_config({{"JOGTRACK_COOKIE_SECURE", "true"}}).cookie_secure);
  const Config cfg = parse_config(
      {{"JOGTRACK_CORS_ORIGINS", " https://App.Example.com:443 ,http://127.0.0.1:5173,,https://app.example.com, "
                                 "http://[::1]:8080, http://localhost:80"}});
  EXPECT_EQ(cfg.cors_origins, (std::vector<std::string>{"https://app.example.com", "http://127.0.0.1:5173",
                                                        "http://[::1]:8080", "http://localhost"}));
  EXPECT_TRUE(parse_config({{"JOGTRACK_CORS_ORIGINS", ""}}).cors_origins.empty());
}

TEST(Config, EverySettingHasAFlagNamedLikeItsVariable) {
  for (const auto& s : settings()) {
    std::string expected = "--";
    for (char c : s.env.substr(std::string("JOGTRACK_").size()))
      expected += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(s.flag, expected);
  }
}
