// SPDX-License-Identifier: Apache-2.0
#include "common/telemetry.h"

#include <gtest/gtest.h>

#include <thread>

namespace tw::telemetry {
namespace {

TEST(TelemetryTest, CountersRenderPerLabelSetWithHelpAndType) {
  Registry registry;
  auto& requests = registry.Counter("tw_requests_total", "Requests", {"service", "status"});
  requests.Add({"s3", "200"});
  requests.Add({"s3", "200"});
  requests.Add({"iam", "403"}, 3);
  requests.Add({"iam", "403"}, -1);  // ignored: counters never decrease
  EXPECT_EQ(registry.Render(),
            "# HELP tw_requests_total Requests\n"
            "# TYPE tw_requests_total counter\n"
            "tw_requests_total{service=\"iam\",status=\"403\"} 3\n"
            "tw_requests_total{service=\"s3\",status=\"200\"} 2\n");
}

TEST(TelemetryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  auto& latency = registry.Histogram("tw_seconds", "Latency", {"service"}, {0.5, 0.1, 1});
  latency.Observe({"logs"}, 0.05);
  latency.Observe({"logs"}, 0.1);  // on a bound: counted in that bucket (le is inclusive)
  latency.Observe({"logs"}, 0.7);
  latency.Observe({"logs"}, 5);
  EXPECT_EQ(registry.Render(),
            "# HELP tw_seconds Latency\n"
            "# TYPE tw_seconds histogram\n"
            "tw_seconds_bucket{service=\"logs\",le=\"0.1\"} 2\n"
            "tw_seconds_bucket{service=\"logs\",le=\"0.5\"} 2\n"
            "tw_seconds_bucket{service=\"logs\",le=\"1\"} 3\n"
            "tw_seconds_bucket{service=\"logs\",le=\"+Inf\"} 4\n"
            "tw_seconds_sum{service=\"logs\"} 5.85\n"
            "tw_seconds_count{service=\"logs\"} 4\n");
}

TEST(TelemetryTest, CollectorsAreSampledAtEachRenderAndLabelValuesEscaped) {
  Registry registry;
  int depth = 1;
  registry.AddCollector("tw_queue_depth", "Queued\nitems", MetricType::kGauge, [&depth] {
    return std::vector<Sample>{{{{"queue", "a\"b\\c\nd"}}, static_cast<double>(depth)}};
  });
  EXPECT_NE(registry.Render().find("tw_queue_depth{queue=\"a\\\"b\\\\c\\nd\"} 1\n"),
            std::string::npos);
  depth = 7;
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# HELP tw_queue_depth Queued\\nitems\n# TYPE tw_queue_depth gauge\n"),
            std::string::npos);
  EXPECT_NE(text.find("} 7\n"), std::string::npos);
}

TEST(TelemetryTest, WrongLabelCountIsPaddedNotACrash) {
  Registry registry;
  auto& c = registry.Counter("tw_c", "c", {"a", "b"});
  c.Add({"x"});
  c.Add({"x", "y", "z"});
  const std::string text = registry.Render();
  EXPECT_NE(text.find("tw_c{a=\"x\",b=\"\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("tw_c{a=\"x\",b=\"y\"} 1\n"), std::string::npos);
}

TEST(TelemetryTest, ConcurrentUpdatesAreAllCounted) {
  Registry registry;
  auto& c = registry.Counter("tw_c", "c", {"t"});
  auto& h = registry.Histogram("tw_h", "h", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.Add({"x"});
        h.Observe({}, 0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  const std::string text = registry.Render();
  EXPECT_NE(text.find("tw_c{t=\"x\"} 40000\n"), std::string::npos);
  EXPECT_NE(text.find("tw_h_count 40000\n"), std::string::npos);
}

}  // namespace
}  // namespace tw::telemetry
