// SPDX-License-Identifier: Apache-2.0
// InsightsAnalyzer: a burst of write calls well above the learned per-minute baseline starts an
// ApiCallRateInsight and the return to normal ends it (Start and End share sharedEventID, with
// AWS's record layout field by field); reads are not counted for call rate; errors are counted
// per error code for ApiErrorRateInsight (errorCode in insightDetails, no errorCode
// attribution); a steady rate never fires; nothing fires before the learning period; a minute is
// evaluated only after its grace; the baseline is the last 7 days rounded out to whole days; the
// state survives ToJson/FromJson and a cloudtrail.db restart (InsightsStore) and goes with its
// trail; Insights files are named like AWS's.
#include "services/cloudtrail/insights.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "services/cloudtrail/event_history.h"
#include "services/cloudtrail/insights_store.h"
#include "services/cloudtrail/log_files.h"
#include "services/cloudtrail/trail_registry.h"
#include "testing/fixed_random.h"

namespace tw::services::cloudtrail {
namespace {

namespace json = boost::json;
constexpr std::int64_t kStart = 1'767'225'600'000;  // 2026-01-01T00:00:00Z, a whole minute
constexpr std::int64_t kMinute = 60'000;

// Minutes of 60 s, a 10-minute learning period, and no grace: the tests tick at minute ends.
InsightsOptions Options(std::int64_t learning = 10) {
  InsightsOptions o;
  o.minute_millis = kMinute;
  o.learning_minutes = learning;
  o.grace_millis = 0;
  return o;
}

pipeline::TrailEvent Call(std::int64_t at, std::string name, bool read_only = false,
                          std::string error = "", std::string arn = "alice") {
  pipeline::TrailEvent e;
  e.event_time_millis = at;
  e.event_source = "iam.amazonaws.com";
  e.event_name = std::move(name);
  e.aws_region = "us-east-1";
  e.recipient_account_id = "000000000000";
  e.read_only = read_only;
  e.error_code = std::move(error);
  e.record_json = "{\"userIdentity\":{\"arn\":\"arn:aws:iam::000000000000:user/" + arn +
                  "\"},\"userAgent\":\"cli\"}";
  return e;
}

double Average(const json::value& v) { return v.as_object().at("average").to_number<double>(); }

std::vector<std::string> Keys(const json::object& o) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : o) keys.emplace_back(k);
  return keys;
}

// Ten quiet minutes (one CreateUser a minute and reads that call rate ignores), evaluated.
void QuietBaseline(InsightsAnalyzer& analyzer, testing::FixedRandom& random) {
  for (int m = 0; m < 10; ++m) {
    analyzer.Observe(Call(kStart + m * kMinute + 1000, "CreateUser"));
    for (int i = 0; i < 20; ++i) {
      analyzer.Observe(Call(kStart + m * kMinute + 2000, "ListUsers", true));
    }
  }
  EXPECT_TRUE(analyzer.Tick(kStart + 10 * kMinute, random).empty());
}

