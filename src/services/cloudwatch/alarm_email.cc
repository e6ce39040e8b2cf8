// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/alarm_email.h"

#include "common/strings.h"
#include "services/cloudwatch/format.h"

namespace tw::services::cloudwatch {
namespace {

// Label columns: "- Name:" and its section padded to 30 characters, "- MetricNamespace:" and its
// section to 39.
constexpr std::size_t kDetailsColumn = 30;
constexpr std::size_t kMetricColumn = 39;

// "- <label>:" padded to `column`, then the value; an empty value leaves no trailing blanks.
void Line(std::string& out, std::string_view label, std::string_view value, std::size_t column) {
  std::string line = "- " + std::string(label) + ":";
  if (!value.empty()) {
    if (line.size() < column) line.append(column - line.size(), ' ');
    line += value;
  }
  out += line;
  out += '\n';
}

// "[InstanceId = i-0b41c232eabc69685, Other = x]"
std::string DimensionText(const Dimensions& dims) {
  std::string out = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i > 0) out += ", ";
    out += dims[i].first + " = " + dims[i].second;
  }
  return out + "]";
}

// "[arn1, arn2]", or nothing for an empty list.
std::string ActionList(const std::vector<std::string>& arns) {
  if (arns.empty()) return "";
  std::string out = "[";
  for (std::size_t i = 0; i < arns.size(); ++i) {
    if (i > 0) out += ", ";
    out += arns[i];
  }
  return out + "]";
}

// The sentence, the console link and "Alarm Details:" (shared by metric and composite alarms).
std::string Head(const Alarm& alarm, AlarmState old_state, std::string_view console_url) {
  const AlarmConfig& c = alarm.config;
  const std::string state(StateName(alarm.status.state));
  const std::string when = LongTime(alarm.status.state_updated_ms);
  std::string out = "You are receiving this email because your Amazon CloudWatch Alarm \"" +
                    c.name + "\" in the " + RegionLongName(alarm.region) +
                    " region has entered the " + state + " state, because \"" +
                    alarm.status.reason + "\" at \"" + when + "\".\n\n";
  if (!console_url.empty()) {
    out += "View this alarm in the AWS Management Console:\n";
    out += console_url;
    out += "\n\n";
  }
  out += "Alarm Details:\n";
  Line(out, "Name", c.name, kDetailsColumn);
  Line(out, "Description", c.description.value_or(""), kDetailsColumn);
  Line(out, "State Change", std::string(StateName(old_state)) + " -> " + state, kDetailsColumn);
  Line(out, "Reason for State Change", alarm.status.reason, kDetailsColumn);
  Line(out, "Timestamp", when, kDetailsColumn);
  Line(out, "AWS Account", alarm.account_id, kDetailsColumn);
  Line(out, "Alarm Arn", AlarmArn(alarm.region, alarm.account_id, c.name), kDetailsColumn);
  return out;
}

void Actions(std::string& out, const AlarmConfig& c) {
  out += "\nState Change Actions:\n";
  out += "- OK:" + (c.ok_actions.empty() ? "" : " " + ActionList(c.ok_actions)) + "\n";
  out += "- ALARM:" + (c.alarm_actions.empty() ? "" : " " + ActionList(c.alarm_actions)) + "\n";
  out += "- INSUFFICIENT_DATA:" +
         (c.insufficient_data_actions.empty() ? "" : " " + ActionList(c.insufficient_data_actions));
}

void MetricLines(std::string& out, const std::string& namespace_name,
                 const std::string& metric_name, const Dimensions& dims, int period,
                 const std::string& statistic, const std::optional<std::string>& unit) {
  Line(out, "MetricNamespace", namespace_name, kMetricColumn);
  Line(out, "MetricName", metric_name, kMetricColumn);
  Line(out, "Dimensions", DimensionText(dims), kMetricColumn);
  Line(out, "Period", std::to_string(period) + " seconds", kMetricColumn);
  Line(out, "Statistic", statistic, kMetricColumn);
  Line(out, "Unit", unit.value_or("not specified"), kMetricColumn);
}

}  // namespace

std::string AlarmConsoleUrl(std::string_view public_url, std::string_view alarm_name) {
  if (public_url.empty()) return "";
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url) + "/console#/cloudwatch/alarms/" + UriEncode(alarm_name);
}

std::string AlarmEmailText(const Alarm& alarm, AlarmState old_state, std::string_view console_url) {
  const AlarmConfig& c = alarm.config;
  std::string out = Head(alarm, old_state, console_url);
  out += "\nThreshold:\n";
  out += "- The alarm is in the ALARM state when the metric is " +
         std::string(ComparisonName(c.comparison)) + " " + JavaDouble(c.threshold) +
         " for at least " + std::to_string(c.datapoints_required()) + " of the last " +
         std::to_string(c.evaluation_periods) + " period(s) of " +
         std::to_string(c.evaluation_period()) + " seconds.\n";
  if (c.is_math()) {
    // One block per query of the metric-math expression, the returned one marked.
    out += "\nMonitored Metrics:\n";
    for (std::size_t i = 0; i < c.metrics.size(); ++i) {
      const MetricQuery& q = c.metrics[i];
      if (i > 0) out += '\n';
      Line(out, "Id", q.id, kMetricColumn);
      if (q.metric) {
        MetricLines(out, q.metric->namespace_name, q.metric->metric_name, q.metric->dimensions,
                    q.period, q.stat, q.unit);
      }
      if (q.expression) Line(out, "Expression", *q.expression, kMetricColumn);
      if (q.label) Line(out, "Label", *q.label, kMetricColumn);
      Line(out, "ReturnData", q.return_data ? "true" : "false", kMetricColumn);
    }
    out += '\n';
  } else {
    out += "\nMonitored Metric:\n";
    MetricLines(out, c.namespace_name, c.metric_name, c.dimensions, c.period,
                c.extended_statistic ? *c.extended_statistic : c.statistic.value_or(""), c.unit);
  }
  Line(out, "TreatMissingData", MissingDataName(c.treat_missing), kMetricColumn);
  Actions(out, c);
  return out;
}

std::string CompositeAlarmEmailText(const Alarm& alarm, AlarmState old_state,
                                    const std::vector<ChildState>& triggering,
                                    std::string_view console_url) {
  std::string out = Head(alarm, old_state, console_url);
  out += "\nAlarm Rule:\n";
  out += "- " + alarm.config.alarm_rule.value_or("") + "\n";
  if (!triggering.empty()) {
    out += "\nTriggering Children:\n";
    for (const ChildState& child : triggering) out += "- " + CompositeReason(child) + "\n";
  }
  Actions(out, alarm.config);
  return out;
}

}  // namespace tw::services::cloudwatch
