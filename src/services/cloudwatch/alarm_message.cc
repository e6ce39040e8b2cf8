// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/alarm_message.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <utility>

#include "services/cloudwatch/format.h"

namespace tw::services::cloudwatch {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kRegionNames{{
    {"us-east-1", "US East (N. Virginia)"},
    {"us-east-2", "US East (Ohio)"},
    {"us-west-1", "US West (N. California)"},
    {"us-west-2", "US West (Oregon)"},
    {"eu-west-1", "EU (Ireland)"},
    {"eu-west-2", "EU (London)"},
    {"eu-west-3", "EU (Paris)"},
    {"eu-central-1", "EU (Frankfurt)"},
    {"eu-north-1", "EU (Stockholm)"},
    {"ap-southeast-1", "Asia Pacific (Singapore)"},
    {"ap-southeast-2", "Asia Pacific (Sydney)"},
    {"ap-northeast-1", "Asia Pacific (Tokyo)"},
}};

// "SampleCount" -> "SAMPLE_COUNT", "Average" -> "AVERAGE" (the Trigger's upper-case form).
std::string UpperStatistic(std::string_view stat) {
  std::string out;
  for (std::size_t i = 0; i < stat.size(); ++i) {
    const char c = stat[i];
    if (i > 0 && std::isupper(static_cast<unsigned char>(c))) out += '_';
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

void OptionalString(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

void StringList(JsonWriter& w, std::string_view key, const std::vector<std::string>& list) {
  w.Key(key).BeginArray();
  for (const auto& s : list) w.String(s);
  w.EndArray();
}

void DimensionList(JsonWriter& w, const Dimensions& dims) {
  w.BeginArray();
  for (const auto& [name, value] : dims) {
    w.BeginObject().Key("value").String(value).Key("name").String(name).EndObject();
  }
  w.EndArray();
}

void State(JsonWriter& w, const AlarmStatus& s) {
  w.BeginObject().Key("stateValue").String(StateName(s.state));
  w.Key("stateReason").String(s.reason);
  if (!s.reason_data.empty()) w.Key("stateReasonData").Raw(s.reason_data);
  w.EndObject();
}

}  // namespace

std::string RegionLongName(std::string_view region) {
  for (const auto& [code, name] : kRegionNames) {
    if (code == region) return std::string(name);
  }
  return std::string(region);
}

std::string AlarmSubject(const Alarm& alarm) {
  std::string subject = std::string(StateName(alarm.status.state)) + ": \"" + alarm.config.name +
                        "\" in " + RegionLongName(alarm.region);
  if (subject.size() > 100) subject.resize(100);
  return subject;
}

std::string AlarmMessage(const Alarm& alarm, AlarmState old_state) {
  const AlarmConfig& c = alarm.config;
  JsonWriter w;
  w.BeginObject();
  w.Key("AlarmName").String(c.name);
  OptionalString(w, "AlarmDescription", c.description);
  w.Key("AWSAccountId").String(alarm.account_id);
  w.Key("AlarmConfigurationUpdatedTimestamp")
      .String(AwsJsonTime(alarm.status.configuration_updated_ms));
  w.Key("NewStateValue").String(StateName(alarm.status.state));
  w.Key("NewStateReason").String(alarm.status.reason);
  w.Key("StateChangeTime").String(AwsJsonTime(alarm.status.state_updated_ms));
  w.Key("Region").String(RegionLongName(alarm.region));
  w.Key("AlarmArn").String(AlarmArn(alarm.region, alarm.account_id, c.name));
  w.Key("OldStateValue").String(StateName(old_state));
  StringList(w, "OKActions", c.ok_actions);
  StringList(w, "AlarmActions", c.alarm_actions);
  StringList(w, "InsufficientDataActions", c.insufficient_data_actions);
  w.Key("Trigger").BeginObject();
  if (c.is_math()) {
    w.Key("Metrics").BeginArray();
    for (const MetricQuery& q : c.metrics) {
      w.BeginObject().Key("Id").String(q.id);
      if (q.metric) {
        w.Key("MetricStat").BeginObject().Key("Metric").BeginObject();
        w.Key("Namespace").String(q.metric->namespace_name);
        w.Key("MetricName").String(q.metric->metric_name);
        w.Key("Dimensions");
        DimensionList(w, q.metric->dimensions);
        w.EndObject().Key("Period").Integer(q.period).Key("Stat").String(q.stat).EndObject();
      }
      if (q.expression) w.Key("Expression").String(*q.expression);
      if (q.label) w.Key("Label").String(*q.label);
      w.Key("ReturnData").Bool(q.return_data).EndObject();
    }
    w.EndArray();
  } else {
    w.Key("MetricName").String(c.metric_name);
    w.Key("Namespace").String(c.namespace_name);
    if (c.extended_statistic) {
      w.Key("StatisticType").String("ExtendedStatistic");
      w.Key("ExtendedStatistic").String(*c.extended_statistic);
    } else {
      w.Key("StatisticType").String("Statistic");
      w.Key("Statistic").String(UpperStatistic(c.statistic.value_or("")));
    }
    OptionalString(w, "Unit", c.unit);
    w.Key("Dimensions");
    DimensionList(w, c.dimensions);
    w.Key("Period").Integer(c.period);
  }
  w.Key("EvaluationPeriods").Integer(c.evaluation_periods);
  if (c.datapoints_to_alarm) w.Key("DatapointsToAlarm").Integer(*c.datapoints_to_alarm);
  w.Key("ComparisonOperator").String(ComparisonName(c.comparison));
  w.Key("Threshold").Number(c.threshold);
  w.Key("TreatMissingData").String(MissingDataName(c.treat_missing));
  w.Key("EvaluateLowSampleCountPercentile")
      .String(c.evaluate_low_sample_count_percentile.value_or(""));
  w.EndObject();
  w.EndObject();
  return w.str();
}

std::string StateUpdateHistoryData(const AlarmStatus& old_status, const AlarmStatus& new_status) {
  JsonWriter w;
  w.BeginObject().Key("version").String("1.0").Key("oldState");
  State(w, old_status);
  w.Key("newState");
  State(w, new_status);
  w.EndObject();
  return w.str();
}

std::string ConfigurationHistoryData(const Alarm& alarm, bool created) {
  const AlarmConfig& c = alarm.config;
  JsonWriter w;
  w.BeginObject().Key("version").String("1.0").Key("type").String(created ? "Create" : "Update");
  w.Key(created ? "createdAlarm" : "updatedAlarm").BeginObject();
  w.Key("alarmName").String(c.name);
  w.Key("alarmArn").String(AlarmArn(alarm.region, alarm.account_id, c.name));
  if (c.description) w.Key("alarmDescription").String(*c.description);
  w.Key("actionsEnabled").Bool(c.actions_enabled);
  StringList(w, "okActions", c.ok_actions);
  StringList(w, "alarmActions", c.alarm_actions);
  StringList(w, "insufficientDataActions", c.insufficient_data_actions);
  if (c.is_composite()) {
    w.Key("alarmRule").String(*c.alarm_rule);
    w.EndObject().EndObject();
    return w.str();
  }
  if (!c.is_math()) {
    w.Key("namespace").String(c.namespace_name).Key("metricName").String(c.metric_name);
    w.Key("dimensions");
    DimensionList(w, c.dimensions);
    if (c.statistic) w.Key("statistic").String(*c.statistic);
    if (c.extended_statistic) w.Key("extendedStatistic").String(*c.extended_statistic);
    w.Key("period").Integer(c.period);
  }
  w.Key("evaluationPeriods").Integer(c.evaluation_periods);
  if (c.datapoints_to_alarm) w.Key("datapointsToAlarm").Integer(*c.datapoints_to_alarm);
  w.Key("threshold").Number(c.threshold);
  w.Key("comparisonOperator").String(ComparisonName(c.comparison));
  w.Key("treatMissingData").String(MissingDataName(c.treat_missing));
  w.EndObject().EndObject();
  return w.str();
}

std::string ActionHistoryData(std::string_view arn, bool ok, std::string_view error) {
  JsonWriter w;
  w.BeginObject().Key("actionState").String(ok ? "Succeeded" : "Failed");
  w.Key("notificationResource").String(arn);
  if (!ok) w.Key("error").String(error);
  w.EndObject();
  return w.str();
}

namespace {

// "Friday 22 July, 2022 15:57:45 UTC" (Java's "EEEE dd MMMM, yyyy HH:mm:ss 'UTC'").
std::string LongTime(std::int64_t epoch_millis) {
  static constexpr std::array<const char*, 7> kDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
  static constexpr std::array<const char*, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  std::time_t seconds = static_cast<std::time_t>(epoch_millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%s %02d %s, %04d %02d:%02d:%02d UTC",
                kDays[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buffer;
}

}  // namespace

std::string CompositeReason(const ChildState& child) {
  return child.arn + " transitioned to " + std::string(StateName(child.state)) + " at " +
         LongTime(child.timestamp_ms);
}

std::string CompositeReasonData(const std::vector<ChildState>& triggering) {
  JsonWriter w;
  w.BeginObject().Key("triggeringAlarms").BeginArray();
  for (const ChildState& child : triggering) {
    w.BeginObject().Key("arn").String(child.arn).Key("state").BeginObject();
    w.Key("value").String(StateName(child.state));
    w.Key("timestamp").String(AwsJsonTime(child.timestamp_ms));
    w.EndObject().EndObject();
  }
  w.EndArray().EndObject();
  return w.str();
}

std::string CompositeAlarmMessage(const Alarm& alarm, AlarmState old_state,
                                  const std::vector<ChildState>& triggering) {
  const AlarmConfig& c = alarm.config;
  JsonWriter w;
  w.BeginObject();
  w.Key("AlarmName").String(c.name);
  OptionalString(w, "AlarmDescription", c.description);
  w.Key("AWSAccountId").String(alarm.account_id);
  w.Key("NewStateValue").String(StateName(alarm.status.state));
  w.Key("NewStateReason").String(alarm.status.reason);
  w.Key("StateChangeTime").String(AwsJsonTime(alarm.status.state_updated_ms));
  w.Key("Region").String(RegionLongName(alarm.region));
  w.Key("AlarmArn").String(AlarmArn(alarm.region, alarm.account_id, c.name));
  StringList(w, "OKActions", c.ok_actions);
  StringList(w, "AlarmActions", c.alarm_actions);
  StringList(w, "InsufficientDataActions", c.insufficient_data_actions);
  w.Key("OldStateValue").String(StateName(old_state));
  w.Key("AlarmRule").String(c.alarm_rule.value_or(""));
  w.Key("TriggeringChildren").BeginArray();
  for (const ChildState& child : triggering) {
    w.BeginObject().Key("Arn").String(child.arn).Key("State").BeginObject();
    w.Key("Value").String(StateName(child.state));
    w.Key("Timestamp").String(AwsJsonTime(child.timestamp_ms));
    w.EndObject().EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.str();
}

}  // namespace tw::services::cloudwatch
