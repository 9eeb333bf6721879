// OpenMeteoClient: one GET per lookup over libcurl.
#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

#include "common/errors.h"
#include "weather/json_util.h"
#include "weather/provider_text.h"
#include "weather/weather.h"

namespace jogtrack::weather {

namespace {

constexpr std::size_t kMaxResponseBytes = 1 << 20;  // 1 MiB (a one-day answer is ~1 KiB)
constexpr int kRetryAfterSeconds = 30;
constexpr long kDefaultTimeoutMs = 5000;

[[noreturn]] void unavailable(const std::string& what) {
  throw ApiError(ErrorKind::WeatherUnavailable, "weather provider could not be reached: " + what, {},
                 kRetryAfterSeconds);
}

// An operator needs to hear that the provider is down, and where it was
// looked for; a provider down under load must not write one line per request.
// So: one warning per kWarnEvery, counting the failures in between.
constexpr std::chrono::seconds kWarnEvery{60};

void warn_unreachable(std::string_view url, const std::string& cause) {
  static std::atomic<std::int64_t> last_warning_ms{std::numeric_limits<std::int64_t>::min() / 2};
  static std::atomic<std::uint64_t> quiet_failures{0};
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_warning_ms.load();
  if (now - last < std::chrono::milliseconds(kWarnEvery).count() ||
      !last_warning_ms.compare_exchange_strong(last, now)) {
    quiet_failures.fetch_add(1);
    return;
  }
  const std::string_view endpoint = url.substr(0, url.find('?'));  // the place, not the query
  const std::uint64_t since = quiet_failures.exchange(0);
  if (since > 0)
    spdlog::warn("weather provider {} cannot be reached: {} ({} more failures since the last warning)", endpoint,
                 cause, since);
  else
    spdlog::warn("weather provider {} cannot be reached: {} (further failures are counted, warned about at "
                 "most once a minute)",
                 endpoint, cause);
}

[[noreturn]] void unreachable(std::string_view url, const std::string& cause) {
  warn_unreachable(url, cause);
  unavailable(cause);
}

// One easy handle per thread: curl_easy_reset() between requests keeps its
// connection cache, so consecutive lookups on a thread reuse the connection.
struct ThreadHandle {
  CURL* curl = nullptr;
  ThreadHandle() : curl(curl_easy_init()) {}
  ~ThreadHandle() {
    if (curl) curl_easy_cleanup(curl);
  }
  ThreadHandle(const ThreadHandle&) = delete;
  ThreadHandle& operator=(const ThreadHandle&) = delete;
};

CURL* thread_handle() {
  thread_local ThreadHandle handle;
  if (!handle.curl) handle.curl = curl_easy_init();  // retry if a previous init failed
  return handle.curl;
}

struct Body {
  std::string data;
  bool too_large = false;
};

size_t on_write(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<Body*>(userdata);
  const size_t n = size * nmemb;
  if (body->data.size() + n > kMaxResponseBytes) {
    body->too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  body->data.append(ptr, n);
  return n;
}

// The "reason" of an Open-Meteo {"error":true,"reason":...} body, if it is one.
std::optional<std::string> provider_error_reason(std::string_view body) {
  rapidjson::Document doc;
  if (!detail::parse_json(doc, body) || !doc.IsObject()) return std::nullopt;
  auto err = doc.FindMember("error");
  if (err == doc.MemberEnd() || !err->value.IsTrue()) return std::nullopt;
  auto r = doc.FindMember("reason");
  if (r == doc.MemberEnd() || !r->value.IsString()) return std::string("no reason given");
  return bounded_message(std::string_view(r->value.GetString(), r->value.GetStringLength()), kMaxReasonBytes);
}

}  // namespace

void init_http_client_library() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)rc;  // on failure curl_easy_init() fails later and fetch() answers 503
}

OpenMeteoClient::OpenMeteoClient(OpenMeteoOptions options) : options_(std::move(options)) {
  if (options_.timeout_ms <= 0) options_.timeout_ms = kDefaultTimeoutMs;  // 0 would mean "forever"
  init_http_client_library();
}

Condition OpenMeteoClient::fetch(Days date, Location where) {
  const std::string url = build_request_url(options_, date, where, today_utc());
  CURL* curl = thread_handle();
  if (!curl) unavailable("cannot initialise the HTTP client");
  curl_easy_reset(curl);

  Body body;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);  // the defaults, stated
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(kMaxResponseBytes));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // any encoding libcurl can decode
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "jogtrack");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);

  const CURLcode rc = curl_easy_perform(curl);
  if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) unreachable(url, "response too large");
  if (rc != CURLE_OK) unreachable(url, curl_easy_strerror(rc));

  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status == 200) return parse_daily_response(body.data, date);
  if (status == 400) {
    // Open-Meteo's documented "no" (date out of range, bad coordinates...).
    if (auto reason = provider_error_reason(body.data))
      throw ApiError(ErrorKind::NoWeatherData, "weather provider has no data: " + *reason);
  }
  unreachable(url, "provider answered HTTP " + std::to_string(status));
}

}  // namespace jogtrack::weather
