// SPDX-License-Identifier: Apache-2.0
// EvaluateAlarm: the pure alarm state machine. Given an alarm's evaluation settings, the
// datapoints of its evaluation range (one slot per period, oldest first, a slot empty when the
// metric had no data) and the current status, it decides the new state with CloudWatch's
// documented semantics ("Configuring how CloudWatch alarms treat missing data" and "Avoiding
// premature transitions", AlarmThatSendsEmail.html): M out of N, the evaluation range wider than
// N, each TreatMissingData mode, the premature-alarm rule, and low-sample percentiles. It writes
// StateReason and StateReasonData the way AWS writes them.
//
// Thread-safety: pure; no clock (now is an argument), no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

struct SlotDatapoint {
  std::int64_t timestamp_ms = 0;  // the period's start
  double value = 0;
  double sample_count = 0;
};

struct EvaluationSettings {
  int evaluation_periods = 1;              // N
  std::optional<int> datapoints_to_alarm;  // M; N when absent
  double threshold = 0;
  Comparison comparison = Comparison::kGreaterOrEqual;
  MissingData treat_missing = MissingData::kMissing;
  int period_s = 60;
  std::string statistic = "Average";  // the StateReasonData "statistic" (Sum, p99, ...)
  std::optional<std::string> unit;
  // EvaluateLowSampleCountPercentile=ignore on a percentile alarm: the percentile (e.g. 99).
  std::optional<double> ignore_low_sample_percentile;
};

struct EvaluationResult {
  AlarmState state = AlarmState::kInsufficientData;
  std::string reason;
  std::string reason_data;  // JSON
  bool retained = false;    // no decision: keep the current state and reason
};

// Slots in the evaluation range for N evaluation periods: N plus two older ones, so that gaps in
// the most recent N can be filled from real datapoints (the doc's N=3 examples use 5).
int EvaluationRangeSize(int evaluation_periods);

// `slots` covers the evaluation range, oldest first (the newest slot last).
EvaluationResult EvaluateAlarm(const EvaluationSettings& settings,
                               const std::vector<std::optional<SlotDatapoint>>& slots,
                               const AlarmStatus& current, std::int64_t now_ms);

}  // namespace tw::services::cloudwatch
