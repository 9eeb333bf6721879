// OpenMeteoClient over real sockets: a tiny in-test HTTP server with canned
// answers, sockets that never answer or refuse, and (when /usr/bin/python3 is
// there) the Python fake in tests/api/fake_openmeteo.py.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <rapidjson/document.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/errors.h"
#include "weather/weather.h"

extern char** environ;

using namespace jogtrack;
using namespace jogtrack::weather;
using namespace std::chrono_literals;

namespace {

Days day(const char* text) { return *parse_date(text); }

// A bound 127.0.0.1 TCP socket; listen() optional.
struct Socket {
  int fd = -1;
  int port = 0;
  explicit Socket(bool listening) {
    fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ADD_FAILURE() << "bind";
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    if (listening && ::listen(fd, 16) != 0) ADD_FAILURE() << "listen";
  }
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

// Accepts connections one at a time; for each, reads the request head and
// answers with responder(request_target) (raw bytes), then closes.
class TinyHttpServer {
 public:
  using Responder = std::function<std::string(const std::string& target)>;
  explicit TinyHttpServer(Responder r) : socket_(true), responder_(std::move(r)) {
    thread_ = std::thread([this] { run(); });
  }
  ~TinyHttpServer() {
    stop_ = true;
    ::shutdown(socket_.fd, SHUT_RDWR);  // wakes accept()
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(socket_.port); }
  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  void run() {
    while (!stop_) {
      int c = ::accept4(socket_.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) {
        if (stop_) return;
        continue;
      }
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        pollfd p{c, POLLIN, 0};
        if (::poll(&p, 1, 2000) <= 0) break;
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<size_t>(n));
      }
      std::string target;
      if (auto sp1 = head.find(' '); sp1 != std::string::npos)
        target = head.substr(sp1 + 1, head.find(' ', sp1 + 1) - sp1 - 1);
      {
        std::lock_guard lock(mutex_);
        targets_.push_back(target);
      }
      const std::string out = responder_(target);
      size_t sent = 0;
      while (sent < out.size()) {
        ssize_t n = ::send(c, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::close(c);
    }
  }

  Socket socket_;
  Responder responder_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> targets_;
};

std::string http(int status, const std::string& body, const std::string& extra_headers = "",
                 bool content_length = true) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\n";
  r += "Connection: close\r\n" + extra_headers;
  if (content_length) r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

const char* kOneDay = R"({"latitude":32.1,"longitude":34.8,"daily":{"time":["2015-01-01"],)"
                      R"("weather_code":[3],"temperature_2m_max":[17.2],"temperature_2m_min":[8.1],)"
                      R"("sunrise":["2015-01-01T06:39"],"sunset":["2015-01-01T16:47"]}})";

OpenMeteoOptions options_for(const std::string& base, long timeout_ms = 3000) {
  OpenMeteoOptions o;
  o.forecast_url = base + "/v1/forecast";
  o.archive_url = base + "/v1/archive";
  o.timeout_ms = timeout_ms;
  return o;
}

ApiError fetch_error(OpenMeteoClient& client, Days date) {
  try {
    client.fetch(date, {32.09, 34.78});
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no ApiError thrown";
  return ApiError(ErrorKind::Validation, "none");
}

}  // namespace

TEST(OpenMeteoClient, ParsesA200AndSendsTheProtocolRequest) {
  TinyHttpServer server([](const std::string&) { return http(200, kOneDay); });
  OpenMeteoClient client(options_for(server.base()));
  Condition c = client.fetch(day("2015-01-01"), {32.09, 34.78});
  EXPECT_EQ(c.weather_code, 3);
  EXPECT_EQ(c.summary, "Overcast");
  EXPECT_EQ(c.temperature_max, 17.2);
  EXPECT_EQ(c.sunrise, "2015-01-01T06:39");
  auto targets = server.targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0],
            "/v1/archive?latitude=32.09&longitude=34.78&start_date=2015-01-01&end_date=2015-01-01"
            "&daily=weather_code,temperature_2m_max,temperature_2m_min,apparent_temperature_max,"
            "apparent_temperature_min,precipitation_sum,rain_sum,snowfall_sum,wind_speed_10m_max,"
            "wind_gusts_10m_max,wind_direction_10m_dominant,sunrise,sunset&timezone=auto");
}

TEST(OpenMeteoClient, RecentDaysGoToTheForecastEndpoint) {
  const Days today = today_utc();
  const std::string today_s = format_date(today);
  TinyHttpServer server([&](const std::string&) {
    return http(200, R"({"daily":{"time":[")" + today_s + R"("],"weather_code":[0]}})");
  });
  OpenMeteoClient client(options_for(server.base()));
  EXPECT_EQ(client.fetch(today, {1, 2}).summary, "Clear sky");
  ASSERT_EQ(server.targets().size(), 1u);
  EXPECT_EQ(server.targets()[0].rfind("/v1/forecast?", 0), 0u);
}

