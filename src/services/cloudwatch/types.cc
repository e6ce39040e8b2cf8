// SPDX-License-Identifier: Apache-2.0
#include "services/cloudwatch/types.h"

#include <array>

namespace tw::services::cloudwatch {
namespace {

template <typename E, std::size_t N>
std::optional<E> Lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return {};
}

constexpr std::array<std::pair<AlarmState, std::string_view>, 3> kStates{{
    {AlarmState::kOk, "OK"},
    {AlarmState::kAlarm, "ALARM"},
    {AlarmState::kInsufficientData, "INSUFFICIENT_DATA"},
}};
constexpr std::array<std::pair<Comparison, std::string_view>, 4> kComparisons{{
    {Comparison::kGreaterOrEqual, "GreaterThanOrEqualToThreshold"},
    {Comparison::kGreater, "GreaterThanThreshold"},
    {Comparison::kLess, "LessThanThreshold"},
    {Comparison::kLessOrEqual, "LessThanOrEqualToThreshold"},
}};
constexpr std::array<std::pair<MissingData, std::string_view>, 4> kMissing{{
    {MissingData::kMissing, "missing"},
    {MissingData::kNotBreaching, "notBreaching"},
    {MissingData::kBreaching, "breaching"},
    {MissingData::kIgnore, "ignore"},
}};
constexpr std::array<std::pair<HistoryType, std::string_view>, 3> kHistoryTypes{{
    {HistoryType::kConfigurationUpdate, "ConfigurationUpdate"},
    {HistoryType::kStateUpdate, "StateUpdate"},
    {HistoryType::kAction, "Action"},
}};

}  // namespace

std::string_view StateName(AlarmState state) { return NameOf(kStates, state); }
std::optional<AlarmState> ParseState(std::string_view name) { return Lookup(kStates, name); }
std::string_view ComparisonName(Comparison op) { return NameOf(kComparisons, op); }
std::optional<Comparison> ParseComparison(std::string_view name) {
  return Lookup(kComparisons, name);
}
std::string_view MissingDataName(MissingData mode) { return NameOf(kMissing, mode); }
std::optional<MissingData> ParseMissingData(std::string_view name) {
  return Lookup(kMissing, name);
}
std::string_view HistoryTypeName(HistoryType type) { return NameOf(kHistoryTypes, type); }
std::optional<HistoryType> ParseHistoryType(std::string_view name) {
  return Lookup(kHistoryTypes, name);
}

bool Breaches(double value, Comparison op, double threshold) {
  switch (op) {
    case Comparison::kGreaterOrEqual:
      return value >= threshold;
    case Comparison::kGreater:
      return value > threshold;
    case Comparison::kLess:
      return value < threshold;
    case Comparison::kLessOrEqual:
      return value <= threshold;
  }
  return false;
}

int AlarmConfig::evaluation_period() const {
  if (!is_math()) return period;
  for (const MetricQuery& q : metrics) {
    if (q.return_data && q.period > 0) return q.period;
  }
  int smallest = 0;
  for (const MetricQuery& q : metrics) {
    if (q.period > 0 && (smallest == 0 || q.period < smallest)) smallest = q.period;
  }
  return smallest > 0 ? smallest : 60;
}

std::string AlarmArn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:cloudwatch:" + std::string(region) + ":" + std::string(account) +
         ":alarm:" + std::string(name);
}

}  // namespace tw::services::cloudwatch
