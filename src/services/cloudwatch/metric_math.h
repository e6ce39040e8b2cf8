// SPDX-License-Identifier: Apache-2.0
// Metric math for GetMetricData and metric-math alarms: arithmetic (+ - * / and parentheses,
// unary minus) over scalars, time series and arrays of time series, and the functions SUM, AVG,
// MIN, MAX (across an array per timestamp, or over a single series' values), FILL (a constant),
// RATE (change per second) and METRICS(). Any other function is refused with an error naming it,
// so a caller never gets a silently wrong series (MetricMath syntax, "Using math expressions with
// CloudWatch metrics" in the CloudWatch User Guide).
//
// Thread-safety: pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace tw::services::cloudwatch {

using Series = std::map<std::int64_t, double>;  // period start -> value

struct NamedSeries {
  std::string id;
  Series series;
};

// Evaluates `expression` with `inputs` (the queries evaluated so far, by Id; METRICS() means the
// MetricStat ones, flagged by `is_metric`) over the timestamps `grid` (every period start in the
// query window, for FILL). A result that is an array is an error here (a query returns one series).
Result<Series> EvaluateExpression(const std::string& expression,
                                  const std::vector<NamedSeries>& inputs,
                                  const std::vector<bool>& is_metric,
                                  const std::vector<std::int64_t>& grid);

}  // namespace tw::services::cloudwatch
