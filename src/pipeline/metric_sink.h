// SPDX-License-Identifier: Apache-2.0
// MetricSink: how metric data reaches CloudWatch from other services without them depending on it.
// CloudWatch Logs metric filters publish the datapoints they extract here; the CloudWatch service
// implements it (the same path as PutMetricData) and wakes the alarms that watch those metrics.
// Implementations are thread-safe and never drop data silently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tw::pipeline {

struct MetricDatum {
  std::string account_id;
  std::string region;
  std::string namespace_name;  // "CloudTrailMetrics"
  std::string metric_name;
  std::vector<std::pair<std::string, std::string>> dimensions;  // name, value
  std::int64_t timestamp_millis = 0;  // the log event's time, not the time it was processed
  double value = 0;
  std::string unit = "None";  // a CloudWatch StandardUnit
};

class MetricSink {
 public:
  virtual ~MetricSink() = default;
  virtual Status Put(std::vector<MetricDatum> data) = 0;
};

}  // namespace tw::pipeline
