#include "observability/metrics.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>
#include <vector>

namespace jogtrack::observability {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

TEST(Metrics, EmptyRenderHasHelpAndType) {
  Metrics m;
  const std::string out = m.render();
  EXPECT_TRUE(has_line(out, "# TYPE jogtrack_http_requests_total counter")) << out;
  EXPECT_TRUE(has_line(out, "# TYPE jogtrack_http_request_duration_seconds histogram")) << out;
  EXPECT_NE(out.find("# HELP jogtrack_http_requests_total "), std::string::npos);
  EXPECT_NE(out.find("# HELP jogtrack_http_request_duration_seconds "), std::string::npos);
  EXPECT_EQ(out.back(), '\n');
}

TEST(Metrics, CountsByMethodRouteStatus) {
  Metrics m;
  m.observe_request("GET", "/users/{id}", 200, 0.001);
  m.observe_request("GET", "/users/{id}", 200, 0.002);
  m.observe_request("GET", "/users/{id}", 404, 0.003);
  m.observe_request("POST", "/users", 201, 0.004);
  m.observe_request("GET", "unmatched", 404, 0.0001);
  const std::string out = m.render();
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_requests_total{method="GET",route="/users/{id}",status="200"} 2)"))
      << out;
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_requests_total{method="GET",route="/users/{id}",status="404"} 1)"));
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_requests_total{method="POST",route="/users",status="201"} 1)"));
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_requests_total{method="GET",route="unmatched",status="404"} 1)"));
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_request_duration_seconds_count{method="GET",route="/users/{id}"} 3)"));
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_request_duration_seconds_sum{method="GET",route="/users/{id}"} 0.006)"));
}

TEST(Metrics, BucketsAreCumulative) {
  Metrics m;
  for (double s : {0.0001, 0.0005, 0.0007, 0.003, 0.2, 0.9, 3.0, 100.0}) m.observe_request("GET", "/r", 200, s);
  const std::string out = m.render();
  auto bucket = [](const char* le, int n) {
    return std::string(R"(jogtrack_http_request_duration_seconds_bucket{method="GET",route="/r",le=")") + le +
           "\"} " + std::to_string(n);
  };
  EXPECT_TRUE(has_line(out, bucket("0.0005", 2))) << out;  // le is inclusive
  EXPECT_TRUE(has_line(out, bucket("0.001", 3)));
  EXPECT_TRUE(has_line(out, bucket("0.0025", 3)));
  EXPECT_TRUE(has_line(out, bucket("0.005", 4)));
  EXPECT_TRUE(has_line(out, bucket("0.01", 4)));
  EXPECT_TRUE(has_line(out, bucket("0.025", 4)));
  EXPECT_TRUE(has_line(out, bucket("0.05", 4)));
  EXPECT_TRUE(has_line(out, bucket("0.1", 4)));
  EXPECT_TRUE(has_line(out, bucket("0.25", 5)));
  EXPECT_TRUE(has_line(out, bucket("0.5", 5)));
  EXPECT_TRUE(has_line(out, bucket("1", 6)));
  EXPECT_TRUE(has_line(out, bucket("2.5", 6)));
  EXPECT_TRUE(has_line(out, bucket("+Inf", 8)));
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_request_duration_seconds_count{method="GET",route="/r"} 8)"));

  // Bucket lines come in increasing le order and precede _sum and _count.
  const auto p1 = out.find("le=\"0.0005\"");
  const auto p2 = out.find("le=\"2.5\"");
  const auto p3 = out.find("le=\"+Inf\"");
  const auto ps = out.find("_sum{method=\"GET\",route=\"/r\"}");
  const auto pc = out.find("_count{method=\"GET\",route=\"/r\"}");
  EXPECT_LT(p1, p2);
  EXPECT_LT(p2, p3);
  EXPECT_LT(p3, ps);
  EXPECT_LT(ps, pc);
}

TEST(Metrics, NegativeOrNanDurationsCountAsZero) {
  Metrics m;
  m.observe_request("GET", "/r", 200, -1.0);
  m.observe_request("GET", "/r", 200, std::numeric_limits<double>::quiet_NaN());
  const std::string out = m.render();
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_request_duration_seconds_bucket{method="GET",route="/r",le="0.0005"} 2)"))
      << out;
  EXPECT_TRUE(has_line(out, R"(jogtrack_http_request_duration_seconds_sum{method="GET",route="/r"} 0)"));
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics m;
  m.observe_request("GET", "/a\"b\\c\nd", 200, 0.001);
  const std::string out = m.render();
  EXPECT_NE(out.find(R"(route="/a\"b\\c\nd")"), std::string::npos) << out;
  std::string esc;
  Metrics::append_label_value(esc, "x\"y\\z\n");
  EXPECT_EQ(esc, R"(x\"y\\z\n)");
}

TEST(Metrics, SeriesAreSorted) {
  Metrics m;
  m.observe_request("POST", "/b", 201, 0.001);
  m.observe_request("GET", "/b", 200, 0.001);
  m.observe_request("GET", "/a", 500, 0.001);
  m.observe_request("GET", "/a", 200, 0.001);
  const std::string out = m.render();
  const auto a200 = out.find(R"(jogtrack_http_requests_total{method="GET",route="/a",status="200"})");
  const auto a500 = out.find(R"(jogtrack_http_requests_total{method="GET",route="/a",status="500"})");
  const auto b200 = out.find(R"(jogtrack_http_requests_total{method="GET",route="/b",status="200"})");
  const auto p201 = out.find(R"(jogtrack_http_requests_total{method="POST",route="/b",status="201"})");
  ASSERT_NE(p201, std::string::npos);
  EXPECT_LT(a200, a500);
  EXPECT_LT(a500, b200);
  EXPECT_LT(b200, p201);
}

TEST(Metrics, CollectorsAppendInOrder) {
  Metrics m;
  m.add_collector([](std::string& out) {
    out += "# HELP jogtrack_weather_lookups_total Weather lookups.\n";
    out += "# TYPE jogtrack_weather_lookups_total counter\n";
    out += "jogtrack_weather_lookups_total{result=\"hit\"} 3\n";
  });
  m.add_collector([](std::string& out) { out += "second_metric 1\n"; });
  const std::string out = m.render();
  const auto first = out.find("jogtrack_weather_lookups_total{result=\"hit\"} 3\n");
  const auto second = out.find("second_metric 1\n");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos);
  EXPECT_LT(out.find("jogtrack_http_request_duration_seconds"), first);
  EXPECT_LT(first, second);
}

TEST(Metrics, ConcurrentObserversLoseNothing) {
  Metrics m;
  constexpr int kThreads = 8, kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kPerThread; ++i)
        m.observe_request(i % 2 ? "GET" : "POST", t % 2 ? "/x" : "/y", 200, 0.0001);
    });
  std::thread renderer([&m] {
    for (int i = 0; i < 20; ++i) (void)m.render();
  });
  for (auto& th : threads) th.join();
  renderer.join();
  const std::string out = m.render();
  const std::string total = std::to_string(kThreads * kPerThread / 4);
  for (const char* method : {"GET", "POST"})
    for (const char* route : {"/x", "/y"})
      EXPECT_TRUE(has_line(out, std::string("jogtrack_http_requests_total{method=\"") + method + "\",route=\"" +
                                    route + "\",status=\"200\"} " + total))
          << method << route << "\n"
          << out;
}

}  // namespace
}  // namespace jogtrack::observability
