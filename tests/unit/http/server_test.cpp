// Real-socket test of serve(): raw HTTP/1.1 over POSIX sockets on loopback.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <rapidjson/document.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace jogtrack::http {
namespace {

using namespace std::chrono_literals;

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string{} : it->second;
  }
};

class Conn {
 public:
  explicit Conn(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    connect_errno_ = errno;
  }
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool connected() const { return connected_; }
  int connect_errno() const { return connect_errno_; }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // nullopt if the peer closed (or timed out) before a complete response.
  // head_request: the answer to a HEAD request, whose Content-Length announces no body.
  std::optional<HttpResponse> read_response(bool head_request = false) {
    std::size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return std::nullopt;
    HttpResponse r;
    const std::string head = buf_.substr(0, header_end);
    buf_.erase(0, header_end + 4);
    std::size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) return std::nullopt;
    r.status = std::stoi(status_line.substr(9, 3));
    while (pos != std::string::npos) {
      const std::size_t start = pos + 2;
      pos = head.find("\r\n", start);
      const std::string line = head.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[name] = value;
    }
    const std::size_t length =
        !head_request && r.headers.count("content-length") ? std::stoul(r.headers["content-length"]) : 0;
    while (buf_.size() < length)
      if (!fill()) return std::nullopt;
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // Everything received until `marker` has arrived, or until the peer closed or
  // the read timed out (then without the marker).
  std::string read_until(std::string_view marker) {
    while (buf_.find(marker) == std::string::npos)
      if (!fill()) break;
    return std::exchange(buf_, {});
  }

  // True when the server closed the connection (EOF or reset) within the timeout.
  bool closed_by_peer() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

