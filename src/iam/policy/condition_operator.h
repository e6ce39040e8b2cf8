// SPDX-License-Identifier: Apache-2.0
// Condition operator names: "StringEquals", "ForAnyValue:StringLikeIfExists", "Null", ... parsed
// into a base operator, a set qualifier and the IfExists flag. Pure; thread-safe.
// Source: IAM User Guide, "IAM JSON policy elements: Condition operators" and "Multivalued context
// keys"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace tw::iam::policy {

enum class OperatorFamily : std::uint8_t {
  kString,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};

enum class BaseOperator : std::uint8_t {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

enum class SetQualifier : std::uint8_t { kNone, kForAnyValue, kForAllValues };

struct ConditionOperator {
  BaseOperator base = BaseOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;
};

// nullopt for a name IAM does not know (or a combination it rejects, e.g. "NullIfExists").
// Operator names are case-sensitive, as element names are.
std::optional<ConditionOperator> ParseConditionOperator(std::string_view name);

OperatorFamily FamilyOf(BaseOperator op);
// The operators whose result is "matches none of the values": a missing key makes them true.
bool IsNegated(BaseOperator op);
std::string_view BaseOperatorName(BaseOperator op);

}  // namespace tw::iam::policy