TEST(Insights, BurstStartsAndEndsACallRateInsightInAwsFormat) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart, Options());
  QuietBaseline(analyzer, random);
  // Minutes 10 and 11: a burst of 30 a minute (bob joins in minute 11); minute 12: back to one.
  for (int m = 10; m < 12; ++m) {
    for (int i = 0; i < 30; ++i) {
      analyzer.Observe(Call(kStart + m * kMinute + i, "CreateUser", false, "",
                            m == 11 && i < 10 ? "bob" : "alice"));
    }
  }
  analyzer.Observe(Call(kStart + 12 * kMinute, "CreateUser"));
  auto start = analyzer.Tick(kStart + 11 * kMinute, random);
  ASSERT_EQ(start.size(), 1u);
  EXPECT_TRUE(analyzer.Tick(kStart + 12 * kMinute, random).empty());  // still unusual
  auto end = analyzer.Tick(kStart + 13 * kMinute, random);
  ASSERT_EQ(end.size(), 1u);

  json::object s = json::parse(start[0].record_json).as_object();
  json::object e = json::parse(end[0].record_json).as_object();
  // The record's fields, in AWS's order ("CloudTrail record contents for Insights events for
  // trails"); no userIdentity, eventSource or eventName at the top level.
  const std::vector<std::string> top = {"eventVersion",  "eventTime",      "awsRegion",
                                        "eventID",       "eventType",      "recipientAccountId",
                                        "sharedEventID", "insightDetails", "eventCategory"};
  EXPECT_EQ(Keys(s), top);
  EXPECT_EQ(Keys(e), top);
  EXPECT_EQ(s["eventVersion"], "1.09");
  EXPECT_EQ(s["awsRegion"], "us-east-1");
  EXPECT_EQ(s["eventType"], "AwsCloudTrailInsight");
  EXPECT_EQ(s["recipientAccountId"], "000000000000");
  EXPECT_EQ(s["eventCategory"], "Insight");
  EXPECT_EQ(std::string(s["eventID"].as_string()), start[0].event_id);
  EXPECT_NE(s["eventID"], e["eventID"]);
  EXPECT_EQ(s["sharedEventID"], e["sharedEventID"]);
  EXPECT_NE(s["sharedEventID"], s["eventID"]);
  EXPECT_EQ(s["eventTime"], "2026-01-01T00:10:00Z");  // the first unusual minute
  EXPECT_EQ(e["eventTime"], "2026-01-01T00:12:00Z");  // the first normal one again
  EXPECT_EQ(start[0].event_category, "Insight");
  EXPECT_EQ(start[0].event_name, "CreateUser");
  EXPECT_EQ(start[0].event_source, "iam.amazonaws.com");

  const json::object& details = s["insightDetails"].as_object();
  EXPECT_EQ(Keys(details),
            (std::vector<std::string>{"state", "eventSource", "eventName", "insightType",
                                      "sourceEventCategory", "insightContext"}));
  EXPECT_EQ(details.at("state"), "Start");
  EXPECT_EQ(details.at("eventSource"), "iam.amazonaws.com");
  EXPECT_EQ(details.at("eventName"), "CreateUser");
  EXPECT_EQ(details.at("insightType"), "ApiCallRateInsight");
  EXPECT_EQ(details.at("sourceEventCategory"), "Management");
  const json::object& context = details.at("insightContext").as_object();
  EXPECT_EQ(Keys(context), (std::vector<std::string>{"statistics", "attributions"}));
  const json::object& stats = context.at("statistics").as_object();
  EXPECT_EQ(Keys(stats), (std::vector<std::string>{"baseline", "insight", "insightDuration",
                                                   "baselineDuration"}));
  EXPECT_DOUBLE_EQ(Average(stats.at("baseline")), 1.0);
  EXPECT_DOUBLE_EQ(Average(stats.at("insight")), 30.0);  // the first unusual minute
  EXPECT_TRUE(stats.at("insight").as_object().at("average").is_int64());  // written as 30
  EXPECT_EQ(stats.at("insightDuration").as_int64(), 1);
  EXPECT_EQ(stats.at("baselineDuration").as_int64(), 10);
  const json::array& attributions = context.at("attributions").as_array();
  ASSERT_EQ(attributions.size(), 3u);
  const char* names[] = {"userIdentityArn", "userAgent", "errorCode"};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Keys(attributions[i].as_object()),
              (std::vector<std::string>{"attribute", "insight", "baseline"}));
    EXPECT_EQ(attributions[i].as_object().at("attribute"), names[i]);
  }
  const json::array& arn_insight = attributions[0].as_object().at("insight").as_array();
  ASSERT_EQ(arn_insight.size(), 1u);
  EXPECT_EQ(arn_insight[0].as_object().at("value"), "arn:aws:iam::000000000000:user/alice");
  EXPECT_EQ(Keys(arn_insight[0].as_object()), (std::vector<std::string>{"value", "average"}));
  EXPECT_DOUBLE_EQ(Average(attributions[0].as_object().at("baseline").as_array()[0]), 1.0);
  EXPECT_EQ(attributions[1].as_object().at("insight").as_array()[0].as_object().at("value"), "cli");
  // Calls without an error are the errorCode "null".
  const json::value& error_value = attributions[2].as_object().at("insight").as_array()[0];
  EXPECT_EQ(error_value.as_object().at("value"), "null");
  EXPECT_DOUBLE_EQ(Average(error_value), 30.0);

  const json::object& end_details = e["insightDetails"].as_object();
  EXPECT_EQ(end_details.at("state"), "End");
  const json::object& end_context = end_details.at("insightContext").as_object();
  const json::object& end_stats = end_context.at("statistics").as_object();
  EXPECT_EQ(end_stats.at("insightDuration").as_int64(), 2);
  EXPECT_DOUBLE_EQ(Average(end_stats.at("insight")), 30.0);  // over the whole anomaly
  // The baseline is the one measured before the insight started, in both events.
  EXPECT_DOUBLE_EQ(Average(end_stats.at("baseline")), 1.0);
  EXPECT_EQ(end_stats.at("baselineDuration").as_int64(), 10);
  const json::array& end_attr = end_context.at("attributions").as_array();
  const json::array& end_arns = end_attr[0].as_object().at("insight").as_array();
  ASSERT_EQ(end_arns.size(), 2u);  // highest average first
  EXPECT_EQ(end_arns[0].as_object().at("value"), "arn:aws:iam::000000000000:user/alice");
  EXPECT_DOUBLE_EQ(Average(end_arns[0]), 25.0);
  EXPECT_EQ(end_arns[1].as_object().at("value"), "arn:aws:iam::000000000000:user/bob");
  EXPECT_DOUBLE_EQ(Average(end_arns[1]), 5.0);
  const json::array& end_arn_baseline = end_attr[0].as_object().at("baseline").as_array();
  ASSERT_EQ(end_arn_baseline.size(), 1u);
  EXPECT_DOUBLE_EQ(Average(end_arn_baseline[0]), 1.0);
}