TEST(OpenMeteoClient, ErrorBodyOn400IsUnprocessable) {
  TinyHttpServer server([](const std::string&) {
    return http(400, R"({"error":true,"reason":"Parameter 'start_date' is out of allowed range"})");
  });
  OpenMeteoClient client(options_for(server.base()));
  ApiError e = fetch_error(client, day("1939-01-01"));
  EXPECT_EQ(e.kind(), ErrorKind::NoWeatherData);
  EXPECT_NE(std::string(e.what()).find("out of allowed range"), std::string::npos);
}

TEST(OpenMeteoClient, NoDataIsUnprocessable) {
  TinyHttpServer server([](const std::string&) {
    return http(200, R"({"daily":{"time":["2015-01-01"],"weather_code":[null],"temperature_2m_max":[null]}})");
  });
  OpenMeteoClient client(options_for(server.base()));
  EXPECT_EQ(fetch_error(client, day("2015-01-01")).kind(), ErrorKind::NoWeatherData);
}

TEST(OpenMeteoClient, UnexpectedAnswersAreUnavailable) {
  struct Case {
    const char* name;
    std::string response;
  };
  const std::string big(2 << 20, ' ');
  for (const Case& c : {
           Case{"500", http(500, R"({"error":true,"reason":"Internal Server Error"})")},
           Case{"502 html", http(502, "<html>Bad Gateway</html>")},
           Case{"429", http(429, R"({"error":true,"reason":"Too many requests"})")},
           Case{"404 error body", http(404, R"({"error":true,"reason":"Not Found"})")},
           Case{"400 not json", http(400, "Bad Request")},
           Case{"redirect", http(302, "", "Location: http://127.0.0.1:1/v1/archive\r\n")},
           Case{"garbage 200", http(200, "<html><body>hello</body></html>")},
           Case{"not http", "SSH-2.0-OpenSSH_9.2\r\n"},
           Case{"truncated", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"daily\":"},
           Case{"too large (length)", http(200, "{\"a\":\"" + big + "\"}")},
           Case{"too large (no length)", http(200, "{\"a\":\"" + big + "\"}", "", false)},
           Case{"empty close", ""},
       }) {
    SCOPED_TRACE(c.name);
    TinyHttpServer server([&](const std::string&) { return c.response; });
    OpenMeteoClient client(options_for(server.base()));
    ApiError e = fetch_error(client, day("2015-01-01"));
    EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable) << e.what();
    EXPECT_EQ(e.retry_after(), 30);
  }
}

