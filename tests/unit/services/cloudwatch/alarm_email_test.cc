// SPDX-License-Identifier: Apache-2.0
// The readable alarm email text (alarms.md section 8): whole texts for a metric alarm, a
// metric-math alarm and a composite alarm, and the console link.
#include "services/cloudwatch/alarm_email.h"

#include <gtest/gtest.h>

#include <string>

namespace tw::services::cloudwatch {
namespace {

constexpr std::int64_t kChange = 1'565'024'643'000;  // Monday 2019-08-05T17:04:03Z

Alarm CpuAlarm() {
  Alarm a;
  a.account_id = "123456789012";
  a.region = "us-west-2";
  a.config.name = "cpu-high";
  a.config.description = "Created from EC2 Console";
  a.config.namespace_name = "AWS/EC2";
  a.config.metric_name = "CPUUtilization";
  a.config.dimensions = {{"InstanceId", "i-0b41c232eabc69685"}};
  a.config.statistic = "Maximum";
  a.config.period = 300;
  a.config.evaluation_periods = 1;
  a.config.threshold = 2;
  a.config.comparison = Comparison::kGreaterOrEqual;
  a.config.alarm_actions = {"arn:aws:sns:us-west-2:123456789012:alerts"};
  a.status.state = AlarmState::kAlarm;
  a.status.reason =
      "Threshold Crossed: 1 datapoint [2.88135593220462 (05/08/19 16:54:00)] was greater than or "
      "equal to the threshold (2.0).";
  a.status.state_updated_ms = kChange;
  return a;
}

TEST(AlarmEmailTest, MetricAlarmHasAwsSectionsAndColumns) {
  const std::string text =
      AlarmEmailText(CpuAlarm(), AlarmState::kInsufficientData,
                     "http://127.0.0.1:4566/console#/cloudwatch/alarms/cpu-high");
  EXPECT_EQ(
      text,
      "You are receiving this email because your Amazon CloudWatch Alarm \"cpu-high\" in the "
      "US West (Oregon) region has entered the ALARM state, because \"Threshold Crossed: 1 "
      "datapoint [2.88135593220462 (05/08/19 16:54:00)] was greater than or equal to the "
      "threshold (2.0).\" at \"Monday 05 August, 2019 17:04:03 UTC\".\n"
      "\n"
      "View this alarm in the AWS Management Console:\n"
      "http://127.0.0.1:4566/console#/cloudwatch/alarms/cpu-high\n"
      "\n"
      "Alarm Details:\n"
      "- Name:                       cpu-high\n"
      "- Description:                Created from EC2 Console\n"
      "- State Change:               INSUFFICIENT_DATA -> ALARM\n"
      "- Reason for State Change:    Threshold Crossed: 1 datapoint [2.88135593220462 "
      "(05/08/19 16:54:00)] was greater than or equal to the threshold (2.0).\n"
      "- Timestamp:                  Monday 05 August, 2019 17:04:03 UTC\n"
      "- AWS Account:                123456789012\n"
      "- Alarm Arn:                  arn:aws:cloudwatch:us-west-2:123456789012:alarm:cpu-high\n"
      "\n"
      "Threshold:\n"
      "- The alarm is in the ALARM state when the metric is GreaterThanOrEqualToThreshold "
      "2.0 for at least 1 of the last 1 period(s) of 300 seconds.\n"
      "\n"
      "Monitored Metric:\n"
      "- MetricNamespace:                     AWS/EC2\n"
      "- MetricName:                          CPUUtilization\n"
      "- Dimensions:                          [InstanceId = i-0b41c232eabc69685]\n"
      "- Period:                              300 seconds\n"
      "- Statistic:                           Maximum\n"
      "- Unit:                                not specified\n"
      "- TreatMissingData:                    missing\n"
      "\n"
      "State Change Actions:\n"
      "- OK:\n"
      "- ALARM: [arn:aws:sns:us-west-2:123456789012:alerts]\n"
      "- INSUFFICIENT_DATA:");
}

TEST(AlarmEmailTest, MetricAlarmVariants) {
  Alarm a = CpuAlarm();
  a.config.description.reset();
  a.config.dimensions = {{"A", "1"}, {"B", "2"}};
  a.config.statistic.reset();
  a.config.extended_statistic = "p99";
  a.config.unit = "Percent";
  a.config.evaluation_periods = 5;
  a.config.datapoints_to_alarm = 3;
  a.config.threshold = 0.5;
  a.config.comparison = Comparison::kLess;
  a.config.treat_missing = MissingData::kNotBreaching;
  a.config.ok_actions = {"arn:aws:sns:us-west-2:123456789012:a",
                         "arn:aws:sns:us-west-2:123456789012:b"};
  a.status.state = AlarmState::kOk;
  a.status.reason = "back to normal";
  const std::string text = AlarmEmailText(a, AlarmState::kAlarm, "");
  EXPECT_EQ(text.find("View this alarm"), std::string::npos) << text;  // no console URL known
  EXPECT_NE(text.find("has entered the OK state, because \"back to normal\""), std::string::npos);
  EXPECT_NE(text.find("\n- Description:\n- State Change:               ALARM -> OK\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("LessThanThreshold 0.5 for at least 3 of the last 5 period(s) of 300 "
                      "seconds."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("- Dimensions:                          [A = 1, B = 2]\n"),
            std::string::npos);
  EXPECT_NE(text.find("- Statistic:                           p99\n"
                      "- Unit:                                Percent\n"
                      "- TreatMissingData:                    notBreaching\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("- OK: [arn:aws:sns:us-west-2:123456789012:a, "
                      "arn:aws:sns:us-west-2:123456789012:b]\n- ALARM: [arn"),
            std::string::npos)
      << text;
}

TEST(AlarmEmailTest, MetricMathAlarmListsItsQueries) {
  Alarm a = CpuAlarm();
  a.config.namespace_name.clear();
  a.config.metric_name.clear();
  a.config.dimensions.clear();
  a.config.statistic.reset();
  a.config.period = 0;
  MetricQuery m1;
  m1.id = "m1";
  m1.return_data = false;
  m1.metric = MetricKey{"", "", "AWS/EC2", "CPUUtilization", {{"InstanceId", "i-1"}}};
  m1.period = 60;
  m1.stat = "Sum";
  MetricQuery e1;
  e1.id = "e1";
  e1.expression = "m1*2";
  e1.label = "Doubled";
  a.config.metrics = {m1, e1};
  const std::string text = AlarmEmailText(a, AlarmState::kOk, "");
  EXPECT_NE(text.find("of the last 1 period(s) of 60 seconds.\n\nMonitored Metrics:\n"
                      "- Id:                                  m1\n"
                      "- MetricNamespace:                     AWS/EC2\n"
                      "- MetricName:                          CPUUtilization\n"
                      "- Dimensions:                          [InstanceId = i-1]\n"
                      "- Period:                              60 seconds\n"
                      "- Statistic:                           Sum\n"
                      "- Unit:                                not specified\n"
                      "- ReturnData:                          false\n"
                      "\n"
                      "- Id:                                  e1\n"
                      "- Expression:                          m1*2\n"
                      "- Label:                               Doubled\n"
                      "- ReturnData:                          true\n"
                      "\n"
                      "- TreatMissingData:                    missing\n"),
            std::string::npos)
      << text;
}

TEST(AlarmEmailTest, CompositeAlarmHasRuleAndTriggeringChildren) {
  Alarm a;
  a.account_id = "000000000000";
  a.region = "us-east-1";
  a.config.name = "both";
  a.config.alarm_rule = "ALARM(a) AND NOT ALARM(b)";
  a.config.alarm_actions = {"arn:aws:sns:us-east-1:000000000000:composite"};
  a.config.insufficient_data_actions = {"arn:aws:sns:us-east-1:000000000000:other"};
  const ChildState child{"arn:aws:cloudwatch:us-east-1:000000000000:alarm:a", AlarmState::kAlarm,
                         kChange - 2'000};
  a.status.state = AlarmState::kAlarm;
  a.status.reason = CompositeReason(child);
  a.status.state_updated_ms = kChange;
  const std::string text =
      CompositeAlarmEmailText(a, AlarmState::kOk, {child}, AlarmConsoleUrl("http://tw:1/", "both"));
  EXPECT_EQ(text,
            "You are receiving this email because your Amazon CloudWatch Alarm \"both\" in the US "
            "East (N. Virginia) region has entered the ALARM state, because "
            "\"arn:aws:cloudwatch:us-east-1:000000000000:alarm:a transitioned to ALARM at Monday "
            "05 August, 2019 17:04:01 UTC\" at \"Monday 05 August, 2019 17:04:03 UTC\".\n"
            "\n"
            "View this alarm in the AWS Management Console:\n"
            "http://tw:1/console#/cloudwatch/alarms/both\n"
            "\n"
            "Alarm Details:\n"
            "- Name:                       both\n"
            "- Description:\n"
            "- State Change:               OK -> ALARM\n"
            "- Reason for State Change:    arn:aws:cloudwatch:us-east-1:000000000000:alarm:a "
            "transitioned to ALARM at Monday 05 August, 2019 17:04:01 UTC\n"
            "- Timestamp:                  Monday 05 August, 2019 17:04:03 UTC\n"
            "- AWS Account:                000000000000\n"
            "- Alarm Arn:                  arn:aws:cloudwatch:us-east-1:000000000000:alarm:both\n"
            "\n"
            "Alarm Rule:\n"
            "- ALARM(a) AND NOT ALARM(b)\n"
            "\n"
            "Triggering Children:\n"
            "- arn:aws:cloudwatch:us-east-1:000000000000:alarm:a transitioned to ALARM at Monday "
            "05 August, 2019 17:04:01 UTC\n"
            "\n"
            "State Change Actions:\n"
            "- OK:\n"
            "- ALARM: [arn:aws:sns:us-east-1:000000000000:composite]\n"
            "- INSUFFICIENT_DATA: [arn:aws:sns:us-east-1:000000000000:other]");
}

TEST(AlarmEmailTest, ConsoleUrlEncodesTheName) {
  EXPECT_EQ(AlarmConsoleUrl("http://h:1", "a b/c\"d"),
            "http://h:1/console#/cloudwatch/alarms/a%20b%2Fc%22d");
  EXPECT_EQ(AlarmConsoleUrl("https://tw.example//", "x"),
            "https://tw.example/console#/cloudwatch/alarms/x");
  EXPECT_EQ(AlarmConsoleUrl("", "x"), "");
}

}  // namespace
}  // namespace tw::services::cloudwatch
