// SPDX-License-Identifier: Apache-2.0
// The plain records CloudWatch metrics and alarms are made of: metric identities, stored raw
// points, per-period aggregates, alarm definitions and their state, and history items. No logic
// beyond small helpers lives here; the engine, evaluator and store build on these.
//
// Thread-safety: plain values, no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tw::services::cloudwatch {

// Dimensions sorted by name: CloudWatch treats a metric's dimension set as unordered, and a
// sorted vector makes equal sets compare equal.
using Dimensions = std::vector<std::pair<std::string, std::string>>;

struct MetricKey {
  std::string account_id;
  std::string region;
  std::string namespace_name;
  std::string metric_name;
  Dimensions dimensions;  // sorted by name
  auto operator<=>(const MetricKey&) const = default;
};

// One PutMetricData datum (or one metric-filter datapoint) as stored. A single Value is stored as
// values={{v,1}}; Values/Counts as the pairs; StatisticValues only as the four aggregates (such
// points carry no distribution, so percentiles skip them, as AWS documents).
struct RawPoint {
  std::int64_t timestamp_ms = 0;
  std::string unit = "None";
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  std::vector<std::pair<double, double>> values;  // value, count
  int storage_resolution = 60;
  // When it was stored. Points are kept 15 days from their timestamp or from this, whichever is
  // later, so datapoints of imported (old) CloudTrail events stay queryable 15 days after import.
  std::int64_t received_ms = 0;
};

// The statistics of one period.
struct Aggregate {
  std::int64_t period_start_ms = 0;
  std::string unit = "None";
  double sample_count = 0;
  double sum = 0;
  double minimum = 0;
  double maximum = 0;
  std::vector<std::pair<double, double>> values;  // value, count; unsorted
};

enum class AlarmState { kOk, kAlarm, kInsufficientData };
enum class Comparison { kGreaterOrEqual, kGreater, kLess, kLessOrEqual };
enum class MissingData { kMissing, kNotBreaching, kBreaching, kIgnore };

std::string_view StateName(AlarmState state);  // "OK", "ALARM", "INSUFFICIENT_DATA"
std::optional<AlarmState> ParseState(std::string_view name);
std::string_view ComparisonName(Comparison op);
std::optional<Comparison> ParseComparison(std::string_view name);
std::string_view MissingDataName(MissingData mode);
std::optional<MissingData> ParseMissingData(std::string_view name);
bool Breaches(double value, Comparison op, double threshold);

// One query of a metric-math alarm (PutMetricAlarm Metrics), as GetMetricData takes them.
struct MetricQuery {
  std::string id;
  std::optional<std::string> expression;
  std::optional<std::string> label;
  bool return_data = true;
  // MetricStat.
  std::optional<MetricKey> metric;  // account_id/region filled by the owner
  int period = 0;
  std::string stat;
  std::optional<std::string> unit;
};

struct AlarmConfig {
  std::string name;
  std::optional<std::string> description;
  bool actions_enabled = true;
  std::vector<std::string> ok_actions;
  std::vector<std::string> alarm_actions;
  std::vector<std::string> insufficient_data_actions;
  // Single-metric alarm.
  std::string namespace_name;
  std::string metric_name;
  Dimensions dimensions;                          // in the order given (DescribeAlarms echoes it)
  std::optional<std::string> statistic;           // Sum, Average, ...
  std::optional<std::string> extended_statistic;  // p99, ...
  std::optional<std::string> unit;
  int period = 0;
  // Metric-math alarm.
  std::vector<MetricQuery> metrics;
  int evaluation_periods = 1;
  std::optional<int> datapoints_to_alarm;
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  MissingData treat_missing = MissingData::kMissing;
  bool treat_missing_set = false;  // DescribeAlarms echoes TreatMissingData only when given
  std::optional<std::string> evaluate_low_sample_count_percentile;
  std::vector<std::pair<std::string, std::string>> tags;
  // Composite alarm (PutCompositeAlarm): its AlarmRule; unset for metric alarms.
  std::optional<std::string> alarm_rule;

  bool is_composite() const { return alarm_rule.has_value(); }
  bool is_math() const { return !metrics.empty(); }
  int datapoints_required() const { return datapoints_to_alarm.value_or(evaluation_periods); }
  // The period the alarm evaluates at (a math alarm's returned query's period).
  int evaluation_period() const;
};

struct AlarmStatus {
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason = "Unchecked: Initial alarm creation";
  std::string reason_data;  // JSON or empty
  std::int64_t state_updated_ms = 0;
  std::int64_t state_transitioned_ms = 0;
  std::int64_t configuration_updated_ms = 0;
};

struct Alarm {
  std::string account_id;
  std::string region;
  AlarmConfig config;
  AlarmStatus status;
  std::int64_t next_evaluation_ms = 0;  // scheduler
};

enum class HistoryType { kConfigurationUpdate, kStateUpdate, kAction };
std::string_view HistoryTypeName(HistoryType type);
std::optional<HistoryType> ParseHistoryType(std::string_view name);

struct HistoryItem {
  std::int64_t id = 0;  // store order, for stable pagination
  std::string account_id;
  std::string region;
  std::string alarm_name;
  std::string alarm_type = "MetricAlarm";
  std::int64_t timestamp_ms = 0;
  HistoryType type = HistoryType::kStateUpdate;
  std::string summary;
  std::string data;  // JSON
  // Set on items written by ReplayAlarms (alarm_replay.cc): when the replay ran.
  std::optional<std::int64_t> replayed_at_ms;
};

std::string AlarmArn(std::string_view region, std::string_view account, std::string_view name);

}  // namespace tw::services::cloudwatch
