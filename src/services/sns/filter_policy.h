// SPDX-License-Identifier: Apache-2.0
// Subscription filter policies (AWS SNS Developer Guide, "Amazon SNS message filtering"): the
// basic operators — exact string, exact number, numeric ranges, prefix, suffix,
// equals-ignore-case, anything-but (values or prefix), exists — plus "$or", with top-level keys
// ANDed and each key's conditions ORed, matched case-sensitively against either the message
// attributes (FilterPolicyScope MessageAttributes) or the JSON message body (MessageBody, nested
// keys as nested objects). Anything else is refused when the policy is set, naming the operator.
//
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace tw::services::sns {

struct MessageAttribute {
  std::string data_type;  // String, String.Array, Number, Binary (with optional ".suffix")
  std::string value;      // the string value; base64 for Binary
};
using MessageAttributes = std::map<std::string, MessageAttribute>;

// SNS's filter policy constraints: at most 5 keys and 150 value combinations.
inline constexpr std::size_t kMaxFilterPolicyKeys = 5;
inline constexpr double kMaxFilterPolicyCombinations = 150;

// InvalidParameter naming what is wrong ("Invalid parameter: FilterPolicy: ..."), including the
// key and combination limits.
Status ValidateFilterPolicy(std::string_view policy);
// Nested keys need FilterPolicyScope MessageBody; with MessageAttributes they are refused.
Status ValidateFilterPolicyScope(std::string_view policy, std::string_view scope);
bool MatchesAttributes(std::string_view policy, const MessageAttributes& attributes);
// A body that is not a JSON object matches no policy (AWS filters it out).
bool MatchesBody(std::string_view policy, std::string_view body);

}  // namespace tw::services::sns