 private:
  bool fill() {
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  int connect_errno_ = 0;
  std::string buf_;
};

std::string get(const std::string& path, const std::string& extra_headers = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra_headers + "\r\n";
}

std::string post(const std::string& path, const std::string& content_type, const std::string& body) {
  return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::optional<HttpResponse> roundtrip(std::uint16_t port, const std::string& request) {
  Conn c(port);
  if (!c.connected() || !c.send_all(request)) return std::nullopt;
  return c.read_response(request.starts_with("HEAD "));
}

// 16 lower-case hex chars.
bool is_generated_id(const std::string& s) {
  return s.size() == 16 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// "Sun, 06 Nov 1994 08:49:37 GMT" (shape only).
bool is_http_date(const std::string& s) {
  const std::string shape = "Aaa, 00 Aaa 0000 00:00:00 GMT";
  if (s.size() != shape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = shape[i] == '0' ? (c >= '0' && c <= '9') : shape[i] == 'A' ? (c >= 'A' && c <= 'Z')
                  : shape[i] == 'a' ? (c >= 'a' && c <= 'z') : c == shape[i];
    if (!ok) return false;
  }
  return true;
}

rapidjson::Document json(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.data(), body.size());
  EXPECT_FALSE(d.HasParseError()) << body;
  return d;
}

void expect_problem(const HttpResponse& r, int status) {
  EXPECT_EQ(r.status, status);
  EXPECT_EQ(r.header("content-type"), "application/problem+json");
  auto d = json(r.body);
  ASSERT_TRUE(d.IsObject()) << r.body;
  EXPECT_EQ(d["status"].GetInt(), status);
  EXPECT_TRUE(d.HasMember("type") && d.HasMember("title") && d.HasMember("detail")) << r.body;
}

std::string echo_request(const Request& req) {
  std::string out = "{\"method\":\"" + req.method + "\",\"path\":\"" + req.path + "\",\"route\":\"" + req.route +
                    "\",\"raw_query\":\"" + req.raw_query + "\",\"params\":[";
  for (std::size_t i = 0; i < req.path_params.size(); ++i) out += (i ? ",\"" : "\"") + req.path_params[i] + "\"";
  out += "],\"query\":[";
  for (std::size_t i = 0; i < req.query.size(); ++i)
    out += std::string(i ? "," : "") + "[\"" + req.query[i].first + "\",\"" + req.query[i].second + "\"]";
  out += "],\"body_size\":" + std::to_string(req.body.size()) + ",\"content_type\":\"" + req.content_type +
         "\",\"authorization\":\"" + req.authorization + "\",\"remote_ip\":\"" + req.remote_ip +
         "\",\"request_id\":\"" + req.request_id + "\"}";
  return out;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    router_ = new Router();
    metrics_ = new observability::Metrics();
    router_->add({"HEAD", "/greeting", [](const Request&) { return Response::json(200, R"({"hello":"world"})"); },
                  Pool::Inline});
    router_->add({"GET", "/hello", [](const Request&) { return Response::json(200, R"({"hello":"world"})"); },
                  Pool::Inline});
    router_->add({"GET", "/items/{id}", [](const Request& r) { return Response::json(200, echo_request(r)); },
                  Pool::Worker});
    router_->add({"DELETE", "/items/{id}", [](const Request&) { return Response::no_content(); }, Pool::Worker});
    router_->add({"POST", "/echo", [](const Request& r) { return Response::json(201, echo_request(r)); },
                  Pool::Hashing});
    router_->add({"GET", "/unauthorized",
                  [](const Request&) -> Response { throw ApiError(ErrorKind::TokenExpired, "token expired"); },
                  Pool::Inline});
    router_->add({"GET", "/limited",
                  [](const Request&) -> Response {
                    throw ApiError(ErrorKind::TooManyAttempts, "too many attempts", {}, 17);
                  },
                  Pool::Worker});
    router_->add({"GET", "/boom",
                  [](const Request&) -> Response { throw std::runtime_error("secret internal detail"); },
                  Pool::Worker});
    router_->add({"GET", "/slow",
                  [](const Request&) {
                    slow_started_.store(true);
                    std::this_thread::sleep_for(1500ms);
                    return Response::json(200, R"({"slow":true})");
                  },
                  Pool::Worker});
    router_->add({"GET", "/metrics",
                  [](const Request&) {
                    Response r;
                    r.content_type = "text/plain; version=0.0.4";
                    r.body = metrics_->render();
                    return r;
                  },
                  Pool::Inline});

    Route stream{"GET", "/stream", [](const Request&) {
                   Response r;
                   r.content_type = "text/csv";
                   r.stream = [](const ChunkSink& sink) {
                     for (int i = 0; i < 3; ++i)
                       if (!sink("part" + std::to_string(i) + "\n")) return;
                   };
                   return r;
                 }};
    router_->add(std::move(stream));
    Route broken{"GET", "/stream-fails", [](const Request&) {
                   Response r;
                   r.stream = [](const ChunkSink& sink) {
                     sink("first\n");
                     throw std::runtime_error("the database went away");
                   };
                   return r;
                 }};
    router_->add(std::move(broken));
    Route upload{"POST", "/upload", [](const Request& r) { return Response::json(201, echo_request(r)); }};
    upload.max_body_bytes = 200 * 1024;
    upload.content_types = {"text/csv"};
    router_->add(std::move(upload));

    std::promise<std::uint16_t> listening;
    auto port_future = listening.get_future();
    ServerOptions opts;
    opts.host = "127.0.0.1";
    opts.port = 0;
    opts.io_threads = 2;
    opts.worker = {2, 64};
    opts.hashing = {1, 64};
    opts.max_body_bytes = 64 * 1024;
    opts.drain_timeout = 10s;
    opts.on_listening = [&listening](const std::string&, std::uint16_t port) { listening.set_value(port); };
    serve_done_ = new std::future<void>(std::async(std::launch::async, [opts] { serve(opts, *router_, *metrics_); }));
    ASSERT_EQ(port_future.wait_for(10s), std::future_status::ready);
    port_ = port_future.get();
  }

  static void TearDownTestSuite() {
    // Normally the shutdown test has stopped the server already.
    if (!stopped_) {
      ::kill(::getpid(), SIGTERM);
      serve_done_->wait();
    }
    delete serve_done_;
    delete metrics_;
    delete router_;
  }

  static inline Router* router_ = nullptr;
  static inline observability::Metrics* metrics_ = nullptr;
  static inline std::future<void>* serve_done_ = nullptr;
  static inline std::uint16_t port_ = 0;
  static inline bool stopped_ = false;
  static inline std::atomic<bool> slow_started_{false};
};

TEST_F(ServerTest, InlineHandler) {
  ASSERT_NE(port_, 0);
  auto r = roundtrip(port_, get("/hello"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"hello":"world"})");
  EXPECT_EQ(r->header("content-type"), "application/json; charset=utf-8");
  EXPECT_TRUE(is_generated_id(r->header("x-request-id"))) << r->header("x-request-id");
  EXPECT_TRUE(is_http_date(r->header("date"))) << r->header("date");
}

TEST_F(ServerTest, RequestIdsAreUniqueAndIncomingOnesKeptIfValid) {
  auto a = roundtrip(port_, get("/hello"));
  auto b = roundtrip(port_, get("/hello"));
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->header("x-request-id"), b->header("x-request-id"));