TEST(Insights, SteadyRateNeverFires) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, true, kStart, Options(1));
  for (int m = 0; m < 30; ++m) {
    for (int i = 0; i < 20; ++i) analyzer.Observe(Call(kStart + m * kMinute + i, "CreateUser"));
  }
  // The first minute has no baseline yet; every later one matches it.
  EXPECT_TRUE(analyzer.Tick(kStart + 30 * kMinute, random).empty());
}

TEST(Insights, NothingStartsBeforeTheLearningPeriod) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart, Options(10));
  analyzer.Observe(Call(kStart + 1000, "CreateUser"));
  for (int i = 0; i < 50; ++i) analyzer.Observe(Call(kStart + 5 * kMinute + i, "CreateUser"));
  EXPECT_TRUE(analyzer.Tick(kStart + 6 * kMinute, random).empty());
  for (int i = 0; i < 50; ++i) analyzer.Observe(Call(kStart + 10 * kMinute + i, "CreateUser"));
  auto events = analyzer.Tick(kStart + 11 * kMinute, random);
  ASSERT_EQ(events.size(), 1u);
  json::object stats = json::parse(events[0].record_json)
                           .at("insightDetails")
                           .at("insightContext")
                           .at("statistics")
                           .as_object();
  EXPECT_DOUBLE_EQ(Average(stats.at("baseline")), 5.1);  // 51 calls over 10 minutes
}

TEST(Insights, ErrorRateIsPerErrorCode) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", false, true, kStart, Options(1));
  analyzer.Observe(Call(kStart, "GetUser", true, "NoSuchEntity"));
  for (int i = 0; i < 12; ++i) {
    analyzer.Observe(Call(kStart + 3 * kMinute + i, "GetUser", true, "AccessDenied"));
  }
  auto events = analyzer.Tick(kStart + 4 * kMinute, random);
  ASSERT_EQ(events.size(), 1u);
  json::object details =
      json::parse(events[0].record_json).as_object()["insightDetails"].as_object();
  EXPECT_EQ(Keys(details),
            (std::vector<std::string>{"state", "eventSource", "eventName", "insightType",
                                      "errorCode", "sourceEventCategory", "insightContext"}));
  EXPECT_EQ(details["insightType"], "ApiErrorRateInsight");
  EXPECT_EQ(details["errorCode"], "AccessDenied");
  const json::array& attributions =
      details["insightContext"].as_object()["attributions"].as_array();
  ASSERT_EQ(attributions.size(), 2u);  // no errorCode attribution for error-rate insights
  EXPECT_EQ(attributions[1].as_object().at("attribute"), "userAgent");
  // AccessDenied had no baseline: an empty list, and a baseline average of 0.
  EXPECT_TRUE(attributions[0].as_object().at("baseline").as_array().empty());
  EXPECT_DOUBLE_EQ(Average(details["insightContext"].at("statistics").at("baseline")), 0.0);
}

