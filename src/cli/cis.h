// SPDX-License-Identifier: Apache-2.0
// The CIS AWS Foundations Benchmark "Monitoring" items as data (shared/reference/
// cis-metric-filters.md): for each item the metric filter pattern, and the names trailwatch
// gives its filter, metric and alarm, plus the alarm settings the benchmark prescribes for every
// item (Sum over 300 s, >= 1, one evaluation period, metric value 1, namespace CISBenchmark by
// default, TreatMissingData left at its default, the SNS topic as alarm action), and
// `trailwatch cis enable`, which creates them through the ordinary APIs (logs:PutMetricFilter,
// JSON 1.1; cloudwatch:PutMetricAlarm, query protocol).
#pragma once

#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "cli/aws_client.h"

namespace tw::cli {

struct CisItem {
  std::string_view number;  // v1.3.0–v5.0.0 numbering ("4.3"); v1.2.0 is 3.x, v6.0.0 is 5.x
  std::string_view
      base_name;  // "CIS-4.3-RootAccountUsage": filter <base>_metric, alarm <base>_alarm
  std::string_view title;
  std::string_view pattern;
};

// The 15 metric-filter items (4.1–4.15; 4.16 "Security Hub enabled" is not a metric filter).
std::span<const CisItem> CisItems();

inline constexpr int kCisPeriodSeconds = 300;
inline constexpr double kCisThreshold = 1;
inline constexpr int kCisEvaluationPeriods = 1;

std::string CisFilterName(const CisItem& item);  // "<base>_metric"
std::string CisMetricName(const CisItem& item);  // "<base>_metric"
std::string CisAlarmName(const CisItem& item);   // "<base>_alarm"

struct CisOptions {
  std::string log_group;
  std::string topic_arn;
  std::string metric_namespace = "CISBenchmark";
  // Run the filters this command creates over the events the group already has, and replay
  // their alarms over that span (a trailwatch extension; AWS never backfills a new filter).
  bool backfill = true;
};

// Creates or updates what differs, leaves the rest; prints the table and a summary to `out` and
// server errors (AWS code and message) to `err`. 0 on success, 1 on an error.
int RunCisEnable(AwsClient& client, const CisOptions& options, std::ostream& out,
                 std::ostream& err);

}  // namespace tw::cli
