// SPDX-License-Identifier: Apache-2.0
// The 10-second slots alarms evaluate over give the same buckets as bucketing the raw points, for
// every period that is a multiple of 10 seconds, with and without a unit filter.
#include <gtest/gtest.h>

#include <random>

#include "services/cloudwatch/statistics.h"

namespace tw::services::cloudwatch {
namespace {

TEST(SlotsTest, SameBucketsAsRawPoints) {
  std::mt19937 rng(7);
  std::vector<RawPoint> points;
  Slots slots;
  const std::int64_t t0 = 1'767'225'600'000;  // a minute boundary
  for (int i = 0; i < 2000; ++i) {
    RawPoint p;
    p.timestamp_ms = t0 + static_cast<std::int64_t>(rng() % 3'600'000);
    p.unit = rng() % 5 == 0 ? "Count" : "None";
    const double v = static_cast<double>(rng() % 1000) / 7.0;
    p.sample_count = 1;
    p.sum = p.minimum = p.maximum = v;
    p.values = {{v, 1}};
    points.push_back(p);
    AddToSlots(slots, p);
  }
  std::stable_sort(points.begin(), points.end(), [](const RawPoint& a, const RawPoint& b) {
    return a.timestamp_ms < b.timestamp_ms;
  });
  for (int period : {10, 20, 30, 60, 300, 3600}) {
    for (const std::optional<std::string>& unit :
         {std::optional<std::string>(), std::optional<std::string>("Count")}) {
      const std::int64_t start = t0 + 600'000, end = t0 + 3'000'000;
      auto raw = BucketPoints(points, start, end, period, unit);
      auto fast = BucketSlots(slots, start, end, period, unit);
      ASSERT_EQ(raw.size(), fast.size()) << period;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        EXPECT_EQ(raw[i].period_start_ms, fast[i].period_start_ms);
        EXPECT_EQ(raw[i].sample_count, fast[i].sample_count);
        EXPECT_NEAR(raw[i].sum, fast[i].sum, 1e-6);
        EXPECT_EQ(raw[i].minimum, fast[i].minimum);
        EXPECT_EQ(raw[i].maximum, fast[i].maximum);
        EXPECT_EQ(StatValue(raw[i], "p90"), StatValue(fast[i], "p90")) << period;
      }
    }
  }
}

}  // namespace
}  // namespace tw::services::cloudwatch