TEST(Insights, AMinuteIsEvaluatedOnlyAfterItsGrace) {
  testing::FixedRandom random;
  InsightsOptions options = Options(1);
  options.grace_millis = 5'000;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart, options);
  analyzer.Observe(Call(kStart + 1000, "CreateUser"));
  for (int i = 0; i < 10; ++i) analyzer.Observe(Call(kStart + kMinute + i, "CreateUser"));
  // Minute 1 ended 2 s ago: within its grace, so late events still count in it.
  EXPECT_TRUE(analyzer.Tick(kStart + 2 * kMinute + 2'000, random).empty());
  for (int i = 0; i < 10; ++i) {
    analyzer.Observe(Call(kStart + kMinute + 59'000, "CreateUser"));
  }
  auto events = analyzer.Tick(kStart + 2 * kMinute + 5'000, random);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_DOUBLE_EQ(Average(json::parse(events[0].record_json)
                               .at("insightDetails")
                               .at("insightContext")
                               .at("statistics")
                               .at("insight")),
                   20.0);
}

TEST(Insights, StateRoundTripsWithTheBaselineAndAnInsightInProgress) {
  testing::FixedRandom random;
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, true, kStart, Options());
  QuietBaseline(analyzer, random);
  analyzer.Observe(Call(kStart + 10 * kMinute + 5, "GetUser", true, "AccessDenied"));
  EXPECT_TRUE(analyzer.changed());
  for (int i = 0; i < 30; ++i) analyzer.Observe(Call(kStart + 10 * kMinute + i, "CreateUser"));
  auto start = analyzer.Tick(kStart + 11 * kMinute, random);
  ASSERT_EQ(start.size(), 1u);
  // A minute observed but not evaluated yet is part of the state too.
  for (int i = 0; i < 30; ++i) analyzer.Observe(Call(kStart + 11 * kMinute + i, "CreateUser"));

  const std::string saved = analyzer.ToJson();
  auto restored = InsightsAnalyzer::FromJson(saved, Options());
  ASSERT_TRUE(restored) << restored.error().message;
  EXPECT_EQ(restored->ToJson(), saved);
  // The restored analyzer ends the same insight, with the baseline learned before.
  restored->Observe(Call(kStart + 12 * kMinute, "CreateUser"));
  auto end = restored->Tick(kStart + 13 * kMinute, random);
  ASSERT_EQ(end.size(), 1u);
  json::object s = json::parse(start[0].record_json).as_object();
  json::object e = json::parse(end[0].record_json).as_object();
  EXPECT_EQ(e["sharedEventID"], s["sharedEventID"]);
  EXPECT_EQ(e.at("insightDetails").at("state"), "End");
  const json::object& stats =
      e.at("insightDetails").at("insightContext").at("statistics").as_object();
  EXPECT_DOUBLE_EQ(Average(stats.at("baseline")), 1.0);
  EXPECT_DOUBLE_EQ(Average(stats.at("insight")), 30.0);
  EXPECT_EQ(stats.at("insightDuration").as_int64(), 2);

  // Minutes of another length cannot be reused; nor can garbage.
  InsightsOptions other = Options();
  other.minute_millis = 1000;
  EXPECT_FALSE(InsightsAnalyzer::FromJson(saved, other));
  EXPECT_FALSE(InsightsAnalyzer::FromJson("{\"version\":1", Options()));
  EXPECT_FALSE(InsightsAnalyzer::FromJson("[]", Options()));
}

TEST(Insights, TheBaselineIsTheLastSevenDaysRoundedToWholeDays) {
  testing::FixedRandom random;
  // A learning period of 2 minutes: the opening spike itself is not judged.
  InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart, Options(2));
  auto stats_of = [](const pipeline::TrailEvent& e) {
    return json::parse(e.record_json)
        .at("insightDetails")
        .at("insightContext")
        .at("statistics")
        .as_object();
  };
  // Day 0 (kStart is midnight UTC) opens with 200,000 calls in minute 1; then one a minute.
  for (int i = 0; i < 200'000; ++i)
    analyzer.Observe(Call(kStart + kMinute + i % 1000, "CreateUser"));
  std::vector<pipeline::TrailEvent> events;
  auto run_until = [&](std::int64_t minute) {  // one call a minute, ticking as time passes
    static std::int64_t next = 2;
    for (; next < minute; ++next) {
      analyzer.Observe(Call(kStart + next * kMinute + 1000, "CreateUser"));
      if (next % 500 == 0) {
        for (auto& e : analyzer.Tick(kStart + next * kMinute, random)) events.push_back(e);
      }
    }
    for (auto& e : analyzer.Tick(kStart + minute * kMinute, random)) events.push_back(e);
  };
  // Seven days and 5 minutes in, day 0 is still in the window: 30 calls are not unusual.
  run_until(10085);
  for (int i = 0; i < 29; ++i) analyzer.Observe(Call(kStart + 10085 * kMinute + i, "CreateUser"));
  run_until(10086);
  for (const auto& e : events) ADD_FAILURE() << e.record_json;
  // Eight days and 5 minutes in, day 0 has left (the window starts at day 1's midnight): the
  // baseline is one a minute over 10085 minutes, and 30 calls start an insight.
  run_until(11525);
  for (int i = 0; i < 29; ++i) analyzer.Observe(Call(kStart + 11525 * kMinute + i, "CreateUser"));
  run_until(11526);
  ASSERT_EQ(events.size(), 1u);
  const json::object stats = stats_of(events[0]);
  EXPECT_EQ(stats.at("baselineDuration").as_int64(), 10085);
  EXPECT_NEAR(Average(stats.at("baseline")), 1.0, 0.01);
  EXPECT_DOUBLE_EQ(Average(stats.at("insight")), 30.0);
  // The state holds days, not minutes: it stays small.
  EXPECT_LT(analyzer.ToJson().size(), 4000u);
}

class TempDir {
 public:
  TempDir()
      : path_(std::filesystem::temp_directory_path() /
              ("tw-insights-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(Insights, ARestartedAnalyzerKeepsItsBaselineInCloudTrailDb) {
  TempDir dir;
  testing::FixedRandom random;
  {
    auto history = EventHistory::Open(dir.path());
    ASSERT_TRUE(history) << history.error().message;
    InsightsAnalyzer analyzer("000000000000", "us-east-1", true, false, kStart, Options());
    QuietBaseline(analyzer, random);
    InsightsStore store((*history)->database());
    ASSERT_TRUE(store.Save("000000000000|us-east-1|main", "us-east-1",
                           StoredInsights{"ApiCallRateInsight", analyzer.ToJson()}));
    ASSERT_TRUE(store.Save("000000000000|us-east-1|other", "us-east-1",
                           StoredInsights{"ApiCallRateInsight", "{}"}));
  }
  auto history = EventHistory::Open(dir.path());
  ASSERT_TRUE(history) << history.error().message;
  InsightsStore store((*history)->database());
  auto stored = store.Load("000000000000|us-east-1|main", "us-east-1");
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->insight_types, "ApiCallRateInsight");
  auto analyzer = InsightsAnalyzer::FromJson((*stored)->state, Options());
  ASSERT_TRUE(analyzer) << analyzer.error().message;
  // Ten minutes after the restart point, a burst is judged against the ten quiet minutes.
  for (int i = 0; i < 30; ++i) analyzer->Observe(Call(kStart + 10 * kMinute + i, "CreateUser"));
  auto events = analyzer->Tick(kStart + 11 * kMinute, random);
  ASSERT_EQ(events.size(), 1u);
  const json::object stats = json::parse(events[0].record_json)
                                 .at("insightDetails")
                                 .at("insightContext")
                                 .at("statistics")
                                 .as_object();
  EXPECT_DOUBLE_EQ(Average(stats.at("baseline")), 1.0);
  EXPECT_EQ(stats.at("baselineDuration").as_int64(), 10);

  EXPECT_FALSE(store.Load("000000000000|us-east-1|main", "eu-west-1")->has_value());
  ASSERT_TRUE(store.Remove("000000000000|us-east-1|main"));
  EXPECT_FALSE(store.Load("000000000000|us-east-1|main", "us-east-1")->has_value());
  EXPECT_TRUE(store.Load("000000000000|us-east-1|other", "us-east-1")->has_value());

  // Deleting a trail deletes its baselines.
  auto registry = TrailRegistry::Load((*history)->database());
  ASSERT_TRUE(registry);
  Trail other;
  other.account_id = "000000000000";
  other.home_region = "us-east-1";
  other.name = "other";
  other.s3_bucket = "logs";
  ASSERT_TRUE((*registry)->Insert(other).value());
  ASSERT_TRUE((*registry)->Remove(other));
  EXPECT_FALSE(store.Load("000000000000|us-east-1|other", "us-east-1")->has_value());
}

TEST(Insights, InsightsFilesAreNamedLikeAws) {
  // AWSLogs/<account>/CloudTrail-Insight/<region>/YYYY/MM/DD/
  //   <account>_CloudTrail-Insight_<region>_YYYYMMDDTHHmmZ_<16 characters>.json.gz
  EXPECT_EQ(LogFileKey("", "123456789012", "CloudTrail-Insight", "ca-central-1", 1600838160000,
                       1600838160000, "KL5e9VCV2SS7IqzB"),
            "AWSLogs/123456789012/CloudTrail-Insight/ca-central-1/2020/09/23/"
            "123456789012_CloudTrail-Insight_ca-central-1_20200923T0516Z_KL5e9VCV2SS7IqzB.json.gz");
  EXPECT_EQ(LogFileKey("pre", "1", "CloudTrail", "r", 0, 0, "S"),
            "pre/AWSLogs/1/CloudTrail/r/1970/01/01/1_CloudTrail_r_19700101T0000Z_S.json.gz");
}

}  // namespace
}  // namespace tw::services::cloudtrail