TEST(OpenMeteoClient, TimeoutFiresAgainstASocketThatNeverAnswers) {
  Socket silent(true);  // listens (the kernel completes the handshake) but never accepts
  OpenMeteoClient client(options_for("http://127.0.0.1:" + std::to_string(silent.port), 300));
  const auto start = std::chrono::steady_clock::now();
  ApiError e = fetch_error(client, day("2015-01-01"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
  EXPECT_EQ(e.retry_after(), 30);
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(OpenMeteoClient, TimeoutCoversASlowServer) {
  TinyHttpServer server([](const std::string&) {
    std::this_thread::sleep_for(600ms);
    return http(200, kOneDay);
  });
  OpenMeteoClient client(options_for(server.base(), 200));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(fetch_error(client, day("2015-01-01")).kind(), ErrorKind::WeatherUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 550ms);
}

TEST(OpenMeteoClient, ConnectionRefusedIsUnavailable) {
  Socket closed(false);  // bound (so nobody else takes the port) but not listening
  OpenMeteoClient client(options_for("http://127.0.0.1:" + std::to_string(closed.port)));
  const auto start = std::chrono::steady_clock::now();
  ApiError e = fetch_error(client, day("2015-01-01"));
  EXPECT_EQ(e.kind(), ErrorKind::WeatherUnavailable);
  EXPECT_EQ(e.retry_after(), 30);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(OpenMeteoClient, OnlyHttpAndHttpsAreAllowed) {
  OpenMeteoOptions o;
  o.archive_url = "file:///etc/passwd";
  OpenMeteoClient client(o);
  EXPECT_EQ(fetch_error(client, day("2015-01-01")).kind(), ErrorKind::WeatherUnavailable);
}

TEST(OpenMeteoClient, ConcurrentFetchesFromManyThreads) {
  TinyHttpServer server([](const std::string&) { return http(200, kOneDay); });
  OpenMeteoClient client(options_for(server.base()));
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 3; ++j)
        if (client.fetch(day("2015-01-01"), {1, 2}).weather_code == 3) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok, 24);
}

// ---------------------------------------------------------------------------
// Against tests/api/fake_openmeteo.py (skipped when Python is not installed).

namespace {

const std::filesystem::path kFakeScript =
    std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "api" / "fake_openmeteo.py";
const char* kPython = "/usr/bin/python3";

class PythonFake {
 public:
  PythonFake() {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    std::string script = kFakeScript.string();
    char* argv[] = {const_cast<char*>(kPython), const_cast<char*>(script.c_str()),
                    const_cast<char*>("--port"), const_cast<char*>("0"), nullptr};
    if (posix_spawn(&pid_, kPython, &actions, nullptr, argv, environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    // Read "listening on 127.0.0.1:PORT\n" (with a deadline).
    std::string line;
    char ch;
    while (pid_ > 0 && line.find('\n') == std::string::npos) {
      pollfd p{out[0], POLLIN, 0};
      if (::poll(&p, 1, 10000) <= 0 || ::read(out[0], &ch, 1) != 1) break;
      line += ch;
    }
    ::close(out[0]);
    if (auto colon = line.rfind(':'); line.rfind("listening on ", 0) == 0 && colon != std::string::npos)
      port_ = std::atoi(line.c_str() + colon + 1);
  }
  ~PythonFake() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  int port() const { return port_; }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// Runs a Python one-liner and returns its standard output.
std::string python_output(const std::string& code) {
  std::string cmd = std::string(kPython) + " -B -c '" + code + "'";  // -B: no __pycache__
  std::string out;
  if (FILE* f = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

void control(const std::string& base, const std::string& json) {
  // Raw POST with a throwaway socket (keeps this test free of other HTTP clients).
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(std::stoi(base.substr(base.rfind(':') + 1))));
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  std::string req = "POST /__control HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                    "application/json\r\nContent-Length: " +
                    std::to_string(json.size()) + "\r\n\r\n" + json;
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  ASSERT_GT(n, 12);
  EXPECT_EQ(std::string(buf, 12), "HTTP/1.1 200");
}

}  // namespace

TEST(OpenMeteoClientAgainstPythonFake, ModesAndValues) {
  // scripts/install-deps.sh installs python3: a missing one is a failure, not a skip.
  ASSERT_TRUE(std::filesystem::exists(kPython) && std::filesystem::exists(kFakeScript))
      << "needs " << kPython << " and " << kFakeScript;
  PythonFake fake;
  ASSERT_GT(fake.port(), 0) << "fake did not start";
  OpenMeteoClient client(options_for(fake.base(), 1000));

  // Archive and forecast days give the values the fake documents.
  const Days today = today_utc();
  for (Days date : {day("2015-01-01"), today - std::chrono::days{10}, today}) {
    const std::string d = format_date(date);
    SCOPED_TRACE(d);
    Condition c = client.fetch(date, {32.09, 34.78});
    std::string expected = python_output(
        "import sys, json; sys.path.insert(0, \"" + kFakeScript.parent_path().string() +
        "\"); import fake_openmeteo as f; print(json.dumps(f.expected_daily(\"" + d + "\", 32.09, 34.78)))");
    rapidjson::Document doc;
    doc.Parse(expected.c_str());
    ASSERT_TRUE(doc.IsObject()) << expected;
    EXPECT_EQ(c.weather_code, doc["weather_code"].GetInt());
    EXPECT_EQ(c.summary, wmo_summary(doc["weather_code"].GetInt()));
    EXPECT_EQ(c.temperature_max, doc["temperature_2m_max"].GetDouble());
    EXPECT_EQ(c.temperature_min, doc["temperature_2m_min"].GetDouble());
    EXPECT_EQ(c.apparent_temperature_max, doc["apparent_temperature_max"].GetDouble());
    EXPECT_EQ(c.apparent_temperature_min, doc["apparent_temperature_min"].GetDouble());
    EXPECT_EQ(c.precipitation_sum, doc["precipitation_sum"].GetDouble());
    EXPECT_EQ(c.rain_sum, doc["rain_sum"].GetDouble());
    EXPECT_EQ(c.snowfall_sum, doc["snowfall_sum"].GetDouble());
    EXPECT_EQ(c.wind_speed_max, doc["wind_speed_10m_max"].GetDouble());
    EXPECT_EQ(c.wind_gusts_max, doc["wind_gusts_10m_max"].GetDouble());
    EXPECT_EQ(c.wind_direction_dominant, doc["wind_direction_10m_dominant"].GetInt());
    EXPECT_EQ(c.sunrise, std::string(doc["sunrise"].GetString()));
    EXPECT_EQ(c.sunset, std::string(doc["sunset"].GetString()));
  }

  // Outside the provider's ranges: 422.
  EXPECT_EQ(fetch_error(client, day("1939-12-31")).kind(), ErrorKind::NoWeatherData);
  EXPECT_EQ(fetch_error(client, today + std::chrono::days{30}).kind(), ErrorKind::NoWeatherData);

  control(fake.base(), R"({"mode":"nodata"})");
  EXPECT_EQ(fetch_error(client, day("2015-01-01")).kind(), ErrorKind::NoWeatherData);
  for (const char* mode : {R"({"mode":"error500"})", R"({"mode":"garbage"})", R"({"mode":"drop"})",
                           R"({"mode":"slow","delay_ms":3000})"}) {
    SCOPED_TRACE(mode);
    control(fake.base(), mode);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(fetch_error(client, day("2015-01-01")).kind(), ErrorKind::WeatherUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  }
  control(fake.base(), R"({"mode":"ok","delay_ms":0})");
  EXPECT_EQ(client.fetch(day("2015-01-01"), {32.09, 34.78}).provider, "open-meteo");
}
