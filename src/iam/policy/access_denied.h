// SPDX-License-Identifier: Apache-2.0
// AWS's AccessDenied message text for a denied decision, e.g. "User: arn:aws:iam::123456789012:
// user/bob is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k because no
// identity-based policy allows the s3:GetObject action". The protocol layer wraps it into the
// service's error shape (AccessDenied, AccessDeniedException, ...). Pure; thread-safe.
// Source: IAM User Guide, "Troubleshoot access denied error messages"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html).
#pragma once

#include <string>
#include <string_view>

#include "iam/policy/evaluator.h"

namespace tw::iam::policy {

// Empty for an allowed decision. An empty resource omits the "on resource:" part, as AWS does
// for operations that have none.
std::string AccessDeniedMessage(const EvalResult& result, std::string_view principal_arn,
                                std::string_view action, std::string_view resource);

// "identity-based policy", "permissions boundary", ...: the noun AWS uses for a policy type.
std::string_view PolicyTypeNoun(PolicyType type);

}  // namespace tw::iam::policy
