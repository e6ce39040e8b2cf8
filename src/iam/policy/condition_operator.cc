// SPDX-License-Identifier: Apache-2.0
#include "iam/policy/condition_operator.h"

#include <array>
#include <utility>

namespace tw::iam::policy {
namespace {

constexpr std::array<std::pair<std::string_view, BaseOperator>, 27> kOperators{{
    {"StringEquals", BaseOperator::kStringEquals},
    {"StringNotEquals", BaseOperator::kStringNotEquals},
    {"StringEqualsIgnoreCase", BaseOperator::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", BaseOperator::kStringNotEqualsIgnoreCase},
    {"StringLike", BaseOperator::kStringLike},
    {"StringNotLike", BaseOperator::kStringNotLike},
    {"NumericEquals", BaseOperator::kNumericEquals},
    {"NumericNotEquals", BaseOperator::kNumericNotEquals},
    {"NumericLessThan", BaseOperator::kNumericLessThan},
    {"NumericLessThanEquals", BaseOperator::kNumericLessThanEquals},
    {"NumericGreaterThan", BaseOperator::kNumericGreaterThan},
    {"NumericGreaterThanEquals", BaseOperator::kNumericGreaterThanEquals},
    {"DateEquals", BaseOperator::kDateEquals},
    {"DateNotEquals", BaseOperator::kDateNotEquals},
    {"DateLessThan", BaseOperator::kDateLessThan},
    {"DateLessThanEquals", BaseOperator::kDateLessThanEquals},
    {"DateGreaterThan", BaseOperator::kDateGreaterThan},
    {"DateGreaterThanEquals", BaseOperator::kDateGreaterThanEquals},
    {"Bool", BaseOperator::kBool},
    {"BinaryEquals", BaseOperator::kBinaryEquals},
    {"IpAddress", BaseOperator::kIpAddress},
    {"NotIpAddress", BaseOperator::kNotIpAddress},
    {"ArnEquals", BaseOperator::kArnEquals},
    {"ArnLike", BaseOperator::kArnLike},
    {"ArnNotEquals", BaseOperator::kArnNotEquals},
    {"ArnNotLike", BaseOperator::kArnNotLike},
    {"Null", BaseOperator::kNull},
}};

constexpr std::string_view kIfExists = "IfExists";

}  // namespace

std::optional<ConditionOperator> ParseConditionOperator(std::string_view name) {
  ConditionOperator op;
  if (name.starts_with("ForAnyValue:")) {
    op.qualifier = SetQualifier::kForAnyValue;
    name.remove_prefix(12);
  } else if (name.starts_with("ForAllValues:")) {
    op.qualifier = SetQualifier::kForAllValues;
    name.remove_prefix(13);
  }
  for (const auto& [text, base] : kOperators) {
    if (name == text) {
      op.base = base;
      return op;
    }
  }
  // "...IfExists" on any operator except Null ("Condition operators" page: "You can add IfExists
  // to the end of any condition operator name except the Null condition").
  if (name.ends_with(kIfExists)) {
    std::string_view stem = name.substr(0, name.size() - kIfExists.size());
    for (const auto& [text, base] : kOperators) {
      if (stem == text && base != BaseOperator::kNull) {
        op.base = base;
        op.if_exists = true;
        return op;
      }
    }
  }
  return std::nullopt;
}

OperatorFamily FamilyOf(BaseOperator op) {
  switch (op) {
    case BaseOperator::kStringEquals:
    case BaseOperator::kStringNotEquals:
    case BaseOperator::kStringEqualsIgnoreCase:
    case BaseOperator::kStringNotEqualsIgnoreCase:
    case BaseOperator::kStringLike:
    case BaseOperator::kStringNotLike:
      return OperatorFamily::kString;
    case BaseOperator::kNumericEquals:
    case BaseOperator::kNumericNotEquals:
    case BaseOperator::kNumericLessThan:
    case BaseOperator::kNumericLessThanEquals:
    case BaseOperator::kNumericGreaterThan:
    case BaseOperator::kNumericGreaterThanEquals:
      return OperatorFamily::kNumeric;
    case BaseOperator::kDateEquals:
    case BaseOperator::kDateNotEquals:
    case BaseOperator::kDateLessThan:
    case BaseOperator::kDateLessThanEquals:
    case BaseOperator::kDateGreaterThan:
    case BaseOperator::kDateGreaterThanEquals:
      return OperatorFamily::kDate;
    case BaseOperator::kBool:
      return OperatorFamily::kBool;
    case BaseOperator::kBinaryEquals:
      return OperatorFamily::kBinary;
    case BaseOperator::kIpAddress:
    case BaseOperator::kNotIpAddress:
      return OperatorFamily::kIp;
    case BaseOperator::kArnEquals:
    case BaseOperator::kArnLike:
    case BaseOperator::kArnNotEquals:
    case BaseOperator::kArnNotLike:
      return OperatorFamily::kArn;
    case BaseOperator::kNull:
      return OperatorFamily::kNull;
  }
  return OperatorFamily::kString;
}

bool IsNegated(BaseOperator op) {
  switch (op) {
    case BaseOperator::kStringNotEquals:
    case BaseOperator::kStringNotEqualsIgnoreCase:
    case BaseOperator::kStringNotLike:
    case BaseOperator::kNumericNotEquals:
    case BaseOperator::kDateNotEquals:
    case BaseOperator::kNotIpAddress:
    case BaseOperator::kArnNotEquals:
    case BaseOperator::kArnNotLike:
      return true;
    default:
      return false;
  }
}

std::string_view BaseOperatorName(BaseOperator op) {
  for (const auto& [text, base] : kOperators) {
    if (base == op) return text;
  }
  return "?";
}

}  // namespace tw::iam::policy
