// SPDX-License-Identifier: Apache-2.0
// Small helpers the CloudWatch handlers share: reading members of request Values and building
// CloudWatch's error values.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "protocol/value.h"
#include "services/cloudwatch/types.h"

namespace tw::services::cloudwatch {

using protocol::Value;

AwsError InvalidValue(std::string message);
AwsError InvalidCombination(std::string message);
AwsError Missing(std::string message);

std::optional<std::string> OptString(const Value& v, std::string_view name);
std::optional<std::int64_t> OptInt(const Value& v, std::string_view name);
std::optional<double> OptDouble(const Value& v, std::string_view name);
std::optional<bool> OptBool(const Value& v, std::string_view name);
std::optional<std::int64_t> OptTime(const Value& v, std::string_view name);
std::vector<std::string> StringList(const Value& v, std::string_view name);
// A Dimensions list ({Name, Value}) in the order given.
Dimensions ReadDimensions(const Value& v, std::string_view name = "Dimensions");
Value DimensionsValue(const Dimensions& dims);
Dimensions Sorted(Dimensions dims);

}  // namespace tw::services::cloudwatch

namespace tw::services::cloudwatch {
// GetMetricData / PutMetricAlarm Metrics queries (metrics_api.cc).
Result<std::vector<MetricQuery>> ReadMetricQueries(const Value* list);
}  // namespace tw::services::cloudwatch
