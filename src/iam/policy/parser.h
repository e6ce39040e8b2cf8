// SPDX-License-Identifier: Apache-2.0
// JSON text -> PolicyDocument. This is IAM's first validation stage ("Syntax errors in policy."):
// well-formed JSON, no duplicate keys, only known elements, the right JSON types, a non-empty
// Statement, known condition operators. Kind-specific rules (Principal allowed or required, actions
// and resources present, ARN formats) are the validator's. Pure; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "iam/policy/document.h"

namespace tw::iam::policy {

// AWS's message for any grammar error; IAM reports no position.
inline constexpr std::string_view kSyntaxErrorMessage = "Syntax errors in policy.";

// A MalformedPolicyDocument error (HTTP 400) with the given message.
AwsError MalformedPolicy(std::string message);

Result<PolicyDocument> ParsePolicyDocument(std::string_view json);

}  // namespace tw::iam::policy