  auto kept = roundtrip(port_, get("/hello", "X-Request-Id: trace-1.2_AB\r\n"));
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->header("x-request-id"), "trace-1.2_AB");

  for (const std::string& bad : std::vector<std::string>{"has space", "semi;colon", std::string(65, 'a'), "\"quoted\""}) {
    auto r = roundtrip(port_, get("/hello", "X-Request-Id: " + bad + "\r\n"));
    ASSERT_TRUE(r) << bad;
    EXPECT_TRUE(is_generated_id(r->header("x-request-id"))) << bad;
  }
}

TEST_F(ServerTest, WorkerHandlerGetsDecodedRequest) {
  auto r = roundtrip(port_, get("/items/42?filter=(date+eq+%272024-01-01%27)&x=%C3%A9&flag",
                                "Authorization: Bearer abc.def\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto d = json(r->body);
  EXPECT_STREQ(d["method"].GetString(), "GET");
  EXPECT_STREQ(d["path"].GetString(), "/items/42");
  EXPECT_STREQ(d["route"].GetString(), "/items/{id}");
  EXPECT_STREQ(d["raw_query"].GetString(), "filter=(date+eq+%272024-01-01%27)&x=%C3%A9&flag");
  ASSERT_EQ(d["params"].Size(), 1u);
  EXPECT_STREQ(d["params"][0].GetString(), "42");
  ASSERT_EQ(d["query"].Size(), 3u);
  EXPECT_STREQ(d["query"][0][1].GetString(), "(date eq '2024-01-01')");
  EXPECT_STREQ(d["query"][1][1].GetString(), "\xC3\xA9");
  EXPECT_STREQ(d["query"][2][0].GetString(), "flag");
  EXPECT_STREQ(d["authorization"].GetString(), "Bearer abc.def");
  EXPECT_STREQ(d["remote_ip"].GetString(), "127.0.0.1");
  EXPECT_EQ(std::string(d["request_id"].GetString()), r->header("x-request-id"));

  auto encoded = roundtrip(port_, get("/items/a%20b"));
  ASSERT_TRUE(encoded);
  EXPECT_STREQ(json(encoded->body)["params"][0].GetString(), "a b");
}

TEST_F(ServerTest, NoContent) {
  Conn c(port_);
  ASSERT_TRUE(c.send_all("DELETE /items/3 HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_TRUE(r->body.empty());
  EXPECT_TRUE(r->header("content-type").empty());
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  Conn c(port_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.send_all(get("/hello")));
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  ASSERT_TRUE(c.send_all(get("/items/9")));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

// Regression: RESTinio 0.6.16 restarted its parser twice when a response was
// complete before the handler returned, so a request that arrived (pipelined,
// or just quickly) behind an inline answer and spanned several reads was
// parsed from its middle and the connection dropped.
TEST_F(ServerTest, LargeRequestRightBehindAnInlineAnswerIsServed) {
  Conn c(port_);
  const std::string body(20 * 1024, 'x');
  const std::string second = post("/echo", "application/json", body);
  // The inline request and the first part of the large one in one write...
  ASSERT_TRUE(c.send_all(get("/hello") + second.substr(0, 3000)));
  auto first = c.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  // ...the rest once the first answer has been written.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(c.send_all(second.substr(3000)));
  auto r = c.read_response();
  ASSERT_TRUE(r) << "connection dropped";
  EXPECT_EQ(r->status, 201);
}

TEST_F(ServerTest, NotFound) {
  for (const std::string path : {"/nope", "/hello/", "/items/", "/items/1/2", "//hello"}) {
    auto r = roundtrip(port_, get(path));
    ASSERT_TRUE(r) << path;
    expect_problem(*r, 404);
    EXPECT_FALSE(r->header("x-request-id").empty());
  }
}

TEST_F(ServerTest, MethodNotAllowed) {
  auto r = roundtrip(port_, "PATCH /items/5 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(r);
  expect_problem(*r, 405);
  EXPECT_EQ(r->header("allow"), "DELETE, GET, HEAD");

  // HEAD is answered wherever GET is (by the GET route), so Allow lists it.
  auto head = roundtrip(port_, "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto post_hello = roundtrip(port_, "POST /hello HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(post_hello);
  expect_problem(*post_hello, 405);
  EXPECT_EQ(post_hello->header("allow"), "GET, HEAD");
}

TEST_F(ServerTest, HeadSendsTheHeadersAndLengthWithoutTheBody) {
  Conn c(port_);
  ASSERT_TRUE(c.send_all("HEAD /greeting HTTP/1.1\r\nHost: t\r\n\r\n" + get("/hello")));
  auto head = c.read_response(true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "17");
  EXPECT_EQ(head->header("content-type"), "application/json; charset=utf-8");
  // Had a body been sent, it would be read here as the next answer's status line.
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"hello":"world"})");
}

TEST_F(ServerTest, BadPercentEncoding) {
  auto r = roundtrip(port_, get("/items/%zz"));
  ASSERT_TRUE(r);
  expect_problem(*r, 400);
  auto q = roundtrip(port_, get("/items/1?x=%4"));
  ASSERT_TRUE(q);
  expect_problem(*q, 400);
}

TEST_F(ServerTest, ContentTypeChecks) {
  auto r = roundtrip(port_, post("/echo", "text/plain", "hello"));
  ASSERT_TRUE(r);
  expect_problem(*r, 415);

  auto form = roundtrip(port_, post("/echo", "application/x-www-form-urlencoded", "a=1"));
  ASSERT_TRUE(form);
  expect_problem(*form, 415);

  auto jsonish = roundtrip(port_, post("/echo", "application/jsonx", "{}"));
  ASSERT_TRUE(jsonish);
  expect_problem(*jsonish, 415);

  auto ok = roundtrip(port_, post("/echo", "Application/JSON; charset=UTF-8", R"({"a":1})"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
  auto d = json(ok->body);
  EXPECT_EQ(d["body_size"].GetInt(), 7);
  EXPECT_STREQ(d["content_type"].GetString(), "Application/JSON; charset=UTF-8");

  // An empty body needs no content type.
  auto empty = roundtrip(port_, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 201);
}

TEST_F(ServerTest, BodyTooLarge) {
  const std::string just_fits(64 * 1024, 'x');
  auto fits = roundtrip(port_, post("/echo", "application/json", just_fits));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 201);

  Conn c(port_);
  ASSERT_TRUE(c.send_all(post("/echo", "application/json", std::string(64 * 1024 + 1, 'x'))));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  expect_problem(*r, 413);
  EXPECT_EQ(r->header("connection"), "close");  // SPEC §6: answered, then closed
  EXPECT_FALSE(c.read_response());

  // Over RESTinio's own limit (1 MiB here) the parser stops at the declared
  // length (parser_limits.h): answered at once, the body never read.
  Conn big(port_);
  ASSERT_TRUE(big.send_all("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                           "Content-Length: 2097152\r\n\r\n"));
  auto refused = big.read_response();
  ASSERT_TRUE(refused);
  expect_problem(*refused, 413);
  EXPECT_EQ(refused->header("connection"), "close");
}

TEST_F(ServerTest, ARouteMayTakeLargerBodiesOfItsOwnTypes) {
  auto fits = roundtrip(port_, post("/upload", "text/csv; charset=utf-8", std::string(200 * 1024, 'x')));
  ASSERT_TRUE(fits);
  EXPECT_EQ(fits->status, 201);
  auto over = roundtrip(port_, post("/upload", "text/csv", std::string(200 * 1024 + 1, 'x')));
  ASSERT_TRUE(over);
  expect_problem(*over, 413);
  auto json_body = roundtrip(port_, post("/upload", "application/json", "{}"));
  ASSERT_TRUE(json_body);
  expect_problem(*json_body, 415);
  // Other routes keep the server's limit and JSON only.
  auto csv = roundtrip(port_, post("/echo", "text/csv", "a,b"));
  ASSERT_TRUE(csv);
  expect_problem(*csv, 415);
}

TEST_F(ServerTest, AStreamedBodyIsSentChunked) {
  Conn c(port_);
  ASSERT_TRUE(c.send_all(get("/stream")));
  const std::string raw = c.read_until("\r\n0\r\n\r\n");
  EXPECT_NE(raw.find("HTTP/1.1 200"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos) << raw;
  EXPECT_NE(raw.find("Content-Type: text/csv"), std::string::npos) << raw;
  EXPECT_NE(raw.find("\r\n6\r\npart0\n\r\n6\r\npart1\n\r\n6\r\npart2\n\r\n0\r\n\r\n"), std::string::npos) << raw;
  // The connection stays usable.
  ASSERT_TRUE(c.send_all(get("/hello")));
  auto next = c.read_response();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(ServerTest, AStreamThatFailsNeverLooksComplete) {
  Conn c(port_);
  ASSERT_TRUE(c.send_all(get("/stream-fails")));
  // Read until the receive timeout: the final chunk must never come.
  const std::string raw = c.read_until("\r\n0\r\n\r\n");
  EXPECT_NE(raw.find("first\n"), std::string::npos) << raw;
  EXPECT_EQ(raw.find("\r\n0\r\n\r\n"), std::string::npos) << raw;
}

TEST_F(ServerTest, OversizedHeaderAndUrlAreAnsweredThenClosed) {
  Conn c(port_);
  c.send_all(get("/hello", "X-Big: " + std::string(20 * 1024, 'a') + "\r\n"));
  auto big_header = c.read_response();
  ASSERT_TRUE(big_header);
  expect_problem(*big_header, 431);
  EXPECT_FALSE(c.read_response());
  Conn u(port_);
  u.send_all(get("/hello?" + std::string(33 * 1024, 'a')));
  auto long_url = u.read_response();
  ASSERT_TRUE(long_url);
  expect_problem(*long_url, 414);
  EXPECT_FALSE(u.read_response());
}

TEST_F(ServerTest, HttpVersions) {
  // http_version_hooks.h makes the parsed version visible: above 1.1 is 505.
  Conn c99(port_);
  ASSERT_TRUE(c99.send_all("GET /hello HTTP/9.9\r\nHost: t\r\n\r\n"));
  auto http99 = c99.read_response();
  ASSERT_TRUE(http99);
  expect_problem(*http99, 505);
  EXPECT_TRUE(c99.closed_by_peer());
  // A request line without a version (HTTP/0.9) is answered at once with 400,
  // though no header section follows, and the connection is closed.
  Conn c09(port_);
  ASSERT_TRUE(c09.send_all("GET /hello\r\n"));
  auto http09 = c09.read_response();
  ASSERT_TRUE(http09);
  expect_problem(*http09, 400);
  EXPECT_TRUE(c09.closed_by_peer());
  // HTTP/1.0 works and, without keep-alive, the server closes after the answer.
  Conn c10(port_);
  ASSERT_TRUE(c10.send_all("GET /hello HTTP/1.0\r\n\r\n"));
  auto http10 = c10.read_response();
  ASSERT_TRUE(http10);
  EXPECT_EQ(http10->status, 200);
  EXPECT_EQ(http10->body, R"({"hello":"world"})");
  EXPECT_TRUE(c10.closed_by_peer());
}

TEST_F(ServerTest, AmbiguousRequestsAreRefused) {
  auto twice = roundtrip(port_, get("/items/1?x=1&y=2&x=3"));
  ASSERT_TRUE(twice);
  expect_problem(*twice, 400);
  EXPECT_NE(twice->body.find("'x'"), std::string::npos) << twice->body;
  auto two_auth = roundtrip(port_, get("/hello", "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n"));
  ASSERT_TRUE(two_auth);
  expect_problem(*two_auth, 400);
  auto one_auth = roundtrip(port_, get("/hello", "Authorization: Bearer a\r\n"));
  ASSERT_TRUE(one_auth);
  EXPECT_EQ(one_auth->status, 200);
}

TEST_F(ServerTest, ApiErrorBecomesProblem) {
  auto r = roundtrip(port_, get("/unauthorized"));
  ASSERT_TRUE(r);
  expect_problem(*r, 401);
  EXPECT_EQ(r->header("www-authenticate"), "Bearer realm=\"jogtrack\", error=\"invalid_token\"");
  EXPECT_STREQ(json(r->body)["detail"].GetString(), "token expired");

  auto limited = roundtrip(port_, get("/limited"));
  ASSERT_TRUE(limited);
  expect_problem(*limited, 429);
  EXPECT_EQ(limited->header("retry-after"), "17");
}

TEST_F(ServerTest, OtherExceptionIsOpaque500) {
  auto r = roundtrip(port_, get("/boom", "X-Request-Id: boom-1\r\n"));
  ASSERT_TRUE(r);
  expect_problem(*r, 500);
  EXPECT_EQ(r->body.find("secret"), std::string::npos);
  EXPECT_STREQ(json(r->body)["detail"].GetString(), "internal error");
  EXPECT_EQ(r->header("x-request-id"), "boom-1");
}

TEST_F(ServerTest, MetricsRecordRouteTemplates) {
  ASSERT_TRUE(roundtrip(port_, get("/items/777")));
  ASSERT_TRUE(roundtrip(port_, get("/this/path/is/unknown")));
  auto r = roundtrip(port_, get("/metrics"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const std::string& m = r->body;
  EXPECT_NE(m.find(R"(jogtrack_http_requests_total{method="GET",route="/items/{id}",status="200"})"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(R"(jogtrack_http_requests_total{method="GET",route="unmatched",status="404"})"),
            std::string::npos);
  EXPECT_NE(m.find(R"(jogtrack_http_request_duration_seconds_count{method="GET",route="/items/{id}"})"),
            std::string::npos);
  EXPECT_EQ(m.find("/items/777"), std::string::npos);
  EXPECT_EQ(m.find("/this/path"), std::string::npos);
}

// Must run last: it stops the server (gtest runs tests in definition order).
TEST_F(ServerTest, ZzGracefulShutdownOnSigterm) {
  Conn slow(port_);
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.send_all(get("/slow")));
  for (int i = 0; i < 500 && !slow_started_.load(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(slow_started_.load());

  // An idle keep-alive connection opened before the signal.
  Conn idle(port_);
  ASSERT_TRUE(idle.send_all(get("/hello")));
  ASSERT_TRUE(idle.read_response());

  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);

  // New connections are refused once the acceptor is closed (the slow request is still running).
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    Conn probe(port_);
    refused = !probe.connected() && probe.connect_errno() == ECONNREFUSED;
    if (!refused) std::this_thread::sleep_for(5ms);
  }
  EXPECT_TRUE(refused);
  EXPECT_NE(serve_done_->wait_for(0s), std::future_status::ready);

  // A request arriving on an existing connection during the drain gets 503 + close.
  ASSERT_TRUE(idle.send_all(get("/hello")));
  auto rejected = idle.read_response();
  ASSERT_TRUE(rejected);
  expect_problem(*rejected, 503);
  EXPECT_EQ(rejected->header("connection"), "close");

  // The in-flight request still completes.
  auto r = slow.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"slow":true})");

  // And serve() returns.
  ASSERT_EQ(serve_done_->wait_for(5s), std::future_status::ready);
  stopped_ = true;
  EXPECT_NO_THROW(serve_done_->get());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

// A pool with no idle thread and a full queue refuses at once (503 +
// Retry-After), and work whose deadline passed while it was queued is answered
// 503 without its handler ever running.
TEST(ServeOverload, FullPoolRefusesAtOnceAndStaleWorkIsDropped) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> runs{0};
  Router router;
  router.add({"GET", "/block",
              [&](const Request&) {
                runs.fetch_add(1);
                released.wait();
                return Response::json(200, R"({"done":true})");
              },
              Pool::Registration});
  router.add({"GET", "/other", [](const Request&) { return Response::json(200, "{}"); }, Pool::Worker});
  observability::Metrics metrics;
  std::promise<std::uint16_t> listening;
  auto port_future = listening.get_future();
  ServerOptions opts;
  opts.port = 0;
  opts.registration = {1, 1};
  opts.request_timeout = 300ms;
  opts.on_listening = [&listening](const std::string&, std::uint16_t port) { listening.set_value(port); };
  auto done = std::async(std::launch::async, [&] { serve(opts, router, metrics); });
  ASSERT_EQ(port_future.wait_for(10s), std::future_status::ready);
  const std::uint16_t port = port_future.get();

  Conn running(port), queued(port);
  ASSERT_TRUE(running.send_all(get("/block")));
  for (int i = 0; i < 500 && runs.load() == 0; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(runs.load(), 1);
  ASSERT_TRUE(queued.send_all(get("/block")));
  std::this_thread::sleep_for(50ms);  // let it reach the queue

  const auto t0 = std::chrono::steady_clock::now();
  auto refused = roundtrip(port, get("/block"));
  ASSERT_TRUE(refused);
  expect_problem(*refused, 503);
  EXPECT_EQ(refused->header("retry-after"), "1");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
  auto other = roundtrip(port, get("/other"));  // other pools are not affected
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);

  std::this_thread::sleep_for(400ms);  // the queued request's deadline passes
  release.set_value();
  auto first = running.read_response();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);  // already running at its deadline: it finishes
  auto stale = queued.read_response();
  ASSERT_TRUE(stale);
  expect_problem(*stale, 503);
  EXPECT_EQ(stale->header("retry-after"), "1");
  EXPECT_EQ(runs.load(), 1);  // its handler never ran

  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  ASSERT_EQ(done.wait_for(10s), std::future_status::ready);
  EXPECT_NO_THROW(done.get());
}

TEST(ServeErrors, CannotBind) {
  // Hold a port with a plain listening socket; serve() on it must throw.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);

  Router router;
  observability::Metrics metrics;
  ServerOptions opts;
  opts.port = ntohs(addr.sin_port);
  try {
    serve(opts, router, metrics);
    ADD_FAILURE() << "serve() returned";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(opts.port)),
              std::string::npos)
        << e.what();
  }
  ::close(fd);

  opts.host = "not-an-address";
  opts.port = 0;
  EXPECT_THROW(serve(opts, router, metrics), std::runtime_error);
}

}  // namespace
}  // namespace jogtrack::http
