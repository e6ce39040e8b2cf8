// SPDX-License-Identifier: Apache-2.0
// CloudWatch: the pure alarm state machine (alarms.md's tables), statistics, metric math, and the
// service end to end in-process: PutMetricData -> alarm -> history and SNS notification, and the
// Logs-like MetricSink path moving an alarm at once.
#include "services/cloudwatch/cloudwatch_service.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "services/cloudwatch/alarm_evaluator.h"
#include "services/cloudwatch/format.h"
#include "services/cloudwatch/metric_math.h"
#include "services/cloudwatch/statistics.h"
#include "unit/services/cloudwatch/cloudwatch_fixture.h"

namespace tw::services::cloudwatch {
namespace {

using namespace testing_support;  // NOLINT: the fixture's names

// "0 - X - X" -> slots (oldest first): 0 = not breaching (value 0), X = breaching (value 5).
std::vector<std::optional<SlotDatapoint>> Slots(std::string_view pattern) {
  std::vector<std::optional<SlotDatapoint>> out;
  std::int64_t t = kT0;
  for (char c : pattern) {
    if (c == ' ') continue;
    if (c == '-') {
      out.emplace_back();
    } else {
      out.push_back(SlotDatapoint{t, c == 'X' ? 5.0 : 0.0, 1});
    }
    t += 60'000;
  }
  return out;
}

struct Row {
  std::string pattern;
  int n;
  int m;
  MissingData mode;
  std::optional<AlarmState> expected;  // nullopt: retain state
};

TEST(AlarmEvaluatorTest, DocumentedMissingDataTables) {
  using enum MissingData;
  const auto OK = AlarmState::kOk, AL = AlarmState::kAlarm, ID = AlarmState::kInsufficientData;
  const std::optional<AlarmState> R;
  const std::vector<Row> rows = {
      // N=3, M=3
      {"0 - X - X", 3, 3, kMissing, OK},
      {"0 - X - X", 3, 3, kIgnore, OK},
      {"0 - X - X", 3, 3, kBreaching, OK},
      {"0 - X - X", 3, 3, kNotBreaching, OK},
      {"0 - - - -", 3, 3, kMissing, OK},
      {"0 - - - -", 3, 3, kIgnore, OK},
      {"0 - - - -", 3, 3, kBreaching, OK},
      {"0 - - - -", 3, 3, kNotBreaching, OK},
      {"- - - - -", 3, 3, kMissing, ID},
      {"- - - - -", 3, 3, kIgnore, R},
      {"- - - - -", 3, 3, kBreaching, AL},
      {"- - - - -", 3, 3, kNotBreaching, OK},
      {"0 X X - X", 3, 3, kMissing, AL},
      {"0 X X - X", 3, 3, kIgnore, AL},
      {"0 X X - X", 3, 3, kBreaching, AL},
      {"0 X X - X", 3, 3, kNotBreaching, AL},
      {"- - X - -", 3, 3, kMissing, AL},
      {"- - X - -", 3, 3, kIgnore, R},
      {"- - X - -", 3, 3, kBreaching, AL},
      {"- - X - -", 3, 3, kNotBreaching, OK},
      {"- - - - X", 3, 3, kMissing, R},
      {"- - - X -", 3, 3, kMissing, R},
      // N=3, M=2
      {"0 - X - X", 3, 2, kMissing, AL},
      {"0 - X - X", 3, 2, kIgnore, AL},
      {"0 - X - X", 3, 2, kBreaching, AL},
      {"0 - X - X", 3, 2, kNotBreaching, AL},
      {"0 0 X 0 X", 3, 2, kMissing, AL},
      {"0 0 X 0 X", 3, 2, kIgnore, AL},
      {"0 0 X 0 X", 3, 2, kBreaching, AL},
      {"0 0 X 0 X", 3, 2, kNotBreaching, AL},
      {"0 - X - -", 3, 2, kMissing, OK},
      {"0 - X - -", 3, 2, kIgnore, OK},
      {"0 - X - -", 3, 2, kBreaching, AL},
      {"0 - X - -", 3, 2, kNotBreaching, OK},
      {"- - - - 0", 3, 2, kMissing, OK},
      {"- - - - 0", 3, 2, kIgnore, OK},
      {"- - - - 0", 3, 2, kBreaching, AL},
      {"- - - - 0", 3, 2, kNotBreaching, OK},
      {"- - - X -", 3, 2, kMissing, AL},
      {"- - - X -", 3, 2, kIgnore, R},
      {"- - - X -", 3, 2, kBreaching, AL},
      {"- - - X -", 3, 2, kNotBreaching, OK},
  };
  for (const Row& row : rows) {
    EvaluationSettings s;
    s.evaluation_periods = row.n;
    if (row.m != row.n) s.datapoints_to_alarm = row.m;
    s.threshold = 1;
    s.treat_missing = row.mode;
    AlarmStatus current;
    current.state = AlarmState::kOk;  // distinguishable from every table outcome but OK
    current.reason = "previous";
    auto r = EvaluateAlarm(s, Slots(row.pattern), current, kT0 + 5 * 60'000);
    const std::string where = row.pattern + " N=" + std::to_string(row.n) +
                              " M=" + std::to_string(row.m) + " " +
                              std::string(MissingDataName(row.mode));
    if (row.expected) {
      EXPECT_FALSE(r.retained) << where;
      EXPECT_EQ(StateName(r.state), StateName(*row.expected)) << where;
    } else {
      EXPECT_TRUE(r.retained) << where;
      EXPECT_EQ(r.reason, "previous") << where;
    }
  }
}

TEST(AlarmEvaluatorTest, ReasonTextsAsAwsWritesThem) {
  EvaluationSettings s;
  s.evaluation_periods = 1;
  s.threshold = 2.0;
  s.statistic = "Maximum";
  s.period_s = 300;
  std::vector<std::optional<SlotDatapoint>> slots(3);
  // 05/08/19 16:54:00 UTC, as in the documented example.
  slots[2] = SlotDatapoint{1'565'024'040'000, 2.88135593220462, 1};
  auto r = EvaluateAlarm(s, slots, AlarmStatus{}, 1'565'024'100'000);
  EXPECT_EQ(r.state, AlarmState::kAlarm);
  EXPECT_EQ(r.reason,
            "Threshold Crossed: 1 datapoint [2.88135593220462 (05/08/19 16:54:00)] was greater "
            "than or equal to the threshold (2.0).");
  EXPECT_NE(r.reason_data.find("\"statistic\":\"Maximum\",\"period\":300,"
                               "\"recentDatapoints\":[2.88135593220462],\"threshold\":2.0"),
            std::string::npos)
      << r.reason_data;

  s.datapoints_to_alarm = 1;
  s.threshold = 0.0;
  slots[2] = SlotDatapoint{1'661'700'840'000, 0.0, 1};  // 28/08/22 15:34:00
  r = EvaluateAlarm(s, slots, AlarmStatus{}, 1'661'700'900'000);
  EXPECT_EQ(r.reason,
            "Threshold Crossed: 1 out of the last 1 datapoints [0.0 (28/08/22 15:34:00)] was "
            "greater than or equal to the threshold (0.0) (minimum 1 datapoint for OK -> ALARM "
            "transition).");

  EvaluationSettings nb;
  nb.evaluation_periods = 1;
  nb.treat_missing = MissingData::kNotBreaching;
  r = EvaluateAlarm(nb, std::vector<std::optional<SlotDatapoint>>(3), AlarmStatus{}, kT0);
  EXPECT_EQ(r.state, AlarmState::kOk);
  EXPECT_EQ(r.reason,
            "Threshold Crossed: no datapoints were received for 1 period and 1 missing "
            "datapoint was treated as [NonBreaching].");

  EvaluationSettings missing;
  missing.evaluation_periods = 2;
  r = EvaluateAlarm(missing, std::vector<std::optional<SlotDatapoint>>(4), AlarmStatus{}, kT0);
  EXPECT_EQ(r.state, AlarmState::kInsufficientData);
  EXPECT_EQ(r.reason, "Insufficient Data: 2 datapoints were unknown.");
}

TEST(AlarmEvaluatorTest, LowSampleCountPercentileIgnoreRetains) {
  EvaluationSettings s;
  s.threshold = 1;
  s.statistic = "p99";
  s.ignore_low_sample_percentile = 99;
  std::vector<std::optional<SlotDatapoint>> slots(3);
  slots[2] = SlotDatapoint{kT0, 5, 10};  // p99 needs 1000 samples
  EXPECT_TRUE(EvaluateAlarm(s, slots, AlarmStatus{}, kT0).retained);
  slots[2]->sample_count = 1000;
  EXPECT_EQ(EvaluateAlarm(s, slots, AlarmStatus{}, kT0).state, AlarmState::kAlarm);
}

TEST(FormatTest, JavaDoublesAndTimes) {
  EXPECT_EQ(JavaDouble(2), "2.0");
  EXPECT_EQ(JavaDouble(70.5), "70.5");
  EXPECT_EQ(JavaDouble(1e7), "1.0E7");
  EXPECT_EQ(ReasonTime(1'565'024'040'000), "05/08/19 16:54:00");
  EXPECT_EQ(AwsJsonTime(1'661'701'156'518), "2022-08-28T15:39:16.518+0000");
}

TEST(StatisticsTest, PeriodsAndPercentiles) {
  std::vector<RawPoint> points;
  for (int i = 1; i <= 100; ++i) {
    RawPoint p;
    p.timestamp_ms = kT0 + (i % 2) * 60'000;
    p.sample_count = 1;
    p.sum = p.minimum = p.maximum = i;
    p.values = {{static_cast<double>(i), 1}};
    points.push_back(p);
  }
  auto one = BucketPoints(points, kT0, kT0 + 120'000, 120, std::nullopt);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(*StatValue(one[0], "SampleCount"), 100);
  EXPECT_EQ(*StatValue(one[0], "Sum"), 5050);
  EXPECT_EQ(*StatValue(one[0], "Average"), 50.5);
  EXPECT_EQ(*StatValue(one[0], "Minimum"), 1);
  EXPECT_EQ(*StatValue(one[0], "Maximum"), 100);
  EXPECT_EQ(*StatValue(one[0], "p50"), 50);
  EXPECT_EQ(*StatValue(one[0], "p99"), 99);
  EXPECT_EQ(*StatValue(one[0], "p99.9"), 100);
  auto two = BucketPoints(points, kT0, kT0 + 120'000, 60, std::nullopt);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(*StatValue(two[0], "SampleCount"), 50);
  EXPECT_TRUE(BucketPoints(points, kT0, kT0 + 120'000, 60, std::string("Bytes")).empty());
  EXPECT_FALSE(IsSupportedStat("tm90"));
  EXPECT_FALSE(ParsePercentile("p100.001"));
}

TEST(MetricMathTest, ArithmeticAndFunctions) {
  std::vector<NamedSeries> in = {{"m1", {{0, 1}, {60, 2}, {120, 4}}}, {"m2", {{0, 10}, {60, 20}}}};
  std::vector<bool> metric = {true, true};
  std::vector<std::int64_t> grid = {0, 60, 120};
  auto sum = EvaluateExpression("(m1 + m2) * 2", in, metric, grid);
  ASSERT_TRUE(sum);
  EXPECT_EQ(*sum, (Series{{0, 22}, {60, 44}}));
  auto all = EvaluateExpression("SUM(METRICS())", in, metric, grid);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (Series{{0, 11}, {60, 22}, {120, 4}}));
  auto fill = EvaluateExpression("FILL(m2, 0)", in, metric, grid);
  EXPECT_EQ(*fill, (Series{{0, 10}, {60, 20}, {120, 0}}));
  auto rate = EvaluateExpression("RATE(m1)", in, metric, grid);
  ASSERT_TRUE(rate);
  EXPECT_DOUBLE_EQ(rate->at(60), 1.0 / 0.06);
  auto max = EvaluateExpression("MAX(m1)", in, metric, grid);
  EXPECT_EQ(*max, (Series{{0, 4}, {60, 4}, {120, 4}}));
  auto bad = EvaluateExpression("ANOMALY_DETECTION_BAND(m1)", in, metric, grid);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("ANOMALY_DETECTION_BAND"), std::string::npos);
}

class CloudWatchServiceTest : public CloudWatchFixture {
 protected:
  void PutAlarm(const std::string& name, double threshold = 1, int period = 30) {
    Ok(&CloudWatchService::PutMetricAlarm,
       S({{"AlarmName", name},
          {"Namespace", "App"},
          {"MetricName", "Errors"},
          {"Statistic", "Sum"},
          {"Period", period},
          {"EvaluationPeriods", 1},
          {"Threshold", threshold},
          {"ComparisonOperator", "GreaterThanOrEqualToThreshold"},
          {"AlarmActions", L({"arn:aws:sns:us-east-1:000000000000:alerts"})}}));
  }
  void PutValue(double v) {
    Ok(&CloudWatchService::PutMetricData,
       S({{"Namespace", "App"}, {"MetricData", L({S({{"MetricName", "Errors"}, {"Value", v}})})}}));
  }
  Value Describe(const std::string& name) {
    Value out = Ok(&CloudWatchService::DescribeAlarms, S({{"AlarmNames", L({name})}}));
    return out.Find("MetricAlarms")->as_list().at(0);
  }
  std::vector<std::string> Summaries(const std::string& name) {
    Value out = Ok(&CloudWatchService::DescribeAlarmHistory,
                   S({{"AlarmName", name}, {"ScanBy", "TimestampAscending"}}));
    std::vector<std::string> s;
    for (const Value& h : out.Find("AlarmHistoryItems")->as_list()) {
      s.emplace_back(h.GetString("HistorySummary"));
    }
    return s;
  }
};

TEST_F(CloudWatchServiceTest, PutMetricDataMovesAlarmAtOnceAndNotifies) {
  PutAlarm("errors");
  EXPECT_EQ(Describe("errors").GetString("StateValue"), "INSUFFICIENT_DATA");
  EXPECT_EQ(Describe("errors").GetString("StateReason"), "Unchecked: Initial alarm creation");
  PutValue(3);
  Value alarm = Describe("errors");
  EXPECT_EQ(alarm.GetString("StateValue"), "ALARM");
  EXPECT_EQ(alarm.GetString("StateReason"),
            "Threshold Crossed: 1 datapoint [3.0 (30/08/15 12:36:00)] was greater than or equal "
            "to the threshold (1.0).");
  ASSERT_EQ(notifier_.sent.size(), 1u);
  const auto& n = notifier_.sent[0];
  EXPECT_EQ(n.subject, "ALARM: \"errors\" in US East (N. Virginia)");
  EXPECT_EQ(n.topic_arn, "arn:aws:sns:us-east-1:000000000000:alerts");
  EXPECT_EQ(n.message.rfind("{\"AlarmName\":\"errors\",\"AlarmDescription\":null,"
                            "\"AWSAccountId\":\"000000000000\",",
                            0),
            0u)
      << n.message;
  EXPECT_NE(n.message.find("\"OldStateValue\":\"INSUFFICIENT_DATA\""), std::string::npos);
  EXPECT_NE(n.message.find("\"StatisticType\":\"Statistic\",\"Statistic\":\"SUM\",\"Unit\":null"),
            std::string::npos)
      << n.message;
  // Email subscribers get the readable text instead (SNS picks the "email" key).
  ASSERT_EQ(n.per_protocol.count("email"), 1u);
  const std::string& email = n.per_protocol.at("email");
  EXPECT_EQ(email.rfind("You are receiving this email because your Amazon CloudWatch Alarm "
                        "\"errors\" in the US East (N. Virginia) region has entered the ALARM "
                        "state, because \"Threshold Crossed: 1 datapoint",
                        0),
            0u)
      << email;
  EXPECT_NE(email.find("- State Change:               INSUFFICIENT_DATA -> ALARM\n"),
            std::string::npos);
  EXPECT_EQ(email.find("View this alarm"), std::string::npos);  // no public URL in this test
  EXPECT_EQ(Summaries("errors"),
            (std::vector<std::string>{
                "Alarm \"errors\" created", "Alarm updated from INSUFFICIENT_DATA to ALARM",
                "Successfully executed action arn:aws:sns:us-east-1:000000000000:alerts"}));
}

TEST_F(CloudWatchServiceTest, MetricSinkFromLogsMovesAlarm) {
  PutAlarm("from-logs");
  pipeline::MetricDatum d;
  d.account_id = "000000000000";
  d.region = "us-east-1";
  d.namespace_name = "App";
  d.metric_name = "Errors";
  d.timestamp_millis = EpochMillis(clock_.Now());
  d.value = 1;
  ASSERT_TRUE(service_->metric_sink().Put({d}));
  EXPECT_EQ(Describe("from-logs").GetString("StateValue"), "ALARM");
}

TEST_F(CloudWatchServiceTest, SchedulerTickReturnsToInsufficientDataAndFailedActionsAreRecorded) {
  PutAlarm("tick");
  notifier_.fail = true;
  PutValue(3);
  auto summaries = Summaries("tick");
  ASSERT_EQ(summaries.size(), 3u);
  EXPECT_EQ(summaries[2].rfind("Failed to execute action arn:aws:sns:", 0), 0u) << summaries[2];
  // The datapoint leaves the 3-slot evaluation range after 3 periods of 30 s.
  clock_.Advance(60'000);
  service_->Tick();
  EXPECT_EQ(Describe("tick").GetString("StateValue"), "ALARM");
  clock_.Advance(60'000);
  service_->Tick();
  EXPECT_EQ(Describe("tick").GetString("StateValue"), "INSUFFICIENT_DATA");
  EXPECT_EQ(Describe("tick").GetString("StateReason"),
            "Insufficient Data: 1 datapoint was unknown.");
}

TEST_F(CloudWatchServiceTest, SetAlarmStateAndDisabledActions) {
  PutAlarm("manual");
  Ok(&CloudWatchService::DisableAlarmActions, S({{"AlarmNames", L({"manual"})}}));
  Ok(&CloudWatchService::SetAlarmState,
     S({{"AlarmName", "manual"}, {"StateValue", "ALARM"}, {"StateReason", "testing purposes"}}));
  EXPECT_EQ(Describe("manual").GetString("StateReason"), "testing purposes");
  EXPECT_TRUE(notifier_.sent.empty());
  auto bad = Call(&CloudWatchService::SetAlarmState, S({{"AlarmName", "manual"},
                                                        {"StateValue", "OK"},
                                                        {"StateReason", "x"},
                                                        {"StateReasonData", "{nope"}}));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidFormat");
  auto missing = Call(&CloudWatchService::SetAlarmState,
                      S({{"AlarmName", "nope"}, {"StateValue", "OK"}, {"StateReason", "x"}}));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "ResourceNotFound");
}

TEST_F(CloudWatchServiceTest, GetMetricStatisticsAndTimestampLimits) {
  PutValue(2);
  PutValue(4);
  Value out = Ok(&CloudWatchService::GetMetricStatistics,
                 S({{"Namespace", "App"},
                    {"MetricName", "Errors"},
                    {"StartTime", protocol::Timestamp{kT0 - 60'000}},
                    {"EndTime", protocol::Timestamp{kT0 + 60'000}},
                    {"Period", 60},
                    {"Statistics", L({"Sum", "Average", "SampleCount"})},
                    {"ExtendedStatistics", L({"p50"})}}));
  const auto& dps = out.Find("Datapoints")->as_list();
  ASSERT_EQ(dps.size(), 1u);
  EXPECT_EQ(dps[0].Find("Sum")->as_double(), 6);
  EXPECT_EQ(dps[0].Find("Average")->as_double(), 3);
  EXPECT_EQ(dps[0].Find("ExtendedStatistics")->Find("p50")->as_double(), 2);
  auto old = Call(
      &CloudWatchService::PutMetricData,
      S({{"Namespace", "App"},
         {"MetricData", L({S({{"MetricName", "Errors"},
                              {"Value", 1.0},
                              {"Timestamp", protocol::Timestamp{kT0 - 15 * 86'400'000LL}}})})}}));
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().message,
            "The parameter MetricData.member.1.Timestamp must specify a time within the past two "
            "weeks.");
  auto many = Call(&CloudWatchService::GetMetricStatistics,
                   S({{"Namespace", "App"},
                      {"MetricName", "Errors"},
                      {"StartTime", protocol::Timestamp{kT0 - 86'400'000LL * 2}},
                      {"EndTime", protocol::Timestamp{kT0}},
                      {"Period", 60},
                      {"Statistics", L({"Sum"})}}));
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, "InvalidParameterCombination");
}

TEST_F(CloudWatchServiceTest, MetricMathAlarmAndGetMetricData) {
  Ok(&CloudWatchService::PutMetricAlarm,
     S({{"AlarmName", "math"},
        {"EvaluationPeriods", 1},
        {"Threshold", 10.0},
        {"ComparisonOperator", "GreaterThanThreshold"},
        {"Metrics",
         L({S({{"Id", "m1"},
               {"MetricStat", S({{"Metric", S({{"Namespace", "App"}, {"MetricName", "Errors"}})},
                                 {"Period", 60},
                                 {"Stat", "Sum"}})},
               {"ReturnData", false}}),
            S({{"Id", "e1"}, {"Expression", "m1 * 10"}, {"ReturnData", true}})})}}));
  PutValue(2);
  EXPECT_EQ(Describe("math").GetString("StateValue"), "ALARM");
  Value out = Ok(
      &CloudWatchService::GetMetricData,
      S({{"StartTime", protocol::Timestamp{kT0 - 60'000}},
         {"EndTime", protocol::Timestamp{kT0 + 60'000}},
         {"MetricDataQueries",
          L({S({{"Id", "e1"}, {"Expression", "m1 + 1"}}),
             S({{"Id", "m1"},
                {"MetricStat", S({{"Metric", S({{"Namespace", "App"}, {"MetricName", "Errors"}})},
                                  {"Period", 60},
                                  {"Stat", "Sum"}})},
                {"ReturnData", false}})})}}));
  const auto& results = out.Find("MetricDataResults")->as_list();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].Find("Values")->as_list().at(0).as_double(), 3);
}

// Tags of an alarm by its ARN: TagResource adds and overwrites, UntagResource removes, and an ARN
// that names no alarm of the caller's account and Region is ResourceNotFoundException.
TEST_F(CloudWatchServiceTest, AlarmTagsByArn) {
  PutAlarm("tagged");
  const std::string arn = "arn:aws:cloudwatch:us-east-1:000000000000:alarm:tagged";
  auto tags = [&](const std::string& resource) {
    std::vector<std::string> out;
    Value listed = Ok(&CloudWatchService::ListTagsForResource, S({{"ResourceARN", resource}}));
    for (const Value& t : listed.Find("Tags")->as_list()) {
      out.push_back(std::string(t.GetString("Key")) + "=" + std::string(t.GetString("Value")));
    }
    return out;
  };
  Ok(&CloudWatchService::TagResource,
     S({{"ResourceARN", arn},
        {"Tags", L({S({{"Key", "team"}, {"Value", "a"}}), S({{"Key", "env"}, {"Value", "x"}})})}}));
  Ok(&CloudWatchService::TagResource,
     S({{"ResourceARN", arn}, {"Tags", L({S({{"Key", "team"}, {"Value", "b"}})})}}));
  EXPECT_EQ(tags(arn), (std::vector<std::string>{"team=b", "env=x"}));
  Ok(&CloudWatchService::UntagResource, S({{"ResourceARN", arn}, {"TagKeys", L({"env"})}}));
  EXPECT_EQ(tags(arn), (std::vector<std::string>{"team=b"}));

  for (const std::string missing : {"arn:aws:cloudwatch:us-east-1:000000000000:alarm:nope",
                                    "arn:aws:cloudwatch:eu-west-1:000000000000:alarm:tagged"}) {
    auto r = Call(&CloudWatchService::UntagResource,
                  S({{"ResourceARN", missing}, {"TagKeys", L({"team"})}}));
    ASSERT_FALSE(r) << missing;
    EXPECT_EQ(r.error().code, "ResourceNotFoundException");
    EXPECT_EQ(r.error().http_status, 404);
    EXPECT_EQ(r.error().message, "Resource " + missing + " not found.");
  }
  EXPECT_EQ(tags(arn), (std::vector<std::string>{"team=b"}));
}

TEST_F(CloudWatchServiceTest, StatePersistsAcrossRestart) {
  PutAlarm("durable");
  PutValue(5);
  service_.reset();
  service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  EXPECT_EQ(Describe("durable").GetString("StateValue"), "ALARM");
  EXPECT_EQ(Summaries("durable").size(), 3u);
  Value metrics = Ok(&CloudWatchService::ListMetrics, S({{"Namespace", "App"}}));
  EXPECT_EQ(metrics.Find("Metrics")->as_list().size(), 1u);
}

// Replay (imported CloudTrail logs): datapoints 30 days old reach the alarm's history with their
// own timestamps, as if time had run through them; the current state and SNS are untouched.
TEST_F(CloudWatchServiceTest, ReplayWritesHistoryAtOriginalTimesWithoutNotifying) {
  PutAlarm("replayed", 1, 300);
  const std::int64_t old = kT0 - 30LL * 86'400'000 + 42'000;  // 12:36:42, thirty days back
  pipeline::MetricDatum d;
  d.account_id = "000000000000";
  d.region = "us-east-1";
  d.namespace_name = "App";
  d.metric_name = "Errors";
  d.value = 1;
  d.timestamp_millis = old;
  pipeline::MetricDatum later = d;
  later.timestamp_millis = old + 3'600'000;  // an hour later: a second episode
  ASSERT_TRUE(service_->metric_sink().Put({d, later}));
  EXPECT_EQ(Describe("replayed").GetString("StateValue"), "INSUFFICIENT_DATA");

  auto replay = service_->ReplayAlarms("000000000000", "us-east-1", old - 1, old + 3'600'000, {});
  ASSERT_TRUE(replay) << replay.error().message;
  ASSERT_EQ(replay->replayed, std::vector<std::string>{"replayed"});
  ASSERT_EQ(replay->transitions.size(), 4u);
  EXPECT_EQ(replay->transitions[0].timestamp_ms, old);  // the moment the datapoint arrived
  EXPECT_EQ(replay->transitions[0].to, AlarmState::kAlarm);
  // Period 300 s, range 3 slots: the 12:35 slot leaves the range at 12:50.
  const std::int64_t period_start = old - old % 300'000;
  EXPECT_EQ(replay->transitions[1].timestamp_ms, period_start + 3 * 300'000);
  EXPECT_EQ(replay->transitions[1].to, AlarmState::kInsufficientData);
  EXPECT_EQ(replay->transitions[2].timestamp_ms, old + 3'600'000);
  EXPECT_EQ(replay->transitions[2].to, AlarmState::kAlarm);

  EXPECT_EQ(Describe("replayed").GetString("StateValue"), "INSUFFICIENT_DATA");
  EXPECT_TRUE(notifier_.sent.empty());
  auto summaries = Summaries("replayed");
  ASSERT_EQ(summaries.size(), 5u);  // 4 replayed + created now, oldest first by timestamp
  EXPECT_EQ(summaries[0], "Alarm updated from INSUFFICIENT_DATA to ALARM (replayed)");
  EXPECT_EQ(summaries[4], "Alarm \"replayed\" created");

  // A second replay of the same span replaces, not duplicates; history survives a restart.
  ASSERT_TRUE(service_->ReplayAlarms("000000000000", "us-east-1", old - 1, old + 3'600'000, {}));
  EXPECT_EQ(Summaries("replayed").size(), 5u);
  service_.reset();
  service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  Value history = Ok(&CloudWatchService::DescribeAlarmHistory,
                     S({{"AlarmName", "replayed"}, {"HistoryItemType", "StateUpdate"}}));
  ASSERT_EQ(history.Find("AlarmHistoryItems")->as_list().size(), 4u);
  // Newest first by timestamp.
  EXPECT_EQ(history.Find("AlarmHistoryItems")
                ->as_list()
                .back()
                .Find("Timestamp")
                ->as_timestamp()
                .epoch_millis,
            old);
}

TEST_F(CloudWatchServiceTest, ReplayOnlyTheNamedAlarms) {
  PutAlarm("a", 1, 300);
  PutAlarm("b", 1, 300);
  pipeline::MetricDatum d;
  d.account_id = "000000000000";
  d.region = "us-east-1";
  d.namespace_name = "App";
  d.metric_name = "Errors";
  d.value = 1;
  d.timestamp_millis = kT0 - 86'400'000;
  ASSERT_TRUE(service_->metric_sink().Put({d}));
  auto replay = service_->ReplayAlarms("000000000000", "us-east-1", d.timestamp_millis,
                                       d.timestamp_millis, {"b"});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->replayed, std::vector<std::string>{"b"});
  EXPECT_EQ(Summaries("a").size(), 1u);  // only "created"
}

// Datapoints of imported events are old when they arrive: they are kept 15 days from their
// arrival (across restarts), not dropped at the next hourly prune.
TEST_F(CloudWatchServiceTest, OldPointsStayFifteenDaysFromArrival) {
  pipeline::MetricDatum d;
  d.account_id = "000000000000";
  d.region = "us-east-1";
  d.namespace_name = "App";
  d.metric_name = "Errors";
  d.value = 1;
  d.timestamp_millis = kT0 - 400LL * 86'400'000;
  ASSERT_TRUE(service_->metric_sink().Put({d}));
  auto count = [&] {
    Value stats = Ok(&CloudWatchService::GetMetricStatistics,
                     S({{"Namespace", "App"},
                        {"MetricName", "Errors"},
                        {"StartTime", protocol::Timestamp{d.timestamp_millis - 3'600'000}},
                        {"EndTime", protocol::Timestamp{d.timestamp_millis + 3'600'000}},
                        {"Period", 3600},
                        {"Statistics", L({"SampleCount"})}}));
    double n = 0;
    for (const Value& p : stats.Find("Datapoints")->as_list()) {
      n += p.Find("SampleCount")->as_double();
    }
    return n;
  };
  EXPECT_EQ(count(), 1);
  clock_.Advance(2 * 3'600'000);
  service_->Tick();  // the hourly prune
  EXPECT_EQ(count(), 1);
  service_.reset();
  service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  EXPECT_EQ(count(), 1);
  clock_.Advance(16LL * 86'400'000);
  service_->Tick();
  EXPECT_EQ(count(), 0);
  service_.reset();
  service_ = std::make_unique<CloudWatchService>(*db_, clock_, &notifier_, false);
  EXPECT_EQ(count(), 0);
}

}  // namespace
}  // namespace tw::services::cloudwatch
