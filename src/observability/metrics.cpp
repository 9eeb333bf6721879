#include "observability/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <utility>

namespace jogtrack::observability {
namespace {

constexpr std::size_t kNumBuckets = Metrics::kBuckets.size() + 1;  // + the +Inf bucket

struct KeyView {
  std::string_view method;
  std::string_view route;
};
using Key = std::pair<std::string, std::string>;

struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(const KeyView& k) const noexcept {
    const std::size_t h1 = std::hash<std::string_view>{}(k.method);
    const std::size_t h2 = std::hash<std::string_view>{}(k.route);
    return h1 ^ (h2 + 0x9e3779b97f4a7c15ULL + (h1 << 6) + (h1 >> 2));
  }
  std::size_t operator()(const Key& k) const noexcept { return (*this)(KeyView{k.first, k.second}); }
};
struct KeyEq {
  using is_transparent = void;
  static KeyView v(const KeyView& k) { return k; }
  static KeyView v(const Key& k) { return {k.first, k.second}; }
  template <class A, class B>
  bool operator()(const A& a, const B& b) const noexcept {
    const KeyView x = v(a), y = v(b);
    return x.method == y.method && x.route == y.route;
  }
};

struct Series {
  std::vector<std::pair<int, std::uint64_t>> statuses;  // few per series: linear search
  std::array<std::uint64_t, kNumBuckets> buckets{};     // per bucket (not cumulative)
  double sum = 0;
  std::uint64_t count = 0;

  void add_status(int status, std::uint64_t n) {
    for (auto& [s, c] : statuses)
      if (s == status) {
        c += n;
        return;
      }
    statuses.emplace_back(status, n);
  }
};

std::size_t bucket_index(double seconds) {
  for (std::size_t i = 0; i < Metrics::kBuckets.size(); ++i)
    if (seconds <= Metrics::kBuckets[i]) return i;
  return Metrics::kBuckets.size();
}

std::size_t this_thread_shard(std::size_t shards) {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % shards;
}

}  // namespace

struct Metrics::Shard {
  mutable std::mutex mu;
  std::unordered_map<Key, Series, KeyHash, KeyEq> series;
};

Metrics::Metrics() : shards_(std::make_unique<Shard[]>(kShards)) {}
Metrics::~Metrics() = default;

void Metrics::observe_request(std::string_view method, std::string_view route, int status, double seconds) {
  if (!(seconds >= 0)) seconds = 0;  // NaN or negative
  Shard& shard = shards_[this_thread_shard(kShards)];
  std::lock_guard lock(shard.mu);
  auto it = shard.series.find(KeyView{method, route});
  if (it == shard.series.end())
    it = shard.series.emplace(Key{std::string(method), std::string(route)}, Series{}).first;
  Series& s = it->second;
  s.add_status(status, 1);
  s.buckets[bucket_index(seconds)] += 1;
  s.sum += seconds;
  s.count += 1;
}

void Metrics::add_collector(std::function<void(std::string& out)> collector) {
  std::lock_guard lock(collectors_mu_);
  collectors_.push_back(std::move(collector));
}

void Metrics::append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      default: out += c;
    }
  }
}

std::string Metrics::render() const {
  // Merge the shards into one sorted view (render is rare; observe is hot).
  std::map<Key, Series> merged;
  for (std::size_t i = 0; i < kShards; ++i) {
    const Shard& shard = shards_[i];
    std::lock_guard lock(shard.mu);
    for (const auto& [key, s] : shard.series) {
      Series& m = merged[key];
      for (const auto& [status, n] : s.statuses) m.add_status(status, n);
      for (std::size_t b = 0; b < kNumBuckets; ++b) m.buckets[b] += s.buckets[b];
      m.sum += s.sum;
      m.count += s.count;
    }
  }

  std::string out;
  out.reserve(256 + merged.size() * 1600);
  auto labels = [&out](const Key& k) {
    out += "method=\"";
    append_label_value(out, k.first);
    out += "\",route=\"";
    append_label_value(out, k.second);
    out += '"';
  };

  out += "# HELP jogtrack_http_requests_total HTTP requests answered, by method, route template and status.\n";
  out += "# TYPE jogtrack_http_requests_total counter\n";
  for (auto& [key, s] : merged) {
    std::sort(s.statuses.begin(), s.statuses.end());
    for (const auto& [status, n] : s.statuses) {
      out += "jogtrack_http_requests_total{";
      labels(key);
      fmt::format_to(std::back_inserter(out), ",status=\"{}\"}} {}\n", status, n);
    }
  }

  out += "# HELP jogtrack_http_request_duration_seconds HTTP request latency, by method and route template.\n";
  out += "# TYPE jogtrack_http_request_duration_seconds histogram\n";
  for (const auto& [key, s] : merged) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < kNumBuckets; ++b) {
      cumulative += s.buckets[b];
      out += "jogtrack_http_request_duration_seconds_bucket{";
      labels(key);
      if (b < kBuckets.size())
        fmt::format_to(std::back_inserter(out), ",le=\"{}\"}} {}\n", kBuckets[b], cumulative);
      else
        fmt::format_to(std::back_inserter(out), ",le=\"+Inf\"}} {}\n", cumulative);
    }
    out += "jogtrack_http_request_duration_seconds_sum{";
    labels(key);
    fmt::format_to(std::back_inserter(out), "}} {}\n", s.sum);
    out += "jogtrack_http_request_duration_seconds_count{";
    labels(key);
    fmt::format_to(std::back_inserter(out), "}} {}\n", s.count);
  }

  std::lock_guard lock(collectors_mu_);
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace jogtrack::observability
