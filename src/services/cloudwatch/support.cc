// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/support.h"

#include <algorithm>

namespace tw::services::cloudwatch {

AwsError InvalidValue(std::string message) {
  return AwsError::From(ErrorCode::kInvalidParameterValue, std::move(message));
}
AwsError InvalidCombination(std::string message) {
  return AwsError::From(ErrorCode::kInvalidParameterCombination, std::move(message));
}
AwsError Missing(std::string message) {
  return AwsError::From(ErrorCode::kMissingParameter, std::move(message));
}

std::optional<std::string> OptString(const Value& v, std::string_view name) {
  const Value* m = v.Find(name);
  if (!m || !m->is_string()) return std::nullopt;
  return m->as_string();
}
std::optional<std::int64_t> OptInt(const Value& v, std::string_view name) {
  const Value* m = v.Find(name);
  if (!m || !m->is_number()) return std::nullopt;
  return m->is_integer() ? m->as_integer() : static_cast<std::int64_t>(m->as_double());
}
std::optional<double> OptDouble(const Value& v, std::string_view name) {
  const Value* m = v.Find(name);
  if (!m || !m->is_number()) return std::nullopt;
  return m->as_double();
}
std::optional<bool> OptBool(const Value& v, std::string_view name) {
  const Value* m = v.Find(name);
  if (!m || !m->is_bool()) return std::nullopt;
  return m->as_bool();
}
std::optional<std::int64_t> OptTime(const Value& v, std::string_view name) {
  const Value* m = v.Find(name);
  if (!m || !m->is_timestamp()) return std::nullopt;
  return m->as_timestamp().epoch_millis;
}
std::vector<std::string> StringList(const Value& v, std::string_view name) {
  std::vector<std::string> out;
  const Value* m = v.Find(name);
  if (m && m->is_list()) {
    for (const Value& item : m->as_list()) {
      if (item.is_string()) out.push_back(item.as_string());
    }
  }
  return out;
}
Dimensions ReadDimensions(const Value& v, std::string_view name) {
  Dimensions out;
  const Value* m = v.Find(name);
  if (m && m->is_list()) {
    for (const Value& d : m->as_list()) {
      out.emplace_back(std::string(d.GetString("Name")), std::string(d.GetString("Value")));
    }
  }
  return out;
}
Value DimensionsValue(const Dimensions& dims) {
  Value list = Value::MakeList();
  for (const auto& [n, val] : dims) {
    list.Push(Value::MakeStructure({{"Name", n}, {"Value", val}}));
  }
  return list;
}
Dimensions Sorted(Dimensions dims) {
  std::sort(dims.begin(), dims.end());
  return dims;
}

}  // namespace tw::services::cloudwatch
