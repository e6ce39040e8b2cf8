// SPDX-License-Identifier: Apache-2.0
// InsightsAnalyzer: a burst of write calls well above the learned per-minute baseline starts an
// ApiCallRateInsight and the return to normal ends it (Start and End share sharedEventID, with
// AWS's insightDetails shape); reads are not counted for call rate; errors are counted per error
// code for ApiErrorRateInsight; a steady rate never fires.
#include "services/cloudtrail/insights.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "testing/fixed_random.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;
constexpr std::int64_t kStart = 1'767'225'600'000;  // a whole minute
constexpr std::int64_t kMinute = 60'000;

pipeline::TrailEvent Call(std::int64_t at, std::string name, bool read_only = false,
                          std::string error = "") {
  pipeline::TrailEvent e;
  e.event_time_millis = at;
  e.event_source = "iam.amazonaws.com";
  e.event_name = std::move(name);
  e.aws_region = "us-east-1";
  e.recipient_account_id = "000000000000";
  e.read_only = read_only;
  e.error_code = std::move(error);
  e.record_json =
      "{\"userIdentity\":{\"arn\":\"arn:aws:iam::000000000000:user/alice\"},\"userAgent\":\"cli\"}";
  return e;
}

TEST(Insights, BurstStartsAndEndsACallRateInsight) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart);
  // Ten quiet minutes: one CreateUser a minute, and reads that call rate ignores.
  for (int m = 0; m < 10; ++m) {
    analyzer.Observe(Call(kStart + m * kMinute + 1000, "CreateUser"));
    for (int i = 0; i < 20; ++i) {
      analyzer.Observe(Call(kStart + m * kMinute + 2000, "ListUsers", true));
    }
  }
  EXPECT_TRUE(analyzer.Tick(kStart + 10 * kMinute, random).empty());
  // Minutes 10 and 11: a burst of 30 a minute; minute 12: back to one.
  for (int m = 10; m < 12; ++m) {
    for (int i = 0; i < 30; ++i) analyzer.Observe(Call(kStart + m * kMinute + i, "CreateUser"));
  }
  analyzer.Observe(Call(kStart + 12 * kMinute, "CreateUser"));
  auto start = analyzer.Tick(kStart + 11 * kMinute, random);
  ASSERT_EQ(start.size(), 1u);
  auto end = analyzer.Tick(kStart + 13 * kMinute, random);
  ASSERT_EQ(end.size(), 1u);

  json::object s = json::parse(start[0].record_json).as_object();
  json::object e = json::parse(end[0].record_json).as_object();
  EXPECT_EQ(start[0].event_category, "Insight");
  EXPECT_EQ(s["eventType"], "AwsCloudTrailInsight");
  EXPECT_EQ(s["eventCategory"], "Insight");
  EXPECT_EQ(s["sharedEventID"], e["sharedEventID"]);
  EXPECT_EQ(s["eventTime"], "2026-01-01T00:10:00Z");
  const json::object& details = s["insightDetails"].as_object();
  EXPECT_EQ(details.at("state"), "Start");
  EXPECT_EQ(details.at("eventName"), "CreateUser");
  EXPECT_EQ(details.at("insightType"), "ApiCallRateInsight");
  const json::object& stats = details.at("insightContext").as_object().at("statistics").as_object();
  EXPECT_DOUBLE_EQ(stats.at("baseline").as_object().at("average").as_double(), 1.0);
  EXPECT_DOUBLE_EQ(stats.at("insight").as_object().at("average").as_double(), 30.0);
  EXPECT_EQ(stats.at("baselineDuration").as_int64(), 10);
  const json::array& attributions =
      details.at("insightContext").as_object().at("attributions").as_array();
  ASSERT_EQ(attributions.size(), 3u);
  EXPECT_EQ(attributions[0].as_object().at("attribute"), "userIdentityArn");
  EXPECT_EQ(attributions[0].as_object().at("insight").as_array()[0].as_object().at("value"),
            "arn:aws:iam::000000000000:user/alice");
  EXPECT_EQ(attributions[2].as_object().at("insight").as_array()[0].as_object().at("value"),
            "null");
  const json::object& end_details = e["insightDetails"].as_object();
  EXPECT_EQ(end_details.at("state"), "End");
  const json::object& end_stats =
      end_details.at("insightContext").as_object().at("statistics").as_object();
  EXPECT_EQ(end_stats.at("insightDuration").as_int64(), 2);
  EXPECT_DOUBLE_EQ(end_stats.at("insight").as_object().at("average").as_double(), 30.0);
  EXPECT_EQ(e["eventTime"], "2026-01-01T00:12:00Z");
}

TEST(Insights, SteadyRateNeverFires) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, true, kStart);
  for (int m = 0; m < 30; ++m) {
    for (int i = 0; i < 20; ++i) analyzer.Observe(Call(kStart + m * kMinute + i, "CreateUser"));
  }
  // The first minute has no baseline yet; every later one matches it.
  EXPECT_TRUE(analyzer.Tick(kStart + 30 * kMinute, random).empty());
}

TEST(Insights, ErrorRateIsPerErrorCode) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", false, true, kStart);
  analyzer.Observe(Call(kStart, "GetUser", true, "NoSuchEntity"));
  for (int i = 0; i < 12; ++i) {
    analyzer.Observe(Call(kStart + 3 * kMinute + i, "GetUser", true, "AccessDenied"));
  }
  auto events = analyzer.Tick(kStart + 4 * kMinute, random);
  ASSERT_EQ(events.size(), 1u);
  json::object details =
      json::parse(events[0].record_json).as_object()["insightDetails"].as_object();
  EXPECT_EQ(details["insightType"], "ApiErrorRateInsight");
  EXPECT_EQ(details["errorCode"], "AccessDenied");
  EXPECT_EQ(details["insightContext"].as_object()["attributions"].as_array().size(), 2u);
}

}  // namespace
}  // namespace tw::services::cloudtrail
