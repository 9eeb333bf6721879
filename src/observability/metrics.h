// HTTP request metrics rendered in the Prometheus text exposition format 0.0.4.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace jogtrack::observability {

class Metrics {
 public:
  // Upper bounds (seconds) of the latency histogram; +Inf is implicit.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};
  // Route label for requests that matched no route (never the raw path).
  static constexpr std::string_view kUnmatched = "unmatched";

  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Thread-safe and cheap: each thread updates its own shard (one uncontended
  // mutex, no allocation once a method/route pair has been seen).
  // route must be a route template or kUnmatched.
  void observe_request(std::string_view method, std::string_view route, int status, double seconds);

  // Extra exposition text appended by render() (e.g. weather lookup counters).
  // The collector appends complete lines, with its own # HELP / # TYPE.
  // Collectors run under an internal lock: they must not call add_collector.
  void add_collector(std::function<void(std::string& out)> collector);

  // jogtrack_http_requests_total{method,route,status} (counter) and
  // jogtrack_http_request_duration_seconds{method,route} (histogram), series
  // sorted by labels, then the collectors' output in registration order.
  std::string render() const;

  // Appends v escaped for a Prometheus label value (\\, \" and \n).
  static void append_label_value(std::string& out, std::string_view v);

 private:
  struct Shard;
  static constexpr std::size_t kShards = 16;
  std::unique_ptr<Shard[]> shards_;
  mutable std::mutex collectors_mu_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace jogtrack::observability
